from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.assignments import split_assignee
from extractors.budgets import is_unit_price
from extractors.registry import EXTRACTORS, run_extractors
from extractors.resolutions import resolution_kind
from tests.helpers import minutes_of as _minutes


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("รับทราบ", "acknowledged"),
        ("ที่ประชุมรับทราบ", "acknowledged"),
        ("เห็นชอบตามที่เสนอ", "approved"),
        ("อนุมัติให้ดำเนินการ", "approved"),
        ("ไม่อนุมัติ เนื่องจากงบประมาณไม่เพียงพอ", "rejected"),
        ("ไม่เห็นชอบ", "rejected"),
        ("รับรองรายงานการประชุมครั้งที่ 2/2566 โดยไม่มีการแก้ไข", "certified"),
        ("มอบหมายให้กองคลังดำเนินการ", "assigned"),
        ("เห็นชอบ และมอบหมายให้กองช่างดำเนินการ", "approved"),
        ("รับทราบ และมอบหมายฝ่ายเลขาฯ", "acknowledged"),
        ("ให้นำไปพิจารณาในการประชุมครั้งหน้า", "other"),
    ],
)
def test_resolution_kinds(text, kind):
    assert resolution_kind(text).value == kind


@pytest.mark.parametrize(
    ("before", "after", "unit"),
    [
        ("ราคาจำหน่าย ", "ต่อ กิโลกรัม", True),
        ("ราคาเฉลี่ยหวีละ 40 - ", "", True),
        ("ค่าตอบแทนคนละ ", "", True),
        ("ราคา ", "/กก.", True),
        ("งบประมาณ ", " จากสำนักงาน", False),
        ("มูลค่า ", " ราคาจำหน่าย", False),
    ],
)
def test_unit_prices(before, after, unit):
    assert is_unit_price(before, after) is unit


@pytest.mark.parametrize(
    ("rest", "assignee", "task"),
    [
        ("ฝ่ายเลขาฯ ไปดูเพิ่มเติม", "ฝ่ายเลขาฯ", "ไปดูเพิ่มเติม"),
        ("คณะทำงานทุกภาคส่วนได้กลับไปทบทวนข้อมูล", "คณะทำงานทุกภาคส่วน", "กลับไปทบทวนข้อมูล"),
        ("กองช่าง ดำเนินการสำรวจถนน", "กองช่าง", "ดำเนินการสำรวจถนน"),
        ("งานการเงินจัดทำรายงาน", "งานการเงิน", "จัดทำรายงาน"),
    ],
)
def test_assignee_and_task(rest, assignee, task):
    assert split_assignee(rest) == (assignee, task)


def test_registry_names_are_versioned():
    assert all(name.rsplit(".", 1)[-1].startswith("v") for name, _ in EXTRACTORS.values())


MUNICIPAL = """รายงานการประชุมสภาเทศบาลตำบลบ้านนา
สมัยสามัญ สมัยที่ ๒ ครั้งที่ ๑ ประจำปี ๒๕๖๖
วันอังคารที่ ๑๕ สิงหาคม ๒๕๖๖ เวลา ๐๙.๓๐ น.
ณ ห้องประชุมสภาเทศบาลตำบลบ้านนา
ผู้มาประชุม
๑. นายสมพงษ์ ใจดี ประธานสภาเทศบาล
๒. นางสาวมาลี ศรีสุข เลขานุการสภาเทศบาล
๓. นายวิชัย สุขใจ สมาชิกสภาเทศบาล
ผู้ไม่มาประชุม
๑. นายประยุทธ มั่นคง สมาชิกสภาเทศบาล ลาป่วย
ผู้เข้าร่วมประชุม
๑. นายสมชาย รักงาน นายกเทศมนตรี
เปิดประชุมเวลา ๐๙.๓๐ น.
วาระที่ ๑ : เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
ประธานสภาฯ - แจ้งกำหนดการฝึกอบรมสมาชิกสภา
ที่ประชุม - รับทราบ
วาระที่ ๒ : รับรองรายงานการประชุมครั้งที่แล้ว
มติที่ประชุม : รับรองรายงานการประชุม ด้วยคะแนนเสียง ๑๐ เสียง
วาระที่ ๓ : เรื่องเพื่อพิจารณา
๓.๑ ญัตติขอโอนงบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. ๒๕๖๖
นายกเทศมนตรี - ขอโอนงบประมาณ จำนวน ๒๕๐,๐๐๐ บาท เพื่อก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ ๓
มติที่ประชุม : เห็นชอบ ๘ เสียง ไม่เห็นชอบ ๑ เสียง งดออกเสียง ๑ เสียง
๓.๒ ญัตติจัดซื้อครุภัณฑ์
มติ : ไม่อนุมัติ และมอบหมายให้กองคลัง ตรวจสอบราคาอีกครั้ง ภายในวันที่ ๓๐ กันยายน ๒๕๖๖
เลิกประชุมเวลา ๑๑.๔๕ น.
(ลงชื่อ) .................... ผู้จดรายงานการประชุม
(นางสาวมาลี ศรีสุข)
เลขานุการสภาเทศบาล
"""


def test_municipal_council_minutes():
    m = _minutes(MUNICIPAL)
    meeting = m.meeting
    assert meeting.organization == "สภาเทศบาลตำบลบ้านนา"
    assert meeting.meeting_no == "1/2566"
    assert str(meeting.date) == "2023-08-15"
    assert (meeting.start_time, meeting.end_time) == ("09:30", "11:45")
    assert meeting.recorder == "นางสาวมาลี ศรีสุข"
    assert [a.status.value for a in m.attendees] == ["present"] * 3 + ["absent", "other"]
    assert m.attendees[3].note == "ลาป่วย"
    assert [i.number for i in m.agenda_items] == ["1", "2", "3", "3.1", "3.2"]
    turns = {t.speaker: t.role.value for i in m.agenda_items for t in i.turns}
    assert turns["ประธานสภาฯ"] == "chair"
    assert turns["นายกเทศมนตรี"] in ("member", "other")
    rows = run_extractors(m)
    kinds = [(r.item, r.kind.value) for r in rows["resolutions"]]
    assert kinds == [
        ("1", "acknowledged"),
        ("2", "certified"),
        ("3.1", "approved"),
        ("3.2", "rejected"),
    ]
    vote = rows["resolutions"][2]
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (8, 1, 1)
    (budget,) = rows["budgets"]
    assert budget.amount_thb == Decimal("250000.00") and budget.item == "3.1"
    assert (
        budget.fiscal_year == 2566
    )  # from the item: ญัตติขอโอนงบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. 2566
    assert "ก่อสร้างถนน" in budget.purpose
    (task,) = rows["assignments"]
    assert (
        task.assignee == "กองคลัง"
        and task.due == "ภายในวันที่ 30 กันยายน 2566"
        and str(task.due_date) == "2023-09-30"
    )


def test_implied_sub_item_numbering():
    text = """ระเบียบวาระที่ 3 เรื่องเพื่อทราบ
3.3 ผลการดำเนินงาน
3.3.1 สำนักงานพัฒนาชุมชน
1) ประชุมขับเคลื่อน
2) ติดตามกลุ่มเป้าหมาย
มติที่ประชุม
รับทราบ
2) สำนักงานเกษตร
1) สินค้าข้าว
2) สินค้าปลา
3) สินค้ากล้วย
รับทราบ
3) สำนักงานท่องเที่ยว
ระเบียบวาระที่ 4 เรื่องอื่นๆ
"""
    m = _minutes(text)
    assert [i.number for i in m.agenda_items] == ["3", "3.3", "3.3.1", "3.3.2", "3.3.3", "4"]
    assert [i.implied for i in m.agenda_items][3:5] == [True, True]


def test_sub_item_numbers_misread_by_ocr_take_their_place_in_sequence():
    # OCR read ๔ as ๕ in the heading and in its sub-items: ๔.๓ → ๕.๓, ๔.๔ → ๕.๕
    text = """ระเบียบวาระที่ 3 เรื่องเพื่อทราบ
3.1 รายงานผล
3.2 ติดตามงาน
3.5 แผนงานปีหน้า
ระเบียบวาระที่ 5 เรื่องเพื่อพิจารณา
5.3 การบูรณาการการทำงาน
5.5 การติดตามสนับสนุนกลุ่มเป้าหมาย
4.9 งานอื่น
ระเบียบวาระที่ 5 เรื่องอื่นๆ
"""
    m = _minutes(text)
    numbers = [i.number for i in m.agenda_items]
    # 3.5 and 4.9 are kept as written: ๓ and ๕ are not digits OCR reads as ๕ and ๙
    assert numbers == ["3", "3.1", "3.2", "3.5", "4", "4.3", "4.4", "4.9", "5"]
    flags = {i.number: i.flags for i in m.agenda_items}
    assert flags["4.3"] == ("number read as 5.3",)
    assert flags["4.4"] == ("number read as 5.5",)
    assert flags["3.5"] == flags["4.9"] == ()


def test_amount_split_by_ocr_is_rejoined_and_flagged():
    m = _minutes(
        "ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\nนายก - ขออนุมัติจ่ายเงินสะสม จำนวน 1. 2 ล้านบาท เพื่อขุดลอกคลอง\n"
    )
    (budget,) = run_extractors(m)["budgets"]
    assert budget.amount_thb == Decimal("1200000.00") and budget.flags == ("digits_rejoined",)
    m = _minutes("ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา\n1. 2 ล้านบาท สำหรับโครงการ\n")
    (budget,) = run_extractors(m)["budgets"]
    assert (
        budget.amount_thb == Decimal("2000000.00") and budget.flags == ()
    )  # a list number, not a split
