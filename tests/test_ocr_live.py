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


def _page_image(index: int, dpi: int = 150):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SAMPLE / "minutes-scan.pdf"))
    try:
        return pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()


@pytest.mark.ocr
def test_the_library_and_the_program_read_a_page_alike():
    """The in-process engine (tesserocr) and the ``tesseract`` program, with the same settings,
    read the same lines, boxes and confidences: frozen outputs and live runs do not depend on
    which one read the page."""
    from dataclasses import replace

    from pipeline.ocr import _api_problem, parse_tesseract_tsv, run_tesseract

    if _api_problem():
        pytest.skip(_api_problem())
    image = _page_image(1)
    config = replace(PipelineConfig().ocr, dpi=150)
    api = run_tesseract(image, replace(config, engine="api"))
    cli = run_tesseract(image, replace(config, engine="cli"))
    page = parse_tesseract_tsv(api, 1)
    assert len(page.lines) > 20
    assert page == parse_tesseract_tsv(cli, 1)


@pytest.mark.ocr
def test_a_page_over_the_time_limit_in_the_library_is_a_failed_page(tmp_path: Path):
    """The library's recognition is stopped at ``timeout_s``; the page is recorded as failed, the
    document partial, and the same worker reads the next page normally."""
    from dataclasses import replace

    from pipeline.ocr import _api_problem

    if _api_problem():
        pytest.skip(_api_problem())
    image = tmp_path / "two.tif"
    full = _page_image(3, dpi=300)  # ~5 s of recognition
    strip = _page_image(1, dpi=150)
    strip = strip.crop((0, 0, strip.width, strip.height // 6))  # a few lines: well under 1 s
    full.save(image, save_all=True, append_images=[strip])
    base = PipelineConfig()
    config = replace(base, ocr=replace(base.ocr, engine="api", timeout_s=1.5))
    result = process_document(image, config)
    assert result.status == "partial", result.errors
    errors = [p["error"] for p in result.rows["pages"]]
    assert "timed out after 1.5 s" in errors[0]
    assert errors[1] is None
    assert any(line["page"] == 2 for line in result.rows["lines"])


def test_an_unknown_engine_is_refused():
    from pipeline.config import OcrConfig

    with pytest.raises(ValueError, match="auto, api or cli"):
        OcrConfig(engine="fast")


@pytest.mark.ocr
def test_a_photographed_page_is_straightened_and_evened_out_before_ocr():
    from dataclasses import replace

    photo = ROOT / "samples" / "tessaban_bangphra_2566" / "source" / "minutes-photo.pdf"
    config = PipelineConfig()
    plain = replace(config, ocr=replace(config.ocr, deskew=False, even_light=False))
    truth = process_document(photo.with_name("minutes.txt"), config).text
    live = process_document(photo, config, default_engine)
    unprepared = process_document(photo, plain, default_engine)
    assert cer(truth, live.text) < 0.05  # measured 1.05%
    assert cer(truth, unprepared.text) > 3 * cer(truth, live.text)  # measured 19.3%
    for line in live.rows["lines"]:  # boxes back on the page as photographed
        assert 0 <= line["x0"] < line["x1"] <= 2482 and 0 <= line["y0"] < line["y1"] <= 3509
