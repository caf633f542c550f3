"""The output folder: per-document results (the ledger) and the tables built from them.

``DIR/docs/<doc_id>/`` holds each document's result, written atomically when the document is
done; the tables (DuckDB, Parquet, CSV) are always rebuilt from those results, so a run killed at
any moment loses nothing already written and the three formats always agree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.corrections import CORRECTIONS_FILE, apply_corrections, read_corrections
from schemas import DOCUMENT_TABLES, SCHEMAS, TABLE_ORDER, validate_frame

SORT_KEYS = {
    "documents": ["doc_id"],
    "pages": ["doc_id", "page"],
    "lines": ["doc_id", "page", "line"],
    "meetings": ["doc_id"],
    "attendees": ["doc_id", "seq"],
    "speeches": ["doc_id", "seq"],
    "corrections": ["seq"],
}
DEFAULT_SORT = ["doc_id", "page", "line"]


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OutputFolder:
    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"
        self.tables = root / "tables"

    def doc_dir(self, doc_id: str) -> Path:
        return self.docs / doc_id

    # --- per-document results (the ledger) --------------------------------------------------------
    def ledger_status(self, doc_id: str, version: str) -> str | None:
        """The status of a document already done by this pipeline version, else None (to do).

        Reads the small ``document.json`` (the document's row of ``documents``), written after
        everything else: a document killed part-way has none and is done again; failed documents
        are retried."""
        try:
            doc = json.loads((self.doc_dir(doc_id) / "document.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        if doc.get("pipeline_version") != version or doc.get("status") == "failed":
            return None
        return str(doc["status"])

    def read_rows(self, doc_id: str) -> dict[str, list[dict[str, Any]]] | None:
        path = self.doc_dir(doc_id) / "rows.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def write_document(
        self, doc_id: str, rows: dict[str, Any], text: str | None, minutes: Any
    ) -> None:
        """Write a document's files, each atomically; ``document.json`` goes last: it marks the
        document done in the ledger."""
        folder = self.doc_dir(doc_id)
        if text is not None:
            atomic_write(folder / "text.txt", text)
        if minutes is not None:
            atomic_write(folder / "minutes.json", json.dumps(minutes, ensure_ascii=False, indent=1))
        atomic_write(folder / "rows.json", json.dumps(rows, ensure_ascii=False))
        atomic_write(folder / "document.json", json.dumps(rows["documents"][0], ensure_ascii=False))

    def iter_rows(self) -> Iterator[dict[str, list[dict[str, Any]]]]:
        if not self.docs.exists():
            return
        for folder in sorted(self.docs.iterdir()):
            rows = self.read_rows(folder.name)
            if rows:
                yield rows

    # --- tables -------------------------------------------------------------------------------------
    @property
    def corrections_file(self) -> Path:
        return self.root / CORRECTIONS_FILE

    def collect_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every document's rows with their ``row_id``, the reviewers' corrections applied, and
        the ``corrections`` table saying what each correction did."""
        collected: dict[str, list[dict[str, Any]]] = {name: [] for name in DOCUMENT_TABLES}
        for rows in self.iter_rows():
            for name in DOCUMENT_TABLES:
                collected[name].extend(add_row_ids(name, rows.get(name, [])))
        collected["corrections"] = apply_corrections(
            collected, read_corrections(self.corrections_file)
        )
        return collected

    def build_tables(self) -> dict[str, pa.Table]:
        collected = self.collect_rows()
        return {name: to_arrow(name, collected[name]) for name in TABLE_ORDER}

    def write_tables(self, tables: dict[str, pa.Table]) -> None:
        import duckdb

        for name, table in tables.items():
            buf = pa.BufferOutputStream()
            pq.write_table(table, buf)
            atomic_write(self.tables / f"{name}.parquet", buf.getvalue().to_pybytes())
            atomic_write(self.tables / f"{name}.csv", to_csv(table))
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".minutes.", suffix=".duckdb")
        os.close(fd)
        Path(tmp).unlink()
        try:
            con = duckdb.connect(tmp)
            for name, table in tables.items():
                con.register("_arrow", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _arrow')
                con.unregister("_arrow")
            con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
            con.close()
            os.replace(tmp, self.root / "minutes.duckdb")
        finally:
            Path(tmp).unlink(missing_ok=True)
            Path(tmp + ".wal").unlink(missing_ok=True)


#: ``row_id`` of a row: the document, then the row's natural key (see :func:`add_row_ids`).
ROW_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "documents": ("", ()),
    "meetings": ("", ()),
    "pages": ("p", ("page",)),
    "lines": ("p", ("page", "line")),
    "attendees": ("attendee", ("seq",)),
    "agenda_items": ("item", ("item",)),
    "speeches": ("speech", ("seq",)),
}
#: Tables whose rows are numbered within their agenda item, in page and line order.
ITEM_ORDINAL = {"resolutions": "resolution", "budgets": "budget", "assignments": "assignment"}
VIEWS_SQL = Path(__file__).resolve().parent.parent / "schemas" / "views.sql"


def add_row_ids(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each of one document's rows of table ``name`` its ``row_id`` (in place).

    Built from what names the row, not from its position in the output, so it stays the same
    when the document is processed again: ``a0f0f0f9f0d5b3be:item:3.1``,
    ``a0f0f0f9f0d5b3be:budget:3.3.1:2`` (the second budget of item 3.3.1), ``…:p7:l9`` (page 7,
    line 9). A repeated key gets ``#2``, ``#3``."""
    seen: dict[str, int] = {}
    counters: dict[tuple[str, Any], int] = {}
    order = sorted(
        range(len(rows)), key=lambda i: (rows[i].get("page") or 0, rows[i].get("line") or 0)
    )
    for i in order:
        row = rows[i]
        doc = row["doc_id"]
        if name in ITEM_ORDINAL:
            item = row.get("item") or "-"
            counters[(doc, item)] = n = counters.get((doc, item), 0) + 1
            key = f"{doc}:{ITEM_ORDINAL[name]}:{item}:{n}"
        else:
            prefix, fields = ROW_KEYS[name]
            if prefix == "p":
                key = ":".join([doc, *(f"{f[0]}{row[f]}" for f in fields)])
            else:
                key = ":".join([doc, prefix, *(str(row[f]) for f in fields)]) if prefix else doc
        seen[key] = count = seen.get(key, 0) + 1
        row["row_id"] = key if count == 1 else f"{key}#{count}"
    return rows


def _coerce(value: Any, type_: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_date32(type_):
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if pa.types.is_decimal(type_):
        return Decimal(value)
    if pa.types.is_timestamp(type_):
        return pd.Timestamp(value).tz_convert("UTC") if isinstance(value, str) else value
    return value


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (JSON values) to a validated Arrow table, sorted for stable output."""
    schema = SCHEMAS[name]
    if name in DOCUMENT_TABLES and any("row_id" not in r for r in rows):
        rows = [dict(r) for r in rows]
        for doc_id in dict.fromkeys(r["doc_id"] for r in rows):
            add_row_ids(name, [r for r in rows if r["doc_id"] == doc_id])
    columns = {
        field.name: pd.Series([_coerce(r.get(field.name), field.type) for r in rows], dtype=object)
        for field in schema
    }
    frame = pd.DataFrame(columns)
    keys = SORT_KEYS.get(name, DEFAULT_SORT)
    if len(frame):
        frame = frame.sort_values(keys, kind="stable", key=lambda s: s.map(_sort_key)).reset_index(
            drop=True
        )
    return validate_frame(name, frame)


def _sort_key(value: Any) -> Any:
    return (1, 0) if value is None or (isinstance(value, float) and value != value) else (0, value)


def to_csv(table: pa.Table) -> bytes:
    """CSV in UTF-8 with a BOM so Excel shows Thai; integers stay integers, NULL is empty."""
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
