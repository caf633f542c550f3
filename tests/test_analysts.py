"""What analysts and archivists do with an output folder: SQL, corrections, Excel."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from rich.cells import cell_len

from pipeline.corrections import parse_value, read_corrections
from pipeline.export import export_xlsx, read_tables
from schemas import TABLE_ORDER
from tests.helpers import ABT_PDF, SEED, cli, db_rows


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    """One output folder from the seed text and the อบต. text-layer PDF, made once."""
    base = tmp_path_factory.mktemp("analysts")
    result = cli("run", str(SEED), str(ABT_PDF), "--out", str(base / "out"), "--workers", "1")
    assert result.exit_code == 0, result.output
    return base / "out"


@pytest.fixture
def out(processed: Path, tmp_path: Path) -> Path:
    """A copy of the processed folder that a test may change."""
    return Path(shutil.copytree(processed, tmp_path / "out"))


def first_budget(out: Path) -> tuple[str, Decimal, int, int]:
    return db_rows(
        out, "select row_id, amount_thb, page, line from budgets order by amount_thb desc limit 1"
    )[0]


# --- row ids -------------------------------------------------------------------------------------
def test_every_row_has_a_unique_row_id_named_by_its_key(processed: Path):
    con = duckdb.connect(str(processed / "minutes.duckdb"), read_only=True)
    for table in TABLE_ORDER:
        if table == "corrections":
            continue
        n, distinct, nulls = con.execute(
            f"select count(*), count(distinct row_id), count(*) - count(row_id) from {table}"
        ).fetchone()
        assert n == distinct and nulls == 0, table
    ids = [r[0] for r in con.execute("select row_id from budgets").fetchall()]
    assert all(i.split(":")[1] == "budget" and i.split(":")[-1].isdigit() for i in ids)
    items = con.execute("select row_id, doc_id, item from agenda_items").fetchall()
    assert all(rid == f"{doc}:item:{item}" for rid, doc, item in items)
    lines = con.execute("select row_id, doc_id, page, line from lines limit 50").fetchall()
    assert all(rid == f"{doc}:p{page}:l{line}" for rid, doc, page, line in lines)


def test_row_ids_survive_force(out: Path):
    before = db_rows(out, "select row_id from budgets union all select row_id from resolutions")
    result = cli("run", str(SEED), str(ABT_PDF), "--out", str(out), "--force", "--workers", "1")
    assert result.exit_code == 0
    after = db_rows(out, "select row_id from budgets union all select row_id from resolutions")
    assert sorted(before) == sorted(after)


# --- corrections ---------------------------------------------------------------------------------
def test_correction_is_applied_everywhere_and_survives_force(out: Path):
    row_id, amount, _, _ = first_budget(out)
    result = cli(
        "correct", str(out), "budgets", row_id, "amount_thb", "1,234,567.50", "--who", "สมชาย"
    )
    assert result.exit_code == 0, result.output
    assert "1234567.50" in result.output

    def check() -> None:
        got = db_rows(out, f"select amount_thb, flags from budgets where row_id = '{row_id}'")
        assert got == [(Decimal("1234567.50"), "corrected:amount_thb")]
        parquet = pq.read_table(out / "tables" / "budgets.parquet").to_pandas()
        assert parquet.set_index("row_id").amount_thb[row_id] == Decimal("1234567.50")
        frame = pd.read_csv(out / "tables" / "budgets.csv", encoding="utf-8-sig")
        assert frame.set_index("row_id").amount_thb[row_id] == pytest.approx(1234567.5)
        status = db_rows(out, "select status, who, was from corrections")
        assert status == [("applied", "สมชาย", str(amount))]

    check()
    result = cli("run", str(SEED), str(ABT_PDF), "--out", str(out), "--force", "--workers", "1")
    assert result.exit_code == 0
    check()
    [fix] = read_corrections(out / "corrections.csv")
    assert fix.table == "budgets" and fix.value == "1,234,567.50" and fix.when


def test_a_correction_whose_row_changed_is_stale_not_applied(out: Path):
    row_id, amount, _, _ = first_budget(out)
    (out / "corrections.csv").write_text(
        "table,row_id,column,value,was,who,when,note\n"
        f"budgets,{row_id},amount_thb,99,123.45,somchai,2026-11-28,\n",
        encoding="utf-8",
    )
    assert cli("run", str(SEED), "--out", str(out)).exit_code == 0
    assert db_rows(out, f"select amount_thb from budgets where row_id = '{row_id}'") == [(amount,)]
    [(status, message)] = db_rows(out, "select status, message from corrections")
    assert status == "stale" and "123.45" in message


def test_corrections_that_cannot_apply_are_reported(out: Path):
    row_id, *_ = first_budget(out)
    (out / "corrections.csv").write_text(
        "\ufefftable,row_id,column,value,was,who,when,note\n"
        f"budgets,{row_id},amount_thb,สองล้าน,,a,,\n"
        f"budgets,{row_id},doc_id,x,,a,,\n"
        "budgets,nope:budget:1:1,amount_thb,5,,a,,\n"
        f"minutes,{row_id},amount_thb,5,,a,,\n",
        encoding="utf-8",
    )
    assert cli("run", str(SEED), "--out", str(out)).exit_code == 0
    got = db_rows(out, "select seq, status from corrections order by seq")
    assert got == [(1, "invalid"), (2, "invalid"), (3, "unmatched"), (4, "invalid")]


def test_a_corrections_file_saved_by_excel_in_windows_874_is_read(out: Path):
    row_id, *_ = first_budget(out)
    text = (
        "table,row_id,column,value,was,who,when,note\n"
        f"budgets,{row_id},purpose,ขุดลอกคลองส่งน้ำ,,สมชาย,,ตรวจแล้ว\n"
    )
    (out / "corrections.csv").write_bytes(text.encode("cp874"))
    assert cli("run", str(SEED), "--out", str(out)).exit_code == 0
    assert db_rows(out, "select status, who, note from corrections") == [
        ("applied", "สมชาย", "ตรวจแล้ว")
    ]
    # and `correct` appends to it, keeping the first line readable
    assert cli("correct", str(out), "budgets", row_id, "fiscal_year", "2566").exit_code == 0
    assert [c.who for c in read_corrections(out / "corrections.csv")][0] == "สมชาย"


def test_an_unreadable_corrections_file_is_reported_not_fatal(out: Path):
    (out / "corrections.csv").write_bytes(bytes(range(256)) * 4)
    assert cli("run", str(SEED), "--out", str(out)).exit_code == 0
    [(status, message)] = db_rows(out, "select status, message from corrections")
    assert status == "invalid" and "cannot be read" in message
    assert db_rows(out, "select count(*) from budgets")[0][0] > 0


def test_correct_refuses_what_it_cannot_apply(out: Path):
    row_id, *_ = first_budget(out)
    bad = [
        ("budgets", row_id, "amount_thb", "abc"),
        ("budgets", row_id, "row_id", "x"),
        ("budgets", row_id, "colour", "red"),
        ("budgets", "0000:budget:9:9", "amount_thb", "5"),
        ("budget", row_id, "amount_thb", "5"),
    ]
    for args in bad:
        result = cli("correct", str(out), *args)
        assert result.exit_code == 1, args
        assert "not recorded" in result.output
    assert not (out / "corrections.csv").exists()


def test_a_row_can_be_deleted(out: Path):
    row_id, *_ = first_budget(out)
    n = db_rows(out, "select count(*) from budgets")[0][0]
    assert cli("correct", str(out), "budgets", row_id, "_row", "delete").exit_code == 0
    assert db_rows(out, "select count(*) from budgets")[0][0] == n - 1
    assert db_rows(out, f"select count(*) from budgets where row_id = '{row_id}'") == [(0,)]


def test_a_text_correction_in_thai(out: Path):
    [(row_id, kind)] = db_rows(out, "select row_id, kind from resolutions limit 1")
    new = "rejected" if kind != "rejected" else "approved"
    assert cli("correct", str(out), "resolutions", row_id, "kind", new).exit_code == 0
    assert cli("correct", str(out), "resolutions", row_id, "text", "ไม่อนุมัติ").exit_code == 0
    got = db_rows(out, f"select kind, text, flags from resolutions where row_id = '{row_id}'")
    assert got[0][:2] == (new, "ไม่อนุมัติ")
    assert set(got[0][2].split(",")) >= {"corrected:kind", "corrected:text"}
    # the second correction's `was` is the first one's value: both stay applied
    assert db_rows(out, "select status from corrections") == [("applied",), ("applied",)]
    # an enumerated column keeps its values
    assert cli("correct", str(out), "resolutions", row_id, "kind", "maybe").exit_code == 1


@pytest.mark.parametrize(
    ("table", "column", "text", "value"),
    [
        ("budgets", "amount_thb", "2,900,000", "2900000.00"),
        ("budgets", "fiscal_year", "2566", 2566),
        ("budgets", "purpose", " ขุดลอกคลอง ", "ขุดลอกคลอง"),
        ("meetings", "date", "2023-08-10", "2023-08-10"),
        ("assignments", "due", "", None),
        ("agenda_items", "implied", "true", True),
    ],
)
def test_parse_value(table, column, text, value):
    assert parse_value(table, column, text) == value


# --- query ---------------------------------------------------------------------------------------
SQL = "select doc_id, item, amount_thb, purpose from budgets order by doc_id, page, line"


def test_query_json_and_csv_equal_the_database(processed: Path):
    expected = db_rows(processed, SQL)
    result = cli("query", str(processed), SQL, "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [(r["doc_id"], r["item"], Decimal(str(r["amount_thb"])), r["purpose"]) for r in records]
    assert [
        (
            r["doc_id"],
            r["item"],
            Decimal(str(r["amount_thb"])).quantize(Decimal("0.01")),
            r["purpose"],
        )
        for r in records
    ] == expected
    result = cli("query", str(processed), SQL, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["doc_id", "item", "amount_thb", "purpose"]
    assert [(a, b, Decimal(c), d or None) for a, b, c, d in rows[1:]] == expected


def test_query_table_aligns_thai_by_display_cells(processed: Path):
    sql = "select title, level from agenda_items order by doc_id, page, line"
    result = cli("query", str(processed), sql)
    assert result.exit_code == 0
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    body = lines[2:-1]  # header, rule, rows..., "(n rows)"
    assert len(body) == db_rows(processed, "select count(*) from agenda_items")[0][0]
    assert any(any("\u0e31" <= ch <= "\u0e4e" for ch in ln) for ln in body)  # marks present
    # the right-aligned number column ends in the same display cell on every row
    ends = {cell_len(ln.rstrip()) for ln in body}
    assert len(ends) == 1, ends
    assert lines[-1] == f"({len(body)} rows)"


def test_query_table_never_wraps_when_piped(processed: Path):
    sql = "select * from assignments_overview"
    result = cli("query", str(processed), sql)
    body = [ln for ln in result.stdout.splitlines() if ln.strip()][2:-1]
    assert len(body) == db_rows(processed, "select count(*) from assignments")[0][0] > 0
    tasks = [r[0] for r in db_rows(processed, "select task from assignments_overview")]
    assert all(task in line for task, line in zip(tasks, body, strict=True))


def test_views_answer_the_common_questions(processed: Path):
    total = db_rows(processed, "select sum(amount_thb) from budgets")[0][0]
    by_year = db_rows(processed, "select sum(total_thb), sum(budgets) from budgets_by_body_year")
    assert by_year == [(total, db_rows(processed, "select count(*) from budgets")[0][0])]
    # the อบต.'s transfer was approved and its accumulated-funds request rejected
    decisions = dict(
        db_rows(
            processed,
            "select decision, sum(amount_thb) from budget_decisions "
            "where organization like '%หนองบัว%' group by 1",
        )
    )
    assert decisions == {"approved": Decimal("350000.00"), "rejected": Decimal("1200000.00")}
    kinds = db_rows(processed, "select sum(resolutions) from resolutions_by_kind")
    assert kinds == db_rows(processed, "select count(*) from resolutions")
    overview = db_rows(
        processed, "select meeting_date, item_title from assignments_overview where item = '4.1'"
    )
    assert overview and overview[0][0].year == 2022 and overview[0][1]


def test_query_errors_are_bad_usage(processed: Path, tmp_path: Path):
    result = cli("query", str(processed), "select * from no_such_table")
    assert result.exit_code == 1 and "no_such_table" in result.output
    result = cli("query", str(processed), "delete from budgets")
    assert result.exit_code == 1 and "read-only" in result.output.lower()
    result = cli("query", str(tmp_path), "select 1")
    assert result.exit_code == 1 and "thaiminutes run" in result.output
    result = cli("query", str(processed), "select 1", "--format", "xml")
    assert result.exit_code == 1


# --- Excel ---------------------------------------------------------------------------------------
def test_export_xlsx(processed: Path, tmp_path: Path):
    from openpyxl import load_workbook

    target = tmp_path / "รายงาน.xlsx"
    result = cli("export", str(processed), "--xlsx", str(target))
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == list(TABLE_ORDER)
    tables = read_tables(processed)
    for name in TABLE_ORDER:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == tables[name].column_names
        assert sheet.max_row == tables[name].num_rows + 1
    budgets = book["budgets"]
    header = [c.value for c in budgets[1]]
    amounts = [r[header.index("amount_thb")] for r in budgets.iter_rows(min_row=2)]
    assert all(isinstance(c.value, (int, float)) and c.number_format == "#,##0.00" for c in amounts)
    assert sorted(Decimal(str(c.value)) for c in amounts) == sorted(
        tables["budgets"].column("amount_thb").to_pylist()
    )
    meetings = book["meetings"]
    header = [c.value for c in meetings[1]]
    dates = [r[header.index("date")].value for r in meetings.iter_rows(min_row=2)]
    assert all(d.year in (2022, 2023) for d in dates)  # Excel dates, not text
    assert any(
        "หนองบัว" in (r[header.index("organization")].value or "")
        for r in meetings.iter_rows(min_row=2)
    )
    title_width = meetings.column_dimensions["B"].width
    assert 20 <= title_width <= 60


def test_export_splits_long_tables_and_cleans_text(tmp_path: Path, processed: Path):
    from openpyxl import load_workbook

    tables = read_tables(processed)
    lines = tables["lines"]
    bad = lines.set_column(
        lines.column_names.index("text"),
        "text",
        [["ข้อความ\x07มีอักขระควบคุม"] + lines.column("text").to_pylist()[1:]],
    )
    target = tmp_path / "lines.xlsx"
    export_xlsx({"lines": bad}, target, rows_per_sheet=100)
    book = load_workbook(target)
    parts = -(-lines.num_rows // 100)
    assert book.sheetnames == ["lines"] + [f"lines ({i})" for i in range(2, parts + 1)]
    assert sum(book[s].max_row - 1 for s in book.sheetnames) == lines.num_rows
    assert book["lines"]["D2"].value == "ข้อความมีอักขระควบคุม"
