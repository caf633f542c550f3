"""The meeting header: title, body, meeting number, date, venue; times and signatures."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
from dataclasses import replace

from extractors import patterns as P
from extractors.attendees import split_prefix
from extractors.values import parse_thai_date, parse_time
from pipeline.model import Meeting, Paragraph

#: Where the body's name ends inside a title: the session, meeting number or year that follows it.
_ORG_END = re.compile(
    rf"\s*(?:{P.tolerant('สมัย')}|{P.tolerant('ครั้งที่')}|{P.tolerant('ชุดที่')}\s*\d|{P.tolerant('ประจำปี')}|{P.tolerant('วันที่')}|{P.tolerant('วัน')}\S+{P.tolerant('ที่')}\s*\d)"
)
#: A header line that is no longer part of the title.
_NOT_TITLE = re.compile(
    rf"^(?:{P.tolerant('ครั้งที่')}|{P.tolerant('วัน')}|{P.tolerant('เมื่อวัน')}|ณ\s|{P.tolerant('เวลา')}|{P.tolerant('สถานที่')})"
)


def parse_header(paragraphs: list[Paragraph], ocr: bool = False) -> Meeting:
    """Read the header paragraphs (everything before the first attendance list or agenda item)."""
    title_parts: list[str] = []
    meeting_no = date = venue = None
    named: int | None = None
    flags: list[str] = []
    in_title = False
    for para in paragraphs:
        text = para.text.replace("\t", " ")
        if not title_parts and P.MINUTES_TITLE.match(text):
            in_title = True
        if in_title and _NOT_TITLE.match(text):
            in_title = False
        if in_title:
            title_parts.append(text)
        if meeting_no is None:
            meeting_no = _meeting_no(text)
        if date is None and (found := parse_thai_date(text)):
            date = found[0]
            named = _named_weekday(text)
            flags.extend(_weekday_check(text, date))
        if venue is None and (m := P.VENUE.match(text)):
            venue = m["venue"].strip()
    title = " ".join(title_parts) or None
    if meeting_no and "/" not in meeting_no:
        year = _year_of(" ".join(p.text for p in paragraphs))
        if year:
            meeting_no = f"{meeting_no}/{year}"
    if ocr:
        meeting_no, date, flags = _with_year_repaired(meeting_no, date, named, flags)
    flags.extend(_year_check(meeting_no, date))
    start = next((t for p in paragraphs if (t := _time_in_header(p.text))), None)
    return Meeting(
        title=title,
        organization=_organization(title),
        meeting_no=meeting_no,
        date=date,
        venue=venue,
        start_time=start,
        source=paragraphs[0].span if paragraphs else None,
        flags=tuple(flags),
    )


#: พ.ศ. years a minutes document can be dated: 2475 (1932) to 2600.
_YEARS = range(2475, 2601)


def _could_be(read: str) -> set[int]:
    """The years OCR could have read as ``read``, by the known digit misreads (๖ read as ๐ or
    ๒, ...), within :data:`_YEARS`: ``2505`` could be 2565, 2505, 2545..."""
    options = [[d, *(t for t, misread in P.DIGIT_MISREADS.items() if d in misread)] for d in read]
    return {y for digits in itertools.product(*options) if (y := int("".join(digits))) in _YEARS}


def repair_year(
    readings: list[int], weekday: int | None, day: tuple[int, int] | None
) -> int | None:
    """The year that every reading of it in the header could have been read from, when OCR read
    it differently in different places or the named weekday says the date's year is wrong: the
    candidate (``_could_be`` of every reading, on the named ``weekday`` of ``day`` = (month,
    day)) that changes the fewest digits, if only one does. None when nothing is to be repaired.

    >>> repair_year([2505, 2525], 4, (3, 4))  # ๒๕๖๕ read twice, ๖ misread both times
    2565
    >>> repair_year([2520, 2522], 3, (8, 10))  # ๒๕๖๖: 10 August 2566 was a Thursday
    2566
    >>> repair_year([2565, 2566], None, None) is None  # readings OCR cannot confuse: as written
    True
    """
    if not readings or (len(readings) < 2 and weekday is None):
        return None  # one reading and no weekday: nothing to check it against
    common = set.intersection(*(_could_be(str(r)) for r in readings))
    if weekday is not None and day is not None:
        common = {y for y in common if _weekday_of(y, *day) == weekday}
    if not common:
        return None

    def changes(year: int) -> int:
        return sum(a != b for r in readings for a, b in zip(str(year), str(r), strict=True))

    best = min(common, key=changes)
    if sum(changes(y) == changes(best) for y in common) > 1 or changes(best) == 0:
        return None
    return best


def _weekday_of(be_year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(be_year - 543, month, day).weekday()
    except ValueError:
        return None


def _with_year_repaired(
    meeting_no: str | None, date: dt.date | None, weekday: int | None, flags: list[str]
) -> tuple[str | None, dt.date | None, list[str]]:
    """The meeting number's year and the date's year put right where OCR misread them (see
    :func:`repair_year`), flagged ``year read as <reading>``; anything else as it was."""
    number, _, no_year = (meeting_no or "").partition("/")
    has_year = bool(re.fullmatch(r"2\d{3}", no_year))
    readings = [int(no_year)] if has_year else []
    if date is not None and 2400 <= date.year + 543 <= 2700:
        readings.append(date.year + 543)
    day = (date.month, date.day) if date is not None else None
    year = repair_year(readings, weekday if date is not None else None, day)
    if year is None:
        return meeting_no, date, flags
    flags = [f for f in flags if f != "weekday_disagrees"]
    flags += [f"year read as {r}" for r in dict.fromkeys(readings) if r != year]
    if has_year:
        meeting_no = f"{number}/{year}"
    if date is not None:
        with contextlib.suppress(ValueError):  # 29 February of a year without one: as read
            date = date.replace(year=year - 543)
    return meeting_no, date, flags


#: Meetings sit by day: a start or end time read outside these hours is more likely a misread
#: digit (๐๙.๓๐ read as ๐๕.๓๐, ๐๙.๐๐ as ๐๓.๐๐ on the sample scans) than a meeting at dawn.
DAY_HOURS = ("06:00", "22:00")


def time_check(start: str | None, end: str | None) -> list[str]:
    """Flags for the meeting's times (``HH:MM``), never a change: ``start_time_unlikely`` /
    ``end_time_unlikely`` outside :data:`DAY_HOURS`, ``ends_before_start``. A misread time
    cannot be put right from the header alone (05.30 may have been 08.30 or 09.30)."""
    flags = [
        f"{name}_unlikely"
        for name, time in (("start_time", start), ("end_time", end))
        if time and not DAY_HOURS[0] <= time <= DAY_HOURS[1]
    ]
    if start and end and end <= start:
        flags.append("ends_before_start")
    return flags


def _year_check(meeting_no: str | None, date: dt.date | None) -> list[str]:
    """``year_disagrees`` when the meeting number's year (ครั้งที่ 1/2566) and the date's are more
    than a year apart (a fiscal-year numbering can put them one apart): one was misread."""
    year = (meeting_no or "").partition("/")[2]
    if date is None or not re.fullmatch(r"2\d{3}", year):
        return []
    return ["year_disagrees"] if abs(int(year) - (date.year + 543)) > 1 else []


def _named_weekday(text: str) -> int | None:
    m = P.WEEKDAY.search(text)
    return next(i for i in range(7) if m[f"d{i}"]) if m else None


def _weekday_check(text: str, date: dt.date) -> list[str]:
    """``weekday_disagrees`` when the weekday named beside a date is not that date's weekday
    (``วันจันทร์ที่ 4 มีนาคม 2565`` was a Friday): one of them was misread or mistyped, and both
    are kept as written."""
    m = P.WEEKDAY.search(text)
    if not m:
        return []
    named = next(i for i in range(7) if m[f"d{i}"])
    return [] if named == date.weekday() else ["weekday_disagrees"]


def _meeting_no(text: str) -> str | None:
    m = P.MEETING_NO.search(text)
    if not m:
        return None
    return f"{int(m[1])}/{m[2]}" if m[2] else str(int(m[1]))


def _year_of(text: str) -> str | None:
    m = P.YEAR_OF.search(text)
    return m[1] if m else None


def _organization(title: str | None) -> str | None:
    """The body's name: the title without "รายงานการประชุม" and what follows the name."""
    if not title:
        return None
    rest = P.MINUTES_TITLE.sub("", title, count=1).strip()
    rest = _ORG_END.split(rest, maxsplit=1)[0].strip()
    return rest or None


def _time_in_header(text: str) -> str | None:
    if re.search(P.tolerant("เวลา"), text):
        return parse_time(text)
    return None


def _is_name(text: str) -> bool:
    """A name in parentheses, not "(ลงชื่อ)" or a row of dots."""
    return not P.SIGNATURE.search(text) and sum(ch.isalpha() for ch in text) >= 3


#: "นางสาวอรอุมา ศรีวงศ์ ผู้จดรายงานการประชุม": a signer's name written before the role.
_SIGNER_BEFORE_ROLE = re.compile(
    rf"^(?:{P.SIGNATURE.pattern})?[\s.…]*(?P<name>[^()\d]{{4,60}}?)[\s.…]*"
    rf"(?:{P.RECORDER.pattern}|{P.REVIEWER.pattern})"
)


def _name_before_role(text: str) -> str | None:
    """The name on a role line when it comes before the role and begins with a title (นาย,
    ผศ.ดร., ...): a bare signature ("ลงชื่อ ธนากร ศรีเมือง") is not taken for the typed name."""
    m = _SIGNER_BEFORE_ROLE.match(text.strip())
    if not m:
        return None
    name = " ".join(m["name"].split())
    return name if split_prefix(name)[0] and len(name.split()) >= 2 else None


def with_signatures(meeting: Meeting, closing: list[Paragraph]) -> Meeting:
    """Recorder and reviewer from the signature block: a role line and the "(name)" near it."""
    names = [
        (i, m["name"])
        for i, p in enumerate(closing)
        if (m := P.NAME_IN_PARENS.match(p.text.strip())) and _is_name(m["name"])
    ]
    found: dict[str, str] = {}
    used: set[int] = set()
    for i, para in enumerate(closing):
        role = (
            "reviewer"
            if P.REVIEWER.search(para.text)
            else "recorder"
            if P.RECORDER.search(para.text)
            else None
        )
        if role is None or role in found:
            continue
        inline = [
            m[1] for m in re.finditer(r"\(\s*([^()]{3,60}?)\s*\)", para.text) if _is_name(m[1])
        ]
        if inline and not P.NAME_IN_PARENS.match(para.text.strip()):
            found[role] = inline[0]
            continue
        # the name usually follows the role line; in some layouts it comes just before it
        after = [(j, n) for j, n in names if i < j <= i + 3 and j not in used]
        before = [(j, n) for j, n in reversed(names) if i - 3 <= j < i and j not in used]
        pick = (after or before)[0] if (after or before) else None
        if pick:
            used.add(pick[0])
            found[role] = pick[1]
        elif name := _name_before_role(para.text):
            found[role] = name
    return replace(meeting, recorder=found.get("recorder"), reviewer=found.get("reviewer"))
