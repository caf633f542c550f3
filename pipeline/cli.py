"""The ``thaiminutes`` command line (see CONTRACT.md for ``run``)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline import PIPELINE_VERSION
from pipeline.config import PipelineConfig
from pipeline.errors import ExitCode, MinutesError, MissingComponentError
from pipeline.ingest import doc_id_of, needs_ocr_engine, sha256_file
from pipeline.ocr import check_tesseract
from pipeline.runner import collect_inputs, make_executor, run_documents
from pipeline.store import OutputFolder

app = typer.Typer(add_completion=False, help="Scanned Thai meeting minutes to a queryable dataset.")
log = logging.getLogger("thaiminutes")


def _setup_logging(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _fail(code: ExitCode, message: str) -> None:
    typer.echo(f"thaiminutes: {message}", err=True)
    raise typer.Exit(int(code))


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (walked recursively).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    workers: Annotated[int, typer.Option(help="Parallel worker processes.")] = os.cpu_count() or 1,
    dask: Annotated[
        str | None, typer.Option(help="A dask.distributed scheduler address, or 'local'.")
    ] = None,  # noqa: UP007
    force: Annotated[bool, typer.Option("--force", help="Redo documents already done.")] = False,
    config_file: Annotated[Path | None, typer.Option("--config", help="A pipeline.toml.")] = None,  # noqa: UP007
) -> None:
    """Process INPUT files into DIR: DuckDB, Parquet, CSV and per-document JSON."""
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(ExitCode.BAD_USAGE, f"no such file or folder: {', '.join(missing)}")
    if workers < 1:
        _fail(ExitCode.BAD_USAGE, "--workers must be at least 1")
    try:
        config = PipelineConfig.load(config_file or Path("pipeline.toml"))
    except (ValueError, OSError) as exc:
        _fail(ExitCode.BAD_USAGE, f"bad configuration: {exc}")
    paths = collect_inputs(inputs)
    if any(needs_ocr_engine(p) for p in paths):
        try:
            check_tesseract(config.ocr.lang)
        except MissingComponentError as exc:
            _fail(ExitCode.MISSING_COMPONENT, str(exc))

    _setup_logging(out)
    store = OutputFolder(out)
    todo: list[tuple[Path, str | None]] = []
    seen: dict[str, Path] = {}
    statuses: dict[str, str] = {}
    duplicates = 0
    for path in paths:
        try:
            sha256 = sha256_file(path)
        except OSError:
            todo.append((path, None))  # recorded as failed by the runner
            continue
        doc_id = doc_id_of(sha256)
        if doc_id in seen:
            log.warning(
                "%s has the same content as %s (doc_id %s): processed once",
                path,
                seen[doc_id],
                doc_id,
            )
            duplicates += 1
            continue
        seen[doc_id] = path
        done = None if force else store.ledger_status(doc_id, PIPELINE_VERSION)
        if done:
            statuses[doc_id] = done
            continue
        todo.append((path, sha256))
    log.info(
        "run: %d input files, %d to process, %d already done, %d duplicates",
        len(paths),
        len(todo),
        len(statuses),
        duplicates,
    )

    try:
        executor, close = make_executor(min(workers, max(1, len(todo))), dask)
    except MinutesError as exc:
        _fail(ExitCode.MISSING_COMPONENT, str(exc))
    failed = 0
    try:
        with _progress(len(todo)) as advance:
            for result in run_documents(todo, config, executor):
                store.write_document(result.doc_id, result.rows, result.text, result.minutes)
                statuses[result.doc_id] = result.status
                if result.status != "ok":
                    failed += 1
                    log.warning(
                        "%s: %s: %s",
                        result.source,
                        result.status,
                        "; ".join(map(str, result.errors)),
                    )
                advance(result)
    finally:
        close()
    store.write_tables(store.build_tables())
    bad = sum(1 for s in statuses.values() if s != "ok")
    typer.echo(
        f"{len(statuses)} documents: {len(statuses) - bad} ok, {bad} failed or partial "
        f"({len(todo)} processed now) → {out}",
        err=True,
    )
    raise typer.Exit(int(ExitCode.DOCUMENTS_FAILED if bad else ExitCode.OK))


class _progress:
    """A rich progress bar on a terminal; nothing otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty() and self.total:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("documents", total=self.total)
        self.failures = 0

        def advance(result) -> None:
            if self.bar:
                self.failures += result.status != "ok"
                self.bar.update(
                    self.task, advance=1, description=f"documents ({self.failures} not ok)"
                )

        return advance

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.stop()


@app.command()
def version() -> None:
    """Print the pipeline version."""
    typer.echo(PIPELINE_VERSION)


def main() -> None:  # pragma: no cover
    app()
