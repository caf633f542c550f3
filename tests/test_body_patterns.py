"""Patterns that the minutes of other bodies need (municipal councils, faculties, schools,
hospitals, cooperatives), each with an OCR-damaged variant where OCR damages it. The texts are
written for these tests, not taken from the samples, so a rule that only fits a sample fails."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.assignments import split_assignee
from extractors.attendees import parse_attendee, split_prefix
from extractors.header import with_signatures
from extractors.registry import run_extractors
from pipeline.model import AttendanceStatus, Meeting, Paragraph, Span
from tests.helpers import minutes_of

HEAD = "รายงานการประชุมคณะกรรมการบริหารศูนย์พัฒนาเด็กเล็ก\nครั้งที่ 4/2566\n\n"


def _turns(minutes):
    return [(i.number, t.speaker, t.text) for i in minutes.agenda_items for t in i.turns]


@pytest.mark.parametrize("meeting_word", ["ที่ประชุม", "ทีประชุม", "ที่ประชุม :"])
def test_the_meeting_alone_on_a_line_opens_a_resolution_not_a_speech(meeting_word):
    m = minutes_of(
        HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
        "หัวหน้าศูนย์\n"
        "    แจ้งผลการตรวจสุขภาพเด็กประจำภาคเรียน\n"
        f"{meeting_word}\n"
        "    รับทราบ\n"
    )
    assert _turns(m) == [("1", "หัวหน้าศูนย์", "แจ้งผลการตรวจสุขภาพเด็กประจำภาคเรียน")]
    (block,) = m.agenda_items[0].resolutions
    assert block.text == "รับทราบ"


@pytest.mark.parametrize(
    ("line", "speaker", "text"),
    [
        ("ประธานแจ้งว่า ศูนย์ได้รับงบอุดหนุนแล้ว", "ประธาน", "แจ้งว่า ศูนย์ได้รับงบอุดหนุนแล้ว"),
        ("ประธานแจงว่า ศูนย์ได้รับงบอุดหนุนแล้ว", "ประธาน", "แจงว่า ศูนย์ได้รับงบอุดหนุนแล้ว"),
        ("รองนายกเทศมนตรีชี้แจงว่า ถนนสายนี้ชำรุด", "รองนายกเทศมนตรี", "ชี้แจงว่า ถนนสายนี้ชำรุด"),
        ("นางมยุรี ทองสุข สอบถามว่า จะเริ่มเมื่อใด", "นางมยุรี ทองสุข", "สอบถามว่า จะเริ่มเมื่อใด"),
        ("ประธานฯ ขอให้กรรมการช่วยกันพิจารณา", "ประธานฯ", "ขอให้กรรมการช่วยกันพิจารณา"),
    ],
)
def test_turns_reported_in_the_third_person_or_without_a_dash(line, speaker, text):
    m = minutes_of(HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n" + line + "\n")
    assert _turns(m) == [("1", speaker, text)]


@pytest.mark.parametrize(
    "line",
    [
        "ที่ประชุมได้อภิปรายกันอย่างกว้างขวาง",  # the meeting is not a speaker
        "ฝ่ายเลขานุการได้ส่งเอกสารให้กรรมการล่วงหน้าแล้ว",  # no speech verb after the office
        "งานพัสดุได้ดำเนินการตามระเบียบ ซึ่งรายงานไว้แล้ว",  # words before the verb are no label
    ],
)
def test_narrative_that_names_no_speaker_is_not_a_turn(line):
    m = minutes_of(HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n" + line + "\n")
    assert _turns(m) == []


def test_typed_columns_separated_by_spaces_give_position_and_role():
    m = minutes_of(
        HEAD + "ผู้มาประชุม\n"
        "1. นายอำนาจ  ศรีเมือง  ผู้อำนวยการกองการศึกษา  ประธานกรรมการ\n"
        "2. นางมะลิ  ใจดี  ครูผู้ดูแลเด็ก  กรรมการและเลขานุการ\n"
        "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
    )
    got = [(a.name, a.position, a.role) for a in m.attendees]
    assert got == [
        ("นาย อำนาจ ศรีเมือง", "ผู้อำนวยการกองการศึกษา", "ประธานกรรมการ"),
        ("นาง มะลิ ใจดี", "ครูผู้ดูแลเด็ก", "กรรมการและเลขานุการ"),
    ]


@pytest.mark.parametrize(
    ("line", "prefix", "first", "last", "position"),
    [
        ("1. จ่าสิบตรีสมบูรณ์ ทองอยู่ สมาชิกสภา", "จ่าสิบตรี", "สมบูรณ์", "ทองอยู่", "สมาชิกสภา"),
        ("2. พันตำรวจโทวิรัช ดีงาม ผู้กำกับการ", "พันตำรวจโท", "วิรัช", "ดีงาม", "ผู้กำกับการ"),
        ("3. รองศาสตราจารย์ ดร.มานะ ขยันยิ่ง คณบดี", "รองศาสตราจารย์ ดร.", "มานะ", "ขยันยิ่ง", "คณบดี"),
        ("4. อาจารย์ ดร.ปรีชา ฉลาดดี อาจารย์ประจำ", "อาจารย์ ดร.", "ปรีชา", "ฉลาดดี", "อาจารย์ประจำ"),
        # a monk's name has no surname: the office follows it directly
        ("5. พระครูวิมลธรรมรัต เจ้าอาวาสวัดป่าแดง", "พระครู", "วิมลธรรมรัต", None, "เจ้าอาวาสวัดป่าแดง"),
        ("6. พระครูวิมลธรรมรัต กรรมการผู้ทรงคุณวุฒิ", "พระครู", "วิมลธรรมรัต", None, "กรรมการผู้ทรงคุณวุฒิ"),
    ],
)
def test_ranks_titles_and_monks(line, prefix, first, last, position):
    a = parse_attendee(line, 1, AttendanceStatus.PRESENT, Span(1, 1, 1))
    assert a is not None
    assert (a.prefix, a.first_name, a.last_name, a.position) == (prefix, first, last, position)


def test_a_damaged_rank_still_splits():
    assert split_prefix("จ่าสิบเอกวิชยั มณี")[0] == "จ่าสิบเอก"


def _closing(*lines: str) -> Meeting:
    paras = [Paragraph(text, 1, ((0, len(text), i + 1),)) for i, text in enumerate(lines)]
    return with_signatures(Meeting(), paras)


def test_signer_names_written_before_their_roles():
    meeting = _closing(
        "นางสาวจันทิมา แก้วดี ผู้จดรายงานการประชุม",
        "ผศ.ดร.วีรยุทธ มั่นคง ผู้ตรวจรายงานการประชุม",
    )
    assert (meeting.recorder, meeting.reviewer) == ("นางสาวจันทิมา แก้วดี", "ผศ.ดร.วีรยุทธ มั่นคง")


def test_a_bare_signature_before_the_role_is_not_taken_for_the_typed_name():
    meeting = _closing("ลงชื่อ จันทิมา แก้วดี ผู้จดรายงานการประชุม", "(นางสาวจันทิมา แก้วดี)")
    assert meeting.recorder == "นางสาวจันทิมา แก้วดี"
    assert _closing("ลงชื่อ จันทิมา แก้วดี ผู้จดรายงานการประชุม").recorder is None


def test_a_role_whose_consonant_ocr_read_as_its_look_alike_is_still_found():
    # ด read as ต, the signature word garbled by OCR
    meeting = _closing("ลบงซื้อ...ผู้จตรายงานการประชุม", "(นางพิกุล ศรีคำ)")
    assert meeting.recorder == "นางพิกุล ศรีคำ"


def _rows(body: str):
    return run_extractors(minutes_of(HEAD + body))


@pytest.mark.parametrize(
    ("decision", "assignee", "task", "due"),
    [
        (
            "เห็นชอบ โดยให้กองสาธารณสุขจัดทำแผนใหม่ ภายในวันที่ 15 มกราคม 2567",
            "กองสาธารณสุข",
            "จัดทำแผนใหม่ ภายในวันที่ 15 มกราคม 2567",
            "ภายในวันที่ 15 มกราคม 2567",
        ),
        (
            "รับทราบ และขอให้ครูประจำชั้นรายงานผลในการประชุมครั้งต่อไป",
            "ครูประจำชั้น",
            "รายงานผลในการประชุมครั้งต่อไป",
            "ในการประชุมครั้งต่อไป",
        ),
        ("รับทราบ และฝากฝ่ายเลขาฯ ติดตามผล", "ฝ่ายเลขานุการ", "ติดตามผล", None),
        ("อนุมัติ ขอให้งานการเงินเบิกจ่ายให้แล้วเสร็จ", "งานการเงิน", "เบิกจ่ายให้แล้วเสร็จ", None),
    ],
)
def test_softer_assignments_in_resolutions(decision, assignee, task, due):
    rows = _rows(f"ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\nมติที่ประชุม {decision}\n")
    (a,) = rows["assignments"]
    assert (a.assignee, a.task, a.due) == (assignee, task, due)


@pytest.mark.parametrize(
    "body",
    [
        "มติที่ประชุม ที่ประชุมมีมติให้ความเห็นชอบตามเสนอ\n",  # ให้ความเห็นชอบ gives no task
        "มติที่ประชุม เห็นชอบให้ขยายเวลาออกไปอีก 30 วัน\n",
        "ประธาน - ขอให้กรรมการทุกท่านตรวจสอบเอกสาร\n",  # a chair's request in a speech
    ],
)
def test_requests_that_give_no_task_to_an_office_are_not_assignments(body):
    assert _rows("ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\n" + body)["assignments"] == []


@pytest.mark.parametrize(
    ("rest", "assignee", "task"),
    [
        # the tokeniser splits ดำเนินการ as ดำเนิน|การจัดซื้อ: the verb is found all the same
        ("กองการศึกษาดำเนินการจัดซื้อวัสดุ", "กองการศึกษา", "ดำเนินการจัดซื้อวัสดุ"),
        # เบิก is not in the verb list: pythainlp's tagger finds the action verb
        ("งานการเงินเบิกจ่ายให้แล้วเสร็จ", "งานการเงิน", "เบิกจ่ายให้แล้วเสร็จ"),
        (
            "ผู้จัดการประกาศรับสมัครภายในวันที่ 30 กันยายน 2565",
            "ผู้จัดการ",
            "ประกาศรับสมัครภายในวันที่ 30 กันยายน 2565",
        ),
    ],
)
def test_assignee_ends_where_the_task_verb_begins(rest, assignee, task):
    assert split_assignee(rest) == (assignee, task)


def test_an_amount_written_only_in_words_is_a_budget_flagged_as_such():
    rows = _rows(
        "ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\n"
        "ประธาน - ขอใช้เงินสะสมสามล้านสองแสนบาทถ้วน เพื่อซ่อมแซมอาคารเรียน\n"
        "ประธาน - ค่าวัสดุ จำนวน 350,000 บาท (สามแสนห้าหมื่นบาทถ้วน)\n"
        "ประธาน - ค่าจ้างเหมา หนึ่งหมื่นบาทห้าสิบสตางค์\n"
    )
    got = [(b.amount_thb, b.purpose, b.flags) for b in rows["budgets"]]
    assert got == [
        (Decimal("3200000.00"), "ซ่อมแซมอาคารเรียน", ("amount_in_words",)),
        (Decimal("350000.00"), "ค่าวัสดุ", ()),  # the words in parentheses only check the digits
        (Decimal("10000.50"), "ค่าจ้างเหมา", ("amount_in_words",)),
    ]


@pytest.mark.parametrize(
    ("sentence", "purpose"),
    [
        ("ขอโอนงบประมาณ 90,000 บาท ไปตั้งจ่ายเป็นค่าจ้างเหมาบริการ", "ค่าจ้างเหมาบริการ"),
        ("งบประมาณ 45,000 บาท เป็นค่าตอบแทนวิทยากร", "ค่าตอบแทนวิทยากร"),
        ("ได้รับ 12,000 บาท สำหรับจัดกิจกรรมวันเด็ก", "จัดกิจกรรมวันเด็ก"),
        ("เทศบาลสมทบค่าอาหารเสริม จำนวน 60,000 บาท", "ค่าอาหารเสริม"),
        ("มีโครงการทั้งหมด 5 โครงการ งบประมาณ 200,000 บาท", None),  # counts projects, names none
        # a line wrapped after the purpose and the next clause was joined without a space
        (
            "ได้รับ 12,000,000 บาท เพื่อดำเนินงานแพทย์แผนไทยปัจจุบันยังขาดอุปกรณ์",
            "ดำเนินงานแพทย์แผนไทย",
        ),
        ("อนุมัติ 35,000 บาท เพื่อซ่อมแซมหลังคาอาคารเรียนซึ่งชำรุด", "ซ่อมแซมหลังคาอาคารเรียน"),
    ],
)
def test_budget_purposes(sentence, purpose):
    rows = _rows(f"ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\nประธาน - {sentence}\n")
    assert [b.purpose for b in rows["budgets"]] == [purpose]


def test_fiscal_year_and_project_come_from_the_titles_above_the_amount():
    rows = _rows(
        "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา\n"
        "3.1 แผนจัดหาครุภัณฑ์ ปีงบประมาณ 2567\n"
        "3.1.1 โครงการจัดซื้อรถพยาบาล\n"
        "ผู้อำนวยการ - ขอใช้งบประมาณ 1,500,000 บาท\n"
    )
    (b,) = rows["budgets"]
    assert (b.item, b.fiscal_year, b.purpose) == ("3.1.1", 2567, "โครงการจัดซื้อรถพยาบาล")


def test_a_member_whose_office_begins_with_prathan_is_not_the_chair():
    m = minutes_of(
        HEAD + "ผู้มาประชุม\n"
        "1. นายสมชาย ใจดี\tนายกสมาคม\tประธาน\n"
        "2. นางสาววิไล ศรีสุข\tประธานชมรมผู้ปกครอง\tกรรมการ\n"
        "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
        "ประธานชมรมผู้ปกครองแจ้งว่า ชมรมจะจัดกิจกรรมวันเด็ก\n"
        "ประธาน - ขอบคุณชมรม\n"
    )
    roles = [(t.speaker, t.role.value) for t in m.agenda_items[0].turns]
    assert roles == [("ประธานชมรมผู้ปกครอง", "member"), ("ประธาน", "chair")]


def test_the_chair_of_a_council_listed_first_chairs():
    m = minutes_of(
        "รายงานการประชุมสภาเทศบาลตำบลท่าข้าม\nสมัยสามัญ สมัยที่ 1 ครั้งที่ 1 ประจำปี 2567\n\n"
        "ผู้มาประชุม\n"
        "1. นายประเสริฐ ทองคำ\tประธานสภาเทศบาลตำบลท่าข้าม\n"
        "2. นายวินัย สุขใจ\tสมาชิกสภาเทศบาล\n"
        "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
        "ประธานสภาเทศบาลตำบลท่าข้าม - เปิดประชุม\n"
    )
    assert m.agenda_items[0].turns[0].role.value == "chair"


def test_the_board_term_is_not_part_of_the_organisation():
    m = minutes_of(
        "รายงานการประชุมคณะกรรมการดำเนินการ สหกรณ์ออมทรัพย์ครูน่าน จำกัด ชุดที่ 12 ครั้งที่ 3/2566\n\n"
        "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
    )
    assert m.meeting.organization == "คณะกรรมการดำเนินการ สหกรณ์ออมทรัพย์ครูน่าน จำกัด"
    assert m.meeting.meeting_no == "3/2566"


@pytest.mark.parametrize(
    ("line", "first", "last", "position"),
    [
        # the name cell wrapped and its space was lost: pythainlp's name lists split it
        ("2. พญ.กมลวรรณเพชรรัตน์\tหัวหน้ากลุ่มงานการแพทย์", "กมลวรรณ", "เพชรรัตน์", "หัวหน้ากลุ่มงานการแพทย์"),
        # name | surname | position columns: a given name pythainlp does not know stays whole
        ("3. นางณัฐชนกพร\tชัยวัฒน์จตุพร\tผู้อำนวยการกองคลัง", "ณัฐชนกพร", "ชัยวัฒน์จตุพร", "ผู้อำนวยการกองคลัง"),
        # written with its space: never split, whatever the lists say
        ("4. นางสาวศิริจรรยา พึงยนต์ ผู้แทนท้องถิ่นจังหวัด", "ศิริจรรยา", "พึงยนต์", "ผู้แทนท้องถิ่นจังหวัด"),
    ],
)
def test_a_given_and_family_name_glued_in_a_name_cell(line, first, last, position):
    a = parse_attendee(line, 1, AttendanceStatus.PRESENT, Span(1, 1, 1))
    assert a is not None and (a.first_name, a.last_name, a.position) == (first, last, position)


@pytest.mark.parametrize(
    ("sentence", "amount", "flags"),
    [
        ("ยอดรวม 85.400.000 บาท", Decimal("85400000.00"), ("separator_misread",)),
        ("จำนวน 120.000 บาท", Decimal("120000.00"), ("separator_misread",)),
        ("เป็นเงิน 350 ,000.00 บาท", Decimal("350000.00"), ("digits_rejoined",)),
        ("เป็นเงิน 2,500.50 บาท", Decimal("2500.50"), ()),
        ("วงเงิน 1.5 ล้านบาท", Decimal("1500000.00"), ()),
        ("จำนวน 0,000 บาท", Decimal("0.00"), ("digits_doubtful",)),
        # written as no number is: a digit or a separator misread; never dropped, never guessed
        ("รวมเป็นเงิน 2015.000 บาท", Decimal("2015000.00"), ("digits_doubtful",)),
        ("จำนวน 10,00 บาท", Decimal("1000.00"), ("digits_doubtful",)),
        ("จำนวน 1,5000.50 บาท", Decimal("15000.50"), ("digits_doubtful",)),
        ("จำนวน 1.2.5 ล้านบาท", Decimal("125000000.00"), ("digits_doubtful",)),
    ],
)
def test_amounts_whose_separators_ocr_damaged(sentence, amount, flags):
    rows = _rows(f"ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\nประธาน - {sentence}\n")
    assert [(b.amount_thb, b.flags) for b in rows["budgets"]] == [(amount, flags)]


def test_no_amount_is_read_from_the_middle_of_a_run_of_digits():
    # "015.000" would be 15,000 read right; the run is kept whole, as read, and flagged
    rows = _rows("ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\nประธาน - รวมเป็นเงิน 21015.000 บาท\n")
    assert [(b.amount_thb, b.flags) for b in rows["budgets"]] == [
        (Decimal("21015000.00"), ("digits_doubtful",))
    ]


def test_a_lost_heading_does_not_renumber_the_items_after_it():
    m = minutes_of(
        HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
        "ที่ประชุม - รับทราบ\n"
        "ระเบยีบวาะรที่ 2 เรื่องรับรองรายงาน\n"  # OCR garbled it past recognition
        "ที่ประชุม - รับรอง\n"
        "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา\n"
        "3.1 โครงการปลูกป่า\n"
        "ระเบียบวาระที่ 5 เรื่องอื่น ๆ\n"  # ๔ read as ๕: a known misread, put back in sequence
    )
    got = [(i.number, i.flags) for i in m.agenda_items]
    assert got == [("1", ()), ("3", ()), ("3.1", ()), ("4", ("number read as 5",))]


@pytest.mark.parametrize(
    "heading",
    [
        "Je เบี้ยบวาระ ที่ 2 เรื่องรับรองรายงาน",
        "เบียบวาระที 2 เรื่องรับรองรายงาน",
        "ระเบยบวาระที 2 เรื่องรับรองรายงาน",
    ],
)
def test_agenda_headings_ocr_damaged(heading):
    m = minutes_of(HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n" + heading + "\n")
    assert [(i.number, i.title) for i in m.agenda_items][1] == ("2", "เรื่องรับรองรายงาน")


def _segment_scan(text: str):
    """Segment ``text`` as if its page had been read by OCR."""
    from pipeline.segment import Segmenter

    paras = [
        Paragraph(line, 1, ((0, len(line), n),))
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    seg = Segmenter(paras, frozenset({1}))
    seg.run()
    return seg.minutes()


LIST_IN_ITEM = (
    HEAD + "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา\n"
    "3.1 ผลการดำเนินงานของหน่วยงาน\n"
    "3.1.1 สำนักงานพัฒนาชุมชนจังหวัด มีผลการดำเนินงานดังนี้\n"
    "1) ประชุมคณะทำงาน\n"
    "2) ลงพื้นที่ติดตามกลุ่มเป้าหมาย\n"
    "3) จัดอบรมผู้ประกอบการ\n"
    "4) จัดตลาดนัดชุมชน\n"
    "5) ประเมินผลโครงการ\n"
    "{six}) รายงานผลต่อจังหวัด\n"
    "2) สำนักงานเกษตรจังหวัด\n"
)


def test_on_a_scan_a_list_number_misread_continues_the_list_not_the_items():
    m = _segment_scan(LIST_IN_ITEM.format(six="2"))  # ๖) read as 2)
    assert [i.number for i in m.agenda_items] == ["3", "3.1", "3.1.1", "3.1.2"]
    assert m.agenda_items[-1].title == "สำนักงานเกษตรจังหวัด"


def test_typed_text_takes_its_list_numbers_as_written():
    m = minutes_of(LIST_IN_ITEM.format(six="6"))
    assert [i.number for i in m.agenda_items] == ["3", "3.1", "3.1.1", "3.1.2"]
    # typed, a "2)" after "5)" is the implied item, not a misread list number
    typed = minutes_of(LIST_IN_ITEM.replace("{six}) รายงานผลต่อจังหวัด\n", ""))
    assert [i.number for i in typed.agenda_items] == ["3", "3.1", "3.1.1", "3.1.2"]


def test_a_three_level_number_ocr_read_as_letters_takes_its_place():
    m = _segment_scan(
        HEAD + "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา\n"
        "3.3 ผลการขับเคลื่อนของหน่วยงาน\n"
        "ดา.ดา.@ สำนักงานพัฒนาชุมชนจังหวัด มีผลการดำเนินงานดังนี้\n"
        "ด.ต.สมชาย ใจดี รายงานผล\n"  # an abbreviated rank, not a number
    )
    got = [(i.number, i.flags) for i in m.agenda_items]
    assert got == [("3", ()), ("3.3", ()), ("3.3.1", ("number read as ดา.ดา.@",))]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("มติที่ประ ชุม รับรองรายงานการประชุม", "certified"),  # OCR split ประชุม at a syllable
        ("มติที่ประชุม เห็นชอบ", "approved"),
        ("มติ ที่ประชุม : รับทราบ", "acknowledged"),
    ],
)
def test_markers_split_at_a_syllable_by_ocr(line, kind):
    rows = _rows(f"ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\nประธาน - เสนอ\n{line}\n")
    assert [r.kind.value for r in rows["resolutions"]] == [kind]


def test_short_keywords_are_not_split():
    from extractors import patterns as P

    assert not P.RESOLUTION_MARKER.match("ม ติดตามผลงาน")


def test_on_a_scan_a_sub_item_whose_top_digit_was_misread_stays_under_its_item():
    m = _segment_scan(
        HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
        "9.9 นโยบายการลดความแออัดในโรงพยาบาล\n"  # ๑.๑ read as ๙.๙
        "ประธาน : ให้ทุกแห่งจัดระบบนัดหมาย\n"
    )
    got = [(i.number, i.flags) for i in m.agenda_items]
    assert got == [("1", ()), ("1.1", ("number read as 9.9",))]
    # typed text is taken as written: 9.9 under item 1 is no sub-item of it
    assert [
        i.number for i in minutes_of(HEAD + "ระเบียบวาระที่ 1 เรื่องแจ้ง\n9.9 ข้อความ\n").agenda_items
    ] == ["1"]


SCANNED_HEADER = (
    "รายงานการประชุมสภาองค์การบริหารส่วนตำบลท่าทราย\n"
    "สมัยสามัญ สมัยที่ 3 ครั้งที่ 1/2522\n"  # ๒๕๖๖ with ๖ read as ๒
    "วันพฤหัสบดีที่ 10 สิงหาคม 2520\n"  # and as ๐: 10 August 2566 was a Thursday
    "ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\n"
)


def test_a_header_year_ocr_misread_is_put_right_by_its_readings_and_weekday():
    meeting = _segment_scan(SCANNED_HEADER).meeting
    assert (meeting.meeting_no, str(meeting.date)) == ("1/2566", "2023-08-10")
    assert meeting.flags == ("year read as 2522", "year read as 2520")


def test_typed_header_years_are_kept_as_written_and_flagged():
    meeting = minutes_of(SCANNED_HEADER).meeting
    assert (meeting.meeting_no, str(meeting.date)) == ("1/2522", "1977-08-10")
    assert meeting.flags == ("weekday_disagrees", "year_disagrees")


def test_a_fiscal_year_numbering_one_year_apart_is_no_disagreement():
    meeting = minutes_of(
        "รายงานการประชุมคณะกรรมการ\nครั้งที่ 1/2567\nวันอาทิตย์ที่ 15 ตุลาคม 2566\nระเบียบวาระที่ 1 เรื่องแจ้ง\n"
    ).meeting
    assert meeting.flags == ()


def test_an_era_ocr_read_as_latin_letters_still_dates_the_meeting():
    from extractors.values import parse_thai_date

    assert str(parse_thai_date("วันศุกร์ที่ 4 เดือนมีนาคม W.A. 2565")[0]) == "2022-03-04"


def test_a_lone_header_year_with_nothing_to_check_it_against_is_kept():
    from extractors.header import repair_year

    assert repair_year([2420], None, None) is None  # even outside the years minutes are dated
    assert repair_year([2522], None, None) is None


DAMAGED_LIST = (
    HEAD + "ระเบียบวาระที่ 3 เรื่องเพื่อทราบ\n"
    "3.3 ผลการขับเคลื่อนของหน่วยงาน\n"
    "3.3.1 สำนักงานพัฒนาชุมชนจังหวัด มีผลการดำเนินงานดังนี้\n"
    "{two} สำนักงานเกษตรจังหวัด\n"
    "มีผลการดำเนินงานตามแผน\n"
)


@pytest.mark.parametrize("read", ["@)", "(@)", "o2)"])
def test_on_a_scan_a_list_number_read_as_look_alikes_is_the_implied_item(read):
    m = _segment_scan(DAMAGED_LIST.format(two=read))
    got = [(i.number, i.flags) for i in m.agenda_items]
    assert got[-1] == ("3.3.2", (f"number read as {read.lstrip('(')}",))
    assert m.agenda_items[-1].title == "สำนักงานเกษตรจังหวัด"


@pytest.mark.parametrize("read", ["a)", "ก)", "lo)"])
def test_a_letter_list_is_not_taken_for_a_damaged_number(read):
    # "a)" and "ก)" are lists in their own right; "lo)" has no digit or @ to say it is one
    m = _segment_scan(DAMAGED_LIST.format(two=read))
    assert [i.number for i in m.agenda_items][-1] == "3.3.1"


def test_a_damaged_list_number_while_a_list_runs_in_the_item_is_its_text():
    m = _segment_scan(LIST_IN_ITEM.format(six="@"))  # "@) รายงานผลต่อจังหวัด" after "5)"
    assert "รายงานผลต่อจังหวัด" not in [i.title for i in m.agenda_items]
    # typed text is never read as damaged
    typed = minutes_of(DAMAGED_LIST.format(two="@)"))
    assert [i.number for i in typed.agenda_items][-1] == "3.3.1"


def test_a_bracketed_line_after_an_item_heading_ends_its_title_but_a_name_does_not():
    m = minutes_of(
        HEAD + "ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา\n"
        "4.1 ขออนุมัติปรับปรุงหลักสูตรวิทยาศาสตรบัณฑิต สาขาวิชาเคมี\n"
        "(หลักสูตรปรับปรุง พ.ศ. 2567)\n"
        "ที่ประชุม - อนุมัติ\n"
        "4.2 รายงานผลการดำเนินงาน\n"
        "(นายสมชาย ใจดี)\n"
    )
    titles = {it.number: it.title for it in m.agenda_items}
    assert titles["4.1"] == "ขออนุมัติปรับปรุงหลักสูตรวิทยาศาสตรบัณฑิต สาขาวิชาเคมี (หลักสูตรปรับปรุง พ.ศ. 2567)"
    assert titles["4.2"] == "รายงานผลการดำเนินงาน"
