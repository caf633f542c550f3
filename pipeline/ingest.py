"""Read an input file into a :class:`Document`: plain text, PDF (text layer or OCR) or images.

Every way a file can be unreadable ends in an :class:`InputFileError` whose message says what is
wrong with it; a page that fails OCR is recorded on the page and the document becomes ``partial``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from pipeline.config import OcrConfig
from pipeline.errors import InputFileError, MinutesError
from pipeline.layout import chars_to_lines, tab_at_stops
from pipeline.model import DocKind, Document, Line, Page
from pipeline.ocr import OcrEngine
from pipeline.textlayer import (
    PUA_THAI,
    Damage,
    Remapped,
    measure,
    page_texts,
    plural,
    remap_fonts,
)

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


@dataclass(frozen=True)
class DocumentPlan:
    """What a file is and how many pages it has, found without reading the pages: the runner
    turns it into one task per page, so pages of one document are read in parallel."""

    path: Path
    format: Literal["text", "pdf", "image"]
    pages: int  # 0 for plain text, which is read whole


def plan_document(path: Path, config: OcrConfig) -> DocumentPlan:
    """Check that ``path`` can be read and count its pages; raise InputFileError saying why not."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputFileError(
            f"unsupported file type '{ext or '(none)'}'; accepted: {', '.join(sorted(SUPPORTED_EXTENSIONS))}"
        )
    if path.stat().st_size == 0:
        raise InputFileError("the file is empty (0 bytes)")
    if ext in TEXT_EXTENSIONS:
        return DocumentPlan(path, "text", 0)
    if ext in PDF_EXTENSIONS:
        with _PDF_LOCK:
            pdf = open_pdf(path)
            try:
                count = len(pdf)
            finally:
                pdf.close()
        if count == 0:
            raise InputFileError("the PDF has no pages")
        return DocumentPlan(path, "pdf", count)
    return DocumentPlan(path, "image", count_image_pages(path, config))


@dataclass(frozen=True)
class PageToOcr:
    """A page found to need OCR: ``render`` gives its image (called only if the engine reads
    pixels; a frozen replay never renders)."""

    number: int
    reason: str
    render: Callable[[], Any]
    width: int | None = None  # known before OCR for an image, not for a PDF page
    height: int | None = None


def read_page(plan: DocumentPlan, index: int, config: OcrConfig, engine: OcrEngine) -> Page:
    """Page ``index`` (0-based) of a PDF or image; a page that cannot be read is returned with
    its ``error`` set, so the rest of the document is kept."""
    return ocr_page(locate_page(plan, index, config), engine)


def locate_page(plan: DocumentPlan, index: int, config: OcrConfig) -> Page | PageToOcr:
    """Page ``index`` read as far as it can be without OCR: its text layer when that can be
    trusted (or the page's error), else what OCR needs. Never raises for a bad page."""
    try:
        if plan.format == "pdf":
            return _locate_pdf_page(plan.path, index, config)
        return _locate_image_page(plan.path, index, config)
    except MinutesError as exc:
        return Page(index + 1, None, None, "ocr", (), reason="unreadable page", error=str(exc))


def ocr_page(page: Page | PageToOcr, engine: OcrEngine) -> Page:
    """The located page OCR'd when it needs OCR; if it cannot be rasterised or recognised, the
    page with its error."""
    if isinstance(page, Page):
        return page
    try:
        return engine.recognize(page.render, page.number, page.reason)
    except MinutesError as exc:
        return Page(
            page.number, page.width, page.height, "ocr", (), reason=page.reason, error=str(exc)
        )


def assemble(path: Path, doc_id: str, plan: DocumentPlan, pages: list[Page]) -> Document:
    """The document from its pages, in page order."""
    kind: DocKind
    if plan.format == "pdf":
        ok = [p for p in pages if not p.error]
        kind = "text_pdf" if ok and all(p.origin == "text_layer" for p in ok) else "scanned_pdf"
    else:
        kind = "image" if plan.format == "image" else "text"
    pages = sorted(pages, key=lambda p: p.number)
    return Document(doc_id=doc_id, source=str(path), kind=kind, pages=tuple(pages))


def read_document(
    path: Path,
    doc_id: str,
    config: OcrConfig,
    engine: OcrEngine,
    on_page: Callable[[], None] | None = None,
) -> Document:
    """Read ``path`` into pages of raw lines (``text == raw_text`` until normalisation), one
    page after the other in this process; ``on_page`` is called after each PDF or image page."""
    plan = plan_document(path, config)
    if plan.format == "text":
        return assemble(path, doc_id, plan, read_text_pages(path.read_bytes()))
    pages = []
    try:
        for page in _pages_ahead(plan, config, engine):
            pages.append(ocr_page(page, engine))
            if on_page:
                on_page()
    finally:
        close_cached()
    return assemble(path, doc_id, plan, pages)


def _pages_ahead(
    plan: DocumentPlan, config: OcrConfig, engine: OcrEngine
) -> Iterator[Page | PageToOcr]:
    """The pages located, in order. For an engine that reads pixels, the next page is located
    and rasterised in a helper thread while this one is OCR'd (Tesseract and PDFium both let go
    of the GIL), so a single worker does not wait for rendering (0.05-0.2 s a page). At most two
    page images are in memory."""
    if not getattr(engine, "reads_pixels", False) or plan.pages < 2:
        yield from (locate_page(plan, i, config) for i in range(plan.pages))
        return
    with ThreadPoolExecutor(1, thread_name_prefix="thaiminutes-render") as helper:
        ahead = helper.submit(_rendered, plan, 0, config)
        for index in range(plan.pages):
            page = ahead.result()
            if index + 1 < plan.pages:
                ahead = helper.submit(_rendered, plan, index + 1, config)
            yield page


def _rendered(plan: DocumentPlan, index: int, config: OcrConfig) -> Page | PageToOcr:
    found = locate_page(plan, index, config)
    if isinstance(found, Page):
        return found
    try:
        image = found.render()
    except Exception as exc:  # raised when the engine asks for the image, as without a helper

        def fail(exc: Exception = exc) -> Any:
            raise exc

        return replace(found, render=fail)
    return replace(found, render=partial(_same, image))


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


#: The PDF this process read a page of last, kept open for its next page (``_open_pdf_pair``).
_CACHED: dict[tuple[str, int, int], tuple[Any, Any]] = {}
#: PDFium is not thread-safe, nor is a shared pdfplumber document: every call into them holds
#: this lock (workers with several threads, e.g. a Dask worker, then OCR in parallel but
#: rasterise one page at a time). Tesseract runs outside it.
_PDF_LOCK = threading.RLock()


def _pdf_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def _open_pdf_pair(path: Path) -> tuple[Any, Any]:
    """The PDF opened with pypdfium2 (rendering) and pdfplumber (text layer), kept open while
    this process reads its pages; opening another file closes it."""
    import pdfplumber

    key = _pdf_key(path)
    if key not in _CACHED:
        close_cached()
        pdf = open_pdf(path)
        try:
            plumb = pdfplumber.open(str(path))
        except Exception as exc:
            pdf.close()
            raise InputFileError(f"cannot read the PDF's structure ({type(exc).__name__})") from exc
        _CACHED[key] = (pdf, plumb)
    return _CACHED[key]


def close_cached() -> None:
    with _PDF_LOCK:
        for pdf, plumb in _CACHED.values():
            plumb.close()
            pdf.close()
        _CACHED.clear()
        for remapped in _REMAPPED.values():
            if remapped is not None:
                remapped[0].close()
        _REMAPPED.clear()


#: The open PDF's copy with its fonts' ToUnicode maps rebuilt (pdfplumber, and what changed),
#: made when a page first shows damage; None when the fonts give nothing to rebuild them from.
_REMAPPED: dict[tuple[str, int, int], tuple[Any, Remapped] | None] = {}


def _remapped_plumb(path: Path) -> tuple[Any, Remapped] | None:
    import pdfplumber

    key = _pdf_key(path)
    if key not in _REMAPPED:
        remapped = remap_fonts(path)
        _REMAPPED[key] = (
            (pdfplumber.open(io.BytesIO(remapped.data)), remapped) if remapped else None
        )
    return _REMAPPED[key]


def _page_chars(path: Path, index: int, chars: list[dict]) -> tuple[list[dict], Damage, str]:
    """A page's text-layer characters, its signs of damage and a note of any repair.

    When the characters show damage, the same page of a copy whose ToUnicode maps were rebuilt
    from the embedded fonts (:func:`pipeline.textlayer.remap_fonts`) is read instead, if that
    has less damage."""
    damage = measure(page_texts(chars))
    if not damage.count:
        return chars, damage, ""
    remapped = _remapped_plumb(path)
    if remapped is not None:
        plumb, how = remapped
        fixed_page = plumb.pages[index]
        try:
            fixed = fixed_page.chars
        finally:
            fixed_page.close()
        after = measure(page_texts(fixed))
        if after.count < damage.count:
            note = (
                f"ToUnicode rebuilt from the embedded fonts: {plural(how.glyphs, 'glyph')} "
                f"re-mapped in {plural(how.fonts, 'font')} (before: {damage.describe()})"
            )
            return fixed, after, note
    return chars, damage, ""


def _locate_pdf_page(path: Path, index: int, config: OcrConfig) -> Page | PageToOcr:
    """A page's text layer when it can be trusted, else the page to rasterise and OCR."""
    page_no = index + 1
    scale = config.dpi / 72
    with _PDF_LOCK:
        pdf, plumb = _open_pdf_pair(path)
        plumb_page = plumb.pages[index]
        try:
            chars, damage, note = _page_chars(path, index, plumb_page.chars)
            lines = tab_at_stops(chars_to_lines(chars, scale))
        except Exception as exc:  # pdfminer raises many types on broken content streams
            reason = f"text layer unreadable ({type(exc).__name__}); OCR"
        else:
            usable, reason = judge_text_layer("".join(ln.text for ln in lines), config, damage)
            if note:
                reason = (
                    f"{reason}; {note}" if usable else reason.replace("; OCR", f" ({note}); OCR")
                )
            if usable:
                width, height = (
                    round(float(plumb_page.width) * scale),
                    round(float(plumb_page.height) * scale),
                )
                return Page(page_no, width, height, "text_layer", tuple(lines), reason=reason)
        finally:
            plumb_page.close()

    def render():
        with _PDF_LOCK:
            pdf, _ = _open_pdf_pair(path)
            return _draw(lambda: pdf[index], config.dpi, page_no)

    return PageToOcr(page_no, reason, render)


#: The Gaussian radius a bilevel scan is smoothed with once rasterised, in pixels at 300 dpi.
#: Tesseract's model reads grey edges; a black-and-white page has none. Chosen on the sample
#: scans and photos as bilevel Group 4 TIFFs (Otsu), the seed left out: blurring the decoded
#: page by 0 / 0.5 / 0.75 / 1.0 / 1.5 pixels gave a mean character error of 2.07 / 1.89 / 1.35 /
#: 1.55 / 2.39% over the other eight documents (README, *Image files*).
BILEVEL_SMOOTHING = 0.75


def _smoothed(image: Any, dpi: int) -> Any:
    """A rasterised bilevel scan with grey edges again (:data:`BILEVEL_SMOOTHING`)."""
    from PIL import ImageFilter

    return image.filter(ImageFilter.GaussianBlur(BILEVEL_SMOOTHING * dpi / 300))


def _draw(open_page: Callable[[], Any], dpi: int, page_no: int, bilevel: bool = False) -> Any:
    """A PDF page (``open_page()``, under :data:`_PDF_LOCK`) drawn in 8-bit grey at ``dpi``,
    smoothed where it is a black-and-white scan (or ``bilevel``: an image file that was).

    A page drawn only from grey images (a scan) is drawn into a grey bitmap as it is; any other
    page with PDFium's grayscale flag, which turns every colour to grey as it draws. Both give
    the same pixels on such a page, but the flag takes PDFium through its colour conversion for
    every pixel: 0.14-0.20 s against 0.04-0.07 s for a sample scan's page at 300 dpi. On colour
    pages they differ by up to 2 shades, so those keep the flag."""
    import pypdfium2.raw as pdfium_c

    try:
        page = open_page()
        grey, one_bit = _scan_images(page)
        if grey:
            bitmap = page.render(scale=dpi / 72, force_bitmap_format=pdfium_c.FPDFBitmap_Gray)
        else:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil()
    except Exception as exc:  # PDFium's errors, or out of memory on a huge page
        raise InputFileError(
            f"page {page_no} cannot be rasterised ({type(exc).__name__}: {exc})"
        ) from exc
    return _smoothed(image, dpi) if bilevel or one_bit else image


#: PDFium's grey colour spaces: an image in one of them is drawn in grey the same either way.
_GREY_SPACES = frozenset({1, 4})  # FPDF_COLORSPACE_DEVICEGRAY, FPDF_COLORSPACE_CALGRAY
#: How deep into forms (Form XObjects) a page's objects are looked for.
_FORM_DEPTH = 15


def _scan_images(page: Any) -> tuple[bool, bool]:
    """Whether a PDF page is drawn from grey images alone (a scan: no visible text, no paths,
    colour or annotations), and whether it is a black-and-white scan: images of one bit a pixel
    (CCITT, JBIG2) cover at least half of it (a bilevel logo on a typed page does not count)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    covered, grey, images = 0.0, True, 0
    for obj in page.get_objects(max_depth=_FORM_DEPTH):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            grey = grey and obj.level < _FORM_DEPTH - 1  # deeper, its objects go unseen
            continue
        if _invisible_text(obj):
            continue
        if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            grey = False
            continue
        images += 1
        metadata = obj.get_metadata()
        grey = grey and metadata.colorspace in _GREY_SPACES
        if metadata.bits_per_pixel == 1 and obj.level < 2:
            left, bottom, right, top = obj.get_bounds()
            covered += max(0.0, right - left) * max(0.0, top - bottom)
    grey = grey and images > 0 and pdfium_c.FPDFPage_GetAnnotCount(page) == 0
    return grey, covered >= 0.5 * width * height


def _invisible_text(obj: Any) -> bool:
    """Text drawn in render mode 3, invisible: a scan's OCR'd text layer (that of a page read
    again because its text layer cannot be trusted)."""
    import pypdfium2.raw as pdfium_c

    return bool(
        obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT
        and pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
        == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
    )


def judge_text_layer(
    text: str, config: OcrConfig, damage: Damage | None = None
) -> tuple[bool, str]:
    """Whether a page's text layer can be trusted, and why (recorded with the page)."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < config.min_text_chars:
        return False, f"no usable text layer ({len(chars)} characters); OCR"
    bad = sum(
        1 for ch in chars if (0xE000 <= ord(ch) <= 0xF8FF and ch not in PUA_THAI) or ch == "\ufffd"
    ) + text.count("(cid:")
    share = bad / len(chars)
    if share > config.max_bad_char_share:
        return False, f"text layer has {share:.0%} unmappable glyphs (Private Use Area / cid); OCR"
    if damage is not None and damage.damaged:
        return False, f"text layer damaged ({damage.describe()}); OCR"
    legacy = sum(1 for ch in chars if ch in PUA_THAI)
    notes = [f"text layer: {len(chars)} characters"]
    if legacy:
        notes.append(f"{plural(legacy, 'legacy Thai PUA form')} mapped")
    if damage is not None and damage.count:
        notes.append(f"{damage.describe()} left as read")
    return True, "; ".join(notes)


def _same(image):  # a render() for a page image already in memory
    return image


# --- Images ---------------------------------------------------------------------------------------
def _open_image(path: Path, config: OcrConfig):
    from PIL import Image, UnidentifiedImageError

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
    width, height = image.size
    if width * height > config.max_image_pixels:
        image.close()
        raise InputFileError(
            f"image too large: {width}×{height} pixels (limit {config.max_image_pixels:,}); "
            "split or downsample it"
        )
    return image


def count_image_pages(path: Path, config: OcrConfig) -> int:
    """Frames of an image (a multi-page TIFF has several), without decoding them."""
    with _open_image(path, config) as image:
        return int(getattr(image, "n_frames", 1))


#: The resolutions a scanner writes into an image file. Outside them (72 and 96 dpi are what
#: software writes when it knows none) the image is taken to be at ``OcrConfig.dpi``.
SCAN_DPI = (100.0, 1200.0)
#: The longest side of a page of paper, in inches (A2, 594 mm): a declared resolution that makes
#: the page longer is not the scan's.
LONGEST_PAGE_INCHES = 24.0


def scan_dpi(image: Any) -> float | None:
    """The resolution an image file declares (``dpi``: TIFF, JPEG's JFIF, PNG's pHYs) when it is
    a scanner's of a page of paper; None when it declares none, another for each axis, or one no
    scan of a page has. Rounded to whole dots per inch: PNG keeps dots per metre (300 dpi comes
    back 299.9994), and a page drawn that much longer gains a row of pixels."""
    try:
        x, y = (float(round(float(v))) for v in image.info["dpi"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not SCAN_DPI[0] <= x <= SCAN_DPI[1] or abs(x - y) > 0.01 * x:
        return None
    if max(image.size) / x > LONGEST_PAGE_INCHES:
        return None
    return x


def _locate_image_page(path: Path, index: int, config: OcrConfig) -> PageToOcr:
    """Frame ``index`` of an image, decoded, turned upright (its EXIF orientation) and made
    grayscale, to be rasterised as a scanned PDF's page is (:func:`_rasterise_image`)."""
    from PIL import ImageOps

    page_no = index + 1
    with _open_image(path, config) as image:
        try:
            image.seek(index)
            image.load()
            dpi = scan_dpi(image) or float(config.dpi)
            bilevel = image.mode == "1"
            gray = _gray(ImageOps.exif_transpose(image))
        except (OSError, EOFError, SyntaxError) as exc:
            raise InputFileError(
                f"the image data is truncated or corrupt (page {page_no}: {exc})"
            ) from exc
    scale = config.dpi / dpi
    width, height = round(gray.width * scale), round(gray.height * scale)
    render = partial(_rasterise_image, gray, dpi, config.dpi, page_no, bilevel)
    return PageToOcr(page_no, "image", render, width, height)


#: Pillow's modes of more than 8 bits of grey a pixel.
_DEEP_GRAY = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})


def _gray(image: Any) -> Any:
    """A decoded frame in 8-bit grey. Deeper grey is scaled down to it (Pillow's ``convert``
    clips it at 255: a 16-bit scan came out a white page); transparency is laid on white paper
    (it came out black)."""
    from PIL import Image

    if image.mode in _DEEP_GRAY:
        import numpy as np

        pixels = np.asarray(image, dtype=np.float64)
        peak = float(pixels.max(initial=0.0))
        if image.mode.startswith("I;16"):
            top = 65535.0
        else:  # 32-bit integers or floats: the depth their values show
            top = next(t for t in (1.0, 255.0, 65535.0, max(peak, 1.0)) if peak <= t)
        scaled = np.clip(pixels * (255.0 / top) + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(scaled, "L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def _rasterise_image(
    image: Any, dpi: float, target: int, page_no: int, bilevel: bool = False
) -> Any:
    """An image file's page as PDFium draws a scanned PDF's: the image on a page of its size at
    ``dpi``, rasterised at ``target`` dpi, and smoothed where the file was black and white
    (:func:`_smoothed`). So a scan reads the same from an image file as from a PDF of it (pixel
    for pixel where the PDF holds the same image at the same size), and a scan of 600 dpi is
    read at 300, as a PDF of it is. Read at its own pixels, a scan read much worse: the
    cooperative sample's two pages as a TIFF, 6.15% of characters wrong against 0.93% (README,
    *Performance*: PDFium mixes neighbouring pixels when it draws an A4 page, and the OCR stage
    was developed on such pages)."""
    import pypdfium2 as pdfium

    width, height = image.width * 72 / dpi, image.height * 72 / dpi

    def holding_the_image() -> Any:
        page = pdf.new_page(width, height)
        picture = pdfium.PdfImage.new(pdf)
        picture.set_bitmap(pdfium.PdfBitmap.from_pil(image))
        picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(picture)
        page.gen_content()
        return page

    with _PDF_LOCK:
        pdf = pdfium.PdfDocument.new()
        try:
            return _draw(holding_the_image, target, page_no, bilevel)
        finally:
            pdf.close()
