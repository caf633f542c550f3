"""Real Tesseract on the scanned sample (slow: about a minute). Compared fuzzily with the frozen
OCR, since another Tesseract version may read a few characters differently."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import PipelineConfig
from pipeline.evaluate import cer, frozen_engine
from pipeline.runner import default_engine, process_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "pathumthani_e3_2565" / "source"


@pytest.mark.ocr
def test_scanned_sample_with_real_tesseract():
    live = process_document(SAMPLE / "minutes-scan.pdf", PipelineConfig(), default_engine)
    frozen = process_document(SAMPLE / "minutes-scan.pdf", PipelineConfig(), frozen_engine)
    truth = process_document(SAMPLE / "minutes.txt", PipelineConfig())
    assert live.status == "ok", live.errors
    assert live.rows["documents"][0]["kind"] == "scanned_pdf"
    assert {p["method"] for p in live.rows["pages"]} == {"ocr"}
    assert 0.8 < live.rows["documents"][0]["ocr_confidence"] <= 1
    assert cer(frozen.text, live.text) < 0.02  # the same engine settings read the same page
    assert cer(truth.text, live.text) < 0.08  # and stay close to the ground truth
    # every line has a box on its page
    for line in live.rows["lines"]:
        assert 0 <= line["x0"] < line["x1"] and 0 <= line["y0"] < line["y1"]
