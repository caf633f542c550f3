"""Minutes of other kinds of bodies and layouts, written for the tests: the rules are the genre's,
not the sample's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extractors import patterns as P
from extractors.registry import run_extractors
from pipeline.normalize import normalize_text
from tests.helpers import minutes_of as minutes

UNIVERSITY = """รายงานการประชุมคณะกรรมการประจำคณะวิทยาศาสตร์ มหาวิทยาลัยราชภัฏบ้านสวน
ครั้งที่ ๕/๒๕๖๗
เมื่อวันพุธที่ ๑๕ พ.ค. ๒๕๖๗ เวลา ๑๓.๓๐ น.
สถานที่ ห้องประชุม ๒๐๑ อาคารวิทยาศาสตร์
กรรมการผู้มาประชุม
๑. รศ.ดร.สมหญิง วิเศษศักดิ์ คณบดี ประธานกรรมการ
๒. ผศ.ดร.ธนกร ใจเย็น รองคณบดีฝ่ายวิชาการ กรรมการ
๓. นางสาวพิมพ์ใจ ดีงาม หัวหน้าสำนักงานคณบดี กรรมการและเลขานุการ
กรรมการผู้ไม่มาประชุม
๑. อาจารย์วิชัย รักเรียน (ติดภารกิจ)
เริ่มประชุมเวลา ๑๓.๓๐ น.
ระเบียบวาระที่ ๑ เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
ประธานฯ แจ้งผลการประเมินคุณภาพการศึกษาภายใน
ที่ประชุมรับทราบ
ระเบียบวาระที่ ๒
เรื่อง รับรองรายงานการประชุม ครั้งที่ ๔/๒๕๖๗
มติ : ที่ประชุมรับรองรายงานการประชุม โดยไม่มีการแก้ไข
ระเบียบวาระที่ ๓ เรื่องเสนอเพื่อพิจารณา
๓.๑ การขออนุมัติเปิดหลักสูตรวิทยาศาสตรบัณฑิต สาขาวิชาวิทยาการข้อมูล
๓.๑.๑ โครงสร้างหลักสูตร
- รองคณบดีฝ่ายวิชาการ : เสนอโครงสร้างหลักสูตร ๑๒๘ หน่วยกิต
๓.๑.๒ งบประมาณ
เลขานุการ - ขอใช้งบประมาณเงินรายได้ ปีงบประมาณ ๒๕๖๗ จำนวน ๔๕๐,๕๐๐.๕๐ บาท เพื่อจัดซื้อครุภัณฑ์ห้องปฏิบัติการ
ที่ประชุมมีมติ อนุมัติ และให้งานนโยบายและแผนดำเนินการต่อ
ระเบียบวาระที่ ๔ เรื่องอื่น ๆ
-ไม่มี-
ปิดประชุมเวลา ๑๕.๔๕ น.
ลงชื่อ พิมพ์ใจ ดีงาม ผู้จดรายงานการประชุม
(นางสาวพิมพ์ใจ ดีงาม)
"""


def test_university_committee():
    m = minutes(UNIVERSITY)
    meeting = m.meeting
    assert meeting.organization == "คณะกรรมการประจำคณะวิทยาศาสตร์ มหาวิทยาลัยราชภัฏบ้านสวน"
    assert (meeting.meeting_no, meeting.date) == ("5/2567", dt.date(2024, 5, 15))
    assert meeting.venue == "ห้องประชุม 201 อาคารวิทยาศาสตร์"
    assert (meeting.start_time, meeting.end_time) == ("13:30", "15:45")
    assert meeting.recorder == "นางสาวพิมพ์ใจ ดีงาม"
    people = m.attendees
    assert [a.status.value for a in people] == ["present"] * 3 + ["absent"]
    assert (
        people[0].prefix == "รศ.ดร."
        and people[0].role == "ประธานกรรมการ"
        and people[0].position == "คณบดี"
    )
    assert people[2].role == "กรรมการและเลขานุการ"
    assert people[3].note == "ติดภารกิจ"
    numbers = [i.number for i in m.agenda_items]
    assert numbers == ["1", "2", "3", "3.1", "3.1.1", "3.1.2", "4"]
    assert m.agenda_items[1].title == "รับรองรายงานการประชุม ครั้งที่ 4/2567"
    rows = run_extractors(m)
    assert [(r.item, r.kind.value) for r in rows["resolutions"]] == [
        ("1", "acknowledged"),
        ("2", "certified"),
        ("3.1.2", "approved"),
    ]
    (budget,) = rows["budgets"]
    assert (budget.amount_thb, budget.fiscal_year, budget.item) == (
        Decimal("450500.50"),
        2567,
        "3.1.2",
    )
    assert budget.purpose.startswith("จัดซื้อครุภัณฑ์")
    turns = [(t.speaker, t.role.value) for i in m.agenda_items for t in i.turns]
    assert ("เลขานุการ", "secretary") in turns


@pytest.mark.parametrize(
    ("line", "number", "title"),
    [
        ("ระเบียบวาระที่ ๑ เรื่อง ประธานแจ้งให้ที่ประชุมทราบ", "1", "เรื่อง ประธานแจ้งให้ที่ประชุมทราบ"),
        ("วาระที่ 2 : รับรองรายงานการประชุม", "2", "รับรองรายงานการประชุม"),
        ("- ระเบียบวาระที่๔ เรื่องเพื่อพิจารณา", "4", "เรื่องเพื่อพิจารณา"),
        ("ระเบียบวาระที 3 เรือง เพื่อทราบ", "3", "เรือง เพื่อทราบ"),  # OCR dropped the marks
        ("ระเบียบวาระทิ ๕\tเรื่องอื่นๆ", "5", "เรื่องอื่นๆ"),  # OCR confused the vowel
        ("วาระ 6 เรื่องอื่น ๆ (ถ้ามี)", "6", "เรื่องอื่น ๆ (ถ้ามี)"),
    ],
)
def test_agenda_headings(line, number, title):
    m = P.AGENDA_HEADING.match(normalize_text(line))
    assert m and m[1] == number and m["title"] == title


@pytest.mark.parametrize("line", ["วาระการประชุม", "ตามระเบียบวาระที่ผ่านมา", "ระเบียบวาระที่ 3.1 การเงิน"])
def test_not_agenda_headings(line):
    assert not P.AGENDA_HEADING.match(normalize_text(line))


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("มติที่ประชุม รับทราบ", "รับทราบ"),
        ("มติที่ประชุม\tมอบหมายฝ่ายเลขานุการ", "มอบหมายฝ่ายเลขานุการ"),
        ("มติ : เห็นชอบ", "เห็นชอบ"),
        ("- มติที่ประชุม รับทราบ", "รับทราบ"),
        ("ที่ประชุมมีมติ อนุมัติ", "อนุมัติ"),
        ("มติทีประชุม", ""),  # OCR dropped the mark
        ("ที่ประชุม - รับทราบ", "รับทราบ"),
    ],
)
def test_resolution_markers(line, text):
    m = P.RESOLUTION_MARKER.match(normalize_text(line))
    assert m and m["text"] == text


@pytest.mark.parametrize("line", ["มติคณะรัฐมนตรีเมื่อวันที่ 3 มีนาคม", "ที่ประชุมได้หารือกันอย่างกว้างขวาง"])
def test_not_resolution_markers(line):
    assert not P.RESOLUTION_MARKER.match(line)


HOSPITAL = """รายงานการประชุมคณะกรรมการบริหารโรงพยาบาลหนองเสือ
ครั้งที่ ๒/๒๕๖๖ วันจันทร์ที่ ๖ กุมภาพันธ์ ๒๕๖๖
ณ ห้องประชุมโรงพยาบาล
ผู้เข้าประชุม
๑. นพ.ธีระ สุขภาพดี ผู้อำนวยการโรงพยาบาล ประธาน
๒. นางสุดา ใจดี หัวหน้าพยาบาล
๓. ภก.วิทยา ยาดี หัวหน้ากลุ่มงานเภสัชกรรม เลขานุการ
วาระที่ ๑ เรื่องแจ้งเพื่อทราบ
ผู้อำนวยการ
- แจ้งนโยบายลดความแออัดในโรงพยาบาล
- มอบหมายให้กลุ่มงานการพยาบาลจัดทำแผนภายในเดือนมีนาคม ๒๕๖๖
มติที่ประชุม รับทราบ
วาระที่ ๒ เรื่องเพื่อพิจารณา
หัวหน้ากลุ่มงานเภสัชกรรม
- ขออนุมัติซื้อยา วงเงิน ๒.๕ ล้านบาท ราคาเม็ดละ ๒ บาท
มติที่ประชุม ไม่เห็นชอบ ให้ทบทวนปริมาณการสั่งซื้อ
"""


def test_hospital_board():
    m = minutes(HOSPITAL)
    assert m.meeting.organization == "คณะกรรมการบริหารโรงพยาบาลหนองเสือ"
    assert m.meeting.date == dt.date(2023, 2, 6) and m.meeting.meeting_no == "2/2566"
    assert [a.prefix for a in m.attendees] == ["นพ.", "นาง", "ภก."]
    assert [a.role for a in m.attendees] == ["ประธาน", None, "เลขานุการ"]
    turns = [(i.number, t.speaker, t.role.value) for i in m.agenda_items for t in i.turns]
    assert turns == [("1", "ผู้อำนวยการ", "chair"), ("2", "หัวหน้ากลุ่มงานเภสัชกรรม", "secretary")]
    rows = run_extractors(m)
    assert [(r.item, r.kind.value) for r in rows["resolutions"]] == [
        ("1", "acknowledged"),
        ("2", "rejected"),
    ]
    assert [b.amount_thb for b in rows["budgets"]] == [Decimal("2500000.00")]  # not the unit price
    (task,) = rows["assignments"]
    assert (
        task.assignee == "กลุ่มงานการพยาบาล"
        and task.due == "ภายในเดือนมีนาคม 2566"
        and task.due_date is None
    )


def test_label_alone_with_a_colon():
    m = minutes("ระเบียบวาระที่ 1 เรื่องแจ้งเพื่อทราบ\nประธาน :\n- แจ้งกำหนดการ\nมติที่ประชุม รับทราบ\n")
    assert [(t.speaker, t.role.value) for t in m.agenda_items[0].turns] == [("ประธาน", "chair")]
