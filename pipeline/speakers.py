"""Speaker roles: chair, secretary, member or other, from the label and the attendance lists."""

from __future__ import annotations

import re

from extractors import patterns as P
from pipeline.model import AttendanceStatus, Attendee, SpeakerRole

#: An alias matches as a whole word: one ending in a Thai letter must not be followed by another
#: ("ฝ่ายเลขา" is not the start of "ฝ่ายเลขานุการ"); "ผอ." and "ฝ่ายเลขาฯ" end in a mark of their own.
_ALIAS = re.compile(
    "|".join(
        re.escape(a)
        + (
            r"(?![\u0e01-\u0e2e\u0e30-\u0e4e])"
            if "\u0e01" <= a[-1] <= "\u0e4e" and a[-1] != "ฯ"
            else ""
        )
        for a in sorted(P.OFFICE_ALIASES, key=len, reverse=True)
    )
)


def canonical_office(text: str) -> str:
    """Expand abbreviated offices: ``canonical_office("ฝ่ายเลขาฯ") -> "ฝ่ายเลขานุการ"``."""
    return _ALIAS.sub(lambda m: P.OFFICE_ALIASES[m[0]], text.strip())


def _stem(label: str) -> str:
    return canonical_office(label).rstrip("ฯ").replace(" ", "")


def find_attendee(label: str, attendees: list[Attendee] | tuple[Attendee, ...]) -> Attendee | None:
    """The attendee a label names, by name or by office ("พัฒนาการจังหวัด" names the attendee
    whose position is พัฒนาการจังหวัดปทุมธานี); None if none does."""
    stem = _stem(label)
    if len(stem) < 3:
        return None
    for person in attendees:
        fields = (
            person.name.replace(" ", ""),
            person.first_name or "",
            (person.position or "").replace(" ", ""),
        )
        if any(stem in f for f in fields if f):
            return person
    return None


def speaker_role(label: str, attendees: list[Attendee] | tuple[Attendee, ...]) -> SpeakerRole:
    """Chair and secretary from the label's words or the attendee's role; member when the label
    names a present attendee (by name or office); other otherwise."""
    stem = _stem(label)
    if stem in P.CHAIR_WORDS:
        return SpeakerRole.CHAIR
    if P.SECRETARY_LABEL.match(stem):
        return SpeakerRole.SECRETARY
    person = find_attendee(label, attendees)
    if P.CHAIR_LABEL.match(stem) and not stem.startswith("ประธานหอ"):
        # "ประธานสภาเทศบาล" chairs; "ประธานหลักสูตรเคมี" is a member whose office has ประธาน in
        # it: an attendee named so chairs only when listed first or with the chair's role
        present = [a for a in attendees if a.status is AttendanceStatus.PRESENT]
        if person is None or (present and person is present[0]):
            return SpeakerRole.CHAIR
    if person is not None:
        if person.role and "เลขานุการ" in person.role:
            return SpeakerRole.SECRETARY
        if person.role in ("ประธาน", "ประธานกรรมการ"):
            return SpeakerRole.CHAIR
        return (
            SpeakerRole.MEMBER if person.status is AttendanceStatus.PRESENT else SpeakerRole.OTHER
        )
    if P.MEMBER_LABEL.match(stem):
        return SpeakerRole.MEMBER
    return SpeakerRole.OTHER
