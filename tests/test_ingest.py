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


# --- image files are rasterised as a scanned PDF's page is ------------------------------------------
def _speckled_page(width: int, height: int, seed: int = 7) -> Image.Image:
    """A grey page with dark strokes and specks: something whose pixels a resampling changes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pixels = np.full((height, width), 235, np.uint8)
    pixels += rng.integers(0, 20, (height, width), dtype=np.uint8)
    for _ in range(200):
        y, x = int(rng.integers(0, height - 8)), int(rng.integers(0, width - 40))
        pixels[y : y + 6, x : x + int(rng.integers(4, 40))] = 20
    return Image.fromarray(pixels, "L")


def _image_pixels(path: Path, index: int = 0):
    import numpy as np

    from pipeline.ingest import locate_page, plan_document

    config = PipelineConfig().ocr
    return np.asarray(locate_page(plan_document(path, config), index, config).render())


@pytest.mark.parametrize("suffix", [".png", ".tif", ".jpg"])
def test_an_image_file_reads_as_the_same_scan_in_a_pdf(tmp_path, suffix):
    """The same pixels whichever way the scan comes: an image file is drawn by PDFium on a page
    of its size, as a PDF made of it (img2pdf, as scanners and the samples make them) is."""
    import img2pdf
    import numpy as np

    # A4 at 300 dpi: PDFium draws the 2,481-pixel width 2,482 wide, mixing neighbouring columns
    image = tmp_path / f"scan{suffix}"
    _speckled_page(2481, 3508).save(image, dpi=(300, 300))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(img2pdf.convert(str(image)))
    from_image, from_pdf = _image_pixels(image), _image_pixels(pdf)
    assert from_image.shape == from_pdf.shape == (3508, 2482)
    assert np.array_equal(from_image, from_pdf)
    assert not np.array_equal(from_image[:, :2481], np.asarray(Image.open(image)))


def test_a_600_dpi_scan_is_read_at_300_dpi_and_an_undeclared_one_at_its_own_pixels(tmp_path):
    page = _speckled_page(1200, 1700)
    fine, plain, software = tmp_path / "fine.png", tmp_path / "plain.png", tmp_path / "72.png"
    page.save(fine, dpi=(600, 600))
    page.save(plain)
    page.save(software, dpi=(72, 72))  # what software writes when it knows no resolution
    # PDFium rounds a page's pixel size up: a pixel more is its way, as for a PDF's page
    for path, size in ((fine, (600, 850)), (plain, (1200, 1700)), (software, (1200, 1700))):
        height, width = _image_pixels(path).shape
        assert 0 <= width - size[0] <= 1 and 0 <= height - size[1] <= 1, path.name


def test_scan_dpi_takes_only_a_resolution_a_scanner_would_write():
    from pipeline.ingest import scan_dpi

    page = Image.new("L", (2481, 3508))
    for dpi, expected in [
        ((300, 300), 300.0),
        ((400.0, 400.0), 400.0),
        ((72, 72), None),  # a software default
        ((300, 150), None),  # another for each axis
        ((100, 100), None),  # a 35-inch page
        (None, None),
    ]:
        if dpi is None:
            page.info.pop("dpi", None)
        else:
            page.info["dpi"] = dpi
        assert scan_dpi(page) == expected, dpi


def test_a_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    """A phone photo taken sideways is stored sideways with an EXIF orientation: read upright."""
    import numpy as np

    page = _speckled_page(600, 900)
    exif = Image.Exif()
    exif[0x0112] = 6  # the stored image is the page turned 90° anticlockwise
    photo = tmp_path / "photo.jpg"
    page.rotate(90, expand=True).save(photo, exif=exif, quality=95)
    read = _image_pixels(photo)
    assert 0 <= read.shape[0] - 900 <= 1 and 0 <= read.shape[1] - 600 <= 1
    upright = np.asarray(page, dtype=float)[: read.shape[0], : read.shape[1]]
    assert (
        np.corrcoef(read[: upright.shape[0], : upright.shape[1]].ravel(), upright.ravel())[0, 1]
        > 0.9
    )


def test_a_16_bit_scan_and_a_transparent_png_are_read_as_ink_on_paper(tmp_path):
    """Pillow's own conversion to 8-bit grey clips 16-bit grey at 255 (the page came out white)
    and drops transparency (a transparent background came out black)."""
    import numpy as np

    page = np.asarray(_speckled_page(400, 600), dtype=np.uint16)
    deep = tmp_path / "deep.png"
    Image.fromarray(page * 257).save(deep)  # 16-bit grey, the same shades
    assert Image.open(deep).mode.startswith("I")
    plain = tmp_path / "plain.png"
    Image.fromarray(page.astype(np.uint8)).save(plain)
    assert np.abs(_image_pixels(deep).astype(int) - _image_pixels(plain)).max() <= 1

    ink = Image.new("RGBA", (400, 600), (0, 0, 0, 0))  # black, fully transparent: no ink...
    ink.paste((0, 0, 0, 255), (50, 50, 350, 80))  # ...but one opaque black bar
    clear = tmp_path / "clear.png"
    ink.save(clear)
    read = _image_pixels(clear)
    assert read[300, 200] == 255 and read[65, 200] == 0


def test_a_bilevel_scan_is_smoothed_the_same_from_a_tiff_and_from_a_pdf(tmp_path, monkeypatch):
    """A black-and-white scan (CCITT Group 4, as archives keep them) gets grey edges back once
    rasterised, whether it comes as a TIFF or inside a PDF; a grey scan is left as drawn."""
    import img2pdf
    import numpy as np

    import pipeline.ingest

    bilevel = _speckled_page(1240, 1754).point(lambda v: 255 if v > 128 else 0).convert("1")
    tiff = tmp_path / "scan.tif"
    bilevel.save(tiff, compression="group4", dpi=(300, 300))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(img2pdf.convert(str(tiff)))
    from_tiff, from_pdf = _image_pixels(tiff), _image_pixels(pdf)
    assert np.array_equal(from_tiff, from_pdf)
    monkeypatch.setattr(pipeline.ingest, "BILEVEL_SMOOTHING", 0.0)
    drawn = _image_pixels(tiff)

    def grey_share(pixels):
        return ((pixels > 0) & (pixels < 255)).mean()

    assert grey_share(from_tiff) > 2 * grey_share(drawn)  # every stroke's edge is grey

    grey = tmp_path / "grey.png"
    _speckled_page(620, 877).save(grey, dpi=(75 * 2, 75 * 2))
    grey_pdf = tmp_path / "grey.pdf"
    grey_pdf.write_bytes(img2pdf.convert(str(grey)))
    assert np.array_equal(_image_pixels(grey), _image_pixels(grey_pdf))


def test_a_bilevel_logo_on_a_page_does_not_make_it_a_bilevel_scan(tmp_path):
    import img2pdf
    import pypdfium2 as pdfium

    from pipeline.ingest import _scan_images

    logo = tmp_path / "logo.tif"
    Image.new("1", (300, 100), 0).save(logo, compression="group4", dpi=(300, 300))
    scan = tmp_path / "scan.tif"
    Image.new("1", (2481, 3508), 1).save(scan, compression="group4", dpi=(300, 300))
    a4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
    small = img2pdf.get_layout_fun(a4, fit=img2pdf.FitMode.shrink)
    pages = {
        "logo": img2pdf.convert(str(logo), layout_fun=small),
        "scan": img2pdf.convert(str(scan)),
    }
    found = {}
    for name, data in pages.items():
        pdf = pdfium.PdfDocument(data)
        found[name] = _scan_images(pdf[0])[1]
        pdf.close()
    assert found == {"logo": False, "scan": True}


def _drawn_as_with_the_flag(path: Path, grey: bool) -> None:
    """Page 1 of the PDF at ``path`` is (or is not) taken for a grey scan, and the pipeline
    draws it with exactly the pixels of PDFium's grayscale flag."""
    import numpy as np
    import pypdfium2 as pdfium

    from pipeline.ingest import _scan_images

    pdf = pdfium.PdfDocument(path)
    try:
        assert _scan_images(pdf[0]) == (grey, False), path.name
        flagged = np.asarray(pdf[0].render(scale=300 / 72, grayscale=True).to_pil())
    finally:
        pdf.close()
    assert np.array_equal(_image_pixels(path), flagged), path.name


def test_a_grey_scan_is_drawn_as_with_the_grayscale_flag(tmp_path):
    """A page of grey images is drawn into a grey bitmap without PDFium's grayscale flag (three
    times faster); it must give exactly the flag's pixels. A page with colour keeps the flag,
    whose conversion differs from the bitmap's by a shade or two."""
    import img2pdf
    import numpy as np

    grey = _speckled_page(1240, 1754)
    tint = np.asarray(grey, dtype=np.float32)[..., None] / 255
    colour = Image.fromarray((tint * [250, 235, 200] + (1 - tint) * [20, 40, 140]).astype(np.uint8))
    for name, image, drawn_grey in (
        ("grey.jpg", grey, True),
        ("grey.png", grey, True),
        ("colour.jpg", colour, False),
    ):
        path = tmp_path / name
        image.save(path, dpi=(150, 150), quality=85)
        pdf_path = path.with_suffix(".pdf")
        pdf_path.write_bytes(img2pdf.convert(str(path)))
        _drawn_as_with_the_flag(pdf_path, drawn_grey)


def test_a_scan_with_an_invisible_text_layer_is_still_a_grey_scan(tmp_path):
    """An OCR'd scan's text (render mode 3) draws nothing: its page is still drawn as a grey
    scan; visible text makes it a page like any other. The pixels are the flag's either way."""
    import ctypes

    import img2pdf
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    scan = tmp_path / "scan.png"
    _speckled_page(1240, 1754).save(scan, dpi=(150, 150))
    for mode, drawn_grey in (
        (pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, True),
        (pdfium_c.FPDF_TEXTRENDERMODE_FILL, False),
    ):
        pdf = pdfium.PdfDocument(img2pdf.convert(str(scan)))
        page = pdf[0]
        text = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(40))
        utf16 = ctypes.create_string_buffer("minutes 2566".encode("utf-16-le") + b"\0\0")
        pdfium_c.FPDFText_SetText(text, ctypes.cast(utf16, ctypes.POINTER(ctypes.c_ushort)))
        pdfium_c.FPDFTextObj_SetTextRenderMode(text, mode)
        pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, 100, 400)
        pdfium_c.FPDFPage_InsertObject(page.raw, text)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        path = tmp_path / f"with-text-{mode}.pdf"
        pdf.save(path)
        pdf.close()
        _drawn_as_with_the_flag(path, drawn_grey)


def test_colour_deep_in_nested_forms_keeps_the_grayscale_flag(tmp_path):
    """A red box two forms deep (a Form XObject inside a Form XObject) over a grey scan: the page
    is not a grey scan, and is drawn with the flag."""
    import img2pdf
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    scan = tmp_path / "scan.png"
    _speckled_page(1240, 1754).save(scan, dpi=(150, 150))
    pdf = pdfium.PdfDocument(img2pdf.convert(str(scan)))
    width, height = pdf[0].get_size()
    box = pdf.new_page(width, height)  # page 1: a red box
    rect = pdfium_c.FPDFPageObj_CreateNewRect(100, 100, 200, 80)
    pdfium_c.FPDFPageObj_SetFillColor(rect, 200, 20, 20, 255)
    pdfium_c.FPDFPath_SetDrawMode(rect, pdfium_c.FPDF_FILLMODE_WINDING, False)
    box.insert_obj(pdfium.PdfObject(rect))
    box.gen_content()
    holder = pdf.new_page(width, height)  # page 2: page 1 as a form
    holder.insert_obj(pdf.page_as_xobject(1, pdf).as_pageobject())
    holder.gen_content()
    scan_page = pdf[0]  # page 0: the scan, and page 2 as a form over it
    scan_page.insert_obj(pdf.page_as_xobject(2, pdf).as_pageobject())
    scan_page.gen_content()
    path = tmp_path / "nested.pdf"
    assert max(obj.level for obj in scan_page.get_objects()) == 2
    pdf.save(path)
    pdf.close()
    _drawn_as_with_the_flag(path, grey=False)
