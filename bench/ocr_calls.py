"""Count the Tesseract calls the OCR stage makes, by kind, and the time each kind takes.

    python bench/ocr_calls.py                 # the sample scans (samples/*/source/minutes-scan.pdf)
    python bench/ocr_calls.py a.pdf b.pdf     # other scanned PDFs

Every page goes through ``TesseractEngine.page_tsv``, as in a run; ``run_tesseract`` is wrapped
to count its calls by page segmentation mode and language: the page itself (psm 4), the lines
read again alone (psm 7: Latin words, unread ink, split marks) and the words read again in Thai
(psm 8). Then the time of the OCR stage outside Tesseract. Nothing is written.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pipeline.ocr as ocr  # noqa: E402
from pipeline.config import OcrConfig  # noqa: E402
from pipeline.ingest import locate_page, plan_document  # noqa: E402
from pipeline.model import Page  # noqa: E402


def main(paths: list[Path]) -> None:
    calls: Counter[tuple[int, str]] = Counter()
    seconds: Counter[tuple[int, str]] = Counter()
    run = ocr.run_tesseract

    def counted(image, config, psm=None):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return run(image, config, psm)
        finally:
            key = (psm or config.psm, config.lang)
            calls[key] += 1
            seconds[key] += time.perf_counter() - started

    ocr.run_tesseract = counted
    config = OcrConfig()
    engine = ocr.TesseractEngine(config)
    pages, started, rendering, in_page = 0, time.perf_counter(), 0.0, 0.0
    for path in paths:
        plan = plan_document(path, config)
        for index in range(plan.pages):
            found = locate_page(plan, index, config)
            if isinstance(found, Page):
                continue  # a text-layer page: no OCR
            began = time.perf_counter()
            image = found.render()
            rendering += time.perf_counter() - began
            began = time.perf_counter()
            engine.page_tsv(image, 1)
            in_page += time.perf_counter() - began
            pages += 1
    tesseract = sum(seconds.values())
    print(f"{pages} pages in {time.perf_counter() - started:.1f} s")
    print("| psm | language | calls | seconds |")
    print("|---|---|---|---|")
    for (psm, lang), n in sorted(calls.items()):
        print(f"| {psm} | {lang} | {n} | {seconds[(psm, lang)]:.1f} |")
    print()
    print(f"Rasterising: {rendering:.1f} s.")
    print(f"The OCR stage (TesseractEngine.page_tsv): {in_page:.1f} s, of which")
    print(f"- Tesseract, with reading its results: {tesseract:.1f} s;")
    print(
        f"- the rest: {in_page - tesseract:.1f} s (preprocessing, parsing, choosing what to read"
        " again, the second reading of Thai digits, dot leaders, missed lines)."
    )


if __name__ == "__main__":
    given = [Path(a) for a in sys.argv[1:]]
    main(given or sorted(ROOT.glob("samples/*/source/minutes-scan.pdf")))
