"""``thaiminutes query``: SQL on an output folder's DuckDB database, printed for people or tools.

The database is opened read-only, so a query can never change what ``run`` wrote. Thai is
aligned by display cells, not code points: tone marks and upper/lower vowels take no cell
(``ที่ประชุม`` is 9 code points and 6 cells), which ``rich`` measures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.errors import MinutesError

FORMATS = ("table", "csv", "json")
DATABASE = "minutes.duckdb"


class QueryError(MinutesError):
    stage = "query"


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(out: Path, sql: str) -> QueryResult:
    """Run ``sql`` on ``out/minutes.duckdb`` (read-only). Raises QueryError with DuckDB's reason."""
    import duckdb

    db = out / DATABASE
    if not db.exists():
        raise QueryError(f"no {DATABASE} in {out}: run `thaiminutes run ... --out {out}` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            return QueryResult([], [])
        columns = [d[0] for d in cursor.description]
        return QueryResult(columns, cursor.fetchall())
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip()) from exc
    finally:
        con.close()


def cell_text(value: Any) -> str:
    """A value as a person reads it: amounts with thousands separators, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def to_csv(result: QueryResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else _json_value(v) for v in row])
    return buf.getvalue()


def to_json(result: QueryResult) -> str:
    records = [dict(zip(result.columns, map(_json_value, row), strict=True)) for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def print_table(result: QueryResult, terminal: bool) -> None:
    """Print aligned columns to stdout; on a terminal with rich's colours and wrapping, elsewhere
    at full width so a pipe or a file gets every character."""
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    numeric = [
        all(isinstance(r[i], (int, float, Decimal)) for r in result.rows if r[i] is not None)
        and any(r[i] is not None for r in result.rows)
        for i in range(len(result.columns))
    ]
    for name, right in zip(result.columns, numeric, strict=True):
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    texts = [[cell_text(v) for v in row] for row in result.rows]
    for row in texts:
        table.add_row(*row)
    width = None
    if not terminal:
        widths = [
            max([cell_len(c), *(cell_len(r[i]) for r in texts)])
            for i, c in enumerate(result.columns)
        ]
        # each column's padding (2) and separator (1), and a margin so rich never wraps a cell
        width = sum(widths) + 3 * len(widths) + 8
    console = Console(
        width=width,
        no_color=not terminal,
        force_terminal=terminal,
        highlight=False,
        soft_wrap=False,
    )
    console.print(table)
    console.print(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})", style="dim")
