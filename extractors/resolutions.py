"""Resolutions (มติ): the kind of decision and any vote counts."""

from __future__ import annotations

import re

from extractors import patterns as P
from pipeline.model import Minutes, Resolution, ResolutionKind

_BULLETS = re.compile(r"^[-–•*·\s]+|[-–\s]+$")

#: Checked in this order; the first keyword found *earliest in the text* decides, so
#: "เห็นชอบ และมอบหมาย..." is approved and "มอบหมายให้..." is assigned.
_KINDS = (
    (ResolutionKind.REJECTED, P.KIND_REJECTED),
    (ResolutionKind.CERTIFIED, P.KIND_CERTIFIED),
    (ResolutionKind.ASSIGNED, P.KIND_ASSIGNED),
    (ResolutionKind.APPROVED, P.KIND_APPROVED),
    (ResolutionKind.ACKNOWLEDGED, P.KIND_ACKNOWLEDGED),
)


def resolution_kind(text: str) -> ResolutionKind:
    """The kind of a resolution's text.

    >>> resolution_kind("มอบหมายให้ฝ่ายเลขาฯ ไปดูเพิ่มเติม").value
    'assigned'
    >>> resolution_kind("ไม่อนุมัติ เนื่องจากงบประมาณไม่เพียงพอ").value
    'rejected'
    """
    best: tuple[int, int, ResolutionKind] | None = None
    for rank, (kind, pattern) in enumerate(_KINDS):
        m = pattern.search(text)
        if m and (best is None or (m.start(), rank) < best[:2]):
            best = (m.start(), rank, kind)
    return best[2] if best else ResolutionKind.OTHER


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    m = pattern.search(text)
    return int(m[1]) if m else None


def extract_resolutions(minutes: Minutes) -> list[Resolution]:
    present = sum(1 for a in minutes.attendees if a.status == "present")
    rows = []
    for item in minutes.agenda_items:
        for block in item.resolutions:
            text = _BULLETS.sub("", block.text)
            votes_for = _count(P.VOTES_FOR, text)
            if votes_for is None:
                votes_for = _count(P.VOTES_SCORE, text)
            votes_against = _count(P.VOTES_AGAINST, text)
            kind = resolution_kind(text)
            if (
                votes_for is not None
                and votes_against is not None
                and votes_against > votes_for
                and kind is ResolutionKind.APPROVED
            ):
                kind = ResolutionKind.REJECTED
            votes_abstain = _count(P.VOTES_ABSTAIN, text)
            flags = ("no_marker",) if block.implicit else ()
            cast = sum(v for v in (votes_for, votes_against, votes_abstain) if v is not None)
            if present and cast > present:  # flag, never fix: a vote count or the list is off
                flags = (*flags, "votes_exceed_present")
            rows.append(
                Resolution(
                    item=item.number,
                    kind=kind,
                    text=text,
                    source=block.source,
                    votes_for=votes_for,
                    votes_against=votes_against,
                    votes_abstain=votes_abstain,
                    unanimous=bool(P.UNANIMOUS.search(text)),
                    flags=flags,
                )
            )
    return rows
