"""Rows of every table from one document's stages. Rows are plain dicts (JSON-ready)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from enum import Enum
from typing import Any

from pythainlp import thai_digits
from pythainlp.util import thai_digit_to_arabic_digit

from pipeline.model import Document, Minutes, Span

Row = dict[str, Any]


def jsonable(value: Any) -> Any:
    """Dates, decimals, enums and dataclasses to JSON values (for minutes.json and rows.json)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


#: A line read with less OCR confidence than this is shown as uncertain, and rows read from it
#: carry the flag ``low_confidence``.
LOW_CONFIDENCE = 0.70


def read_from_thai_digits(amount_text: str, raw_lines: list[str]) -> bool:
    """Whether the number of a budget's text (normalised: Arabic digits) was written in Thai
    digits in the lines it was read from. When the number cannot be found in one line (it was
    split over two), any Thai digit in those lines counts."""
    number = re.search(r"\d[\d,. ]*\d|\d", amount_text)
    if number is None:
        return False  # an amount in words
    for raw in raw_lines:
        # Thai digits become Arabic one for one, so positions in both strings agree
        at = thai_digit_to_arabic_digit(raw).find(number[0])
        if at >= 0:
            return any(ch in thai_digits for ch in raw[at : at + len(number[0])])
    return any(ch in thai_digits for raw in raw_lines for ch in raw)


def flag_uncertain_sources(tables: dict[str, list[Row]], doc: Document) -> None:
    """Add ``ocr_repaired`` / ``low_confidence`` to the flags of every row read from a line whose
    marks were put back by the post-OCR repair, or whose OCR confidence is low; and
    ``ocr_thai_digits`` to every budget whose amount OCR read from Thai digits.

    Tesseract's Thai model misreads Thai digits (๖ as ๒ or ๐, ๘ as ๕) with full confidence: on
    the sample scans it read 78% of Thai amount digits right, against all of the Arabic ones, and
    its per-symbol confidence was 99-100 on the wrong ones too. A confidence cannot single them
    out, so every such amount is flagged for a look at the page."""
    lines = {(p.number, ln.number): ln for p in doc.pages for ln in p.lines}
    ocr_pages = {p.number for p in doc.pages if p.origin == "ocr"}
    for table, rows in tables.items():
        for row in rows:
            if row.get("page") is None or row.get("line") is None:
                continue
            last = row.get("last_line") or row["line"]
            source = [
                lines[(row["page"], n)]
                for n in range(row["line"], last + 1)
                if (row["page"], n) in lines
            ]
            flags = [f for f in (row.get("flags") or "").split(",") if f]
            if any(ln.repaired for ln in source) and "ocr_repaired" not in flags:
                flags.append("ocr_repaired")
            if (
                any(ln.confidence is not None and ln.confidence < LOW_CONFIDENCE for ln in source)
                and "low_confidence" not in flags
            ):
                flags.append("low_confidence")
            if (
                table == "budgets"
                and row["page"] in ocr_pages
                and "ocr_thai_digits" not in flags
                and read_from_thai_digits(row.get("text") or "", [ln.raw_text for ln in source])
            ):
                flags.append("ocr_thai_digits")
            if flags:
                row["flags"] = ",".join(flags)


def _where(span: Span | None) -> Row:
    return {"page": span.page if span else None, "line": span.first_line if span else None}


def _flags(flags: tuple[str, ...]) -> str | None:
    return ",".join(flags) or None


def page_rows(doc: Document) -> list[Row]:
    rows = []
    for p in doc.pages:
        confs = [ln.confidence for ln in p.lines if ln.confidence is not None]
        rows.append(
            {
                "doc_id": doc.doc_id,
                "page": p.number,
                "method": p.origin,
                "reason": p.reason,
                "width": p.width,
                "height": p.height,
                "lines": len(p.lines),
                "ocr_confidence": round(sum(confs) / len(confs), 4) if confs else None,
                "error": p.error,
            }
        )
    return rows


def line_rows(doc: Document) -> list[Row]:
    rows = []
    for p in doc.pages:
        for ln in p.lines:
            box = ln.bbox
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "page": p.number,
                    "line": ln.number,
                    "text": ln.text,
                    "raw_text": ln.raw_text,
                    "method": p.origin,
                    "confidence": None if ln.confidence is None else round(ln.confidence, 2),
                    "x0": box.x0 if box else None,
                    "y0": box.y0 if box else None,
                    "x1": box.x1 if box else None,
                    "y1": box.y1 if box else None,
                    "furniture": ln.furniture,
                }
            )
    return rows


def extracted_row(doc_id: str, value: Any) -> Row:
    """An extractor's dataclass as a table row: its fields, ``source`` as page and line, and
    ``flags`` joined with commas (the field names are the table's column names)."""
    row: Row = {"doc_id": doc_id}
    for f in dataclasses.fields(value):
        v = getattr(value, f.name)
        if f.name == "source":
            row.update(_where(v))
        elif f.name == "flags":
            row["flags"] = _flags(v)
        else:
            row[f.name] = v
    return row


def minutes_rows(
    doc_id: str, minutes: Minutes, extracted: dict[str, list[Any]]
) -> dict[str, list[Row]]:
    """Rows of the structure tables: meetings, attendees, agenda items, speeches and extractions."""
    m = minutes.meeting
    tables: dict[str, list[Row]] = {
        "meetings": [
            {
                "doc_id": doc_id,
                "title": m.title,
                "organization": m.organization,
                "meeting_no": m.meeting_no,
                "date": m.date,
                "venue": m.venue,
                "start_time": m.start_time,
                "end_time": m.end_time,
                "recorder": m.recorder,
                "reviewer": m.reviewer,
                **_where(m.source),
                "flags": _flags(m.flags),
            }
        ],
        "attendees": [
            {
                "doc_id": doc_id,
                "seq": a.seq,
                "status": a.status,
                "name": a.name,
                "prefix": a.prefix,
                "first_name": a.first_name,
                "last_name": a.last_name,
                "position": a.position,
                "role": a.role,
                "stand_in_for": a.stand_in_for,
                **_where(a.source),
                "note": a.note,
            }
            for a in minutes.attendees
        ],
        "agenda_items": [
            {
                "doc_id": doc_id,
                "item": it.number,
                "parent": it.parent,
                "level": it.level,
                "title": it.title,
                **_where(it.source),
                "implied": it.implied,
                "flags": _flags(it.flags),
            }
            for it in minutes.agenda_items
        ],
        "speeches": [],
    }
    seq = 0
    for it in minutes.agenda_items:
        for turn in it.turns:
            seq += 1
            tables["speeches"].append(
                {
                    "doc_id": doc_id,
                    "item": it.number,
                    "seq": seq,
                    "speaker": turn.speaker,
                    "speaker_role": turn.role,
                    "text": turn.text,
                    **_where(turn.source),
                    "last_line": turn.source.last_line,
                }
            )
    for name, rows in extracted.items():
        tables[name] = [extracted_row(doc_id, row) for row in rows]
    return {name: [jsonable(r) for r in rows] for name, rows in tables.items()}
