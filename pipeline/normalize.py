"""Thai text and numeral normalisation, and page-furniture detection.

Each step is a small named function; :func:`normalize_text` composes them in order and is
idempotent (``normalize_text(normalize_text(x)) == normalize_text(x)``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from pythainlp import (
    thai_above_vowels,
    thai_below_vowels,
    thai_follow_vowels,
    thai_lead_vowels,
    thai_tonemarks,
)
from pythainlp.util import normalize as thai_normalize
from pythainlp.util import thai_digit_to_arabic_digit

from pipeline.config import NormalizeConfig
from pipeline.model import Document, Line, Page
from pipeline.spelling import drop_inner_repeats, repair_marks, repair_phrases
from pipeline.textlayer import legacy_thai_forms

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u3000]")
_DOTS = re.compile(r"…")


def thai_digits_to_arabic(text: str) -> str:
    """Thai digits to Arabic: ``thai_digits_to_arabic("วาระที่ ๓") -> "วาระที่ 3"``."""
    return thai_digit_to_arabic_digit(text)


def remove_invisible(text: str) -> str:
    """Drop zero-width characters, BOM and soft hyphens; odd spaces become plain spaces."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


#: Marks and signs that pythainlp's normalisation drops where a word cannot begin with them.
_DANGLING = f"{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e"
#: Vowels and signs no Thai syllable writes twice running.
_NO_REPEAT = (
    f"{thai_follow_vowels}{thai_lead_vowels}{thai_above_vowels}{thai_below_vowels}"
    "\u0e3a\u0e4c\u0e4d\u0e4e"
)
#: What any of the rules of pythainlp's ``normalize`` acts on: zero-width characters, doubled,
#: leading or trailing spaces, line breaks; a mark after a space or at the start; two SARA E,
#: a NIKHAHIT, a LAKKHANGYAO; a tone mark or THANTHAKHAT before a vowel above or below; a vowel
#: that follows its consonant before a tone mark; a vowel or sign twice running, spaces between
#: allowed; two tone marks. A cell with none of them is left as it is without calling it: most
#: cells, and its ~30 regular expressions were a fifth of the text stages' time.
#: (``test_normalize``: the same result as calling it, on any text.)
_THAI_NORMALIZE_ACTS = re.compile(
    "[\u200b\u200c\n\r]|  |^\\s|\\s$"
    f"| [{_DANGLING}]|^[{_DANGLING}]"
    "|\u0e40\u0e40|[\u0e4d\u0e45]"
    f"|[{thai_tonemarks}\u0e4c][{thai_above_vowels}{thai_below_vowels}]"
    f"|[{thai_follow_vowels}][{thai_tonemarks}]"
    f"|([{_NO_REPEAT}]) *\\1"
    f"|[{thai_tonemarks}]{{2}}"
)


def compose_thai(text: str) -> str:
    """pythainlp's normalisation on each tab-separated cell (tabs are column separators).

    ``compose_thai("ก\u0e4d\u0e32ร") -> "กำร"``; doubled vowels and tone marks are removed.
    Cells it would leave as they are (:data:`_THAI_NORMALIZE_ACTS`) are not handed to it.
    """
    cells = []
    for cell in text.split("\t"):
        if _THAI_NORMALIZE_ACTS.search(cell) is None:
            cells.append(cell)
            continue
        for _ in range(
            3
        ):  # one rule can expose another (ๅ becomes า next to a NIKHAHIT): fixed point
            done = thai_normalize(cell)
            if done == cell:
                break
            cell = done
        cells.append(cell)
    return "\t".join(cells).strip()


def canonical_dots(text: str) -> str:
    """An ellipsis character becomes three dots (continuation markers use both)."""
    return _DOTS.sub("...", text)


def unicode_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


STEPS: tuple[Callable[[str], str], ...] = (
    unicode_nfc,
    legacy_thai_forms,
    remove_invisible,
    thai_digits_to_arabic,
    canonical_dots,
    compose_thai,
    # again: pythainlp may put a tone mark before PHINTHU, which NFC orders after it, so a
    # second pass would change the text
    unicode_nfc,
)


def normalize_text(text: str, steps: tuple[Callable[[str], str], ...] = STEPS) -> str:
    """Run the normalisation steps in order.

    >>> normalize_text("ระเบียบวาระที่ ๔  เรื่อง\u200bเพื่อพิจารณา")
    'ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา'
    """
    for step in steps:
        text = step(text)
    return text


# --- Page furniture -------------------------------------------------------------------------------
#: "-2-", "- 2 -", "=2=" (dashes OCR read as equals signs), "“20 -" (or as a quote), "2", "หน้า 2",
#: "หน้า 2/10", "(2)".
PAGE_NUMBER = re.compile(
    r"^(?:[-–=(“”\"'‘’]\s*\d{1,3}\s*[-–=)“”\"'‘’]|\d{1,3}|หน้า\s*\d{1,3}(?:\s*/\s*\d{1,3})?"
    r"|\d{1,3}\s*/\s*\d{1,3})$"
)
#: A continuation marker at a page end: "/9. นายสมคิด.....", "/ฝ่ายเลขาฯ....", "/ซึ่งมีกิจกรรม...".
CONTINUATION = re.compile(r"^/\s*\S.{0,60}?\.{3,}\s*$")
#: The same marker as OCR gives it where it lost the dots (a dot leader read as nothing): a
#: short line that opens with a slash, at a page's end only ("/๙. นายสมคิด").
CONTINUATION_AT_END = re.compile(r"^/\s*\S.{0,60}$")
#: The same marker glued to the end of a body line: "... ณ จวนผู้ว่าราชการ /จังหวัดปทุมธานี.....".
TRAILING_CONTINUATION = re.compile(r"\s+/\s*\S[^/]{0,60}?\.{3,}\s*$")
#: A ruling made of dashes, underscores, equals signs or dots (table borders, blank signature lines).
RULING = re.compile(r"^[-_=.·\s]{3,}$")


#: OCR reads a leading dash bullet as ":", "=", ";" or "~" (": การดำเนินงาน..." for "- การดำเนินงาน...").
OCR_BULLET = re.compile(r"^[:=;~]\s+(?=\S)")
#: Tesseract's confidence below which a line is noise (dust, smudges, split-off marks), not text.
NOISE_CONFIDENCE = 0.5
#: A line less than this share of the page's usual line height is small print or a scribble.
THIN_LINE = 0.6
#: Below this confidence, a thin line with no two Thai letters together is noise: a signature
#: or a smudge read as junk (``จ2 ew «&``, ``5 ห -``), a page number read wrong (``- Oe -``).
SCRIBBLE_CONFIDENCE = 0.75
#: Two Thai letters together (a vowel or mark between them counts): some Thai was read.
THAI_PAIR = re.compile("[\u0e01-\u0e2e][\u0e30-\u0e3a\u0e47-\u0e4e]*[\u0e01-\u0e2e]")


def is_scribble(line: Line, text: str, typical_height: float | None) -> bool:
    """A thin, doubtful line with no Thai in it (:data:`THIN_LINE`, :data:`SCRIBBLE_CONFIDENCE`,
    :data:`THAI_PAIR`): OCR noise, left out of the text like a line below :data:`NOISE_CONFIDENCE`."""
    return (
        typical_height is not None
        and line.bbox is not None
        and line.confidence is not None
        and line.bbox.height < THIN_LINE * typical_height
        and line.confidence < SCRIBBLE_CONFIDENCE
        and not THAI_PAIR.search(text)
    )


#: A dash bullet with a speck glued to it ("-,นางบุญเรือน"): no Thai word begins with a mark.
SPECKED_BULLET = re.compile(r"^-[.,'`‘’]\s*(?=[\u0e01-\u0e2e\u0e40-\u0e44])")


def fix_ocr_bullet(text: str) -> str:
    """``fix_ocr_bullet(": กรรมการพัฒนาชุมชน") -> "- กรรมการพัฒนาชุมชน"``, and ``"-,นาง..."``
    to ``"- นาง..."``; OCR lines only."""
    return SPECKED_BULLET.sub("- ", OCR_BULLET.sub("- ", text))


#: A speck OCR read as punctuation at the start of a Thai word (".จันทร์หอม", "'สมาชิก"): no Thai
#: word begins with one.
SPECK_BEFORE_WORD = re.compile(r"(?:(?<=\s)|^)[.,'`‘’](?=[\u0e01-\u0e2e\u0e40-\u0e44])")


def drop_specks(text: str) -> str:
    """``drop_specks("นางวิไลวรรณ .จันทร์หอม") -> "นางวิไลวรรณ จันทร์หอม"``; OCR lines only."""
    return SPECK_BEFORE_WORD.sub("", text)


#: A speck far right of a line's text, read as a column of its own ("600 บาท<tab>."): a cell of
#: one or two punctuation marks, which no table has; or a lone comma after Thai ("ล้าน ,"):
#: Thai is written without commas.
TRAILING_SPECK = re.compile(r"\t+[.,'`‘’:;|_~•·-]{1,2}$|(?<=[\u0e01-\u0e4e])[ \t]+,$")


#: A speck left of a line's text, read as a word of its own (". ขอให้ฝ่ายบริหาร..."): no Thai
#: line begins with a lone point or comma.
LEADING_SPECK = re.compile(r"^[.,'`‘’|_~]\s+(?=[\u0e01-\u0e2e\u0e40-\u0e44])")


def drop_leading_speck(line: Line, text: str) -> tuple[Line, str]:
    """The line without a leading speck word (:data:`LEADING_SPECK`), its word box with it; the
    line then begins where its first word does (a speck left of an indented line made it look
    unindented, so it was joined to the line before)."""
    found = LEADING_SPECK.match(text)
    if not found:
        return line, text
    text = text[found.end() :]
    if len(line.words) == len(text.split()) + 1 and line.bbox is not None:
        words = line.words[1:]
        line = replace(line, words=words, bbox=replace(line.bbox, x0=words[0][0]))
    return line, text


def drop_trailing_speck(line: Line, text: str) -> tuple[Line, str]:
    """The line without a trailing speck cell (:data:`TRAILING_SPECK`), its word box with it."""
    found = TRAILING_SPECK.search(text)
    if not found:
        return line, text
    words = line.words[:-1] if len(line.words) == len(text.split()) else line.words
    return replace(line, words=words), text[: found.start()]


#: Page numbers are looked for among this many lines at the top and at the bottom of a page.
PAGE_NUMBER_ZONE = 2


def is_furniture(text: str, page_edge: bool = True, page_end: bool = False) -> bool:
    """True for a line that is page furniture, not content. A bare number is a page number only
    at the top or bottom of a page (``page_edge``); elsewhere it is text (a wrapped "ครั้งที่ 2").
    At the bottom (``page_end``), a short line opening with a slash is a continuation marker
    though OCR lost its dots.

    >>> [is_furniture(s) for s in ["-2-", "/9. นายสมคิด.....", "หน้า 3", "9. นายสมคิด ร้อยวงศ์"]]
    [True, True, True, False]
    >>> is_furniture("/9. นายสมคิด", page_end=True), is_furniture("/9. นายสมคิด")
    (True, False)
    """
    t = text.strip()
    return bool(
        (page_edge and PAGE_NUMBER.match(t))
        or CONTINUATION.match(t)
        or (page_end and CONTINUATION_AT_END.match(t))
        or RULING.match(t)
    )


def strip_trailing_continuation(text: str) -> str:
    """Remove a continuation marker glued to the end of a line."""
    return TRAILING_CONTINUATION.sub("", text)


#: In typed text, two or more spaces between words stand for a column gap, as a tab does.
TYPED_COLUMN_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")


def normalize_line(
    line: Line,
    config: NormalizeConfig,
    ocr: bool = False,
    page_edge: bool = True,
    typed: bool = False,
    page_end: bool = False,
    typical_height: float | None = None,
) -> Line:
    """One line's normalised text. ``typed`` (a plain-text file): runs of spaces between words
    are column gaps and become tabs, as the layout of a PDF or scan gives them. OCR noise
    (:data:`NOISE_CONFIDENCE`, :func:`is_scribble` against the page's ``typical_height``) is
    marked as furniture."""
    raw = TYPED_COLUMN_GAP.sub("\t", line.raw_text) if typed else line.raw_text
    text = normalize_text(raw) if config.thai_digits else compose_thai(raw)
    if ocr:
        text = drop_specks(fix_ocr_bullet(text))
        line, text = drop_leading_speck(*drop_trailing_speck(line, text))
        noise = line.confidence is not None and line.confidence < NOISE_CONFIDENCE
        if noise or is_scribble(line, text, typical_height):
            return replace(line, text=text, furniture=True)
        if config.repair_marks:
            text, repaired = repair_marks(text)
            text, repeats = drop_inner_repeats(text)
            repaired += repeats
            text, restored = repair_phrases(text)
            line = replace(line, repaired=repaired + restored)
    if not config.drop_furniture:
        return replace(line, text=text)
    if is_furniture(text, page_edge, page_end):
        return replace(line, text=text, furniture=True)
    return replace(line, text=strip_trailing_continuation(text))


def normalize_page(page: Page, config: NormalizeConfig) -> Page:
    """The page with each line's ``text`` normalised from its ``raw_text`` (page-local: a page
    task does it in the worker that read the page, while other pages are still being read)."""
    if page.normalized:
        return page
    ocr = page.origin == "ocr"
    n = len(page.lines)
    heights = sorted(ln.bbox.height for ln in page.lines if ln.bbox)
    typical = heights[len(heights) // 2] if heights else None
    edge = {i for i in range(n) if i < PAGE_NUMBER_ZONE or i >= n - PAGE_NUMBER_ZONE}
    return replace(
        page,
        normalized=True,
        lines=tuple(
            normalize_line(
                ln,
                config,
                ocr,
                i in edge,
                typed=page.origin == "text",
                page_end=i >= n - PAGE_NUMBER_ZONE,
                typical_height=typical,
            )
            for i, ln in enumerate(page.lines)
        ),
    )


def normalize_document(doc: Document, config: NormalizeConfig) -> Document:
    """A new document whose lines carry normalised ``text`` (``raw_text`` is kept as read); a
    page normalised already is kept as it is. Running headers and footers are marked here, over
    the whole document."""
    pages = tuple(normalize_page(p, config) for p in doc.pages)
    if config.drop_furniture:
        pages = mark_running_lines(pages)
    return replace(doc, pages=pages)


# --- Running headers and footers ------------------------------------------------------------------
#: A running header or footer is looked for among this many lines at a page's top and bottom.
RUNNING_ZONE = 3
#: How alike two readings of one running line are (rapidfuzz ratio, digits masked, spaces
#: ignored): OCR reads the same line a little differently on each page.
RUNNING_SIMILARITY = 85.0
#: Shorter lines are not taken for running lines: a label ("ประธาน", "มติ") recurs by itself.
RUNNING_MIN_CHARS = 8
#: The share of the pages a line must recur on (and at least two).
RUNNING_SHARE = 0.34


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def mark_running_lines(pages: tuple[Page, ...]) -> tuple[Page, ...]:
    """The pages with their running headers and footers marked as furniture: a line among the
    first or last :data:`RUNNING_ZONE` of a page whose reading recurs at the same edge of at least
    :data:`RUNNING_SHARE` of the pages (and two), alike to :data:`RUNNING_SIMILARITY` with its
    digits masked (the page number, a date) and, where the lines have boxes, at the same height
    within half a line; on typed pages, as many lines from the edge. A header's copy on the first
    page stays: there it is more often the document's own title. What begins a paragraph of the
    minutes (an agenda heading, a มติ, a bullet, a list number) is never one: a page may open
    with "มติที่ประชุม รับทราบ" as another does. Bodies print their name, the
    meeting's number or a file name on every page; left in, they would join the text of an item
    that runs over a page break."""
    import numpy as np
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    from pipeline.paragraphs import starts_new

    if len(pages) < 2:
        return pages
    # (page index, line index, key, place: the line's top, or its rank from the edge)
    found: dict[str, list[tuple[int, int, str, float]]] = {"top": [], "bottom": []}
    for p, page in enumerate(pages):
        body = [i for i, ln in enumerate(page.lines) if not ln.furniture and ln.text.strip()]
        zones = {"top": body[:RUNNING_ZONE], "bottom": body[::-1][:RUNNING_ZONE]}
        for edge, indexes in zones.items():
            for rank, i in enumerate(indexes):
                line = page.lines[i]
                key = _running_key(line.text)
                if len(key) < RUNNING_MIN_CHARS or starts_new(line.text):
                    continue
                place = float(line.bbox.y0) if line.bbox else float(rank)
                found[edge].append((p, i, key, place))
    need = max(2, math.ceil(RUNNING_SHARE * len(pages)))
    marked: dict[int, set[int]] = {}
    for edge, cands in found.items():
        if not cands:
            continue
        keys = [c[2] for c in cands]
        places = np.array([c[3] for c in cands])
        on_page = np.array([c[0] for c in cands])
        # all pairs at once, in rows of a few hundred (a 500-page document has 1,500 candidates)
        for start in range(0, len(cands), 500):
            alike = cdist(
                keys[start : start + 500], keys, scorer=fuzz.ratio, score_cutoff=RUNNING_SIMILARITY
            )
            for row, (p, i, _key, place) in enumerate(cands[start : start + 500]):
                line = pages[p].lines[i]
                tolerance = 0.5 * line.bbox.height if line.bbox else 0.0
                same = (alike[row] > 0) & (np.abs(places - place) <= tolerance)
                if len(set(on_page[same].tolist())) >= need and not (edge == "top" and p == 0):
                    marked.setdefault(p, set()).add(i)
    if not marked:
        return pages
    return tuple(
        replace(
            page,
            lines=tuple(
                replace(ln, furniture=True) if i in marked.get(p, ()) else ln
                for i, ln in enumerate(page.lines)
            ),
        )
        if p in marked
        else page
        for p, page in enumerate(pages)
    )


def document_text(doc: Document) -> str:
    """The normalised text, furniture left out, pages separated by a form feed."""
    return (
        "\f".join(
            "\n".join(ln.text for ln in p.lines if not ln.furniture and ln.text) for p in doc.pages
        )
        + "\n"
    )
