"""One Arrow schema per table. Required columns (CONTRACT.md) come first; extensions follow.

A required column is never renamed, dropped or retyped without bumping ``PIPELINE_VERSION``.
Non-nullable fields are checked by :func:`validate_frame`.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

TEXT = pa.string()
INT = pa.int32()
MONEY = pa.decimal128(18, 2)


def _f(name: str, type_: pa.DataType, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable)


_DOC = _f("doc_id", TEXT, False)
_PROVENANCE = [_f("page", INT), _f("line", INT)]
_ITEM = _f("item", TEXT)
#: A row's stable name, built from its natural key (see ``pipeline.store.row_ids``): what a
#: reviewer's correction refers to, so it must not change when a document is processed again.
_ROW_ID = _f("row_id", TEXT, False)
_FLAGS = _f("flags", TEXT)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            _DOC,
            _f("source", TEXT, False),
            _f("kind", TEXT),
            _f("pages", INT),
            _f("status", TEXT, False),
            _f("error", TEXT),
            _f("ocr_confidence", pa.float64()),
            _f("pipeline_version", TEXT, False),
            _f("processed_at", pa.timestamp("s", tz="UTC"), False),
            # extensions
            _f("sha256", TEXT),
            _f("warnings", TEXT),
            _f("seconds", pa.float64()),
        ]
    ),
    "pages": pa.schema(
        [
            _DOC,
            _f("page", INT, False),
            _f("method", TEXT),
            _f("reason", TEXT),
            _f("width", INT),
            _f("height", INT),
            _f("lines", INT),
            _f("ocr_confidence", pa.float64()),
            _f("error", TEXT),
        ]
    ),
    "lines": pa.schema(
        [
            _DOC,
            _f("page", INT, False),
            _f("line", INT, False),
            _f("text", TEXT),
            _f("raw_text", TEXT),
            _f("method", TEXT),
            _f("confidence", pa.float64()),
            _f("x0", INT),
            _f("y0", INT),
            _f("x1", INT),
            _f("y1", INT),
            _f("furniture", pa.bool_()),
        ]
    ),
    "meetings": pa.schema(
        [
            _DOC,
            _f("title", TEXT),
            _f("organization", TEXT),
            _f("meeting_no", TEXT),
            _f("date", pa.date32()),
            _f("venue", TEXT),
            _f("start_time", TEXT),
            _f("end_time", TEXT),
            _f("recorder", TEXT),
            _f("reviewer", TEXT),
            *_PROVENANCE,
            _FLAGS,
        ]
    ),
    "attendees": pa.schema(
        [
            _DOC,
            _f("seq", INT, False),
            _f("status", TEXT, False),
            _f("name", TEXT),
            _f("prefix", TEXT),
            _f("first_name", TEXT),
            _f("last_name", TEXT),
            _f("position", TEXT),
            _f("role", TEXT),
            _f("stand_in_for", TEXT),
            *_PROVENANCE,
            _f("note", TEXT),
            _FLAGS,
        ]
    ),
    "agenda_items": pa.schema(
        [
            _DOC,
            _f("item", TEXT, False),
            _f("parent", TEXT),
            _f("level", INT),
            _f("title", TEXT),
            *_PROVENANCE,
            _f("implied", pa.bool_()),
            _FLAGS,
        ]
    ),
    "speeches": pa.schema(
        [
            _DOC,
            _ITEM,
            _f("seq", INT, False),
            _f("speaker", TEXT),
            _f("speaker_role", TEXT),
            _f("text", TEXT),
            *_PROVENANCE,
            _f("last_line", INT),
            _FLAGS,
        ]
    ),
    "resolutions": pa.schema(
        [
            _DOC,
            _ITEM,
            _f("kind", TEXT, False),
            _f("text", TEXT),
            _f("votes_for", INT),
            _f("votes_against", INT),
            _f("votes_abstain", INT),
            *_PROVENANCE,
            _f("unanimous", pa.bool_()),
            _FLAGS,
        ]
    ),
    "budgets": pa.schema(
        [
            _DOC,
            _ITEM,
            _f("amount_thb", MONEY, False),
            _f("text", TEXT),
            _f("purpose", TEXT),
            _f("fiscal_year", INT),
            _f("transfer", pa.bool_()),
            _f("transfer_from", TEXT),
            _f("transfer_to", TEXT),
            *_PROVENANCE,
            _FLAGS,
        ]
    ),
    "assignments": pa.schema(
        [
            _DOC,
            _ITEM,
            _f("assignee", TEXT),
            _f("task", TEXT),
            _f("due", TEXT),
            _f("due_date", pa.date32()),
            *_PROVENANCE,
            _FLAGS,
        ]
    ),
    "corrections": pa.schema(
        [
            _f("seq", INT, False),
            _f("table_name", TEXT, False),
            _f("row_id", TEXT),
            _f("column_name", TEXT),
            _f("value", TEXT),
            _f("was", TEXT),
            _f("who", TEXT),
            _f("corrected_at", TEXT),
            _f("note", TEXT),
            _f("status", TEXT, False),
            _f("message", TEXT),
        ]
    ),
}
for _name in list(SCHEMAS):
    if _name != "corrections":
        SCHEMAS[_name] = SCHEMAS[_name].append(_ROW_ID)

TABLE_ORDER = tuple(SCHEMAS)
#: Tables built from the documents' results (``corrections`` comes from the reviewers' file).
DOCUMENT_TABLES = tuple(name for name in SCHEMAS if name != "corrections")

#: Allowed values of the contract's enumerated columns.
ENUMS: dict[tuple[str, str], set[str]] = {
    ("documents", "kind"): {"scanned_pdf", "text_pdf", "image", "text"},
    ("documents", "status"): {"ok", "partial", "failed"},
    ("lines", "method"): {"ocr", "text_layer", "text"},
    ("corrections", "status"): {"applied", "unchanged", "stale", "unmatched", "invalid"},
    ("attendees", "status"): {"present", "absent", "other"},
    ("speeches", "speaker_role"): {"chair", "secretary", "member", "other"},
    ("resolutions", "kind"): {
        "acknowledged",
        "approved",
        "rejected",
        "assigned",
        "certified",
        "other",
    },
}


class SchemaError(ValueError):
    pass


def validate_frame(table: str, frame: pd.DataFrame) -> pa.Table:
    """Check ``frame`` against the table's schema and return it as an Arrow table.

    Raises :class:`SchemaError` naming the column on a missing column, a value that does not
    convert, a NULL in a required column or a value outside an enumeration.
    """
    schema = SCHEMAS[table]
    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise SchemaError(f"{table}: missing column(s) {missing}")
    frame = frame[schema.names]
    try:
        arrow = pa.Table.from_pandas(frame, schema=schema, preserve_index=False, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise SchemaError(f"{table}: {exc}") from exc
    for fld in schema:
        if not fld.nullable and arrow.column(fld.name).null_count:
            raise SchemaError(f"{table}.{fld.name}: NULL in a required column")
    for (tname, column), allowed in ENUMS.items():
        if tname == table:
            bad = set(frame[column].dropna()) - allowed
            if bad:
                raise SchemaError(f"{table}.{column}: unexpected value(s) {sorted(bad)}")
    return arrow
