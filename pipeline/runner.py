"""Run documents through the stages; only :func:`process_document` catches stage errors.

A document ends ``ok``, ``partial`` (some pages or stages failed, what could be read is kept) or
``failed`` (nothing usable, with an error that says why). The batch always goes on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.registry import EXTRACTORS
from pipeline import PIPELINE_VERSION
from pipeline.config import PipelineConfig
from pipeline.errors import MinutesError
from pipeline.ingest import (
    DocumentPlan,
    assemble,
    doc_id_of,
    needs_ocr_engine,
    plan_document,
    read_document,
    read_page,
    sha256_file,
)
from pipeline.model import Document, Page
from pipeline.normalize import document_text, normalize_document, normalize_page
from pipeline.ocr import TESSERACT_STARTED, OcrEngine, TesseractEngine
from pipeline.paragraphs import paragraphs, reading_text
from pipeline.segment import segment
from pipeline.spelling import MarkRepairer, dictionary_trie
from pipeline.tables import (
    flag_uncertain_sources,
    jsonable,
    line_rows,
    minutes_rows,
    page_rows,
)

#: Share of Thai among the letters of a document below which it is not Thai minutes.
MIN_THAI_SHARE = 0.2


@dataclass(frozen=True)
class StageError:
    stage: str
    message: str
    page: int | None = None

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page else ""
        return f"{self.stage}{where}: {self.message}"


@dataclass
class DocumentResult:
    doc_id: str
    source: str
    status: str  # ok | partial | failed
    errors: list[StageError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    text: str | None = None
    minutes: Any = None


EngineFactory = Callable[[Path, PipelineConfig], OcrEngine]


def default_engine(path: Path, config: PipelineConfig) -> OcrEngine:
    return TesseractEngine(config.ocr)


def thai_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    thai = sum(1 for ch in letters if "\u0e01" <= ch <= "\u0e5b")
    return thai / len(letters) if letters else 0.0


def process_document(
    path: Path,
    config: PipelineConfig,
    engine: EngineFactory = default_engine,
    sha256: str | None = None,
    on_page: Callable[[], None] | None = None,
) -> DocumentResult:
    """Every stage for one file in this process, each stage's failure recorded rather than raised."""
    started = time.time()
    try:
        sha256 = sha256 or sha256_file(path)
    except OSError as exc:
        return _unreadable(path, f"cannot read the file: {exc.strerror or exc}", started)
    try:
        doc = read_document(path, doc_id_of(sha256), config.ocr, engine(path, config), on_page)
    except MinutesError as exc:
        return _failed(path, sha256, StageError(exc.stage, str(exc)), started)
    except Exception as exc:  # a bug or an unforeseen file: record it, never stop the batch
        return _failed(path, sha256, StageError("ingest", f"unexpected {_crash(exc)}"), started)
    return finish_document(sha256, doc, config, started)


def read_page_task(
    plan: DocumentPlan, index: int, config: PipelineConfig, engine: EngineFactory
) -> Page:
    """One page of a document, in a worker: the unit of parallel OCR. Never raises.

    The page is normalised here too (page-local work, done while other workers read other
    pages, rather than after the last page); where that fails, the page is returned as read and
    the document's text stages meet and record the failure."""
    _build_word_tries(with_repairer=True)  # the OCR stage and the mark repair use them
    try:
        page = read_page(plan, index, config.ocr, engine(plan.path, config))
    except Exception as exc:
        return _failed_page(index, f"unexpected {_crash(exc)}")
    try:
        return normalize_page(page, config.normalize)
    except Exception:
        return page


def _build_word_tries(with_repairer: bool) -> None:
    """pythainlp's word trie (and with it the mark repairer's tries, TNC frequencies included)
    built here, before anything else asks: once per process, with the garbage collector held
    off (:func:`pipeline.spelling.kept_for_life`), rather than by whichever line or word asks
    first. A failure is left for the stages to meet and record."""
    with contextlib.suppress(Exception):
        if with_repairer:
            MarkRepairer.default()
        else:
            dictionary_trie()


def finish_document(
    sha256: str, read: Document, config: PipelineConfig, started: float
) -> DocumentResult:
    """The text stages of a document whose pages are read: normalise, segment, extract, rows."""
    _build_word_tries(with_repairer=False)  # the tokenizer's, for segmenting and extracting
    result = DocumentResult(read.doc_id, read.source, "ok")
    try:
        doc = normalize_document(read, config.normalize)
    except Exception as exc:
        result.errors.append(StageError("normalize", f"unexpected {_crash(exc)}"))
        result.status = "failed"
        return _finish(result, read, sha256, started)

    result.errors.extend(StageError("ocr", p.error, p.number) for p in doc.pages if p.error)
    result.text = document_text(doc)
    if not result.text.strip():
        result.errors.append(
            StageError("ingest", "no text found on any page (blank or unreadable scan)")
        )
        result.status = "failed"
        return _finish(result, doc, sha256, started)
    share = thai_share(result.text)
    if share < MIN_THAI_SHARE:
        result.errors.append(
            StageError(
                "ingest",
                f"no Thai text: only {share:.0%} of the letters are Thai",
            )
        )
        result.status = "failed"
        return _finish(result, doc, sha256, started)

    try:
        paras = paragraphs(doc)
        result.text = reading_text(doc, paras)
        minutes = segment(doc, paras)
    except Exception as exc:
        result.errors.append(StageError("segment", _crash(exc)))
        return _finish(result, doc, sha256, started)

    extracted: dict[str, list[Any]] = {}
    for table, (name, extractor) in EXTRACTORS.items():
        try:
            extracted[table] = extractor(minutes)
        except Exception as exc:
            result.errors.append(StageError(name, _crash(exc)))
    tables = minutes_rows(doc.doc_id, minutes, extracted)
    flag_uncertain_sources(tables, doc)
    result.rows.update(tables)
    result.minutes = jsonable(minutes)
    result.warnings.extend(_warnings(result.rows))
    return _finish(result, doc, sha256, started)


def _failed_page(index: int, message: str) -> Page:
    return Page(index + 1, None, None, "ocr", (), reason="unreadable page", error=message)


def _failed(path: Path, sha256: str, error: StageError, started: float) -> DocumentResult:
    result = DocumentResult(doc_id_of(sha256), str(path), "failed", [error])
    return _finish(result, None, sha256, started)


def _unreadable(path: Path, message: str, started: float) -> DocumentResult:
    """A file that cannot even be hashed: its doc_id comes from its path."""
    doc_id = doc_id_of(hashlib.sha256(f"unreadable:{path}".encode()).hexdigest())
    result = DocumentResult(doc_id, str(path), "failed", [StageError("ingest", message)])
    return _finish(result, None, None, started)


def _crash(exc: Exception) -> str:
    """An unexpected exception, said with where it happened (recorded in documents.error; worker
    processes have no log file of their own)."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _warnings(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Soft problems an archivist should see: a missing header field or no agenda found."""
    out = []
    meeting = rows["meetings"][0]
    for column in ("title", "date", "meeting_no"):
        if not meeting.get(column):
            out.append(f"no meeting {column} found")
    if not rows["agenda_items"]:
        out.append("no agenda items found")
    if not rows["attendees"]:
        out.append("no attendance list found")
    return out


def _finish(
    result: DocumentResult, doc: Document | None, sha256: str | None, started: float
) -> DocumentResult:
    if result.status == "ok" and result.errors:
        result.status = "partial"
    if doc is not None:
        result.rows["pages"] = page_rows(doc)
        result.rows["lines"] = line_rows(doc)
    result.rows["documents"] = [
        {
            "doc_id": result.doc_id,
            "source": result.source,
            "kind": doc.kind if doc else None,
            "pages": len(doc.pages) if doc else None,
            "status": result.status,
            "error": "; ".join(str(e) for e in result.errors) or None,
            "ocr_confidence": doc.ocr_confidence if doc else None,
            "pipeline_version": PIPELINE_VERSION,
            "processed_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "sha256": sha256,
            "warnings": "; ".join(result.warnings) or None,
            "seconds": round(time.time() - started, 3),
        }
    ]
    if doc is None:
        result.minutes = None
    return result


# --- batches --------------------------------------------------------------------------------------
def collect_inputs(inputs: Iterable[Path]) -> list[Path]:
    """Files as given and every file under folders (recursively, hidden files excluded), in order."""
    out: list[Path] = []
    for item in inputs:
        if not item.is_dir():
            out.append(item)
            continue
        found: list[Path] = []
        for folder, dirs, files in os.walk(item):  # symbolic links to folders not followed
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.extend(
                Path(folder, name)
                for name in files
                if not name.startswith(".") and os.path.isfile(os.path.join(folder, name))
            )
        out.extend(sorted(found, key=lambda p: p.parts))  # as paths sort: folder by folder
    return out


def run_documents(
    inputs: list[tuple[Path, str | None]],
    config: PipelineConfig,
    executor: Executor | None,
    engine: EngineFactory = default_engine,
    on_page: Callable[[], None] | None = None,
    window: int = 8,
) -> Iterator[DocumentResult]:
    """Process ``(path, sha256)`` inputs (the hash computed once, by the caller, or None),
    yielding each document's result as it finishes.

    Without an executor, documents and their pages are read one after the other here. With one,
    every page of a PDF or image is its own task (read, rasterised and OCR'd in the worker, so no
    page image crosses processes and a 500-page PDF is never in memory whole), at most ``window``
    tasks in flight; when a document's last page is in, its text stages run as one more task.
    Plain-text documents are one task each."""
    if executor is None:
        if any(needs_ocr_engine(path) for path, _ in inputs):
            # from when Tesseract has the first page, so as not to slow getting it ready
            warm_up_in_background(after=TESSERACT_STARTED)
        for path, sha256 in inputs:
            yield process_document(path, config, engine, sha256, on_page)
        return
    yield from _Scheduler(config, executor, engine, on_page, window).run(inputs)


def warm_up_in_background(after: threading.Event, patience: float = 30.0) -> threading.Thread:
    """Load what the text stages load once per process (pythainlp's word trie and TNC word
    frequencies, the mark repairer: ~0.7 s) in a helper thread, while this process OCRs the first
    pages: Tesseract lets go of the GIL, so a single worker does not pay it after OCR. The
    loading waits for ``after`` (at most ``patience`` seconds): started with the run, it held the
    GIL in pure Python while the first page was being made ready, and every import, PIL or numpy
    call there, each giving the GIL up, waited up to 5 ms to get it back (the first page reached
    Tesseract 1.5-2 s late). A failure here is left for the text stages to meet and record."""

    def load() -> None:
        after.wait(patience)
        try:
            from pythainlp.tokenize import word_tokenize

            MarkRepairer.default()
            word_tokenize("ประชุม")
        except Exception:
            pass

    thread = threading.Thread(target=load, name="thaiminutes-warm-up", daemon=True)
    thread.start()
    return thread


@dataclass
class _Pending:
    path: Path
    sha256: str
    plan: DocumentPlan
    started: float
    pages: list[Page] = field(default_factory=list)
    lost: bool = False  # a page was lost with its worker: the document is failed, to be redone

    def assembled(self) -> Document:
        return assemble(self.path, doc_id_of(self.sha256), self.plan, self.pages)


class _Scheduler:
    """Feeds page tasks to an executor within a window and assembles documents as they finish."""

    def __init__(self, config, executor, engine, on_page, window):
        self.config, self.executor, self.engine = config, executor, engine
        self.on_page = on_page or (lambda: None)
        self.window = max(2, window)
        self.futures: dict[Future, tuple[str, Any]] = {}

    def run(self, inputs: list[tuple[Path, str | None]]) -> Iterator[DocumentResult]:
        for path, sha256 in inputs:
            started = time.time()
            try:
                sha256 = sha256 or sha256_file(path)
                plan = plan_document(path, self.config.ocr)
            except Exception:
                # unreadable, unsupported, corrupt...: failing takes no time, do it here the
                # same way a single process would, with the same message
                yield process_document(path, self.config, self.engine, sha256)
                continue
            if plan.format == "text":
                yield from self._wait_for_room()
                yield from self._submit(
                    ("document", path), process_document, path, self.config, self.engine, sha256
                )
            else:
                doc = _Pending(path, sha256, plan, started)
                for index in range(plan.pages):
                    yield from self._wait_for_room()
                    yield from self._submit(
                        ("page", (doc, index)),
                        read_page_task,
                        plan,
                        index,
                        self.config,
                        self.engine,
                    )
        while self.futures:
            yield from self._collect()

    def _wait_for_room(self) -> Iterator[DocumentResult]:
        """Results are collected (and the documents finished) before more tasks are sent: what
        is in flight, and so in memory here, stays within the window whatever the batch size."""
        while len(self.futures) >= self.window:
            yield from self._collect()

    def _submit(self, tag: tuple[str, Any], fn, *args) -> Iterator[DocumentResult]:
        try:
            self.futures[self.executor.submit(fn, *args)] = tag
        except Exception as exc:  # e.g. the process pool broke when a worker was killed
            yield from self._lost(tag, f"could not be scheduled ({type(exc).__name__}: {exc})")

    def _collect(self) -> Iterator[DocumentResult]:
        done, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
        for future in done:
            tag = self.futures.pop(future)
            try:
                value = future.result()
            except Exception as exc:  # a worker died (killed, out of memory): record, go on
                yield from self._lost(tag, f"the worker process died: {type(exc).__name__}: {exc}")
                continue
            if tag[0] == "page":
                yield from self._page_done(tag[1][0], value)
            elif tag[0] == "finish" and tag[1].lost:  # a page was lost with its worker
                value.status = value.rows["documents"][0]["status"] = "failed"
                yield value
            else:
                yield value

    def _page_done(self, doc: _Pending, page: Page) -> Iterator[DocumentResult]:
        doc.pages.append(page)
        self.on_page()
        if len(doc.pages) == doc.plan.pages:
            yield from self._submit(
                ("finish", doc),
                finish_document,
                doc.sha256,
                doc.assembled(),
                self.config,
                doc.started,
            )

    def _lost(self, tag: tuple[str, Any], message: str) -> Iterator[DocumentResult]:
        """A task whose worker died, or that could not be submitted (a broken pool)."""
        kind, what = tag
        if kind == "page":
            doc, index = what
            doc.lost = True
            yield from self._page_done(doc, _failed_page(index, message))
        elif kind == "finish":
            # the pages are here: run the (cheap) text stages in this process instead
            doc = what
            result = finish_document(doc.sha256, doc.assembled(), self.config, doc.started)
            if doc.lost:
                result.status = result.rows["documents"][0]["status"] = "failed"
            yield result
        else:
            path, started = what, time.time()
            try:
                sha256 = sha256_file(path)
            except OSError:
                yield _unreadable(path, message, started)
                return
            yield _failed(path, sha256, StageError("worker", message), started)


def make_executor(workers: int, dask: str | None) -> tuple[Executor | None, Callable[[], None]]:
    """A process pool, a Dask cluster's executor, or None for one worker in this process."""
    if dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise MinutesError(
                "--dask needs dask.distributed: pip install 'dask[distributed]'"
            ) from exc
        cluster = (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            if dask == "local"
            else None
        )
        client = Client(cluster if cluster else dask)

        def close() -> None:
            client.close()
            if cluster:
                cluster.close()

        return client.get_executor(), close
    if workers <= 1:
        return None, lambda: None
    pool = ProcessPoolExecutor(max_workers=workers)
    return pool, lambda: pool.shutdown(cancel_futures=True)
