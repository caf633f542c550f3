"""The frozen types that pass between stages.

``SourceFile → Document(pages → lines) → Minutes → rows``; provenance (``Span``) travels from the
line a value was read on to the table row that holds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Literal

PageOrigin = Literal["text_layer", "ocr", "text"]
DocKind = Literal["scanned_pdf", "text_pdf", "image", "text"]


@dataclass(frozen=True)
class BBox:
    """A box in pixels of the page image at the OCR resolution."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Line:
    """One text line of a page; ``number`` is 1-based within the page."""

    number: int
    text: str
    raw_text: str
    bbox: BBox | None = None
    confidence: float | None = None
    furniture: bool = (
        False  # page furniture or OCR noise: kept for provenance, left out of the text
    )
    #: (x0, x1) in pixels of each whitespace-separated token of ``text``, when known
    words: tuple[tuple[int, int], ...] = ()
    #: marks put back by the post-OCR repair (pipeline/spelling.py): text differs from raw_text
    repaired: int = 0


@dataclass(frozen=True)
class Page:
    number: int
    width: int | None
    height: int | None
    origin: PageOrigin
    lines: tuple[Line, ...]
    reason: str = ""  # why the text layer was trusted or the page OCR'd
    error: str | None = None  # a page that could not be read
    #: its lines carry normalised ``text`` (:func:`pipeline.normalize.normalize_page`, done once)
    normalized: bool = False


@dataclass(frozen=True)
class Document:
    doc_id: str
    source: str
    kind: DocKind
    pages: tuple[Page, ...]

    @property
    def ocr_confidence(self) -> float | None:
        confs = [
            ln.confidence
            for p in self.pages
            if p.origin == "ocr"
            for ln in p.lines
            if ln.confidence is not None
        ]
        return round(sum(confs) / len(confs), 4) if confs else None


@dataclass(frozen=True)
class Span:
    """Where a value came from: the first and last line of a page (1-based)."""

    page: int
    first_line: int
    last_line: int


@dataclass(frozen=True)
class Paragraph:
    """Lines of one page joined into one logical line; ``segments`` say which line each stretch
    of the text came from, as (start, end, line number)."""

    text: str
    page: int
    segments: tuple[tuple[int, int, int], ...]
    #: the first paragraph of a page that carries on the last one of the page before: a sentence
    #: (an item's title, a speech) the page break cut
    continues: bool = False

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({line for _, _, line in self.segments}))

    @property
    def span(self) -> Span:
        lines = self.lines
        return Span(self.page, lines[0], lines[-1])

    def line_at(self, offset: int) -> int:
        """The page line holding character ``offset`` of the text."""
        best = self.segments[0][2]
        for start, end, line in self.segments:
            if start <= offset < end:
                return line
            if start <= offset:
                best = line
        return best

    def span_of(self, start: int, end: int) -> Span:
        a, b = self.line_at(start), self.line_at(max(start, end - 1))
        return Span(self.page, min(a, b), max(a, b))

    def tail(self, start: int) -> Paragraph:
        """The paragraph from character ``start`` on (the text after a marker or a label)."""
        lead = len(self.text[start:]) - len(self.text[start:].lstrip())
        start += lead
        segments = tuple(
            (max(0, s - start), e - start, line) for s, e, line in self.segments if e > start
        )
        return Paragraph(self.text[start:].rstrip(), self.page, segments or self.segments[-1:])


class AttendanceStatus(str, Enum):
    PRESENT = "present"
    ABSENT = "absent"
    OTHER = "other"


class ResolutionKind(str, Enum):
    ACKNOWLEDGED = "acknowledged"
    APPROVED = "approved"
    REJECTED = "rejected"
    ASSIGNED = "assigned"
    CERTIFIED = "certified"
    OTHER = "other"


class SpeakerRole(str, Enum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    OTHER = "other"


@dataclass(frozen=True)
class Meeting:
    title: str | None = None
    organization: str | None = None
    meeting_no: str | None = None
    date: dt.date | None = None
    venue: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    recorder: str | None = None
    reviewer: str | None = None
    source: Span | None = None
    flags: tuple[str, ...] = ()  # validators: weekday_disagrees


@dataclass(frozen=True)
class Attendee:
    seq: int
    status: AttendanceStatus
    name: str
    prefix: str | None
    first_name: str | None
    last_name: str | None
    position: str | None
    role: str | None
    stand_in_for: str | None
    source: Span
    note: str | None = None  # e.g. a reason for absence (ติดราชการ)


@dataclass(frozen=True)
class SpeakerTurn:
    speaker: str
    role: SpeakerRole
    text: str
    source: Span


@dataclass(frozen=True)
class ResolutionBlock:
    """The text after a มติ marker, before extraction decides its kind."""

    text: str
    source: Span
    implicit: bool = False  # a bare "รับทราบ" line with no มติ marker


@dataclass(frozen=True)
class AgendaItem:
    number: str  # dotted Arabic: "3", "3.3.1"
    title: str
    source: Span
    implied: bool = False  # numbered "๒)" in the document, read as a sibling of "๓.๓.๑"
    flags: tuple[str, ...] = ()  # e.g. "number read as 5" when OCR broke the numbering
    turns: tuple[SpeakerTurn, ...] = ()
    resolutions: tuple[ResolutionBlock, ...] = ()

    @property
    def parent(self) -> str | None:
        return self.number.rsplit(".", 1)[0] if "." in self.number else None

    @property
    def level(self) -> int:
        return self.number.count(".") + 1


@dataclass(frozen=True)
class Resolution:
    item: str | None
    kind: ResolutionKind
    text: str
    source: Span
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    unanimous: bool = False
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetLine:
    item: str | None
    amount_thb: Decimal
    text: str
    source: Span
    purpose: str | None = None
    fiscal_year: int | None = None
    #: moved by a transfer (โอน), and the budget heads it moves from and to where they are named
    transfer: bool = False
    transfer_from: str | None = None
    transfer_to: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    item: str | None
    assignee: str
    task: str
    source: Span
    due: str | None = None
    due_date: dt.date | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Minutes:
    """The segmented structure of one document."""

    meeting: Meeting
    attendees: tuple[Attendee, ...] = ()
    agenda_items: tuple[AgendaItem, ...] = ()
    #: Every paragraph of the agenda part with the item it belongs to, for the extractors.
    content: tuple[tuple[str | None, Paragraph], ...] = ()
