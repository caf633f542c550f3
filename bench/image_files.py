"""Every sample scan and photo given as an image file: is it read as well as its PDF?

    python bench/image_files.py                # the sample scans and photos
    python bench/image_files.py a/ b/          # other samples (folders with source/minutes.txt)

Each scanned or photographed sample PDF's page images (one image a page) are written, decoded
and lossless, as a multi-page TIFF at the resolution they fill the page with (300 dpi for the
scans, 200 for the photographs). Each TIFF and its PDF then go through the whole pipeline with
Tesseract (not the frozen OCR, ``OMP_THREAD_LIMIT=1``), and this prints both documents'
character error rates against the sample's ``minutes.txt`` (whitespace ignored, as ``python -m
pipeline.evaluate``). The TIFFs go to a temporary folder, removed at the end. About 7 minutes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluate import cer  # noqa: E402
from pipeline.runner import default_engine, process_document  # noqa: E402


def as_tiff(pdf_path: Path, target: Path) -> int:
    """The PDF's page images as one multi-page TIFF; returns the resolution they have."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        frames = []
        for page in pdf:
            images = [o for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
            if len(images) != 1:
                raise SystemExit(f"{pdf_path}: a page is not one image")
            frames.append(images[0].get_bitmap(render=False).to_pil().convert("L"))
            dpi = round(frames[-1].width / (page.get_width() / 72))
    finally:
        pdf.close()
    frames[0].save(
        target,
        save_all=True,
        append_images=frames[1:],
        dpi=(dpi, dpi),
        compression="tiff_deflate",
    )
    return dpi


def main(samples: list[Path]) -> None:
    config = PipelineConfig()
    print("| input | resolution | pages | its PDF | as a TIFF |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for sample in samples:
            truth = process_document(sample / "source" / "minutes.txt", config).text
            for pdf in sorted((sample / "source").glob("minutes-*.pdf")):
                if "damaged" in pdf.name or "text" in pdf.name:
                    continue
                tiff = Path(work) / f"{sample.name}-{pdf.stem}.tif"
                dpi = as_tiff(pdf, tiff)
                started = time.perf_counter()
                read = {p: process_document(p, config, default_engine) for p in (pdf, tiff)}
                pages = len(read[pdf].rows["pages"])
                print(
                    f"| {sample.name}/{pdf.name} | {dpi} dpi | {pages} | "
                    f"{100 * cer(truth, read[pdf].text or ''):.2f}% | "
                    f"{100 * cer(truth, read[tiff].text or ''):.2f}% |",
                    flush=True,
                )
                print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    given = [Path(a) for a in sys.argv[1:]]
    main(given or sorted(p.parent.parent for p in ROOT.glob("samples/*/source/minutes.txt")))
