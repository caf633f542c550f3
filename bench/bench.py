"""``make bench``: the pipeline beside raw Tesseract on the same pages, text-stage speed, memory.

In one run, for 1 and 2 worker processes (the batch with 2):

1. raw: ``tesseract page.png out -l tha+eng`` for every page image, N at a time (the page images
   are the ones the pipeline OCRs: the scan sample rasterised at 300 dpi, grayscale);
2. pipeline: ``thaiminutes run scan.pdf --workers N`` end to end (start-up, rasterising, OCR, text
   stages, tables), its peak memory per worker sampled from /proc; and the same with
   libtesseract as it is (``THAIMINUTES_TESSERACT_AS_IS=1``: line images through PNG, as raw
   Tesseract has them), to show what that part of the pipeline's speed owes to it;
3. OCRmyPDF (``ocrmypdf --jobs N --sidecar``, its defaults otherwise) on the same PDF, where
   ``--ocrmypdf`` names the program (``make bench`` installs it in ``.venv-ocrmypdf``): the tool an
   archivist would otherwise reach for;
4. a batch: every scanned and photographed sample PDF (seven bodies' minutes) in one run, against
   raw Tesseract on all their pages, where a run's fixed costs (start-up, the tables) are shared
   as in an archive's batch;
5. text stages: every stage after OCR (normalise, paragraphs, segment, extract, rows) on pages
   already read, in this process (pages per second on one core); and a batch of plain-text
   documents through the command line, to show worker memory stays flat as the batch grows.

Nothing here asserts: it prints a table (and writes it to ``--report``) with the targets beside.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluate import frozen_engine  # noqa: E402
from pipeline.ingest import assemble, close_cached, plan_document, read_page  # noqa: E402
from pipeline.line_images import AS_IS  # noqa: E402
from pipeline.runner import finish_document  # noqa: E402
from pipeline.spelling import MarkRepairer  # noqa: E402

SCAN = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes-scan.pdf"
SEED = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes.txt"
THAIMINUTES = Path(sys.executable).parent / "thaiminutes"
MIB = 1 << 20
#: What the pipeline asks of Tesseract besides the text (pipeline/ocr.py ``tesseract_config``).
SAME_OUTPUTS = [
    "--psm",
    "4",
    "-c",
    "preserve_interword_spaces=1",
    "-c",
    "tessedit_create_tsv=1",
    "txt",
]


# --- memory of a process tree --------------------------------------------------------------------
class TreeSampler(threading.Thread):
    """Samples the resident memory of a process and its descendants every 100 ms; remembers the
    peak of the root, of each Python worker and of any Tesseract process. Raw Tesseract runs are
    sampled the same way, so the sampler's own cost does not tilt the comparison."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root = root_pid
        self.stop = threading.Event()
        self.peak = {"main": 0, "worker": 0, "tesseract": 0}
        self.workers: set[int] = set()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            for pid, comm, rss in self._tree():
                role = (
                    "main"
                    if pid == self.root
                    else "tesseract"
                    if comm.startswith("tesseract")
                    else "worker"
                )
                if role == "worker":
                    self.workers.add(pid)
                self.peak[role] = max(self.peak[role], rss)

    def _tree(self) -> list[tuple[int, str, int]]:
        """The root and its descendants, found through /proc/<pid>/task/<tid>/children (no scan
        of all of /proc: the sampler itself should cost next to nothing)."""
        found, frontier = [], [self.root]
        while frontier:
            pid = frontier.pop()
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                status = Path(f"/proc/{pid}/status").read_text()
                for task in os.scandir(f"/proc/{pid}/task"):
                    children = Path(task.path, "children").read_text().split()
                    frontier.extend(int(c) for c in children)
            except OSError:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            rss = next(
                (int(ln.split()[1]) * 1024 for ln in status.splitlines() if ln.startswith("VmRSS")),
                0,
            )
            found.append((pid, comm, rss))
        return found


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, dict[str, int]]:
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, sampler.peak


# --- the runs ------------------------------------------------------------------------------------
def prepare(pages: int, work: Path) -> tuple[Path, list[Path]]:
    """The first ``pages`` pages of the scan sample as a PDF, and those pages as the 300-dpi
    grayscale images the pipeline rasterises for Tesseract."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(SCAN))
    pages = min(pages, len(source))
    subset = pdfium.PdfDocument.new()
    subset.import_pages(source, list(range(pages)))
    pdf = work / f"scan-{pages}p.pdf"
    subset.save(str(pdf))
    images = []
    scale = PipelineConfig().ocr.dpi / 72
    for i in range(pages):
        path = work / f"page-{i + 1:03d}.png"
        source[i].render(scale=scale, grayscale=True).to_pil().save(path)
        images.append(path)
    return pdf, images


def raw_tesseract(
    images: list[Path], workers: int, work: Path, lang: str, options: list[str]
) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        subprocess.run(
            ["tesseract", str(image), str(work / image.stem), "-l", lang, *options],
            check=True,
            capture_output=True,
            env=env,
        )

    sampler = TreeSampler(os.getpid())
    sampler.start()
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    seconds = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    return seconds


def prepare_batch(work: Path) -> tuple[Path, list[Path]]:
    """Every scanned and photographed sample PDF in one folder (the documents of seven bodies,
    each its own run of pages), and all their pages as the 300-dpi grayscale images the
    pipeline rasterises for Tesseract."""
    import pypdfium2 as pdfium

    folder, images = work / "batch", []
    folder.mkdir()
    scale = PipelineConfig().ocr.dpi / 72
    sources = sorted(ROOT.glob("samples/*/source/minutes-scan.pdf")) + sorted(
        ROOT.glob("samples/*/source/minutes-photo.pdf")
    )
    for source in sources:
        name = f"{source.parent.parent.name}-{source.name}"
        shutil.copyfile(source, folder / name)
        document = pdfium.PdfDocument(str(source))
        for i in range(len(document)):
            path = work / f"batch-{Path(name).stem}-{i + 1:03d}.png"
            document[i].render(scale=scale, grayscale=True).to_pil().save(path)
            images.append(path)
        document.close()
    return folder, images


def pipeline_run(
    pdf: Path, workers: int, work: Path, as_is: bool = False
) -> tuple[float, dict[str, int]]:
    """``thaiminutes run`` into an empty folder; ``as_is``: with libtesseract as it is (its line
    images through PNG, as raw Tesseract has them: pipeline/line_images.py)."""
    out = work / f"out-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    return run_measured(
        [str(THAIMINUTES), "run", str(pdf), "--out", str(out), "--workers", str(workers)],
        env={**os.environ, AS_IS: "1"} if as_is else None,
    )


def ocrmypdf_run(program: Path, pdf: Path, workers: int, work: Path) -> float:
    """OCRmyPDF on the same PDF with ``workers`` jobs and a text sidecar, its defaults otherwise
    (a PDF/A-like output, rasterised with PDFium where Ghostscript is missing), as the issue's
    measurement ran it. Tesseract is held to one thread here too."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    subprocess.run(
        [
            str(program),
            "--quiet",
            "--jobs",
            str(workers),
            "-l",
            PipelineConfig().ocr.lang,
            "--sidecar",
            str(work / "ocrmypdf.txt"),
            str(pdf),
            str(work / "ocrmypdf.pdf"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.monotonic() - started


def text_stages(repeat: int) -> tuple[int, float, float]:
    """Pages per second of every stage after OCR, on one core, over the frozen scan pages."""
    config = PipelineConfig()
    docs = []
    for path in sorted(ROOT.glob("samples/*/source/minutes-scan.pdf")):
        plan = plan_document(path, config.ocr)
        engine = frozen_engine(path, config)
        docs.append(
            (path, plan, [read_page(plan, i, config.ocr, engine) for i in range(plan.pages)])
        )
        close_cached()
    # one pass first: what a worker loads once (pythainlp's word trie, TNC frequencies, spaCy)
    # is start-up, paid once per process whatever the batch, not per page
    warm = time.process_time()
    for path, plan, read in docs:
        finish_document("0" * 64, assemble(path, "0" * 16, plan, read), config, time.time())
    warm_up = time.process_time() - warm
    pages = 0
    started = time.process_time()
    for _ in range(repeat):
        MarkRepairer.default().forget()  # each pass pays the repair afresh: nothing replayed
        for path, plan, read in docs:
            doc = assemble(path, "0" * 16, plan, read)
            result = finish_document("0" * 64, doc, config, time.time())
            assert result.status == "ok", result.errors
            pages += len(read)
    return pages, time.process_time() - started, warm_up


def text_batch(n: int, workers: int, work: Path) -> tuple[float, dict[str, int]]:
    folder = work / f"texts-{n}"
    if not folder.exists():
        folder.mkdir()
        text = SEED.read_text(encoding="utf-8")
        for i in range(n):
            (folder / f"m{i:04d}.txt").write_text(text + f"\nสำเนาที่ {i}\n", encoding="utf-8")
    out = work / f"out-texts-{n}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    return run_measured(
        [str(THAIMINUTES), "run", str(folder), "--out", str(out), "--workers", str(workers)]
    )


def pipeline_row(
    input_: str,
    pages: int,
    workers: int,
    raws: list[float],
    runs: list[tuple[float, dict[str, int]]],
    same: tuple[str, str] = ("", ""),
    other: tuple[str, str] = ("", ""),
    as_is: tuple[str, str] = ("", ""),
) -> str:
    """A table row of pipeline runs against the raw runs alternating with them: best to best,
    each run to the raw run just before it, and the peaks of memory. ``same``, ``other`` and
    ``as_is`` are the cells of raw Tesseract with the pipeline's outputs, of OCRmyPDF and of the
    pipeline with libtesseract as it is (a time and a ratio)."""
    raw, seconds = min(raws), min(s for s, _ in runs)
    peak = {k: max(p[k] for _, p in runs) for k in runs[0][1]}
    ratios = sorted(s / r for (s, _), r in zip(runs, raws, strict=True))
    return (
        f"| {input_} | {workers} | {raw:.1f} s ({pages / raw:.2f} pages/s) | {same[0]} | "
        f"{seconds:.1f} s ({pages / seconds:.2f} pages/s) | **{seconds / raw:.2f}×** (each run "
        f"to the raw run before it: {', '.join(f'{r:.2f}' for r in ratios)}; median "
        f"{statistics.median(ratios):.2f}) | {same[1]} | {as_is[0]} | {as_is[1]} | "
        f"{other[0]} | {other[1]} | "
        f"{(peak['worker'] if workers > 1 else peak['main']) / MIB:.0f} MiB | "
        f"{peak['main'] / MIB:.0f} MiB | {peak['tesseract'] / MIB:.0f} MiB |"
    )


# --- report --------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=22, help="scan pages to OCR (max 22)")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--text-docs", default="20,200", help="plain-text batch sizes")
    parser.add_argument(
        "--batch-workers", default="2", help="worker counts for the batch of sample scans ('' none)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each")
    parser.add_argument("--report", type=Path, default=ROOT / "out" / "bench.md")
    parser.add_argument(
        "--ocrmypdf", type=Path, default=None, help="the ocrmypdf program, to run beside"
    )
    args = parser.parse_args()
    ocrmypdf = args.ocrmypdf if args.ocrmypdf and args.ocrmypdf.exists() else None
    workers = [int(w) for w in args.workers.split(",")]
    lang = PipelineConfig().ocr.lang
    rows = []
    with tempfile.TemporaryDirectory(prefix="thaiminutes-bench-") as tmp:
        work = Path(tmp)
        pdf, images = prepare(args.pages, work)
        n = len(images)
        for w in workers:
            # alternate raw and pipeline runs and keep each one's best: this machine's speed
            # drifts by ±10% from one minute to the next
            raws, sames, runs, others, as_is = [], [], [], [], []
            for _ in range(args.repeat):
                raws.append(raw_tesseract(images, w, work, lang, []))
                runs.append(pipeline_run(pdf, w, work))
                sames.append(raw_tesseract(images, w, work, lang, SAME_OUTPUTS))
                as_is.append(pipeline_run(pdf, w, work, as_is=True)[0])
                if ocrmypdf and not others:  # once: a comparison, not the target
                    others.append(ocrmypdf_run(ocrmypdf, pdf, w, work))
            seconds, same = min(s for s, _ in runs), min(sames)
            other = (
                (f"{min(others):.1f} s", f"**{min(others) / seconds:.2f}×**")
                if others
                else ("not run", "")
            )
            rows.append(
                pipeline_row(
                    f"scanned PDF, {n} pages",
                    n,
                    w,
                    raws,
                    runs,
                    (f"{same:.1f} s", f"**{seconds / same:.2f}×**"),
                    other,
                    (f"{min(as_is):.1f} s", f"{min(as_is) / min(raws):.2f}×"),
                )
            )
            print(rows[-1], flush=True)
        batch_workers = [int(w) for w in args.batch_workers.split(",") if w]
        if batch_workers:
            folder, batch_images = prepare_batch(work)
            documents, n = len(list(folder.iterdir())), len(batch_images)
            input_ = f"{documents} scanned and photographed sample PDFs, {n} pages"
        for w in batch_workers:
            raws, runs = [], []
            for _ in range(args.repeat):
                raws.append(raw_tesseract(batch_images, w, work, lang, []))
                runs.append(pipeline_run(folder, w, work))
            rows.append(pipeline_row(input_, n, w, raws, runs))
            print(rows[-1], flush=True)
        pages, cpu, warm_up = text_stages(repeat=5)
        text_rate = pages / cpu
        batches = []
        for size in [int(s) for s in args.text_docs.split(",")]:
            for w in workers:
                seconds, peak = text_batch(size, w, work)
                batches.append(
                    f"| {size} plain-text documents | {w} | {seconds:.1f} s | "
                    f"{size / seconds:.1f} documents/s | "
                    f"{(peak['worker'] if w > 1 else peak['main']) / MIB:.0f} MiB | "
                    f"{peak['main'] / MIB:.0f} MiB |"
                )
                print(batches[-1], flush=True)

    report = "\n".join(
        [
            "# Benchmark",
            "",
            f"Machine: {os.cpu_count()} cores; Tesseract `{lang}`, OMP_THREAD_LIMIT=1 for both.",
            "",
            f"Best of {args.repeat} alternating runs each; the pipeline's time includes start-up, "
            "rasterising, the text stages and writing the tables. The ratio is best to best; "
            "beside it, each pipeline run against the raw run just before it, and their median: "
            "one lucky raw run on a machine whose speed drifts moves the first, not the second.",
            "",
            "Raw tesseract twice: plain (`tesseract page.png out -l tha+eng`, text only) and with "
            "the outputs the pipeline needs (`" + " ".join(SAME_OUTPUTS) + "`: boxes and "
            "confidences for provenance, Thai word spacing).",
            "",
            "The pipeline also with libtesseract as it is (`" + AS_IS + "=1`): its line images "
            "go through PNG and back, as in raw Tesseract (pipeline/line_images.py); best of the "
            "runs alternating with the others, its ratio to raw plain best to best.",
            "",
            "OCRmyPDF on the same PDF with as many jobs (`--jobs N --sidecar`, its defaults "
            "otherwise), once, in the first round; the pipeline's throughput over OCRmyPDF's is "
            "its time over the pipeline's best.",
            "",
            "| input | workers | raw tesseract, plain | raw, same outputs | thaiminutes run "
            "| ratio to plain (target ≤ 1.10) | ratio to same outputs "
            "| run, libtesseract as it is | its ratio to plain "
            "| OCRmyPDF (`--jobs N --sidecar`) | throughput over OCRmyPDF's (target ≥ 1.7) "
            "| peak memory per worker (target < 1 GiB) | main process | per Tesseract |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Text stages (normalise → rows, no OCR), one core: {pages} pages in {cpu:.2f} s CPU = "
            f"**{text_rate:.0f} pages/s** (target ≥ 50), after a first pass that loads what a "
            f"process loads once ({warm_up:.1f} s CPU: word lists, frequencies).",
            "",
            "| batch | workers | wall time | throughput | peak memory per worker | main process |",
            "|---|---|---|---|---|---|",
            *batches,
            "",
        ]
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"(written to {args.report})")


if __name__ == "__main__":
    main()
