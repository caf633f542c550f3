"""Tesseract OCR: running the engine is kept apart from parsing its TSV output.

``run_tesseract(image, config) -> str`` is the only function that touches the engine;
``parse_tesseract_tsv(tsv, page_no) -> Page`` is pure and testable without it.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image

from pipeline.config import OcrConfig
from pipeline.errors import MissingComponentError, OcrError
from pipeline.layout import Word, make_line
from pipeline.model import Page

INSTALL_HINT = "install it with: sudo apt-get install tesseract-ocr tesseract-ocr-tha (or run `make setup`)"


def check_tesseract(lang: str) -> None:
    """Raise :class:`MissingComponentError` unless Tesseract and every language in ``lang`` exist."""
    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise MissingComponentError(f"Tesseract is not installed; {INSTALL_HINT}")
    try:
        have = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # pragma: no cover - a broken installation
        raise MissingComponentError(f"Tesseract does not run ({exc}); {INSTALL_HINT}") from exc
    missing = [code for code in lang.split("+") if code not in have]
    if missing:
        raise MissingComponentError(
            f"Tesseract language data missing: {', '.join(missing)}; {INSTALL_HINT}"
        )


def tesseract_config(config: OcrConfig) -> str:
    # preserve_interword_spaces keeps Tesseract from inventing spaces inside Thai words.
    return f"--psm {config.psm} --dpi {config.dpi} -c preserve_interword_spaces=1"


def run_tesseract(image: Image.Image, config: OcrConfig) -> str:
    """Run Tesseract on one page image and return its TSV output."""
    import pytesseract

    try:
        return pytesseract.image_to_data(
            image, lang=config.lang, config=tesseract_config(config), timeout=config.timeout_s
        )
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
        raise OcrError(f"Tesseract timed out after {config.timeout_s:.0f} s") from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"Tesseract failed: {exc.message or exc}") from exc


def parse_tesseract_tsv(tsv: str, page_no: int) -> Page:
    """Build a :class:`Page` from Tesseract's TSV (level 5 rows are words).

    Words are grouped by Tesseract's own (block, paragraph, line) numbers; rows of other pages in a
    multi-page TSV are ignored, so one frozen file can hold a whole document.
    """
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    width = height = None
    seen = False
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for row in reader:
        if int(row["page_num"]) != page_no:
            continue
        seen = True
        level = int(row["level"])
        if level == 1:
            width, height = int(row["width"]), int(row["height"])
        if level != 5:
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        conf = float(row["conf"])
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        groups.setdefault(key, []).append(
            Word(text, left, top, left + int(row["width"]), top + int(row["height"]),
                 conf / 100 if conf >= 0 else None)
        )
    if not seen:
        raise OcrError(f"the OCR output has no page {page_no}")
    lines = [make_line(i, words) for i, words in enumerate(groups.values(), start=1)]
    return Page(page_no, width, height, "ocr", tuple(lines), reason="ocr")


class OcrEngine(Protocol):
    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page: ...


@dataclass(frozen=True)
class TesseractEngine:
    """The real engine; ``render`` is called only when a page must be OCR'd."""

    config: OcrConfig

    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page:
        image = render()
        try:
            tsv = run_tesseract(image, self.config)
        finally:
            image.close()
        page = parse_tesseract_tsv(tsv, 1)
        return Page(page_no, page.width, page.height, "ocr", page.lines, reason=reason)


@dataclass(frozen=True)
class FrozenOcrEngine:
    """Replays OCR output saved earlier (``samples/<id>/ocr.tsv``), so golden tests do not depend on
    the local Tesseract version. Pages are not rendered at all."""

    tsv: str

    @classmethod
    def from_file(cls, path: Path) -> FrozenOcrEngine:
        return cls(path.read_text(encoding="utf-8"))

    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page:
        page = parse_tesseract_tsv(self.tsv, page_no)
        return Page(page_no, page.width, page.height, "ocr", page.lines, reason=reason)


def renumber_tsv(tsv: str, page_no: int, header: bool) -> str:
    """Set ``page_num`` of a single-page TSV, to concatenate pages into one frozen file."""
    rows = tsv.splitlines()
    out = [rows[0]] if header else []
    for row in rows[1:]:
        if row.strip():
            cells = row.split("\t")
            cells[1] = str(page_no)
            out.append("\t".join(cells))
    return "\n".join(out) + "\n"
