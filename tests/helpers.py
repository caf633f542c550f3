"""What several test modules share: sample paths, the command line in-process, a database query."""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes.txt"
ABT_PDF = ROOT / "samples" / "abt_nongbua_2566" / "source" / "minutes-text.pdf"
_runner = CliRunner()


def cli(*args: str):
    """``thaiminutes ARGS...`` in this process."""
    return _runner.invoke(app, list(args), catch_exceptions=False)


def db_rows(out: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` on ``out/minutes.duckdb``, opened read-only."""
    con = duckdb.connect(str(out / "minutes.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def minutes_of(text: str):
    """The segmented minutes of a plain text, as the pipeline reads a ``.txt`` file."""
    from pipeline.config import NormalizeConfig
    from pipeline.ingest import read_text_pages
    from pipeline.model import Document
    from pipeline.normalize import normalize_document
    from pipeline.segment import segment

    doc = Document("x", "x.txt", "text", tuple(read_text_pages(text.encode("utf-8"))))
    return segment(normalize_document(doc, NormalizeConfig()))
