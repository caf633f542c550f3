"""Character error of stock Tesseract on the sample scans: the "before" of the OCR stage.

    python bench/stock_cer.py            # every samples/*/source/minutes-{scan,photo}.pdf

Each page is rendered as the pipeline renders it and read by ``tesseract -l tha+eng`` with its
default settings (``pytesseract.image_to_string``, page segmentation 3, no preprocessing, no
re-reading, no repair). The text is only put in the form the ground truth is compared in: Thai
digits as Arabic ones and Unicode composed (``pipeline.normalize.normalize_text``); page numbers
and other furniture stay. Character error is counted whitespace ignored, as ``make eval`` counts
it, against the sample's ``minutes.txt`` read by the pipeline. Prints a table, asserts nothing.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytesseract  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.ingest import locate_page, plan_document  # noqa: E402
from pipeline.model import Page  # noqa: E402
from pipeline.normalize import normalize_text  # noqa: E402
from pipeline.runner import process_document  # noqa: E402

INPUTS = ("minutes-scan.pdf", "minutes-photo.pdf")


def _unspaced(text: str) -> str:
    return re.sub(r"\s", "", text)


def main() -> None:
    config = PipelineConfig()
    print("| sample | input | pages | stock Tesseract CER | seconds a page |")
    print("|---|---|---|---|---|")
    edits = chars = 0
    for source in sorted((ROOT / "samples").glob("*/source")):
        truth = process_document(source / "minutes.txt", config).text or ""
        ref = _unspaced(truth)
        for name in INPUTS:
            path = source / name
            if not path.exists():
                continue
            plan = plan_document(path, config.ocr)
            texts, started = [], time.perf_counter()
            for index in range(plan.pages):
                found = locate_page(plan, index, config.ocr)
                if isinstance(found, Page):
                    continue
                texts.append(pytesseract.image_to_string(found.render(), lang="tha+eng"))
            seconds = (time.perf_counter() - started) / max(1, plan.pages)
            hyp = _unspaced(normalize_text("\n".join(texts)))
            d = Levenshtein.distance(ref, hyp)
            edits, chars = edits + d, chars + len(ref)
            cer = 100 * d / len(ref)
            print(f"| {source.parent.name} | {name} | {plan.pages} | {cer:.2f}% | {seconds:.2f} |")
    print(f"| all | | | {100 * edits / chars:.2f}% | |")


if __name__ == "__main__":
    main()
