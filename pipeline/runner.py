"""Run documents through the stages; only :func:`process_document` catches stage errors.

A document ends ``ok``, ``partial`` (some pages or stages failed, what could be read is kept) or
``failed`` (nothing usable, with an error that says why). The batch always goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.registry import EXTRACTORS
from pipeline import PIPELINE_VERSION
from pipeline.config import PipelineConfig
from pipeline.errors import MinutesError
from pipeline.ingest import doc_id_of, read_document, sha256_file
from pipeline.model import Document
from pipeline.normalize import document_text, normalize_document
from pipeline.ocr import OcrEngine, TesseractEngine
from pipeline.segment import segment
from pipeline.tables import jsonable, line_rows, minutes_rows, page_rows

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
) -> DocumentResult:
    """Every stage for one file, each stage's failure recorded rather than raised."""
    started = time.monotonic()
    source = str(path)
    try:
        sha256 = sha256 or sha256_file(path)
    except OSError as exc:
        sha256 = None
        doc_id = doc_id_of(hashlib.sha256(f"unreadable:{source}".encode()).hexdigest())
        result = DocumentResult(
            doc_id,
            source,
            "failed",
            [StageError("ingest", f"cannot read the file: {exc.strerror or exc}")],
        )
        return _finish(result, None, sha256, started)
    doc_id = doc_id_of(sha256)
    result = DocumentResult(doc_id, source, "ok")
    doc: Document | None = None
    try:
        doc = read_document(path, doc_id, config.ocr, engine(path, config))
        doc = normalize_document(doc, config.normalize)
    except MinutesError as exc:
        result.errors.append(StageError(exc.stage, str(exc)))
        result.status = "failed"
        return _finish(result, doc, sha256, started)
    except Exception as exc:  # a bug or an unforeseen file: record it, never stop the batch
        result.errors.append(StageError("ingest", f"unexpected {_crash(exc)}"))
        result.status = "failed"
        return _finish(result, doc, sha256, started)

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
        minutes = segment(doc)
    except Exception as exc:
        result.errors.append(StageError("segment", _crash(exc)))
        return _finish(result, doc, sha256, started)

    extracted: dict[str, list[Any]] = {}
    for table, (name, extractor) in EXTRACTORS.items():
        try:
            extracted[table] = extractor(minutes)
        except Exception as exc:
            result.errors.append(StageError(name, _crash(exc)))
    result.rows.update(minutes_rows(doc_id, minutes, extracted))
    result.minutes = jsonable(minutes)
    result.warnings.extend(_warnings(result.rows))
    return _finish(result, doc, sha256, started)


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
            "seconds": round(time.monotonic() - started, 3),
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
        if item.is_dir():
            out.extend(
                sorted(
                    p
                    for p in item.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(item).parts)
                )
            )
        else:
            out.append(item)
    return out


def run_documents(
    inputs: list[tuple[Path, str | None]],
    config: PipelineConfig,
    executor: Executor | None,
    engine: EngineFactory = default_engine,
) -> Iterator[DocumentResult]:
    """Process ``(path, sha256)`` inputs (the hash computed once, by the caller, or None) in
    ``executor`` or in this process, yielding results as they finish."""
    if executor is None:
        for path, sha256 in inputs:
            yield process_document(path, config, engine, sha256)
        return
    futures = {
        executor.submit(process_document, path, config, engine, sha256): path
        for path, sha256 in inputs
    }
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as exc:  # a worker died (killed, out of memory): record and go on
            path = futures[future]
            result = DocumentResult(
                "", str(path), "failed", [StageError("worker", f"the worker process died: {exc}")]
            )
            try:
                result.doc_id = doc_id_of(sha256_file(path))
            except OSError:
                result.doc_id = doc_id_of(hashlib.sha256(f"unreadable:{path}".encode()).hexdigest())
            yield _finish(result, None, None, time.monotonic())


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
