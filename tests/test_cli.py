"""The command line as an archivist uses it: batches with bad files, re-runs, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes.txt"
TEXT_PDF = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes-text.pdf"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["run", *args], catch_exceptions=False)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "in" / "รายงาน ปี 2565"  # a Thai folder name with a space
    folder.mkdir(parents=True)
    shutil.copy(SEED, folder / "ครั้งที่ 1.txt")
    shutil.copy(SEED, folder / "copy of minutes.txt")  # same content under another name
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "text-named.pdf").write_text("ไม่ใช่ PDF", encoding="utf-8")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    return tmp_path / "in"


def test_batch_with_bad_files(batch: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run(str(batch), "--out", str(out), "--workers", "1")
    assert result.exit_code == 2, result.output
    docs = pd.read_csv(out / "tables" / "documents.csv", encoding="utf-8-sig")
    assert len(docs) == 4  # the copy shares the first file's doc_id
    ok = docs[docs.status == "ok"]
    assert len(ok) == 1 and Path(ok.source.iloc[0]).name in ("ครั้งที่ 1.txt", "copy of minutes.txt")
    failed = docs[docs.status == "failed"]
    assert sorted(Path(s).name for s in failed.source) == [
        "empty.txt",
        "notes.docx",
        "text-named.pdf",
    ]
    assert failed.error.str.len().min() > 10
    # the three formats agree, and CSV starts with a BOM for Excel
    con = duckdb.connect(str(out / "minutes.duckdb"), read_only=True)
    for table in ("documents", "resolutions", "budgets", "attendees", "lines"):
        assert (
            con.execute(f"select count(*) from {table}").fetchone()[0]
            == pq.read_table(out / "tables" / f"{table}.parquet").num_rows
        )
    assert (out / "tables" / "budgets.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (
        con.execute("select typeof(amount_thb) from budgets limit 1").fetchone()[0]
        == "DECIMAL(18,2)"
    )
    assert con.execute("select typeof(date) from meetings limit 1").fetchone()[0] == "DATE"
    doc_id = docs[docs.status == "ok"].doc_id.iloc[0]
    assert (out / "docs" / doc_id / "minutes.json").exists()
    assert "\f" not in (out / "docs" / doc_id / "text.txt").read_text(encoding="utf-8")  # one page
    # every extracted value points at a line that exists
    missing = con.execute("""
        select count(*) from (
            select doc_id, page, line from resolutions union all select doc_id, page, line from budgets
            union all select doc_id, page, line from assignments union all select doc_id, page, line from attendees
        ) v anti join lines l using (doc_id, page, line)""").fetchone()[0]
    assert missing == 0


def test_rerun_skips_done_documents_and_force_redoes(tmp_path: Path):
    out = tmp_path / "out"
    assert run(str(SEED), "--out", str(out), "--workers", "1").exit_code == 0
    stamp = (out / "tables" / "documents.csv").read_text(encoding="utf-8-sig")
    again = run(str(SEED), "--out", str(out), "--workers", "1")
    assert again.exit_code == 0 and "0 processed now" in again.output
    assert (out / "tables" / "documents.csv").read_text(encoding="utf-8-sig") == stamp
    forced = run(str(SEED), "--out", str(out), "--force", "--workers", "1")
    assert "1 processed now" in forced.output


def test_documents_from_earlier_runs_are_kept(tmp_path: Path):
    out = tmp_path / "out"
    run(str(SEED), "--out", str(out), "--workers", "1")
    other = tmp_path / "other.txt"
    other.write_text("รายงานการประชุม\nระเบียบวาระที่ 1 เรื่องแจ้ง\nมติที่ประชุม รับทราบ\n", encoding="utf-8")
    run(str(other), "--out", str(out), "--workers", "1")
    assert len(pd.read_parquet(out / "tables" / "documents.parquet")) == 2


def test_half_written_document_is_redone(tmp_path: Path):
    """A run killed while writing leaves no document.json (written last, atomically): redone."""
    out = tmp_path / "out"
    run(str(SEED), "--out", str(out), "--workers", "1")
    (doc,) = (out / "docs").iterdir()
    (doc / "document.json").unlink()
    (out / "docs" / "0000000000000000").mkdir()  # a folder left by a killed run, nothing inside
    result = run(str(SEED), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0 and "1 processed now" in result.output


def test_usage_errors(tmp_path: Path):
    assert run(str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "o")).exit_code == 1
    assert run(str(SEED), "--out", str(tmp_path / "o"), "--workers", "0").exit_code == 1


def test_missing_tesseract_exits_3(tmp_path: Path, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    result = run(str(TEXT_PDF), "--out", str(tmp_path / "o"))
    assert result.exit_code == 3
    assert "apt-get install tesseract-ocr tesseract-ocr-tha" in result.output


def test_parallel_workers_give_the_same_tables(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    inputs = [str(SEED), str(TEXT_PDF)]
    assert run(*inputs, "--out", str(one), "--workers", "1").exit_code == 0
    assert run(*inputs, "--out", str(two), "--workers", "2").exit_code == 0
    for table in ("resolutions", "budgets", "attendees", "speeches"):
        assert pd.read_parquet(one / "tables" / f"{table}.parquet").equals(
            pd.read_parquet(two / "tables" / f"{table}.parquet")
        )


def test_dask_local_cluster_gives_the_same_tables(tmp_path: Path):
    inputs = [str(SEED), str(TEXT_PDF)]
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert run(*inputs, "--out", str(local), "--workers", "1").exit_code == 0
    assert run(*inputs, "--out", str(dask), "--workers", "2", "--dask", "local").exit_code == 0
    for table in ("documents", "resolutions", "budgets", "attendees", "lines"):
        a = pd.read_parquet(local / "tables" / f"{table}.parquet").drop(
            columns=["processed_at", "seconds"], errors="ignore"
        )
        b = pd.read_parquet(dask / "tables" / f"{table}.parquet").drop(
            columns=["processed_at", "seconds"], errors="ignore"
        )
        assert a.equals(b), table
