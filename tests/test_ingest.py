"""Reading inputs, good and bad: every bad file becomes a clear, recorded error."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from pipeline.config import PipelineConfig
from pipeline.errors import InputFileError
from pipeline.ingest import decode_text, read_document
from pipeline.ocr import FrozenOcrEngine
from pipeline.runner import process_document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes.txt"
THAI = "รายงานการประชุม\nระเบียบวาระที่ ๑ เรื่องแจ้งเพื่อทราบ\nมติที่ประชุม รับทราบ\n"
NO_OCR = FrozenOcrEngine("")  # these tests must not need Tesseract


def no_ocr(path, config):
    return NO_OCR


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "tis-620", "cp874"]
)
def test_text_encodings_are_detected(encoding):
    assert decode_text(THAI.encode(encoding)) == THAI


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that declares a huge size: the header is enough to refuse it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def _encrypted_pdf(path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="secret"))


def _zero_page_pdf(path: Path) -> None:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


BAD = {
    "empty.txt": (lambda p: p.write_bytes(b""), "empty"),
    "notes.docx": (
        lambda p: p.write_bytes(b"PK\x03\x04 not minutes"),
        "unsupported file type '.docx'",
    ),
    "text-named.pdf": (lambda p: p.write_text(THAI, encoding="utf-8"), "not a PDF"),
    "truncated.pdf": (
        lambda p: p.write_bytes(
            (ROOT / "samples/pathumthani_e3_2565/source/minutes-text.pdf").read_bytes()[:3000]
        ),
        "truncated or corrupt",
    ),
    "encrypted.pdf": (_encrypted_pdf, "encrypted"),
    "zero-pages.pdf": (_zero_page_pdf, ""),
    "random.txt": (lambda p: p.write_bytes(bytes(range(256)) * 8), "binary or mis-encoded"),
    "truncated.jpg": (
        lambda p: (
            Image.new("L", (400, 400), 255).save(p, "JPEG"),
            p.write_bytes(p.read_bytes()[:300]),
        ),
        "truncated or corrupt",
    ),
    "huge.png": (lambda p: _png_header_only(p, 40000, 40000), "too large"),
    "english.txt": (
        lambda p: p.write_text("Minutes of the meeting\nItem 1: budget approved\n" * 5),
        "no Thai text",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_inputs_fail_with_a_clear_error(tmp_path, name):
    make, message = BAD[name]
    path = tmp_path / name
    make(path)
    result = process_document(path, PipelineConfig(), no_ocr)
    assert result.status == "failed"
    error = result.rows["documents"][0]["error"]
    assert error and message in error, error
    assert len(result.doc_id) == 16


def test_zero_page_pdf_says_so(tmp_path):
    path = tmp_path / "zero.pdf"
    _zero_page_pdf(path)
    with pytest.raises(InputFileError, match="no pages|cannot open"):
        read_document(path, "x", PipelineConfig().ocr, NO_OCR)


@pytest.mark.parametrize("encoding", ["utf-16", "tis-620"])
def test_legacy_encodings_read_like_utf8(tmp_path, encoding):
    path = tmp_path / "minutes.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding, errors="replace"))
    result = process_document(path, PipelineConfig(), no_ocr)
    utf8 = process_document(SEED, PipelineConfig(), no_ocr)
    assert result.status == "ok"
    assert result.rows["resolutions"] == [
        dict(r, doc_id=result.doc_id) for r in utf8.rows["resolutions"]
    ]


def test_a_crash_in_an_extractor_is_recorded_with_its_place(monkeypatch):
    from extractors import registry

    def broken(minutes):
        raise ValueError("unexpected layout")

    monkeypatch.setitem(registry.EXTRACTORS, "budgets", ("budget.v1", broken))
    result = process_document(SEED, PipelineConfig(), no_ocr)
    assert result.status == "partial"
    error = result.rows["documents"][0]["error"]
    assert error.startswith("budget.v1: ValueError: unexpected layout at test_ingest.py:")
    assert result.rows["resolutions"]  # the other extractors ran
