"""Read an input file into a :class:`Document`: plain text, PDF (text layer or OCR) or images.

Every way a file can be unreadable ends in an :class:`InputFileError` whose message says what is
wrong with it; a page that fails OCR is recorded on the page and the document becomes ``partial``.
"""

from __future__ import annotations

import codecs
import hashlib
from functools import partial
from pathlib import Path

from pipeline.config import OcrConfig
from pipeline.errors import InputFileError, OcrError
from pipeline.layout import chars_to_lines
from pipeline.model import DocKind, Document, Line, Page
from pipeline.ocr import OcrEngine

TEXT_EXTENSIONS = {".txt"}
PDF_EXTENSIONS = {".pdf"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | PDF_EXTENSIONS | IMAGE_EXTENSIONS


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def doc_id_of(sha256: str) -> str:
    """The contract's ``doc_id``: the first 16 hex digits of the SHA-256 of the file's bytes."""
    return sha256[:16]


def needs_ocr_engine(path: Path) -> bool:
    return path.suffix.lower() in PDF_EXTENSIONS | IMAGE_EXTENSIONS


def read_document(path: Path, doc_id: str, config: OcrConfig, engine: OcrEngine) -> Document:
    """Read ``path`` into pages of raw lines (``text == raw_text`` until normalisation)."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputFileError(
            f"unsupported file type '{ext or '(none)'}'; accepted: {', '.join(sorted(SUPPORTED_EXTENSIONS))}"
        )
    size = path.stat().st_size
    if size == 0:
        raise InputFileError("the file is empty (0 bytes)")
    kind: DocKind
    if ext in TEXT_EXTENSIONS:
        kind, pages = "text", read_text_pages(path.read_bytes())
    elif ext in PDF_EXTENSIONS:
        kind, pages = read_pdf(path, config, engine)
    else:
        kind, pages = "image", read_image(path, config, engine)
    return Document(doc_id=doc_id, source=str(path), kind=kind, pages=tuple(pages))


# --- Plain text -----------------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    """Decode UTF-8, UTF-16 (BOM or not) or the legacy Thai TIS-620 / Windows-874.

    >>> decode_text("วาระที่ ๑".encode("cp874"))
    'วาระที่ ๑'
    """
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _checked(data.decode(enc, errors="strict"))
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _checked(data.decode(utf16))
        except UnicodeDecodeError as exc:
            raise InputFileError("binary content, not a text file") from exc
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    high = [b for b in data if b >= 0x80]
    thai_bytes = sum(1 for b in high if 0xA1 <= b <= 0xFB)
    if high and thai_bytes / len(high) > 0.9:
        return _checked(data.decode("cp874", errors="replace"))
    raise InputFileError(
        "the text is neither UTF-8, UTF-16 nor TIS-620/Windows-874 (binary or mis-encoded file)"
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of Thai and ASCII has high bytes of 0x00 or 0x0E (the Thai block) only."""
    if len(data) < 4 or len(data) % 2:
        return None
    for enc, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if sum(1 for b in high if b in (0x00, 0x0E)) > 0.95 * len(high):
            return enc
    return None


def _checked(text: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise InputFileError("binary content, not a text file")
    return text


def read_text_pages(data: bytes) -> list[Page]:
    """Pages split at form feeds; each non-blank line is a line of the page."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    pages = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        rows = [row.rstrip() for row in chunk.split("\n") if row.strip()]
        lines = tuple(Line(i, row, row) for i, row in enumerate(rows, start=1))
        pages.append(Page(number, None, None, "text", lines, reason="plain text"))
    return pages


# --- PDF ------------------------------------------------------------------------------------------
def open_pdf(path: Path):  # -> pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF" not in head:
        raise InputFileError(
            f"not a PDF: the file does not start with %PDF (starts with {head[:12]!r})"
        )
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower() or "security" in msg.lower():
            raise InputFileError(
                "the PDF is encrypted (a password is required to open it)"
            ) from exc
        raise InputFileError(
            f"cannot open the PDF ({msg}); the file may be truncated or corrupt"
        ) from exc


def read_pdf(path: Path, config: OcrConfig, engine: OcrEngine) -> tuple[DocKind, list[Page]]:
    """Per page: trust the text layer when it is usable, otherwise rasterise and OCR."""
    import pdfplumber

    pdf = open_pdf(path)
    try:
        count = len(pdf)
        if count == 0:
            raise InputFileError("the PDF has no pages")
        pages: list[Page] = []
        with pdfplumber.open(str(path)) as plumb:
            for index in range(count):
                pages.append(_read_pdf_page(pdf, plumb.pages[index], index, config, engine))
                plumb.pages[index].close()
    finally:
        pdf.close()
    kind: DocKind = "text_pdf" if all(p.origin == "text_layer" for p in pages) else "scanned_pdf"
    return kind, pages


def _read_pdf_page(pdf, plumb_page, index: int, config: OcrConfig, engine: OcrEngine) -> Page:
    page_no = index + 1
    scale = config.dpi / 72
    try:
        lines = chars_to_lines(plumb_page.chars, scale)
    except Exception as exc:  # pdfminer raises many types on broken content streams
        reason = f"text layer unreadable ({type(exc).__name__}); OCR"
    else:
        usable, reason = judge_text_layer("".join(ln.text for ln in lines), config)
        if usable:
            width, height = (
                round(float(plumb_page.width) * scale),
                round(float(plumb_page.height) * scale),
            )
            return Page(page_no, width, height, "text_layer", tuple(lines), reason=reason)

    def render():
        bitmap = pdf[index].render(scale=scale, grayscale=True)
        return bitmap.to_pil()

    try:
        return engine.recognize(render, page_no, reason)
    except OcrError as exc:
        return Page(page_no, None, None, "ocr", (), reason=reason, error=str(exc))


def judge_text_layer(text: str, config: OcrConfig) -> tuple[bool, str]:
    """Whether a page's text layer can be trusted, and why (recorded with the page)."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < config.min_text_chars:
        return False, f"no usable text layer ({len(chars)} characters); OCR"
    bad = sum(1 for ch in chars if 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd") + text.count(
        "(cid:"
    )
    share = bad / len(chars)
    if share > config.max_bad_char_share:
        return False, f"text layer has {share:.0%} unmappable glyphs (Private Use Area / cid); OCR"
    return True, f"text layer: {len(chars)} characters"


def _same(image):  # a render() for a page image already in memory
    return image


# --- Images ---------------------------------------------------------------------------------------
def read_image(path: Path, config: OcrConfig, engine: OcrEngine) -> list[Page]:
    """Every frame of an image (multi-page TIFF too) is a page to OCR."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(path)
    except UnidentifiedImageError as exc:
        raise InputFileError(
            f"not a readable image ({path.suffix} file with unknown content)"
        ) from exc
    except Image.DecompressionBombError as exc:
        raise InputFileError(
            f"image too large, refused as a possible decompression bomb ({exc})"
        ) from exc
    except OSError as exc:
        raise InputFileError(f"the image data is truncated or corrupt ({exc})") from exc
    with image:
        width, height = image.size
        if width * height > config.max_image_pixels:
            raise InputFileError(
                f"image too large: {width}×{height} pixels (limit {config.max_image_pixels:,}); "
                "split or downsample it"
            )
        pages = []
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            page_no = index + 1
            try:
                frame.load()
            except OSError as exc:
                raise InputFileError(
                    f"the image data is truncated or corrupt (page {page_no}: {exc})"
                ) from exc
            copy = frame.convert("L")
            try:
                pages.append(engine.recognize(partial(_same, copy), page_no, "image"))
            except OcrError as exc:
                pages.append(
                    Page(page_no, width, height, "ocr", (), reason="image", error=str(exc))
                )
    return pages
