"""Validators flag what does not add up and never change the value: amounts against the words
that spell them, votes against the members present, the weekday against the date."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.budgets import extract_budgets
from extractors.resolutions import extract_resolutions
from extractors.values import words_match_amount
from tests.helpers import minutes_of as minutes


@pytest.mark.parametrize(
    ("words", "amount", "agree"),
    [
        ("สามแสนห้าหมื่นบาทถ้วน", "350000", True),
        ("สามแสนห้าหมื่นบาท", "350000", True),  # ถ้วน left out
        ("สองล้าน เก้าแสน บาทถ้วน", "2900000", True),  # spaces inside
        ("สี่ร้อยสามสิบสองบาทสามสิบสตางค์", "432.30", True),
        ("หนึ่งล้านสองแสนบาทถ้วน", "1260000", False),  # ๒ read as ๖ in the digits
        ("สองล้านเก้าแสนบาทถ้วน", "2500000", False),  # ๙ read as ๕
    ],
)
def test_amount_in_words(words, amount, agree):
    assert words_match_amount(words, Decimal(amount)) is agree


COUNCIL = """บันทึกรายงานการประชุมสภาเทศบาลตำบลท่าข้าม
สมัยสามัญ สมัยที่ ๒ ครั้งที่ ๑ ประจำปี ๒๕๖๖
วันที่ ๑๐ สิงหาคม ๒๕๖๖ เวลา ๐๙.๓๐ น.
ผู้มาประชุม
๑. นายสมชาย ใจดี ประธานสภาเทศบาล
๒. นายสมศักดิ์ รักดี สมาชิกสภาเทศบาล
๓. นางสาวสมใจ ดีงาม สมาชิกสภาเทศบาล
ระเบียบวาระที่ ๑ ญัตติขอโอนงบประมาณ
นายกเทศมนตรี - ขอโอนงบประมาณ จำนวน {amount} บาท ({words}) เพื่อก่อสร้างรางระบายน้ำ
มติที่ประชุม เห็นชอบ {votes_for} เสียง ไม่เห็นชอบ ๐ เสียง งดออกเสียง ๑ เสียง
"""


def test_digits_that_disagree_with_their_words_are_flagged_not_changed():
    m = minutes(COUNCIL.format(amount="๑,๒๖๐,๐๐๐", words="หนึ่งล้านสองแสนบาทถ้วน", votes_for="๒"))
    [budget] = extract_budgets(m)
    assert budget.amount_thb == Decimal("1260000.00")  # kept as read
    assert "amount_words_disagree" in budget.flags
    m = minutes(COUNCIL.format(amount="๑,๒๐๐,๐๐๐", words="หนึ่งล้านสองแสนบาทถ้วน", votes_for="๒"))
    assert extract_budgets(m)[0].flags == ()


def test_more_votes_than_members_present_are_flagged():
    m = minutes(COUNCIL.format(amount="๕๐,๐๐๐", words="ห้าหมื่นบาทถ้วน", votes_for="๕"))
    [resolution] = extract_resolutions(m)
    assert (resolution.votes_for, resolution.votes_abstain) == (5, 1)  # kept as read
    assert "votes_exceed_present" in resolution.flags
    m = minutes(COUNCIL.format(amount="๕๐,๐๐๐", words="ห้าหมื่นบาทถ้วน", votes_for="๒"))
    assert "votes_exceed_present" not in extract_resolutions(m)[0].flags


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("วันศุกร์ที่ ๔ มีนาคม ๒๕๖๕ เวลา ๐๙.๐๐ น.", False),  # 2022-03-04 was a Friday
        ("วันจันทร์ที่ ๔ มีนาคม ๒๕๖๕ เวลา ๐๙.๐๐ น.", True),
        ("เมื่อวันพฤหัสบดีที่ 10 สิงหาคม 2566", False),
        ("วันพฤหัสฯ ที่ 10 ส.ค. 2566", False),  # abbreviated weekday and month
        ("วันศุกรที 4 มีนาคม 2505", True),  # OCR: marks dropped, ๖ read as ๐ in the year
        ("วันที่ 4 มีนาคม 2565", False),  # no weekday: nothing to check
    ],
)
def test_weekday_against_the_date(line, flagged):
    text = f"รายงานการประชุมคณะกรรมการบริหารโรงพยาบาลบ้านนา\nครั้งที่ ๑/๒๕๖๕\n{line}\n"
    text += "ผู้มาประชุม\n๑. นายสมชาย ใจดี ประธาน\nระเบียบวาระที่ ๑ เรื่องแจ้งเพื่อทราบ\n"
    meeting = minutes(text).meeting
    assert meeting.date is not None
    assert ("weekday_disagrees" in meeting.flags) is flagged


@pytest.mark.parametrize(
    ("start", "end", "flags"),
    [
        ("เริ่มประชุมเวลา ๐๙.๓๐ น.", "เลิกประชุมเวลา ๑๒.๐๐ น.", []),
        ("เริ่มประชุมเวลา ๐๕.๓๐ น.", "เลิกประชุมเวลา ๑๒.๐๐ น.", ["start_time_unlikely"]),  # ๙ → ๕
        ("เปิดประชุมเวลา 19.00 นาฬิกา", "เลิกประชุมเวลา 21.30 นาฬิกา", []),  # an evening council
        ("เริ่มประชุมเวลา ๑๓.๓๐ น.", "เลิกประชุมเวลา ๑๒.๓๐ น.", ["ends_before_start"]),
        (
            "เริ่มประชุมเวลา ๐๙.๐๐ น.",
            "เลิกประชุมเวลา ๐๓.๐๐ น.",
            ["end_time_unlikely", "ends_before_start"],
        ),
    ],
)
def test_meeting_times_outside_the_day_or_out_of_order_are_flagged_not_changed(start, end, flags):
    text = "รายงานการประชุมคณะกรรมการสถานศึกษา\nครั้งที่ ๑/๒๕๖๗\nวันที่ ๒๔ พฤษภาคม ๒๕๖๗\n"
    text += f"ผู้มาประชุม\n๑. นายสมชาย ใจดี ประธาน\n{start}\nระเบียบวาระที่ ๑ เรื่องแจ้งเพื่อทราบ\n"
    text += f"ที่ประชุมรับทราบ\n{end}\n"
    meeting = minutes(text).meeting
    assert [f for f in meeting.flags if "time" in f or "before" in f] == flags
    assert meeting.start_time is not None and meeting.end_time is not None  # kept as read
