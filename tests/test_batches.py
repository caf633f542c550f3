"""Archive-scale batches: pages read in parallel, documents assembled in order, crashes survived."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import PipelineConfig
from pipeline.evaluate import frozen_engine
from pipeline.ocr import FrozenOcrEngine
from pipeline.runner import process_document, run_documents
from pipeline.store import to_arrow, to_csv

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "pathumthani_e3_2565" / "source" / "minutes.txt"
SCANS = sorted(SAMPLES.glob("*/source/minutes-scan.pdf"))
TEXT_PDFS = sorted(SAMPLES.glob("*/source/minutes-text.pdf"))
LONG_SCAN = SAMPLES / "pathumthani_e3_2565" / "source" / "minutes-scan.pdf"  # 22 pages
VOLATILE = {"processed_at", "seconds"}


def tables_of(result) -> dict[str, str]:
    out = {}
    for name, rows in result.rows.items():
        table = to_arrow(name, rows)
        table = table.drop_columns([c for c in VOLATILE if c in table.column_names])
        out[name] = to_csv(table).decode("utf-8-sig")
    return out


def test_pages_in_parallel_give_what_one_process_gives():
    inputs = [*SCANS, *TEXT_PDFS, SEED]
    config = PipelineConfig()
    sequential = {str(p): tables_of(process_document(p, config, frozen_engine)) for p in inputs}
    pages_seen = []
    with ProcessPoolExecutor(2) as pool:
        parallel = {
            r.source: tables_of(r)
            for r in run_documents(
                [(p, None) for p in inputs],
                config,
                pool,
                frozen_engine,
                on_page=lambda: pages_seen.append(1),
                window=3,
            )
        }
    assert parallel.keys() == sequential.keys()
    for source, tables in sequential.items():
        assert parallel[source] == tables, source
    pdf_pages = sum(
        tables["pages"].count("\n") - 1 for s, tables in sequential.items() if s.endswith(".pdf")
    )
    assert len(pages_seen) == pdf_pages


class CountingExecutor(Executor):
    """A thread pool that remembers the most tasks it ever held at once."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(2)
        self.lock = threading.Lock()
        self.held = self.most = 0

    def submit(self, fn, /, *args, **kwargs):
        with self.lock:
            self.held += 1
            self.most = max(self.most, self.held)
        future = self.pool.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _):
        with self.lock:
            self.held -= 1

    def shutdown(self, wait=True, **kwargs):
        self.pool.shutdown(wait)


def test_a_long_document_is_streamed_within_the_window():
    """22 pages, window 4: never more than 4 page tasks (+1 finishing task) at once."""
    executor = CountingExecutor()
    [result] = list(
        run_documents([(LONG_SCAN, None)], PipelineConfig(), executor, frozen_engine, window=4)
    )
    executor.shutdown()
    assert result.status == "ok" and len(result.rows["pages"]) == 22
    assert executor.most <= 5


def _dies_on_page_2(path: Path, config: PipelineConfig):
    engine = frozen_engine(path, config)
    return _Dying(engine)


class _Dying:
    def __init__(self, engine: FrozenOcrEngine):
        self.engine = engine

    def recognize(self, render, page_no, reason):
        if page_no == 2:
            os._exit(9)  # the worker process vanishes, as under the OOM killer
        return self.engine.recognize(render, page_no, reason)


def test_a_worker_that_dies_fails_its_document_and_the_batch_goes_on():
    scan = next(p for p in SCANS if "abt" in str(p))
    with ProcessPoolExecutor(2) as pool:
        results = list(
            run_documents([(scan, None), (SEED, None)], PipelineConfig(), pool, _dies_on_page_2)
        )
    by_source = {r.source: r for r in results}
    assert len(results) == 2
    died = by_source[str(scan)]
    assert died.status == "failed"  # retried by the next run, not kept as partial
    assert "worker process died" in died.rows["documents"][0]["error"]
    # the pool is broken after a death: the next document is recorded, not lost silently
    assert by_source[str(SEED)].rows["documents"][0]["status"] in {"ok", "failed"}


# --- SIGKILL ---------------------------------------------------------------------------------------
def _make_batch(folder: Path, n: int) -> None:
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for i in range(n):  # distinct content, so distinct documents
        (folder / f"minutes-{i:02d}.txt").write_text(text + f"\nสำเนาที่ {i + 1}\n", encoding="utf-8")


def _run(inputs: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            str(inputs),
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for csv in sorted((out / "tables").glob("*.csv")):
        frame = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        frames[csv.stem] = frame.drop(columns=[c for c in VOLATILE if c in frame.columns])
    return frames


BATCH = 16


@pytest.mark.parametrize("kill_after", [1, 8])
def test_sigkill_then_rerun_gives_the_tables_of_an_uninterrupted_run(tmp_path: Path, kill_after):
    inputs = tmp_path / "in"
    _make_batch(inputs, BATCH)
    whole = tmp_path / "whole"
    assert _run(inputs, whole).wait(timeout=300) == 0

    out = tmp_path / "killed"
    proc = _run(inputs, out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.glob("docs/*/document.json"))) >= kill_after:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(out.glob("docs/*/document.json")))
    assert 0 < done < BATCH

    rerun = _run(inputs, out)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"({BATCH - done} processed now)" in err.decode()
    expected, got = _tables(whole), _tables(out)
    assert got.keys() == expected.keys()
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)
    # what the kill left half-written was cleared away by the re-run
    assert not [p for p in out.rglob("*.tmp")]


# --- a page that hangs Tesseract -----------------------------------------------------------------
@pytest.mark.ocr
def test_a_page_that_hangs_tesseract_is_a_failed_page(tmp_path: Path, monkeypatch):
    """The second page's call of Tesseract hangs (a stand-in on PATH sleeps); with a 10 s page timeout the
    page is recorded as failed and the other pages are read."""
    import shutil as sh
    from dataclasses import replace

    real = sh.which("tesseract")
    if real is None:
        pytest.skip("tesseract is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    counter = tmp_path / "calls"
    counter.write_text("0")
    fake = bin_dir / "tesseract"
    fake.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *"--psm 7"*|*"--psm 8"*) exec "{real}" "$@";; esac\n'  # re-reads pass
        f'n=$(cat "{counter}"); echo $((n+1)) > "{counter}"\n'
        'if [ "$n" -eq 1 ]; then exec sleep 60; fi\n'
        f'exec "{real}" "$@"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # three small pages of the อบต. scan, as a multi-page TIFF
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(next(p for p in SCANS if "abt" in str(p))))
    frames = [pdf[i].render(scale=150 / 72, grayscale=True).to_pil() for i in range(3)]
    pdf.close()
    tiff = tmp_path / "three pages.tif"
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    base = PipelineConfig()
    # the program, not the library: a stand-in on PATH is what hangs
    config = replace(base, ocr=replace(base.ocr, engine="cli", timeout_s=10.0, dpi=150))
    started = time.monotonic()
    result = process_document(tiff, config)
    assert time.monotonic() - started < 50  # not the 60 s the hung call would take
    assert result.status == "partial"
    errors = [p["error"] for p in result.rows["pages"]]
    assert errors[0] is None and errors[2] is None
    assert "timed out after 10 s" in errors[1]
    assert result.rows["lines"]  # pages 1 and 3 were read


def test_tables_written_in_small_chunks_are_the_same(tmp_path: Path):
    """The tables are rebuilt in chunks of documents to keep memory flat: the chunk size must
    change nothing in Parquet, CSV or DuckDB."""
    import duckdb

    from pipeline.store import OutputFolder
    from tests.helpers import cli

    inputs = tmp_path / "in"
    _make_batch(inputs, 3)
    out = tmp_path / "out"
    assert cli("run", str(inputs), "--out", str(out), "--workers", "1").exit_code == 0
    whole = {p.name: p.read_bytes() for p in (out / "tables").glob("*.csv")}
    counts = OutputFolder(out).write_tables(chunk_rows=10)  # a flush after every document
    assert {p.name: p.read_bytes() for p in (out / "tables").glob("*.csv")} == whole
    con = duckdb.connect(str(out / "minutes.duckdb"), read_only=True)
    for name, n in counts.items():
        assert con.execute(f'select count(*) from "{name}"').fetchone()[0] == n
        assert pd.read_parquet(out / "tables" / f"{name}.parquet").shape[0] == n
    assert counts["documents"] == 3 and counts["lines"] > 600


class _Looking:
    """Frozen OCR that, like Tesseract, asks for each page's pixels, and notes what it got."""

    reads_pixels = True

    def __init__(self, engine: FrozenOcrEngine):
        self.engine, self.sizes = engine, []

    def recognize(self, render, page_no, reason):
        image = render()
        self.sizes.append((page_no, image.size))
        image.close()
        return self.engine.recognize(render, page_no, reason)


def test_one_worker_renders_the_next_page_while_this_one_is_read(monkeypatch):
    import pypdfium2

    scan = next(p for p in SCANS if "abt" in str(p))
    config = PipelineConfig()
    renders = []
    real = pypdfium2.PdfPage.render

    def render(page, *args, **kwargs):
        renders.append(threading.current_thread().name)
        return real(page, *args, **kwargs)

    monkeypatch.setattr(pypdfium2.PdfPage, "render", render)
    looking = _Looking(frozen_engine(scan, config))
    ahead = process_document(scan, config, lambda path, config: looking)
    assert renders and all(name.startswith("thaiminutes-render") for name in renders)
    assert [n for n, _ in looking.sizes] == [1, 2, 3]  # every page, in order
    assert all(w > 2000 and h > 3000 for _, (w, h) in looking.sizes)  # 300 dpi A4
    # the same tables as a replay that renders nothing
    assert tables_of(ahead) == tables_of(process_document(scan, config, frozen_engine))


def test_a_page_that_cannot_be_rasterised_is_a_failed_page(monkeypatch):
    import pypdfium2

    scan = next(p for p in SCANS if "abt" in str(p))
    config = PipelineConfig()
    real = pypdfium2.PdfPage.render

    calls = []

    def render(page, *args, **kwargs):  # pages are rendered one at a time, in order
        calls.append(1)
        if len(calls) == 2:
            raise pypdfium2.PdfiumError("Failed to render page")
        return real(page, *args, **kwargs)

    monkeypatch.setattr(pypdfium2.PdfPage, "render", render)
    looking = _Looking(frozen_engine(scan, config))
    result = process_document(scan, config, lambda path, config: looking)
    assert result.status == "partial"
    [error] = result.errors
    assert error.page == 2 and "page 2 cannot be rasterised" in error.message
    assert "Failed to render page" in error.message
    assert [n for n, _ in looking.sizes] == [1, 3]


def test_the_warm_up_waits_for_its_event_before_loading(monkeypatch):
    """With one worker the warm-up loads nothing until Tesseract has the first page: loading
    sooner held the GIL while the page was being made ready."""
    from pipeline import runner
    from pipeline.spelling import MarkRepairer

    loaded = threading.Event()
    monkeypatch.setattr(MarkRepairer, "default", classmethod(lambda cls: loaded.set()))
    started = threading.Event()
    thread = runner.warm_up_in_background(after=started)
    assert not loaded.wait(0.3)
    started.set()
    thread.join(10)
    assert loaded.is_set()


def test_a_page_task_normalises_its_page_once(monkeypatch):
    """The page-local text stage runs in the page's task; the document's text stages keep such a
    page as it is, and a page whose normalisation failed there meets it again and records it."""
    from pipeline import normalize, runner
    from pipeline.ingest import assemble, plan_document

    scan = next(p for p in SCANS if "abt" in str(p))
    config = PipelineConfig()
    plan = plan_document(scan, config.ocr)
    page = runner.read_page_task(plan, 0, config, frozen_engine)
    assert page.normalized and page.error is None
    assert any(ln.text != ln.raw_text for ln in page.lines)  # Thai digits made Arabic
    assert normalize.normalize_page(page, config.normalize) is page

    def broken(page, config):
        raise ValueError("a bug in a rule")

    monkeypatch.setattr(runner, "normalize_page", broken)
    as_read = runner.read_page_task(plan, 0, config, frozen_engine)
    assert not as_read.normalized and as_read.lines
    monkeypatch.setattr(normalize, "normalize_page", broken)
    document = assemble(scan, "0" * 16, plan, [as_read])
    result = runner.finish_document("0" * 64, document, config, time.time())
    assert result.status == "failed"
    assert [e.stage for e in result.errors] == ["normalize"]
    assert "a bug in a rule" in result.errors[0].message


def test_folders_are_walked_in_path_order_without_hidden_files_or_linked_folders(tmp_path: Path):
    from pipeline.runner import collect_inputs

    root = tmp_path / "archive"
    for name in ("a/x.pdf", "a b/x.pdf", "a/c/y.txt", "a/.git/z.txt", ".cache/z.txt", "a/.z.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    (root / "linked").symlink_to(root / "a", target_is_directory=True)
    (root / "z.txt").symlink_to(root / "a" / "x.pdf")  # a linked file is an input
    given = tmp_path / "given.txt"
    given.write_bytes(b"y")
    found = collect_inputs([given, root])
    assert found == [given, *(root / n for n in ("a/c/y.txt", "a/x.pdf", "a b/x.pdf", "z.txt"))]
    assert found[1:] == sorted(found[1:])  # as pathlib sorts paths: part by part
