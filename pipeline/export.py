"""``thaiminutes export DIR --xlsx FILE``: every table as a sheet of one Excel workbook.

Thai text stays text, dates are Excel dates, amounts are numbers with two decimals, the header
row is frozen and filterable, and columns are sized to their content (Thai measured in display
cells). Written in openpyxl's streaming mode, so a large ``lines`` table does not sit in memory as
cell objects; a table longer than a sheet continues on ``<table> (2)``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import TABLE_ORDER

#: Excel's limits: rows per sheet (less the header) and characters per cell.
MAX_ROWS = 1_048_575
MAX_CELL = 32_767
MIN_WIDTH, MAX_WIDTH = 6, 60
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def read_tables(out: Path) -> dict[str, pa.Table]:
    """The tables of an output folder, from its Parquet files (the same data as the database)."""
    folder = out / "tables"
    return {name: pq.read_table(folder / f"{name}.parquet") for name in TABLE_ORDER}


def export_xlsx(tables: dict[str, pa.Table], path: Path, rows_per_sheet: int = MAX_ROWS) -> None:
    """Write ``tables`` to the workbook ``path`` (atomically: a temporary file, then rename)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, table in tables.items():
        for part, start in enumerate(range(0, max(table.num_rows, 1), rows_per_sheet), start=1):
            title = name if part == 1 else f"{name} ({part})"
            _write_sheet(workbook.create_sheet(title), table.slice(start, rows_per_sheet))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        workbook.save(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _write_sheet(ws: Any, table: pa.Table) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    formats = [_number_format(f.type) for f in table.schema]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for i, name in enumerate(table.column_names):
        ws.column_dimensions[get_column_letter(i + 1)].width = _width(name, columns[i], formats[i])
    ws.freeze_panes = "A2"
    last = get_column_letter(max(table.num_columns, 1))
    ws.auto_filter.ref = f"A1:{last}{table.num_rows + 1}"
    bold = Font(bold=True)
    header = []
    for name in table.column_names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in range(table.num_rows):
        row = []
        for values, fmt in zip(columns, formats, strict=True):
            value = _cell_value(values[r])
            if fmt and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = fmt
                row.append(cell)
            else:
                row.append(value)
        ws.append(row)


def _number_format(type_: pa.DataType) -> str | None:
    if pa.types.is_decimal(type_):
        return MONEY_FORMAT
    if pa.types.is_date(type_):
        return DATE_FORMAT
    if pa.types.is_timestamp(type_):
        return DATETIME_FORMAT
    return None


def _cell_value(value: Any) -> Any:
    """A value Excel stores as what it is: text without control characters, naive datetimes."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _width(name: str, values: list[Any], fmt: str | None, sample: int = 2000) -> float:
    """Column width in Excel's character units: the widest of the header and a sample of values,
    Thai measured in display cells, within MIN_WIDTH..MAX_WIDTH."""
    from rich.cells import cell_len

    def shown(v: Any) -> int:
        if v is None:
            return 0
        if isinstance(v, Decimal):
            return len(f"{v:,.2f}")
        if fmt:
            return len(DATE_FORMAT if fmt == DATE_FORMAT else DATETIME_FORMAT)
        return cell_len(str(v))

    widest = max([len(name), *(shown(v) for v in values[:sample])])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))
