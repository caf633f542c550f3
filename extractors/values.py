"""Parsing of values written in Thai: dates (พ.ศ.), times (09.00 น.), amounts (บาท)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pythainlp.util import convert_years
from pythainlp.util.date import thai_abbr_months, thai_full_months

from extractors import patterns as P

_MONTH_INDEX = {name: i for i, name in enumerate(thai_full_months, start=1)}
_MONTH_INDEX.update({name: i for i, name in enumerate(thai_abbr_months, start=1)})
_MONTH_INDEX.update({name.replace(".", ""): i for i, name in enumerate(thai_abbr_months, start=1)})


def be_to_ad(year: int) -> int:
    """A พ.ศ. year to the Gregorian year; years already Gregorian are kept.

    >>> be_to_ad(2565)
    2022
    """
    return int(convert_years(str(year), "be", "ad")) if year > 2400 else year


def parse_thai_date(text: str) -> tuple[dt.date, tuple[int, int]] | None:
    """The first date in ``text`` ("วันศุกร์ที่ 4 เดือนมีนาคม พ.ศ. 2565") and its character range.

    >>> parse_thai_date("วันศุกร์ที่ 4 เดือนมีนาคม พ.ศ. 2565")[0]
    datetime.date(2022, 3, 4)
    """
    for m in P.THAI_DATE.finditer(text):
        month = _MONTH_INDEX.get(m["month"])
        if month is None:
            continue
        try:
            return dt.date(be_to_ad(int(m["year"])), month, int(m["day"])), m.span()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> str | None:
    """The first time in ``text`` as ``HH:MM``: ``parse_time("เวลา 9.30 น.") -> "09:30"``."""
    for m in P.TIME.finditer(text):
        hours, minutes = int(m["h"]), int(m["m"])
        if hours < 24 and minutes < 60:
            return f"{hours:02d}:{minutes:02d}"
    return None


def parse_amount(number: str, scale: str | None) -> Decimal:
    """Baht from the digits and an optional scale word: ``parse_amount("432.30", "ล้าน")``."""
    value = Decimal(number.replace(",", "")) * P.SCALE[scale]
    return value.quantize(Decimal("0.01"))


def words_match_amount(words: str, amount: Decimal) -> bool:
    """Whether an amount spelled out in Thai says the same as the digits (spaces ignored, ถ้วน
    optional): ``words_match_amount("สามแสนห้าหมื่นบาทถ้วน", Decimal("350000"))`` is True,
    ``words_match_amount("หนึ่งล้านสองแสนบาทถ้วน", Decimal("1260000"))`` False."""
    from pythainlp.util import bahttext

    said = re.sub(r"\s+", "", words).removesuffix("ถ้วน")
    return said == bahttext(float(amount)).removesuffix("ถ้วน")
