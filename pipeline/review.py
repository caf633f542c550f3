"""``thaiminutes review DIR``: static HTML pages to check every extracted value against its page.

``DIR/review/index.html`` lists the documents (status, pages, OCR confidence, flagged values);
``DIR/review/<doc_id>.html`` shows the page images with a box on every line of ``lines`` and the
extracted tables beside them: a click on a row highlights the line(s) it came from, a click on a
line highlights the rows read from it. Flagged, corrected and low-confidence values stand out.
Plain files (HTML, CSS, JS, JPEG) that open from disk; no server.

Page images are rendered from the source file named in ``documents.source`` (looked up as given,
then under ``--source-root`` folders), checked against ``documents.sha256`` so a different file of
the same name is never shown. Without the source, or for plain text, the page's lines are shown
as text, with the same highlighting.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.export import read_tables
from pipeline.ingest import sha256_file
from pipeline.query import cell_text
from pipeline.store import atomic_write
from pipeline.tables import LOW_CONFIDENCE

ASSETS = Path(__file__).resolve().parent / "review_assets"
#: A line whose OCR confidence is below this is marked, and so is every row read from it.
#: Width in pixels of the page images.
IMAGE_WIDTH = 1100
#: Tables shown beside the pages, in this order, with the columns shown.
SHOWN: dict[str, tuple[str, ...]] = {
    "budgets": ("item", "amount_thb", "purpose", "fiscal_year", "text"),
    "resolutions": ("item", "kind", "votes_for", "votes_against", "votes_abstain", "text"),
    "assignments": ("item", "assignee", "task", "due", "due_date"),
    "meetings": ("title", "organization", "meeting_no", "date", "venue", "start_time", "end_time"),
    "agenda_items": ("item", "title"),
    "attendees": ("seq", "status", "name", "position", "role", "stand_in_for"),
    "speeches": ("item", "seq", "speaker", "speaker_role", "text"),
}
#: Columns right-aligned in the tables.
NUMERIC = frozenset(
    {"amount_thb", "fiscal_year", "votes_for", "votes_against", "votes_abstain", "seq"}
)
#: Text longer than this is cut in the table (the whole of it is in the tooltip).
MAX_CELL = 160


@dataclass
class ShownRow:
    row_id: str
    page: int | None
    line: int | None
    last_line: int | None
    cells: list[str]
    full: list[str]
    flags: list[str]
    classes: str


@dataclass
class ShownLine:
    number: int
    text: str
    confidence: float | None
    box: tuple[float, float, float, float] | None  # left, top, width, height in % of the page
    classes: str


@dataclass
class ShownPage:
    number: int
    image: str | None
    aspect: str | None
    lines: list[ShownLine]
    error: str | None


@dataclass
class DocumentView:
    doc: dict[str, Any]
    meeting: dict[str, Any] | None
    pages: list[ShownPage] = field(default_factory=list)
    tables: dict[str, list[ShownRow]] = field(default_factory=dict)
    note: str | None = None

    @property
    def flagged(self) -> int:
        return sum(1 for rows in self.tables.values() for r in rows if r.flags)


def write_review(
    out: Path, source_roots: list[Path] | None = None, doc_ids: list[str] | None = None
) -> Path:
    """Write the review pages of output folder ``out``; return the index page."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    tables = read_tables(out)
    by_doc = _group(tables)
    only = set(doc_ids or by_doc)
    folder = out / "review"
    (folder / "img").mkdir(parents=True, exist_ok=True)
    for asset in ("review.css", "review.js"):
        shutil.copyfile(ASSETS / asset, folder / asset)
    env = Environment(
        loader=FileSystemLoader(ASSETS), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    env.filters["pct"] = lambda v: f"{v:.3f}%"
    views = []
    roots = [Path.cwd(), *(source_roots or [])]
    for doc_id, rows in by_doc.items():
        view = _document_view(rows, roots, folder, images=doc_id in only)
        views.append(view)
        if doc_id not in only:
            continue
        html = env.get_template("document.html").render(
            view=view, shown=SHOWN, numeric=NUMERIC, low=LOW_CONFIDENCE
        )
        atomic_write(folder / f"{doc_id}.html", html)
    index = folder / "index.html"
    atomic_write(index, env.get_template("index.html").render(views=views, low=LOW_CONFIDENCE))
    return index


def _group(tables: dict[str, pa.Table]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Rows of every table, by document (``documents`` order)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for doc in tables["documents"].to_pylist():
        out[doc["doc_id"]] = defaultdict(list, documents=[doc])
    for name in ("pages", "lines", *SHOWN):
        for row in tables[name].to_pylist():
            if row["doc_id"] in out:
                out[row["doc_id"]][name].append(row)
    return out


def _document_view(
    rows: dict[str, list[dict[str, Any]]], roots: list[Path], folder: Path, images: bool
) -> DocumentView:
    doc = rows["documents"][0]
    view = DocumentView(doc=doc, meeting=rows["meetings"][0] if rows["meetings"] else None)
    shown_images, view.note = (
        _page_images(doc, rows["pages"], roots, folder) if images else ({}, None)
    )
    confidence: dict[tuple[int, int], float | None] = {}
    lines_by_page: dict[int, list[ShownLine]] = defaultdict(list)
    frames = {p["page"]: (p["width"], p["height"]) for p in rows["pages"]}
    for ln in rows["lines"]:
        confidence[(ln["page"], ln["line"])] = ln["confidence"]
        low = ln["confidence"] is not None and ln["confidence"] < LOW_CONFIDENCE
        classes = " ".join(c for c, on in (("low", low), ("furniture", ln["furniture"])) if on)
        lines_by_page[ln["page"]].append(
            ShownLine(ln["line"], ln["text"] or "", ln["confidence"], _box(ln, frames), classes)
        )
    for p in rows["pages"]:
        width, height = frames[p["page"]]
        image = shown_images.get(p["page"])
        view.pages.append(
            ShownPage(
                number=p["page"],
                image=image,
                aspect=f"{width} / {height}" if image and width and height else None,
                lines=lines_by_page[p["page"]],
                error=p["error"],
            )
        )
    for name, columns in SHOWN.items():
        view.tables[name] = [_shown_row(r, columns, confidence) for r in rows[name]]
    return view


def _box(line: dict[str, Any], frames: dict[int, tuple[int | None, int | None]]):
    width, height = frames.get(line["page"], (None, None))
    if None in (line["x0"], line["y0"], line["x1"], line["y1"]) or not width or not height:
        return None
    return (
        100 * line["x0"] / width,
        100 * line["y0"] / height,
        100 * (line["x1"] - line["x0"]) / width,
        100 * (line["y1"] - line["y0"]) / height,
    )


def _shown_row(
    row: dict[str, Any], columns: tuple[str, ...], confidence: dict[tuple[int, int], float | None]
) -> ShownRow:
    flags = [f for f in (row.get("flags") or "").split(",") if f]
    page, first = row.get("page"), row.get("line")
    last = row.get("last_line") or first
    if page is not None and first is not None and last is not None:
        confs = [confidence.get((page, n)) for n in range(first, last + 1)]
        known = [c for c in confs if c is not None]
        if known and min(known) < LOW_CONFIDENCE:
            flags.append(f"low_confidence({min(known):.2f})")
    full = [cell_text(row.get(c)) for c in columns]
    cells = [t if len(t) <= MAX_CELL else t[: MAX_CELL - 1] + "…" for t in full]
    classes = " ".join(
        c
        for c, on in (
            ("flagged", bool(flags)),
            ("corrected", any(f.startswith("corrected:") for f in flags)),
            ("low", any(f.startswith("low_confidence") for f in flags)),
        )
        if on
    )
    return ShownRow(row["row_id"], page, first, last, cells, full, flags, classes)


def _locate(doc: dict[str, Any], roots: list[Path]) -> Path | None:
    """The source file of ``doc`` if it can be found with the same content (SHA-256)."""
    given = Path(doc["source"])
    candidates = [given] if given.is_absolute() else []
    for root in roots:
        candidates += [root / given, root / given.name]
    for path in candidates:
        try:
            if path.is_file() and sha256_file(path) == doc.get("sha256"):
                return path
        except OSError:
            continue
    return None


def _page_images(
    doc: dict[str, Any], pages: list[dict[str, Any]], roots: list[Path], folder: Path
) -> tuple[dict[int, str], str | None]:
    """Render (or reuse) a JPEG of every page; return {page: path relative to ``folder``}."""
    if doc["kind"] == "text" or not pages:
        return {}, None
    source = _locate(doc, roots)
    if source is None:
        return {}, (
            f"the source file {doc['source']} was not found (or its content changed): the lines "
            "are shown as text; give its folder with --source-root to see the page images"
        )
    target = folder / "img" / doc["doc_id"]
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p["page"]: target / f"p{p['page']}-{IMAGE_WIDTH}.jpg" for p in pages}
    todo = {n: path for n, path in wanted.items() if not path.exists()}
    try:
        if todo:
            render = _render_pdf if source.suffix.lower() == ".pdf" else _render_image
            render(source, todo)
    except Exception as exc:  # a source that rendered for OCR may still fail here: say so
        return {}, f"the page images could not be rendered ({type(exc).__name__}: {exc})"
    return {n: str(p.relative_to(folder)) for n, p in wanted.items() if p.exists()}, None


def _render_pdf(source: Path, todo: dict[int, Path]) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    try:
        for number, path in todo.items():
            page = pdf[number - 1]
            scale = IMAGE_WIDTH / page.get_width()
            image = page.render(scale=scale, grayscale=True).to_pil()
            _save(image, path)
            page.close()
    finally:
        pdf.close()


def _render_image(source: Path, todo: dict[int, Path]) -> None:
    from PIL import Image, ImageSequence

    with Image.open(source) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index + 1 in todo:
                copy = frame.convert("L")
                copy.thumbnail((IMAGE_WIDTH, IMAGE_WIDTH * 10))
                _save(copy, todo[index + 1])


def _save(image: Any, path: Path) -> None:
    tmp = path.with_suffix(".tmp.jpg")
    image.save(tmp, "JPEG", quality=70, optimize=True)
    tmp.replace(path)
