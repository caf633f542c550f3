"""Reviewers' corrections: ``DIR/corrections.csv``, applied every time the tables are built.

A reviewer who finds a wrong value (an amount OCR misread, a resolution of the wrong kind, a
unit price taken for a budget) records it once; the tables are rebuilt from the documents'
results on every run, and the corrections are applied on top, so re-running OCR, ``--force`` or
a new pipeline version never loses a human's fix. Each correction names the row by its
``row_id`` (stable: built from the row's natural key, see :func:`pipeline.store.add_row_ids`)
and may carry the value it replaced (``was``): when the pipeline later reads something else
there, the correction is not applied blindly but reported ``stale`` for a human to look at.

The file is plain CSV (UTF-8, a BOM is fine) so it can be edited in Excel::

    table,row_id,column,value,was,who,when,note
    budgets,a0f0f0f9f0d5b3be:budget:3.3.1:2,amount_thb,2900000,2500000,somchai,2026-11-28,ดูหน้า 7

``column`` ``_row`` with ``value`` ``delete`` removes the row (e.g. a unit price taken for a
budget). Every correction ends in the ``corrections`` table with its status:

- ``applied``: the value was changed (the row's ``flags`` say ``corrected:<column>``);
- ``unchanged``: the pipeline already gives that value;
- ``stale``: the current value is neither ``was`` nor ``value``: the row may be another one now;
- ``unmatched``: no row has that ``row_id`` (document not processed, or its rows changed);
- ``invalid``: unknown table or column, a protected column, or a value of the wrong type.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa

from schemas import DOCUMENT_TABLES, ENUMS, SCHEMAS

CORRECTIONS_FILE = "corrections.csv"
HEADER = ("table", "row_id", "column", "value", "was", "who", "when", "note")
#: ``column`` value that addresses the whole row; its only ``value`` is ``delete``.
ROW_COLUMN = "_row"
#: Columns a correction may not change: they name the row.
PROTECTED = frozenset({"doc_id", "row_id", "flags"})

Row = dict[str, Any]


@dataclass(frozen=True)
class Correction:
    seq: int  # 1-based data row of the file
    table: str
    row_id: str
    column: str
    value: str
    was: str = ""
    who: str = ""
    when: str = ""
    note: str = ""

    def as_csv_row(self) -> list[str]:
        return [getattr(self, k) for k in HEADER]


def read_corrections(path: Path) -> list[Correction]:
    """The corrections in ``path`` (none when it does not exist), in file order.

    Excel may save the file as UTF-8 with a BOM, UTF-16 or Windows-874: all are read. A file that
    cannot be read at all becomes one correction that reports why (status ``invalid``) rather than
    stopping the run that builds the tables."""
    from pipeline.errors import InputFileError
    from pipeline.ingest import decode_text

    try:
        text = decode_text(path.read_bytes())
        records = list(csv.DictReader(io.StringIO(text)))
    except FileNotFoundError:
        return []
    except (OSError, InputFileError, csv.Error) as exc:
        return [Correction(seq=1, table="", row_id="", column="", value="", note=f"{path}: {exc}")]
    out = []
    for seq, rec in enumerate(records, start=1):
        fields = {k: (rec.get(k) or "").strip() for k in HEADER}
        out.append(Correction(seq=seq, **fields))
    return out


def append_correction(path: Path, correction: Correction) -> None:
    """Add one correction at the end of the file (created with its header when missing)."""
    from pipeline.ingest import decode_text
    from pipeline.store import atomic_write

    old = decode_text(path.read_bytes()) if path.exists() else ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if not old.strip():
        writer.writerow(HEADER)
    elif not old.endswith("\n"):
        buf.write("\n")
    writer.writerow(correction.as_csv_row())
    atomic_write(path, ("\ufeff" + old + buf.getvalue()).encode("utf-8"))


def parse_value(table: str, column: str, text: str) -> Any:
    """``text`` as the JSON value the column holds in a document's rows (as in ``rows.json``).

    ``parse_value("budgets", "amount_thb", "2,900,000") -> "2900000.00"``; an empty text is NULL.
    Raises ValueError saying what the column expects."""
    type_ = SCHEMAS[table].field(column).type
    text = text.strip()
    if text == "":
        return None
    try:
        if pa.types.is_integer(type_):
            return int(text.replace(",", ""))
        if pa.types.is_decimal(type_):
            return str(Decimal(text.replace(",", "")).quantize(Decimal("0.01")))
        if pa.types.is_floating(type_):
            return float(text)
        if pa.types.is_boolean(type_):
            lowered = text.lower()
            if lowered not in {"true", "false", "1", "0"}:
                raise ValueError(text)
            return lowered in {"true", "1"}
        if pa.types.is_date32(type_):
            return dt.date.fromisoformat(text).isoformat()
        if pa.types.is_timestamp(type_):
            return dt.datetime.fromisoformat(text).isoformat()
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"{table}.{column} expects {type_}, not {text!r}") from exc
    allowed = ENUMS.get((table, column))
    if allowed is not None and text not in allowed:
        raise ValueError(f"{table}.{column} is one of {', '.join(sorted(allowed))}, not {text!r}")
    return text


def _same(table: str, column: str, text: str, current: Any) -> bool:
    try:
        return parse_value(table, column, text) == current
    except ValueError:
        return False


def apply_corrections(tables: dict[str, list[Row]], corrections: list[Correction]) -> list[Row]:
    """Apply ``corrections`` in order to the rows of ``tables`` (changed in place; deleted rows
    are removed) and return one ``corrections`` row per correction, saying what happened."""
    index: dict[str, dict[str, Row]] = {
        name: {r["row_id"]: r for r in rows} for name, rows in tables.items()
    }
    deleted: set[int] = set()
    report = []
    for c in corrections:
        status, message = _apply(c, index, deleted)
        report.append(
            {
                "seq": c.seq,
                "table_name": c.table,
                "row_id": c.row_id or None,
                "column_name": c.column or None,
                "value": c.value,
                "was": c.was or None,
                "who": c.who or None,
                "corrected_at": c.when or None,
                "note": c.note or None,
                "status": status,
                "message": message,
            }
        )
    if deleted:
        for name in tables:
            tables[name] = [r for r in tables[name] if id(r) not in deleted]
    return report


def _apply(c: Correction, index: dict[str, dict[str, Row]], deleted: set[int]) -> tuple[str, str]:
    if not any((c.table, c.row_id, c.column)) and c.note:
        return "invalid", f"the corrections file cannot be read: {c.note}"
    if c.table not in DOCUMENT_TABLES:
        return "invalid", f"no table {c.table!r}; tables: {', '.join(DOCUMENT_TABLES)}"
    row = index.get(c.table, {}).get(c.row_id)
    if row is None or id(row) in deleted:
        return "unmatched", (
            f"no row {c.row_id!r} in {c.table}: its document is not in this folder, or the "
            "pipeline now finds other rows there; look the row up again"
        )
    if c.column == ROW_COLUMN:
        if c.value.strip().lower() != "delete":
            return "invalid", f"column {ROW_COLUMN} takes the value 'delete' only"
        deleted.add(id(row))
        return "applied", "row deleted"
    schema = SCHEMAS[c.table]
    if c.column not in schema.names:
        return "invalid", f"{c.table} has no column {c.column!r}"
    if c.column in PROTECTED:
        return "invalid", f"{c.table}.{c.column} names the row and cannot be corrected"
    try:
        new = parse_value(c.table, c.column, c.value)
    except ValueError as exc:
        return "invalid", str(exc)
    if schema.field(c.column).nullable is False and new is None:
        return "invalid", f"{c.table}.{c.column} cannot be empty"
    current = row.get(c.column)
    if current == new:
        return "unchanged", f"{c.column} is already {current!r}"
    if c.was and not _same(c.table, c.column, c.was, current):
        return "stale", (
            f"{c.column} is now {current!r}, not {c.was!r} as when corrected: "
            "check the row and correct it again"
        )
    row[c.column] = new
    if "flags" in schema.names:
        flags = [f for f in (row.get("flags") or "").split(",") if f]
        mark = f"corrected:{c.column}"
        row["flags"] = ",".join([*flags, mark] if mark not in flags else flags)
    return "applied", f"{c.column}: {current!r} → {new!r}"
