"""Table schemas: the dataset contract's columns and types, validated before anything is written."""

from schemas.tables import DOCUMENT_TABLES, ENUMS, SCHEMAS, TABLE_ORDER, validate_frame

__all__ = ["DOCUMENT_TABLES", "ENUMS", "SCHEMAS", "TABLE_ORDER", "validate_frame"]
