"""Thai keywords and regular expressions of the minutes genre, as named data.

Every pattern runs on *normalised* text (Arabic digits, SARA AM composed, single spaces, tabs kept
as column separators). OCR drops upper vowels and tone marks (``ที่`` → ``ที``, ``เรื่อง`` →
``เรือง``), so keywords are compiled with :func:`tolerant`, which makes those marks optional.
"""

from __future__ import annotations

import re

from pythainlp.util.date import thai_abbr_months, thai_full_months

#: Marks that Tesseract often drops: upper/lower vowels, tone marks, thanthakhat, nikhahit.
_DROPPABLE = set(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d"
)


#: A Thai consonant or leading vowel: where a syllable can begin.
_THAI_BASE = re.compile("[\u0e01-\u0e2e\u0e40-\u0e44]")
#: Classes of marks that OCR confuses with one another: upper vowels, lower vowels, tone marks.
_CONFUSED = (
    set("\u0e34\u0e35\u0e36\u0e37"),  # ิ ี ึ ื
    set("\u0e38\u0e39"),  # ุ ู
    set("\u0e48\u0e49\u0e4a\u0e4b"),  # ่ ้ ๊ ๋
)

#: Consonants OCR reads one for the other (ผู้จต for ผู้จด, วับทราบ for รับทราบ, ลงซื่อ for ลงชื่อ): either matches,
#: never dropped.
_LOOKALIKE_CONSONANTS = (set("ดต"), set("รว"), set("ชซ"))


def tolerant(word: str) -> str:
    """Regex source for ``word`` with droppable Thai marks made optional, each mark matching any
    mark of its class (OCR reads ที่ as ที, ทิ or ที้), a consonant matching its look-alike (ด and
    ต, ร and ว, ช and ซ), and a space allowed where a syllable can begin (OCR reads ประชุม as ประ ชุม).

    >>> [bool(re.fullmatch(tolerant("ระเบียบวาระที่"), s)) for s in ("ระเบียบวาระที", "ระเบียบวาระทิ่")]
    [True, True]
    """
    out = []
    # OCR splits a long word at a syllable ("มติที่ประ ชุม"): in a word of four or more letters a
    # space may come before a consonant or a leading vowel, but not right after a leading vowel
    splittable = len(_THAI_BASE.findall(word)) >= 4
    prev = ""
    for ch in word:
        if splittable and prev and _THAI_BASE.match(ch) and prev not in "เแโใไ ":
            out.append(" ?")
        prev = ch
        cls = next((c for c in _CONFUSED if ch in c), None)
        look = next((c for c in _LOOKALIKE_CONSONANTS if ch in c), None)
        if look:
            out.append("[" + "".join(sorted(look)) + "]")
        elif cls:
            out.append("[" + "".join(sorted(cls)) + "]?")
        elif ch in _DROPPABLE:
            out.append(re.escape(ch) + "?")
        elif ch == " ":
            out.append(r"\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


#: What :func:`tolerant` lets OCR change, removed or made one: droppable marks and whitespace go,
#: each look-alike consonant becomes the first of its class.
_SKELETON = str.maketrans(
    {
        **{ch: None for ch in (*_DROPPABLE, " ", "\t")},
        **{ch: min(cls) for cls in _LOOKALIKE_CONSONANTS for ch in cls},
    }
)


def skeleton(text: str) -> str:
    """``text`` without what :func:`tolerant` ignores: a text its pattern matches has the pattern
    word's skeleton inside its own, so ``skeleton(word) in skeleton(text)`` is a quick test."""
    return text.translate(_SKELETON)


def base_letters(text: str) -> int:
    """Thai consonants and leading vowels in ``text``: how long a word is to OCR."""
    return len(_THAI_BASE.findall(text))


def _alt(*words: str) -> str:
    return "(?:" + "|".join(tolerant(w) for w in sorted(words, key=len, reverse=True)) + ")"


BULLET = r"(?:[-–•*·]\s*)"  # a leading dash or bullet before a marker
SEP = r"\s*[:：\-–]?\s*"  # optional colon or dash after a marker

# --- Agenda -------------------------------------------------------------------------------------
#: ระเบียบวาระที่ ๑ / วาระที่ 1 / ระเบียบวาระ ๑: title on the same line (optionally after เรื่อง).
AGENDA_HEADING = re.compile(
    rf"^{BULLET}?{_alt('ระเบียบวาระที่', 'ระเบียบวาระ', 'วาระที่', 'วาระ')}\s*(\d{{1,2}})(?!\d|\.\d)"
    rf"{SEP}(?P<title>.*)$"
)
#: The heading as OCR damages it: a speck read before it, ระ lost, marks added or lost, a space
#: inside ("Je เบี้ยบวาระ ที่ 2 เรื่อง...").
AGENDA_HEADING_DAMAGED = re.compile(
    r"^(?:\S{1,3}\s+)?(?:ระ)?เ[บป][\u0e31-\u0e4e]{0,3}ยบ\s?วาระ\s*ท[\u0e31-\u0e4e]{0,3}\s*"
    rf"(\d{{1,2}})(?!\d|\.\d){SEP}(?P<title>.*)$"
)
#: The word เรื่อง that introduces an agenda title ("เรื่อง ประธานแจ้ง..."), followed by a space.
SUBJECT_PREFIX = re.compile(rf"^{tolerant('เรื่อง')}(?:\s*[:：]\s*|\s+)")
#: A title line that begins with เรื่อง, for headings whose title is on the next line.
SUBJECT_LINE = re.compile(rf"^{tolerant('เรื่อง')}")
#: Dotted sub-item numbers: "3.1 ...", "3.3.1 ...", "4.2) ...".
DOTTED_NUMBER = re.compile(
    r"^" + BULLET + r"?(\d{1,2}(?:\.\d{1,2})+)\.?\)?(?:\s+|(?=[^\d\s.,]))(?P<title>.*)$"
)
#: A list marker "2) ..." or "(2) ..." or "2. ..." (not "2.5").
PAREN_LIST = re.compile(r"^\(?(\d{1,2})\)\s*(?P<rest>.*)$")
DOT_LIST = re.compile(r"^(\d{1,2})\.(?!\d)\s*(?P<rest>.*)$")

# --- Resolutions ----------------------------------------------------------------------------------
#: มติที่ประชุม / มติ: / ที่ประชุมมีมติ / ที่ประชุมพิจารณาแล้วมีมติ / ที่ประชุม - ..., the text may follow.
RESOLUTION_MARKER = re.compile(
    rf"^{BULLET}?(?:{_alt('มติที่ประชุม', 'ที่ประชุมมีมติ', 'ที่ประชุมพิจารณาแล้วมีมติ', 'ที่ประชุมพิจารณาแล้ว')}"
    rf"|{tolerant('มติ')}(?=\s|[:：\-]|$)"
    # "ที่ประชุม - รับทราบ", or ที่ประชุม alone on a line with the decision on the next
    rf"|{tolerant('ที่ประชุม')}(?=\s*[:：\-–]\s*\S|\s*[:：\-–]?\s*$)){SEP}(?P<text>.*)$"
)
#: A line holding nothing but a decision ("รับทราบ", "-รับทราบ-", "ที่ประชุมรับทราบ"), read as an
#: unmarked resolution when it closes an item's text.
BARE_RESOLUTION = re.compile(
    rf"^{BULLET}?(?:{tolerant('ที่ประชุม')}\s*)?"
    rf"{_alt('รับทราบ', 'เห็นชอบ', 'อนุมัติ', 'รับรองรายงานการประชุม', 'รับรอง')}"
    rf"(?:\s*{_alt('ตามที่เสนอ', 'ตามเสนอ', 'โดยไม่มีการแก้ไข', 'ไม่มีการแก้ไข')})?\s*[-.]?\s*$"
)
KIND_REJECTED = re.compile(_alt("ไม่อนุมัติ", "ไม่เห็นชอบ", "ไม่รับรอง", "ไม่เห็นด้วย"))
KIND_CERTIFIED = re.compile(
    _alt("รับรองรายงานการประชุม", "รับรองรายงาน", "รับรองบันทึกการประชุม") + "|^" + tolerant("รับรอง")
)
KIND_ASSIGNED = re.compile(_alt("มอบหมาย", "มอบ"))
KIND_APPROVED = re.compile(rf"(?<!ไม่){_alt('เห็นชอบ', 'อนุมัติ', 'เห็นด้วย')}")
KIND_ACKNOWLEDGED = re.compile(_alt("รับทราบ", "ทราบ"))


def _votes(*words: str, lookbehind: str = "") -> re.Pattern[str]:
    """A count of votes after one of ``words``: "เห็นชอบ 15 เสียง", "งดออกเสียง จำนวน 1 เสียง"."""
    return re.compile(rf"{lookbehind}{_alt(*words)}\s*(?:จำนวน\s*)?(\d+)\s*{tolerant('เสียง')}")


#: Votes: "เห็นชอบ 15 เสียง ไม่เห็นชอบ 2 เสียง งดออกเสียง 1 เสียง".
VOTES_FOR = _votes("เห็นชอบ", "เห็นด้วย", "อนุมัติ", "รับรอง", lookbehind="(?<!ไม่)")
VOTES_AGAINST = _votes("ไม่เห็นชอบ", "ไม่เห็นด้วย", "ไม่อนุมัติ", "ไม่รับรอง")
VOTES_ABSTAIN = _votes("งดออกเสียง", "งดเว้นการออกเสียง", "ไม่ออกเสียง")
#: "ด้วยคะแนนเสียง 6 เสียง": the votes for a decision stated without a verb.
VOTES_SCORE = _votes("คะแนนเสียง", "คะแนนเสียงเห็นชอบ")
UNANIMOUS = re.compile(_alt("เป็นเอกฉันท์", "เอกฉันท์"))

# --- Attendance -----------------------------------------------------------------------------------
#: A heading of an attendance list: short, mentions ประชุม, optionally a count "(19 คน)".
ATTENDANCE_HEADING = re.compile(
    rf"^(?:รายชื่อ)?(?P<who>[^\d\t]{{0,30}}?)(?P<verb>{_alt('ไม่มาประชุม', 'ไม่เข้าประชุม', 'ไม่ได้เข้าประชุม', 'ลาประชุม', 'ขาดประชุม', 'เข้าร่วมประชุม', 'ร่วมประชุม', 'มาประชุม', 'เข้าประชุม')})"
    r"\s*(?:\(?\s*(?:จำนวน\s*)?\d+\s*(?:คน|ราย|ท่าน)\s*\)?)?\s*[:：]?[\s.,'`]*$"  # OCR specks after
)
ABSENT_VERB = re.compile(
    _alt("ไม่มา", "ไม่เข้า", "ไม่ได้เข้า", "ลาประชุม", "ขาด") + "|^" + tolerant("ผู้ลา")
)
OTHER_VERB = re.compile(_alt("เข้าร่วมประชุม", "ร่วมประชุม"))
#: A numbered attendee line: "1. นายเอกวิทย์ มีเพียร ..." or "1) ...".
ATTENDEE_LINE = re.compile(r"^\(?(\d{1,3})\s*[.)]\s*(?P<rest>\S.*)$")
#: Reasons for absence written after the name: ติดราชการ, ลาป่วย, ลากิจ.
ABSENCE_REASON = re.compile(
    rf"\s*\(?({_alt('ติดราชการ', 'ติดภารกิจ', 'ลาป่วย', 'ลากิจ', 'ลาพักผ่อน', 'ไปราชการ')}[^\s)]*)\)?\s*$"
)
#: Name prefixes, longest first; compound ranks are stripped repeatedly ("ผศ.ดร.").
NAME_PREFIXES = tuple(
    sorted(
        {
            "นาย",
            "นาง",
            "นางสาว",
            "น.ส.",
            "ด.ช.",
            "ด.ญ.",
            "คุณ",
            "ดร.",
            "ศ.",
            "รศ.",
            "ผศ.",
            "ศาสตราจารย์",
            "รองศาสตราจารย์",
            "ผู้ช่วยศาสตราจารย์",
            "อาจารย์",
            "อ.ดร.",
            "นพ.",
            "พญ.",
            "ทพ.",
            "ทพญ.",
            "ภก.",
            "ภญ.",
            "สพ.ญ.",
            "น.สพ.",
            "ว่าที่ร้อยตรี",
            "ว่าที่ร้อยโท",
            "ว่าที่ร้อยเอก",
            "ว่าที่ ร.ต.",
            "ว่าที่ร.ต.",
            "ว่าที่ ร.ท.",
            "ว่าที่ร.ท.",
            "ร.ต.",
            "ร.ท.",
            "ร.อ.",
            "พ.ต.",
            "พ.ท.",
            "พ.อ.",
            "พล.ต.",
            "พล.ท.",
            "พล.อ.",
            "ร.ต.ต.",
            "ร.ต.ท.",
            "ร.ต.อ.",
            "พ.ต.ต.",
            "พ.ต.ท.",
            "พ.ต.อ.",
            "พล.ต.ต.",
            "พล.ต.ท.",
            "พล.ต.อ.",
            "ส.ต.ต.",
            "ส.ต.ท.",
            "ส.ต.อ.",
            "จ.ส.ต.",
            "ด.ต.",
            "จ.ส.อ.",
            "จ.ส.ท.",
            "ส.อ.",
            "ส.ท.",
            "ส.ต.",
            "จ.อ.",
            "จ.ท.",
            "จ.ต.",
            "พ.จ.อ.",
            "ร้อยตรี",
            "ร้อยโท",
            "จ่าสิบเอก",
            "จ่าสิบโท",
            "จ่าสิบตรี",
            "สิบเอก",
            "สิบโท",
            "สิบตรี",
            "ร้อยตำรวจตรี",
            "ร้อยตำรวจโท",
            "ร้อยตำรวจเอก",
            "พันตำรวจตรี",
            "พันตำรวจโท",
            "พันตำรวจเอก",
            "ดาบตำรวจ",
            "จ่าเอก",
            "พันจ่าเอก",
            "เรือตรี",
            "เรือโท",
            "เรือเอก",
            "นาวาตรี",
            "นาวาโท",
            "นาวาเอก",
            "ว่าที่ร้อยตรีหญิง",
            "ร้อยเอก",
            "พันตรี",
            "พันโท",
            "พันเอก",
            "พระ",
            "พระครู",
            "พระมหา",
        },
        key=len,
        reverse=True,
    )
)
#: Roles written in a column of their own at the end of an attendee line.
ATTENDEE_ROLES = (
    "ประธานกรรมการ",
    "ประธาน",
    "รองประธานกรรมการ",
    "รองประธาน",
    "กรรมการและเลขานุการ",
    "กรรมการและผู้ช่วยเลขานุการ",
    "ผู้ช่วยเลขานุการ",
    "เลขานุการ",
    "กรรมการ",
    "ที่ปรึกษา",
    "อนุกรรมการ",
)
STAND_IN = re.compile(r"^(?:ผู้)?แทน\s*(?P<office>\S.*)$")

# --- Header ---------------------------------------------------------------------------------------
MINUTES_TITLE = re.compile(
    rf"^{_alt('รายงานการประชุม', 'บันทึกการประชุม', 'บันทึกรายงานการประชุม', 'สรุปรายงานการประชุม', 'สรุปผลการประชุม')}"
)
MEETING_NO = re.compile(rf"{tolerant('ครั้งที่')}\s*(\d{{1,3}})(?:\s*/\s*(\d{{4}}))?")
SESSION_NO = re.compile(
    rf"{tolerant('สมัย')}(?P<kind>{_alt('สามัญ', 'วิสามัญ')})?\s*(?:{tolerant('สมัยที่')}\s*(\d+))?"
)
YEAR_OF = re.compile(
    rf"{tolerant('ประจำปี')}(?:{tolerant('งบประมาณ')})?\s*(?:พ\.\s*ศ\.\s*)?(\d{{4}})"
)
_MONTHS = "|".join(
    re.escape(m)
    for m in sorted(
        [*thai_full_months, *thai_abbr_months, *(m.replace(".", "") for m in thai_abbr_months)],
        key=len,
        reverse=True,
    )
)
THAI_DATE = re.compile(
    rf"(?:{tolerant('วัน')}\S{{0,10}}?{tolerant('ที่')}\s*)?(?P<day>\d{{1,2}})\s*(?:{tolerant('เดือน')}\s*)?"
    # the era: พ.ศ., or two letters with points that OCR made of it ("W.A.")
    rf"(?P<month>{_MONTHS})\s*(?:พ\s*\.?\s*ศ\s*\.?\s*|\S\.\s?\S\.\s*)?(?P<year>\d{{4}})"
)
#: Thai weekday names, Monday first (``datetime.date.weekday()`` order).
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
WEEKDAY = re.compile(
    tolerant("วัน")
    + "(?:"
    + "|".join(
        f"(?P<d{i}>{tolerant(name)}{'|' + tolerant('พฤหัส') if i == 3 else ''})"
        for i, name in enumerate(WEEKDAYS)
    )
    + ")"
)
VENUE = re.compile(
    rf"^(?:ณ|{tolerant('สถานที่ประชุม')}|{tolerant('สถานที่')})\s*[:：]?\s*(?P<venue>\S.*)$"
)
TIME = re.compile(r"(?P<h>\d{1,2})\s*[.:]\s*(?P<m>\d{2})\s*(?:น\s*\.?|นาฬิกา)")
START_TIME = re.compile(rf"{_alt('เริ่มประชุม', 'เปิดประชุม', 'เริ่มการประชุม', 'เปิดการประชุม')}")
END_TIME = re.compile(
    rf"(?<!เ){_alt('เลิกประชุม', 'ปิดประชุม', 'ปิดการประชุม', 'เลิกการประชุม')}"
)  # not เปิดประชุม
SIGNATURE = re.compile(rf"{_alt('ลงชื่อ', 'ลงนาม')}")
RECORDER = re.compile(
    rf"{_alt('ผู้จดบันทึก', 'ผู้จดรายงาน', 'ผู้บันทึก', 'ผู้บันทึกรายงาน', 'ผู้จดบันทึกรายงาน', 'ผู้จดรายงานการประชุม', 'ผู้จัดบันทึก', 'ผู้จัดทำรายงาน', 'ผู้สรุป')}"
)
REVIEWER = re.compile(rf"{_alt('ผู้ตรวจรายงาน', 'ผู้ตรวจบันทึก', 'ผู้ตรวจสอบ', 'ผู้ตรวจ', 'ผู้รับรองรายงาน')}")
NAME_IN_PARENS = re.compile(r"^\(\s*(?P<name>[^()]{3,60}?)\s*\)$")

# --- Speakers -------------------------------------------------------------------------------------
#: Role words of a speaker label. The label is matched after stripping "ฯ" and spaces.
CHAIR_LABEL = re.compile(
    rf"^{_alt('ประธาน', 'ประธานกรรมการ', 'ประธานที่ประชุม', 'ประธานสภา', 'ประธานคณะกรรมการ', 'ประธานคณะทำงาน')}\S{{0,30}}$"
)
SECRETARY_LABEL = re.compile(
    rf"^{_alt('เลขานุการ', 'เลขา', 'ฝ่ายเลขานุการ', 'ฝ่ายเลขา', 'เลขาธิการ', 'กรรมการและเลขานุการ', 'เลขานุการสภา', 'เลขานุการที่ประชุม')}"
)
MEMBER_LABEL = re.compile(
    rf"^{_alt('สมาชิก', 'กรรมการ', 'ส.อบต.', 'ส.ท.', 'ส.จ.', 'สท.', 'ผู้แทน', 'ตัวแทน', 'คณะทำงาน')}"
)
#: The chair's bare titles: a label that is one of these names the meeting's chair.
CHAIR_WORDS = frozenset(
    ("ประธาน", "ประธานกรรมการ", "ประธานที่ประชุม", "ประธานสภา", "ประธานคณะกรรมการ", "ประธานคณะทำงาน")
)
#: A turn reported in the third person: "ประธานแจ้งว่า ...", "รองคณบดีฝ่ายวิชาการนำเสนอว่า ...",
#: "นายวีระ คงสุข สอบถามว่า ...": the speaker (up to three words, no "ได้") before a speech verb.
NARRATIVE_TURN = re.compile(
    r"^(?P<label>(?:(?!ได้)[^\s\d(\-–•:])+?(?: (?:(?!ได้)[^\s\d(\-–•:])+?){0,2}?) ?(?:ได้)?"
    rf"(?P<text>{_alt('แจ้ง', 'นำเสนอ', 'เสนอ', 'ชี้แจง', 'รายงาน', 'กล่าว', 'สรุป', 'ให้ข้อสังเกต', 'ให้ข้อเสนอแนะ', 'อภิปราย', 'สอบถาม', 'ตอบ')}.*)$"
)
#: Offices often written as labels; a short line of these is a speaker label even without "ฯ".
LABEL_OFFICE = re.compile(
    rf"^(?:{_alt('ประธาน', 'รองประธาน', 'เลขานุการ', 'ฝ่ายเลขานุการ', 'ฝ่ายเลขา', 'นายก', 'รองนายก', 'ปลัด', 'ผู้อำนวยการ', 'ผอ.', 'หัวหน้า', 'ผู้แทน', 'ตัวแทน', 'สมาชิก', 'ส.อบต.', 'ส.ท.', 'กรรมการ', 'คณบดี', 'อธิการบดี', 'ผู้ว่าราชการ', 'นายอำเภอ', 'ที่ปรึกษา', 'บริษัท', 'สำนักงาน', 'กอง', 'งาน', 'ฝ่าย', 'สภา')})"
)
#: How an office or a group that can be given a task begins: an office a label can name, or a
#: unit, a school, a hospital... ("ครูผู้รับผิดชอบ", "หลักสูตรวิทยาการคอมพิวเตอร์").
ASSIGNEE_HEAD = re.compile(
    rf"{LABEL_OFFICE.pattern}|^{_alt('สำนัก', 'กลุ่ม', 'หน่วย', 'คณะ', 'ครู', 'หลักสูตร', 'เจ้าหน้าที่', 'ผู้', 'สาขา', 'ศูนย์', 'โรงเรียน', 'องค์การ', 'เทศบาล', 'อบต.', 'ส่วน', 'แผนก', 'ทีม', 'อนุกรรมการ', 'สถานี', 'โรงพยาบาล')}"
)
#: Abbreviations that name the same office; applied to labels and assignees.
OFFICE_ALIASES = {
    "ฝ่ายเลขาฯ": "ฝ่ายเลขานุการ",
    "ฝ่ายเลขา": "ฝ่ายเลขานุการ",
    "เลขาฯ": "เลขานุการ",
    "ผอ.": "ผู้อำนวยการ",
    "รอง ผอ.": "รองผู้อำนวยการ",
    "นายกฯ": "นายก",
    "ประธานฯ": "ประธาน",
}

# --- Money ----------------------------------------------------------------------------------------
#: An amount: "680,620 บาท", "2,900,000.50 บาท", "432.30 ล้านบาท", "1.5 แสนบาท"; the separators
#: OCR damages are read too and flagged by the extractor.
AMOUNT = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:(?:,| ,|, )\d{3})+(?:\.\d{1,2})?"  # a space OCR put beside a comma
    # "85.400.000 บาท": commas OCR read as points (satang have two digits, so three after a
    # point are thousands); not before a scale word ("1.500 ล้านบาท")
    r"|\d{1,3}(?:\.\d{3})+(?![\d.,])(?!\s*(?:ล้าน|แสน|หมื่น|พัน))"
    r"|\d+(?:\.\d{1,2})?"
    # anything else of digits and separators before บาท ("2015.000 บาท" for ๒๖๔,๐๐๐, "10,00"):
    # OCR misread a digit or a separator; the extractor keeps the digits and flags the amount
    r"|\d+(?:[.,]\d+)+)\s*"
    r"(?P<scale>ล้าน|แสน|หมื่น|พัน)?\s*(?P<unit>บาท)(?P<after>\S{0,12})"
)
#: A number written as numbers are: thousands grouped by commas or not at all, two satang digits.
WELL_FORMED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?")
SCALE = {"ล้าน": 1_000_000, "แสน": 100_000, "หมื่น": 10_000, "พัน": 1_000, None: 1}
#: Digits and a point just before an amount's number, mid-sentence ("จำนวน 1. 2 ล้านบาท"): OCR
#: broke the number at its point; not at the start of a line, where "1." is a list number.
SPLIT_NUMBER = re.compile(r"(?<=\S\s)(\d{1,3})[.,]\s+$")
_FIRST_NUMBER_WORD = r"(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่)"  # how a numeral begins
_NUMBER_WORD = rf"(?:{_FIRST_NUMBER_WORD}|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน)"
#: An amount written only in words: "สองล้านบาทถ้วน", "หนึ่งแสนห้าพันบาทห้าสิบสตางค์"; it starts
#: with a digit word (a bare "ล้านบาท" follows digits and is read with them).
AMOUNT_WORDS_ONLY = re.compile(
    rf"(?<![\d.,])(?<![\d.,]\s)(?P<words>{_FIRST_NUMBER_WORD}{_NUMBER_WORD}*)"
    rf"(?P<unit>บาท)(?:ถ้วน|(?P<satang>{_NUMBER_WORD}+)สตางค์)?"
)
#: The amount spelled out in brackets right after it: "๓๕๐,๐๐๐ บาท (สามแสนห้าหมื่นบาทถ้วน)"
#: (used with ``match`` at the end of the amount).
AMOUNT_IN_WORDS = re.compile(
    r"\s*[(（]\s*(?P<words>[\u0e01-\u0e4e\s]*?บาท[\u0e01-\u0e4e\s]*?)\s*[)）]"
)
#: Words right after "บาท" that make it a price per unit ("บาทต่อกิโลกรัม", "บาท/คน").
UNIT_PRICE_AFTER = re.compile(r"^\s*(?:ต่อ|/|ละ)")
#: A classifier+ละ just before the number ("หวีละ 40 - 45 บาท", "คนละ 500 บาท").
UNIT_PRICE_BEFORE = re.compile(r"(?:\S+ละ|ราคา\S{0,12}?(?:ละ)|ต่อ\S*)\s*(?:\d[\d,.]*\s*[-–]\s*)?$")
#: "ปีงบประมาณ 2564", "ประจำปีงบประมาณ พ.ศ. 2566", "ประจำปี พ.ศ. 2564".
FISCAL_YEAR = re.compile(
    rf"{_alt('ปีงบประมาณ', 'ประจำปี')}\s*(?:{tolerant('งบประมาณ')})?\s*(?:พ\.\s*ศ\.\s*)?(?P<year>25\d\d)"
)
#: Only an explicit ปีงบประมาณ (not a plain ประจำปี) names the fiscal year in an item's title.
FISCAL_YEAR_EXPLICIT = re.compile(rf"{tolerant('ปีงบประมาณ')}\s*(?:พ\.\s*ศ\.\s*)?(?P<year>25\d\d)")
#: A purpose before the amount: a project, an activity or a cost ("ค่าวัสดุ", also after
#: สมทบ / อุดหนุน / จ่าย / เป็น); "โครงการทั้งหมด 12 โครงการ" counts projects and names none.
PURPOSE_BEFORE = re.compile(
    r"((?:โครงการ|กิจกรรม)(?!ทั้งหมด|ต่าง|ละ|ที่)\S+"
    r"|(?:^|(?<=\s)|(?<=สมทบ)|(?<=อุดหนุน)|(?<=จ่าย)|(?<=เป็น))ค่า\S+)"
)
#: A purpose after the amount: "เพื่อขุดลอกคลอง", "ไปตั้งจ่ายเป็นค่าจัดซื้อ...", "เป็นค่าตอบแทน", "สำหรับ...".
PURPOSE_AFTER = re.compile(
    r"^\s*(?:\(\S[^)]*\)\s*)?(?:เพื่อ|ไปตั้งจ่ายเป็น|ไปตั้งจ่ายใน|สำหรับ|เป็น(?=ค่า))(?P<purpose>\S+)"
)
#: Words that open a new clause: a purpose after an amount, written without a space before the
#: next clause (where a line wrapped), ends before them ("เพื่อดำเนินงานแพทย์แผนไทยปัจจุบันยังขาด...").
CLAUSE_OPENERS = frozenset(
    ("ซึ่ง", "โดย", "ทั้งนี้", "เนื่องจาก", "เพราะ", "ปัจจุบัน", "ขณะนี้", "แต่", "จึง", "อย่างไรก็ตาม")
)
#: An agenda title that names a project or activity.
PROJECT_TITLE = re.compile(r"^(?:โครงการ|กิจกรรม)\S")
#: The words that glue a purpose to its amount ("...ชุมชนงบประมาณ 50,000 บาท").
PURPOSE_TRAILERS = re.compile(
    rf"(?:{_alt('งบประมาณ', 'จำนวนเงิน', 'เป็นเงิน', 'วงเงิน', 'จำนวน', 'รวม')})+$"
)

# --- Assignments ----------------------------------------------------------------------------------
#: "มอบหมายให้ฝ่ายเลขาฯ ไปดูเพิ่มเติม", "มอบหมายฝ่ายเลขานุการ ดำเนินการ...".
ASSIGN = re.compile(rf"{tolerant('มอบหมาย')}(?:{tolerant('ให้')})?\s*(?P<rest>\S.*)$")
#: Words that begin the task after the assignee.
TASK_START = (
    "ได้",
    "ไป",
    "ดำเนินการ",
    "จัดทำ",
    "จัดส่ง",
    "เร่ง",
    "พิจารณา",
    "ประสาน",
    "รวบรวม",
    "ตรวจสอบ",
    "สำรวจ",
    "ติดตาม",
    "รายงาน",
    "แจ้ง",
    "นำ",
    "ศึกษา",
    "ทบทวน",
    "เสนอ",
    "จัด",
    "กลับไป",
    "ดูแล",
    "เพิ่ม",
    "ปรับ",
    "แก้ไข",
    "ซ่อม",
    "จัดหา",
    "จัดซื้อ",
    "เตรียม",
    "ประชาสัมพันธ์",
    "ประเมิน",
    "สรุป",
    "ส่ง",
    "ประกาศ",
    "ชี้แจง",
    "ทำ",
    "ดำเนิน",
)
#: A softer assignment, taken from resolutions only: "โดยให้ฝ่ายวิชาการเพิ่ม...", "ขอให้ครู...
#: รายงาน...", "ฝากกองช่างตรวจสอบ...". The assignee must look like an office or a person.
ASSIGN_SOFT = re.compile(
    rf"(?:{tolerant('ขอให้')}|{tolerant('ฝาก')}(?:ให้)?|(?:(?<=โดย)|(?<=\s)|^)ให้)\s*(?P<rest>\S.*)$"
)
#: A deadline: "ภายในวันที่ 30 กันยายน 2565", "ภายในเดือนมีนาคม", "ในการประชุมครั้งต่อไป".
DUE = re.compile(
    rf"(?P<due>{tolerant('ภายใน')}\s*(?:{tolerant('วันที่')}\s*)?\S+(?:\s+\S+){{0,3}}"
    rf"|{tolerant('ในการประชุม')}\S*\s*{tolerant('ครั้งต่อไป')}|{tolerant('ก่อนการประชุม')}\S*\s*{tolerant('ครั้งต่อไป')})"
)


#: Thai digits Tesseract's Thai model reads as another digit, seen on the scanned samples
#: (true digit → what was read): ๔→๕ most of all, ๖→๐ or ๒, ๗→๓ or ๐, ๘→๕, ๙→๕, ๑→๙.
DIGIT_MISREADS: dict[str, str] = {"1": "9", "4": "5", "6": "02", "7": "03", "8": "5", "9": "5"}


def misread_digits(true: int | str, read: str) -> bool:
    """Could OCR have read the number ``true`` as ``read``: same length, every digit either
    right or one of the known misreads of the true digit, at least one misread?

    >>> misread_digits(4, "5"), misread_digits(16, "12"), misread_digits(4, "7"), misread_digits(4, "4")
    (True, True, False, False)
    """
    want = str(true)
    if len(want) != len(read) or want == read:
        return False
    return all(r == w or r in DIGIT_MISREADS.get(w, "") for w, r in zip(want, read, strict=True))
