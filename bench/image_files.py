"""Every sample scan and photo given as an image file: is it read as well as its PDF?

    python bench/image_files.py                  # the sample scans and photos
    python bench/image_files.py a/ b/            # other samples (folders with source/minutes.txt)
    python bench/image_files.py --tree DIR ...   # with the pipeline of another checkout
    python bench/image_files.py --fine ...       # instead: each scan doubled to 600 dpi

Each scanned or photographed sample PDF's page images (one image a page) are written as two
multi-page TIFFs at the resolution they fill the page with (300 dpi for the scans, 200 for the
photographs): grey, decoded and lossless; and bilevel, as archives keep scans (each page
thresholded at its Otsu level, CCITT Group 4), also put in a PDF as it is (img2pdf). The PDF,
both TIFFs and the bilevel PDF then go through the whole pipeline with Tesseract (not the
frozen OCR, ``OMP_THREAD_LIMIT=1``), and this prints their character error rates against the
sample's ``minutes.txt`` (whitespace ignored, as ``python -m pipeline.evaluate``). The files go
to a temporary folder, removed at the end. About 13 minutes.

``--fine`` writes each sample scan's pages doubled in size (bicubic) as a grey TIFF declared 600
dpi, and prints the time the pipeline takes on it (best of two) and its character error.

``--tree`` imports the pipeline from another checkout (``git worktree add /tmp/v028 3677745``
for 0.2.8, which read an image file at its own pixels); the samples stay this checkout's.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
TREE = Path(sys.argv[sys.argv.index("--tree") + 1]) if "--tree" in sys.argv else ROOT
sys.path.insert(0, str(TREE))

import img2pdf  # noqa: E402
import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402
from PIL import Image  # noqa: E402

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluate import cer  # noqa: E402
from pipeline.runner import default_engine, process_document  # noqa: E402


def page_images(pdf_path: Path) -> tuple[list[Image.Image], int]:
    """The PDF's page images, decoded, and the resolution they fill their pages with."""
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
    return frames, dpi


def otsu(image: Image.Image) -> Image.Image:
    """The page in black and white at the grey level that best splits ink from paper (Otsu)."""
    pixels = np.asarray(image)
    counts = np.bincount(pixels.ravel(), minlength=256).astype(float)
    levels = np.arange(256)
    below = np.cumsum(counts)
    mean_below = np.cumsum(counts * levels)
    above = below[-1] - below
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = (mean_below[-1] * below - mean_below * below[-1]) ** 2 / (below * above)
    level = int(np.nanargmax(spread[:-1]))
    return Image.fromarray(pixels > level).convert("1")


def save_tiff(frames: list[Image.Image], dpi: int, target: Path, compression: str) -> Path:
    frames[0].save(
        target, save_all=True, append_images=frames[1:], dpi=(dpi, dpi), compression=compression
    )
    return target


def main(samples: list[Path]) -> None:
    config = PipelineConfig()
    print(f"pipeline: {TREE}")
    print(
        "| input | resolution | pages | its PDF | as a grey TIFF | as a bilevel TIFF (Group 4) "
        "| as a bilevel PDF |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for sample in samples:
            truth = process_document(sample / "source" / "minutes.txt", config).text
            for pdf in sorted((sample / "source").glob("minutes-*.pdf")):
                if "damaged" in pdf.name or "text" in pdf.name:
                    continue
                frames, dpi = page_images(pdf)
                stem = Path(work) / f"{sample.name}-{pdf.stem}"
                grey = save_tiff(frames, dpi, stem.with_suffix(".grey.tif"), "tiff_deflate")
                bilevel = [otsu(f) for f in frames]
                black = save_tiff(bilevel, dpi, stem.with_suffix(".g4.tif"), "group4")
                black_pdf = stem.with_suffix(".g4.pdf")
                black_pdf.write_bytes(img2pdf.convert(str(black)))  # the CCITT data as it is
                started = time.perf_counter()
                errors = [
                    100 * cer(truth, process_document(p, config, default_engine).text or "")
                    for p in (pdf, grey, black, black_pdf)
                ]
                print(
                    f"| {sample.name}/{pdf.name} | {dpi} dpi | {len(frames)} | "
                    + " | ".join(f"{e:.2f}%" for e in errors)
                    + " |",
                    flush=True,
                )
                print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def fine(samples: list[Path]) -> None:
    """Each scan at 600 dpi: a scanner's finer setting, which the pipeline reads at 300."""
    config = PipelineConfig()
    print(f"pipeline: {TREE}")
    print("| input | pages | seconds (best of two) | character error |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for sample in samples:
            pdf = sample / "source" / "minutes-scan.pdf"
            if not pdf.exists():
                continue
            truth = process_document(sample / "source" / "minutes.txt", config).text
            frames, dpi = page_images(pdf)
            doubled = [
                f.resize((2 * f.width, 2 * f.height), Image.Resampling.BICUBIC) for f in frames
            ]
            tiff = save_tiff(doubled, 2 * dpi, Path(work) / f"{sample.name}.tif", "tiff_deflate")
            runs = []
            for _ in range(2):
                started = time.perf_counter()
                read = process_document(tiff, config, default_engine)
                runs.append(time.perf_counter() - started)
            error = 100 * cer(truth, read.text or "")
            print(
                f"| {sample.name} at {2 * dpi} dpi | {len(frames)} | {min(runs):.1f} s | {error:.2f}% |"
            )


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--tree" in args:
        del args[args.index("--tree") : args.index("--tree") + 2]
    run = fine if "--fine" in args else main
    given = [Path(a) for a in args if a != "--fine"]
    run(given or sorted(p.parent.parent for p in ROOT.glob("samples/*/source/minutes.txt")))
