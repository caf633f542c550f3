"""Every accepted input kind, through the whole pipeline (OCR replayed from the frozen sample)."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from pipeline.config import PipelineConfig
from pipeline.ocr import FrozenOcrEngine
from pipeline.runner import default_engine, process_document

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "pathumthani_e3_2565"
FROZEN = FrozenOcrEngine.from_file(SAMPLE / "frozen" / "minutes-scan.pdf.tsv")


def frozen(path, config):
    return FROZEN


def _pages_as_images(indexes: list[int]):
    pdf = pdfium.PdfDocument(str(SAMPLE / "source" / "minutes-scan.pdf"))
    return [pdf[i].render(scale=300 / 72, grayscale=True).to_pil() for i in indexes]


def test_mixed_pdf_is_decided_page_by_page(tmp_path: Path):
    """Page 1 with a text layer, page 2 scanned: the first is read, the second OCR'd."""
    mixed = pikepdf.new()
    with (
        pikepdf.open(SAMPLE / "source" / "minutes-text.pdf") as text,
        pikepdf.open(SAMPLE / "source" / "minutes-scan.pdf") as scan,
    ):
        mixed.pages.append(text.pages[0])
        mixed.pages.append(scan.pages[1])
        mixed.save(tmp_path / "mixed.pdf")
    result = process_document(tmp_path / "mixed.pdf", PipelineConfig(), frozen)
    assert result.status == "ok"
    pages = result.rows["pages"]
    assert [p["method"] for p in pages] == ["text_layer", "ocr"]
    assert "text layer" in pages[0]["reason"] and "OCR" in pages[1]["reason"]
    assert result.rows["documents"][0]["kind"] == "scanned_pdf"
    assert {r["method"] for r in result.rows["lines"]} == {"text_layer", "ocr"}


def test_multi_page_tiff(tmp_path: Path):
    first, second = _pages_as_images([0, 1])
    first.save(
        tmp_path / "minutes.tiff", save_all=True, append_images=[second], compression="tiff_lzw"
    )
    result = process_document(tmp_path / "minutes.tiff", PipelineConfig(), frozen)
    assert result.status == "ok"
    assert result.rows["documents"][0]["kind"] == "image"
    assert result.rows["documents"][0]["pages"] == 2
    statuses = {a["status"] for a in result.rows["attendees"]}
    assert {"present", "other"} <= statuses  # the attendance lists span both pages


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_single_images(tmp_path: Path, suffix: str):
    (image,) = _pages_as_images([0])
    image.save(tmp_path / f"page{suffix}")
    result = process_document(tmp_path / f"page{suffix}", PipelineConfig(), frozen)
    assert result.status == "ok" and result.rows["documents"][0]["kind"] == "image"
    assert result.rows["meetings"][0]["venue"]


@pytest.mark.ocr
def test_image_with_real_tesseract(tmp_path: Path):
    (image,) = _pages_as_images([0])
    image.save(tmp_path / "page.png")
    result = process_document(tmp_path / "page.png", PipelineConfig(), default_engine)
    assert result.status == "ok"
    lines = result.rows["lines"]
    assert any("ประชุม" in ln["text"] for ln in lines)
    assert all(ln["method"] == "ocr" and ln["x1"] > ln["x0"] for ln in lines)


class FailingOnPage2:
    """Replays the frozen OCR but fails on page 2, as a page that hangs Tesseract would."""

    def recognize(self, render, page_no, reason):
        from pipeline.errors import OcrError

        if page_no == 2:
            raise OcrError("Tesseract timed out after 120 s")
        return FROZEN.recognize(render, page_no, reason)


def test_a_failed_page_makes_the_document_partial():
    result = process_document(
        SAMPLE / "source" / "minutes-scan.pdf", PipelineConfig(), lambda p, c: FailingOnPage2()
    )
    doc = result.rows["documents"][0]
    assert doc["status"] == "partial"
    assert doc["error"] == "ocr (page 2): Tesseract timed out after 120 s"
    assert [p["error"] for p in result.rows["pages"]][:3] == [
        None,
        "Tesseract timed out after 120 s",
        None,
    ]
    assert result.rows["resolutions"]  # what could be read is kept
