"""Rasterising a scanned page against decoding its image: the time each takes, and what each
does to the character error rate of the whole pipeline.

    python bench/page_images.py                # the sample scans and photos
    python bench/page_images.py a/ b/          # other samples (folders with source/minutes.txt)

A scanned PDF page is one JPEG covering the page. The pipeline rasterises it with PDFium at 300
dpi. Decoding the image itself (``get_bitmap``) would take about a tenth of the time; this runs
every sample scan and photo through the whole pipeline with the pages made each way, with
Tesseract (not the frozen OCR), and prints each document's character error rate (whitespace
ignored, as ``python -m pipeline.evaluate``) against the sample's ``minutes.txt``:

- rasterised: as the pipeline does;
- rasterised 0.04% smaller: where PDFium copies a scan's pixels as they are, not mixing them;
- decoded: the image at its own pixels (what a scan given as an image file was read from before
  0.2.9, which rasterises it as a PDF page: see bench/image_files.py);
- decoded, then PDFium's stretch copied: an A4 page at 300 dpi is 2,481.0 pixels wide and PDFium
  draws it 2,482 wide, so each pixel it draws is a mix of two columns, and (half a pixel down)
  two rows, of the scan's; here with PIL's bilinear resampling;
- decoded, then blurred (Gaussian, radius 0.5 and 0.7).

The decoded columns decode only a page that is one image at the page's size at 300 dpi (within
1%): the photographs (200 dpi) are rasterised there as in the first column. Nothing is
written.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluate import cer  # noqa: E402
from pipeline.runner import process_document  # noqa: E402

RENDER = pdfium.PdfPage.render


class _Decoded:
    """Stands for the bitmap ``PdfPage.render`` returns: the page's one image, decoded."""

    def __init__(self, image):  # type: ignore[no-untyped-def]
        self.image = image

    def to_pil(self):  # type: ignore[no-untyped-def]
        return self.image


def own_pixels(page) -> Image.Image | None:  # type: ignore[no-untyped-def]
    """The page's one image, decoded at its own pixels, where it is the page at 300 dpi."""
    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    image = objects[0].get_bitmap(render=False).to_pil().convert("L")
    width = page.get_size()[0] * 300 / 72
    return image if abs(image.width - width) <= 0.01 * width else None


def _stretched(image: Image.Image) -> Image.Image:
    width, height = image.size
    box = (0, 0.5, width, height - 0.5)
    return image.resize((width + 1, height - 1), Image.Resampling.BILINEAR, box=box)


#: How each column makes a page image from the decoded one.
WAYS = {
    "decoded": lambda image: image,
    "decoded, PDFium's stretch copied": _stretched,
    "decoded, blurred 0.5": lambda image: image.filter(ImageFilter.GaussianBlur(0.5)),
    "decoded, blurred 0.7": lambda image: image.filter(ImageFilter.GaussianBlur(0.7)),
}


def smaller(page, **kwargs):  # type: ignore[no-untyped-def]
    """``PdfPage.render`` 0.04% smaller: 2,481 × 3,507 pixels for an A4 page at 300 dpi."""
    return RENDER(page, **{**kwargs, "scale": kwargs.get("scale", 1) * 0.9996})


def rendering(way):  # type: ignore[no-untyped-def]
    """A ``PdfPage.render`` giving a page that is one image as ``way`` makes it."""

    def render(page, **kwargs):  # type: ignore[no-untyped-def]
        image = own_pixels(page)
        return RENDER(page, **kwargs) if image is None else _Decoded(way(image))

    return render


def seconds_per_page(pdfs: list[Path]) -> tuple[float, float]:
    rendered, native = [], []
    for path in pdfs:
        document = pdfium.PdfDocument(str(path))
        for page in document:
            started = time.perf_counter()
            RENDER(page, scale=300 / 72, grayscale=True).to_pil()
            rendered.append(time.perf_counter() - started)
            started = time.perf_counter()
            own_pixels(page)
            native.append(time.perf_counter() - started)
        document.close()
    return statistics.mean(rendered), statistics.mean(native)


def main(samples: list[Path]) -> None:
    config = PipelineConfig()
    pdfs = [
        pdf
        for sample in samples
        for pdf in sorted((sample / "source").glob("minutes-*.pdf"))
        if pdf.stem.endswith(("scan", "photo"))
    ]
    rasterising, decoding = seconds_per_page(pdfs)
    print(f"A page rasterised: {rasterising:.3f} s; its image decoded: {decoding:.3f} s.\n")
    print("| sample | input | rasterised | rasterised 0.04% smaller | " + " | ".join(WAYS) + " |")
    print("|---|---|---|---|" + "---|" * len(WAYS))
    renders = [RENDER, smaller] + [rendering(way) for way in WAYS.values()]
    sums = [0.0] * len(renders)
    for pdf in pdfs:
        truth = process_document(pdf.parent / "minutes.txt", config).text or ""
        row = []
        for k, render in enumerate(renders):
            pdfium.PdfPage.render = render  # type: ignore[method-assign]
            try:
                row.append(cer(truth, process_document(pdf, config).text or ""))
            finally:
                pdfium.PdfPage.render = RENDER  # type: ignore[method-assign]
            sums[k] += row[-1]
        cells = " | ".join(f"{c:.2%}" for c in row)
        print(f"| {pdf.parent.parent.name} | {pdf.name} | {cells} |", flush=True)
    print("| mean | | " + " | ".join(f"{s / len(pdfs):.2%}" for s in sums) + " |")


if __name__ == "__main__":
    given = [Path(a) for a in sys.argv[1:]]
    main(given or sorted(p.parent.parent for p in ROOT.glob("samples/*/source/minutes.txt")))
