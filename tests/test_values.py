from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extractors.values import be_to_ad, parse_amount, parse_thai_date, parse_time
from pipeline.normalize import normalize_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("วันศุกร์ที่ ๔ เดือนมีนาคม พ.ศ. ๒๕๖๕", dt.date(2022, 3, 4)),
        ("วันจันทร์ที่ 15 มกราคม 2567", dt.date(2024, 1, 15)),
        ("เมื่อวันที่ 30 ก.ย. 2566", dt.date(2023, 9, 30)),
        ("วันอังคารที่ 2 พ.ย. พ.ศ.2564", dt.date(2021, 11, 2)),
        ("วันพุธที 7 ธค 2565", dt.date(2022, 12, 7)),  # OCR dropped the mark and the dots
        ("ลงวันที่ 18 พฤศจิกายน 2020", dt.date(2020, 11, 18)),  # already Gregorian
    ],
)
def test_thai_dates(text, expected):
    found = parse_thai_date(normalize_text(text))
    assert found and found[0] == expected


def test_impossible_date_is_skipped():
    assert parse_thai_date("วันที่ 31 กุมภาพันธ์ 2565") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เริ่มประชุมเวลา ๐๙.๐๐ น.", "09:00"),
        ("เวลา 9.30 นาฬิกา", "09:30"),
        ("เลิกประชุมเวลา 16:45 น.", "16:45"),
        ("เวลา 25.00 น.", None),
    ],
)
def test_times(text, expected):
    assert parse_time(normalize_text(text)) == expected


def test_amounts_and_years():
    assert parse_amount("432.30", "ล้าน") == Decimal("432300000.00")
    assert parse_amount("1,250.5", None) == Decimal("1250.50")
    assert parse_amount("2", "แสน") == Decimal("200000.00")
    assert be_to_ad(2565) == 2022 and be_to_ad(2022) == 2022
