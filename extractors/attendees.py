"""Attendee lines: "1. นายเอกวิทย์<TAB>มีเพียร<TAB>รองผู้ว่าราชการจังหวัด<TAB>ประธาน"."""

from __future__ import annotations

import re
from functools import cache

from extractors import patterns as P
from pipeline.model import AttendanceStatus, Attendee, Span

_PERSONAL = ("นาย", "นาง", "นางสาว", "น.ส.", "ด.ช.", "ด.ญ.")


def heading_status(text: str) -> AttendanceStatus | None:
    """The status an attendance heading announces, or None if ``text`` is not one.

    >>> heading_status("คณะทำงานไม่เข้าประชุม"), heading_status("ผู้เข้าร่วมประชุม")
    (<AttendanceStatus.ABSENT: 'absent'>, <AttendanceStatus.OTHER: 'other'>)
    """
    m = P.ATTENDANCE_HEADING.match(text.strip())
    if not m:
        return None
    heading = m["who"] + m["verb"]
    if P.ABSENT_VERB.search(heading):
        return AttendanceStatus.ABSENT
    if P.OTHER_VERB.search(heading):
        return AttendanceStatus.OTHER
    return AttendanceStatus.PRESENT


#: A role column: a role word, optionally followed by the body's name ("เลขานุการสภา").
_ROLE_CELL = re.compile(
    rf"^(?:{'|'.join(sorted(P.ATTENDEE_ROLES, key=len, reverse=True))})\S{{0,30}}$"
)
#: Offices that begin like a name prefix: "นายกเทศมนตรี" is not นาย + กเทศมนตรี.
_OFFICE_NOT_NAME = re.compile(
    r"^นายก(?:เทศมนตรี|องค์การ|\s*อบต|รัฐมนตรี|สมาคม|สภา)|^นายอำเภอ|^นายทะเบียน|^นายช่าง"
)
#: Titles of monks, whose names have no surname.
_NO_SURNAME = re.compile(r"^พระ")
#: How a position begins when it follows a name directly.
_POSITION_START = re.compile(
    rf"^(?:{'|'.join(sorted(P.ATTENDEE_ROLES, key=len, reverse=True))}|เจ้าอาวาส)|{P.LABEL_OFFICE.pattern}"
)
#: How the positions in an attendance list begin, more widely: offices, units, and the civil
#: service's ranks (นักวิชาการ..., เจ้าหน้าที่..., ผู้ทรงคุณวุฒิ, แทน...).
_POSITION_LIKE = re.compile(rf"{_POSITION_START.pattern}|{P.ASSIGNEE_HEAD.pattern}|^(?:นัก|แทน)")


def position_like(cell: str) -> bool:
    """Does a cell of an attendance row begin like a position rather than a surname?"""
    return bool(_POSITION_LIKE.match(cell.strip()))


#: Prefixes compiled to tolerate OCR-dropped marks ("ว่าทีร้อยตรี"), longest first.
_PREFIXES = [(pre, re.compile(P.tolerant(pre))) for pre in P.NAME_PREFIXES]
#: An attendee line whose number OCR misread ("cn. นายพงษ์เทพ"): accepted when a name prefix follows.
_DAMAGED_NUMBER = re.compile(r"^\S{1,4}[.)]\s*(?P<rest>\S.*)$")


def split_prefix(name: str) -> tuple[str | None, str]:
    """Split ranks and titles off a name: ``"ผศ.ดร.สมชาย" -> ("ผศ.ดร.", "สมชาย")``.

    The prefix is returned as written in the list of prefixes (an OCR-damaged "ว่าทีร้อยตรี" gives
    "ว่าที่ร้อยตรี")."""
    prefix = ""
    rest = name.strip()
    for _ in range(4):
        found = next(
            (
                (pre, m.end())
                for pre, rx in _PREFIXES
                if (m := rx.match(rest)) and m.end() < len(rest)
            ),
            None,
        )
        if found is None:
            break
        pre, end = found
        # a word title keeps its space before the next ("รองศาสตราจารย์ ดร."); "ผศ.ดร." has none
        prefix += (" " if prefix and not prefix.endswith(".") else "") + pre
        rest = rest[end:].lstrip()
        if pre in _PERSONAL:
            break
    return (prefix or None), rest


@cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """pythainlp's Thai given names (male and female) and family names."""
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    return frozenset(thai_male_names() | thai_female_names()), frozenset(thai_family_names())


#: Where a word can begin: a consonant or a leading vowel (not a mark, not a following vowel).
_WORD_START = re.compile(r"[ก-ฮเแโใไ]")


def split_glued_name(word: str, strict: bool = True) -> tuple[str, str] | None:
    """Split a given name and a family name written as one word, using pythainlp's name lists:
    ``split_glued_name("กมลวรรณเพชรรัตน์") -> ("กมลวรรณ", "เพชรรัตน์")``.

    The head must be a known given name, and (``strict``) the tail a known family name; without
    ``strict`` (the word fills a name cell of its own) any tail of three or more letters will do.
    A word that is itself a known given name is not split. None when no split is found."""
    given, family = _names()
    if len(word) < 5 or word in given:
        return None
    found = None
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        if head not in given or not _WORD_START.match(tail):
            continue
        if tail in family:
            return head, tail  # the shortest given name whose rest is a family name
        if not strict and len(tail) >= 3 and found is None:
            found = (head, tail)
    return found


def parse_attendee(text: str, seq: int, status: AttendanceStatus, span: Span) -> Attendee | None:
    """Parse an attendee line: numbered ("1. นายเอกวิทย์ ..."), numbered with a number OCR
    misread, or unnumbered when it starts with a name prefix; None if ``text`` is not one."""
    text = text.strip()
    m = P.ATTENDEE_LINE.match(text)
    if m is None and (damaged := _DAMAGED_NUMBER.match(text)) and split_prefix(damaged["rest"])[0]:
        m = damaged
    if m:
        rest = m["rest"]
    elif split_prefix(text)[0] and not _OFFICE_NOT_NAME.match(text) and len(text.split()) >= 2:
        rest = text
    else:
        return None
    rest = rest.strip()
    note = None
    if status is AttendanceStatus.ABSENT and (r := P.ABSENCE_REASON.search(rest)):
        note, rest = r[1], rest[: r.start()].rstrip()
    prefix, rest = split_prefix(rest)
    # Columns are separated by tabs when the layout had them; first and last names are single
    # words in any case, so whatever follows them (in their cell or the next) is the position.
    cells = [c.strip() for c in re.split(r"\t+", rest) if c.strip()]
    tokens = " ".join(cells[:1]).split(" ")
    # a name cell of one word followed by a position cell: the space between given and family
    # name was lost where the cell wrapped (or OCR lost it): "กมลวรรณเพชรรัตน์"
    if (
        len(tokens) == 1
        and len(cells) > 1
        and _POSITION_START.match(cells[1])
        and (glued := split_glued_name(tokens[0], strict=False))
    ):
        tokens = list(glued)
    first = tokens[0] or None
    rest_cells = ([" ".join(tokens[1:])] if len(tokens) > 1 else []) + cells[1:]
    last = None
    if rest_cells:
        head, _, more = rest_cells[0].partition(" ")
        # a monk's name (พระครูสุนทรธรรมโกวิท) has no surname: an office word there is the position
        if not (_NO_SURNAME.match(prefix or "") and _POSITION_START.match(head)):
            last = head
            rest_cells = ([more] if more else []) + rest_cells[1:]
    position_cells = rest_cells
    role = None
    if len(position_cells) > 1 and _ROLE_CELL.match(position_cells[-1]):
        role = position_cells.pop()  # a column of its own: "เลขานุการ", "เลขานุการสภา"
    elif position_cells:
        tokens = position_cells[-1].rsplit(" ", 1)
        if tokens[-1] in P.ATTENDEE_ROLES and len(tokens) > 1:
            role = tokens[-1]
            position_cells[-1] = tokens[0]
    position = " ".join(c for c in position_cells if c).strip() or None
    if role is None and position in P.ATTENDEE_ROLES:
        role = position  # "นายสมบัติ ดีมาก ประธานกรรมการ": the office is the role
    stand_in = P.STAND_IN.match(position) if position else None
    name = " ".join(x for x in (prefix, first, last) if x)
    return Attendee(
        seq=seq,
        status=status,
        name=name,
        prefix=prefix,
        first_name=first,
        last_name=last,
        position=position,
        role=role,
        stand_in_for=stand_in["office"].strip() if stand_in else None,
        source=span,
        note=note,
    )
