"""The ``thaiminutes`` command line (see CONTRACT.md for ``run``)."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import PIPELINE_VERSION
from pipeline.config import PipelineConfig
from pipeline.errors import ExitCode, MinutesError, MissingComponentError
from pipeline.hashes import InputHashes
from pipeline.ingest import doc_id_of, needs_ocr_engine
from pipeline.ocr import check_tesseract
from pipeline.runner import collect_inputs, make_executor, run_documents
from pipeline.store import OutputFolder

# When a command is done, what is left alive is frozen out of the garbage collections the
# interpreter makes as it shuts down: they went over every object of pandas, pyarrow and the
# rest, 0.3 s at the end of every command. Other atexit handlers and finalizers run as before.
atexit.register(gc.freeze)

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
    if stale := store.remove_stale_temporaries():
        log.info("removed %d temporary files left by an interrupted run", stale)
    todo: list[tuple[Path, str | None]] = []
    seen: dict[str, Path] = {}
    statuses: dict[str, str] = {}
    duplicates = 0
    hashes = InputHashes.load(out, forget=force)
    began = time.monotonic()
    digests = hashes.hash_files(paths, threads=workers)
    hashes.save()
    log.info(
        "hashed %d input files (%.0f MB) in %.1f s; %d unchanged since an earlier run; "
        "%d gone since, forgotten",
        hashes.hashed,
        hashes.hashed_bytes / 1e6,
        time.monotonic() - began,
        hashes.reused,
        hashes.forgotten,
    )
    for path, sha256 in zip(paths, digests, strict=True):
        if sha256 is None:
            todo.append((path, None))  # cannot be read: recorded as failed by the runner
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
        # pages of one PDF or image are read in parallel; plain-text documents are one task each
        paged = any(needs_ocr_engine(path) for path, _ in todo)
        executor, close = make_executor(workers if paged else min(workers, max(1, len(todo))), dask)
    except MinutesError as exc:
        _fail(ExitCode.MISSING_COMPONENT, str(exc))
    failed = 0
    try:
        with _Progress(len(todo)) as progress:
            results = run_documents(
                todo, config, executor, on_page=progress.page, window=max(4, 3 * workers)
            )
            for result in results:
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
                progress.document(result)
    finally:
        close()
    store.write_tables()
    bad = sum(1 for s in statuses.values() if s != "ok")
    typer.echo(
        f"{len(statuses)} documents: {len(statuses) - bad} ok, {bad} failed or partial "
        f"({len(todo)} processed now) → {out}",
        err=True,
    )
    raise typer.Exit(int(ExitCode.DOCUMENTS_FAILED if bad else ExitCode.OK))


class _Progress:
    """A live display on a terminal: documents done of all, pages read and pages per second,
    failures so far, time left. Nothing when stderr is not a terminal (the log has it all)."""

    def __init__(self, total: int):
        self.total = total
        self.bar: Any = None
        self.pages = 0
        self.failures = 0
        self.started = time.monotonic()

    def __enter__(self) -> _Progress:
        if sys.stderr.isatty() and self.total:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("documents"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[pages]}"),
                TextColumn("{task.fields[failures]}"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total, pages="", failures="")
            self._show(0)
        return self

    def _show(self, advance: int) -> None:
        if self.bar is None:
            return
        rate = self.pages / max(time.monotonic() - self.started, 1e-9)
        self.bar.update(
            self.task,
            advance=advance,
            pages=f"{self.pages} pages, {rate:.2f}/s",
            failures=f"[red]{self.failures} not ok[/]" if self.failures else "0 not ok",
        )

    def page(self) -> None:
        self.pages += 1
        self._show(0)

    def document(self, result) -> None:
        self.failures += result.status != "ok"
        if result.rows.get("pages") and not any(
            r.get("method") in ("ocr", "text_layer") for r in result.rows["pages"]
        ):
            self.pages += len(result.rows["pages"])  # plain text: its pages come with it
        self._show(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()


def _out_folder(out: Path) -> OutputFolder:
    if not (out / "docs").is_dir():
        _fail(ExitCode.BAD_USAGE, f"{out} is not an output folder of `thaiminutes run`")
    return OutputFolder(out)


@app.command()
def query(
    out: Annotated[Path, typer.Argument(help="An output folder of `thaiminutes run`.")],
    sql: Annotated[str, typer.Argument(help="SQL on the tables and views of minutes.duckdb.")],
    fmt: Annotated[
        str, typer.Option("--format", help="table (aligned, for people), csv or json.")
    ] = "table",
) -> None:
    """Run SQL on DIR/minutes.duckdb (read-only) and print the answer."""
    from pipeline.query import FORMATS, QueryError, print_table, run_query, to_csv, to_json

    if fmt not in FORMATS:
        _fail(ExitCode.BAD_USAGE, f"--format must be one of {', '.join(FORMATS)}")
    try:
        result = run_query(out, sql)
    except QueryError as exc:
        _fail(ExitCode.BAD_USAGE, str(exc))
    if fmt == "csv":
        sys.stdout.write(to_csv(result))
    elif fmt == "json":
        sys.stdout.write(to_json(result))
    else:
        print_table(result, terminal=sys.stdout.isatty())


@app.command()
def correct(
    out: Annotated[Path, typer.Argument(help="An output folder of `thaiminutes run`.")],
    table: Annotated[str, typer.Argument(help="The table, e.g. budgets.")],
    row_id: Annotated[str, typer.Argument(help="The row's row_id column.")],
    column: Annotated[str, typer.Argument(help="The column to correct, or _row to delete.")],
    value: Annotated[str, typer.Argument(help="The right value ('' for NULL; 'delete' for _row).")],
    who: Annotated[str, typer.Option(help="Who corrects (default: the login name).")] = "",
    note: Annotated[str, typer.Option(help="Why, or where it was checked.")] = "",
) -> None:
    """Record a reviewer's correction in DIR/corrections.csv and rebuild the tables with it.

    Corrections are applied every time the tables are built, so they survive re-runs and --force.
    """
    import datetime as dt
    import getpass

    from pipeline.corrections import (
        Correction,
        append_correction,
        apply_corrections,
        read_corrections,
    )

    store = _out_folder(out)
    rows = store.corrected_document(row_id.split(":", 1)[0]) or {}
    current = next((r for r in rows.get(table, []) if r.get("row_id") == row_id), None)
    was = current.get(column) if current and column in current else None
    try:
        user = who or getpass.getuser()
    except (KeyError, OSError):
        user = ""
    fix = Correction(
        seq=len(read_corrections(store.corrections_file)) + 1,
        table=table,
        row_id=row_id,
        column=column,
        value=value,
        was="" if was is None else str(was),
        who=user,
        when=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        note=note,
    )
    outcome = apply_corrections(rows, [fix])[0]
    if outcome["status"] in {"invalid", "unmatched"}:
        _fail(ExitCode.BAD_USAGE, f"correction not recorded: {outcome['message']}")
    if outcome["status"] == "unchanged":
        typer.echo(f"nothing to correct: {outcome['message']}", err=True)
        return
    append_correction(store.corrections_file, fix)
    store.write_tables()
    typer.echo(f"{table} {row_id}: {outcome['message']} (in {store.corrections_file})", err=True)


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="An output folder of `thaiminutes run`.")],
    xlsx: Annotated[Path, typer.Option("--xlsx", help="The Excel workbook to write.")],
) -> None:
    """Write every table to one Excel workbook: a sheet per table, header frozen."""
    from pipeline.export import export_xlsx, read_tables

    _out_folder(out)
    try:
        tables = read_tables(out)
    except OSError as exc:
        _fail(ExitCode.BAD_USAGE, f"cannot read the tables of {out}: {exc}; run `thaiminutes run`")
    export_xlsx(tables, xlsx)
    typer.echo(f"{len(tables)} sheets → {xlsx}", err=True)


@app.command()
def review(
    out: Annotated[Path, typer.Argument(help="An output folder of `thaiminutes run`.")],
    source_root: Annotated[
        list[Path] | None,
        typer.Option("--source-root", help="A folder to look for the input files in (repeatable)."),
    ] = None,  # noqa: UP007
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Only this doc_id (repeatable).")
    ] = None,  # noqa: UP007
) -> None:
    """Write DIR/review/: an index of documents and, per document, its pages with line boxes
    beside the extracted tables (a click on a row shows its line). Static files; no server."""
    from pipeline.review import write_review

    _out_folder(out)
    try:
        index = write_review(out, source_root, doc)
    except OSError as exc:
        _fail(ExitCode.BAD_USAGE, f"cannot read the tables of {out}: {exc}; run `thaiminutes run`")
    typer.echo(f"review pages → {index}", err=True)


@app.command()
def version() -> None:
    """Print the pipeline version."""
    typer.echo(PIPELINE_VERSION)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
