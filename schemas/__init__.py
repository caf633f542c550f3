"""Table schemas: the dataset contract's columns and types, validated before anything is written."""

from schemas.tables import SCHEMAS, TABLE_ORDER, validate_frame

__all__ = ["SCHEMAS", "TABLE_ORDER", "validate_frame"]
