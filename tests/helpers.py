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
