"""A second reading of Thai digits, glyph by glyph, against the digits of the Thai fonts on the
machine.

Tesseract's Thai model misreads Thai digits with full confidence (๘ as ๕, ๖ as ๒ or as ๒๐, ๔ as
๕: README, "Thai digits read a second time"), and a wrong digit in an amount is the worst error
this product can make. Thai digits are separate glyphs of one stroke each, drawn much alike across
text faces, so each run of them is cut out of the page glyph by glyph and every glyph compared with
the ten digits rendered in every Thai font installed (fonts-thai-tlwg: Laksaman, Garuda, Loma,
Kinnari, Norasi, ...): the nearest shape wins. A run is given a second reading only when every
glyph in it is found unambiguously (:func:`read_digit_run`); the line then carries it in place of
Tesseract's. What fonts are installed decides the templates, so frozen OCR (samples/*/frozen)
keeps what a machine with fonts-thai-tlwg reads.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
#: Marks as tall as a digit, read against the fonts like the digits: the slash of a date or a
#: meeting number, the parentheses of a list marker (``๔)``, ``(๒)``).
TALL_MARKS = "/()"
#: What a run of digits holds besides them. A cut mark must be the separator Tesseract read there
#: (in order), and Tesseract's reading of it is kept, except a hyphen where the glyph is a point
#: (and a space Tesseract read inside a run: see :func:`read_digit_run`).
SEPARATORS = frozenset(".,-" + TALL_MARKS)
#: Glyphs are compared as SIZE x SIZE pictures.
SIZE = 24
#: A glyph is read when its shape is this alike (cosine) to a font's digit ...
MIN_LIKENESS = 0.80
#: ... and this much more alike to it than to any other digit.
MIN_MARGIN = 0.04
#: A glyph the fonts read with too small a margin (๔ and ๕ are much alike in every face) is read
#: when it is this alike to a digit the same page's glyphs were read as with certainty ...
PAGE_LIKENESS = 0.97
#: ... and, by MIN_MARGIN, more alike to those than to the page's glyphs of any other digit.
#: Only digits read with at least this likeness teach the page its own face.
TEACHING_LIKENESS = 0.9
#: A slash Tesseract did not read is read where its glyph is this alike to the fonts' slashes,
#: and this much more alike to them than to any digit (the slashes of the sample scans: 0.92-0.99
#: alike, by margins of 0.37-0.47).
SURE_MARK = 0.95
SURE_MARK_MARGIN = 0.3
#: Font styles whose digits are not upright text digits.
_SKIP_STYLES = ("Oblique", "Italic", "Mono", "Typewriter", "Typist", "Typo")


@dataclass(frozen=True)
class Glyph:
    """One glyph cut out of a run: its columns in the page, and its reading."""

    x0: int
    x1: int
    text: (
        str  # a digit or a tall mark; "." "," "-" or "" for a small mark; "?" for a glyph like none
    )
    likeness: float
    margin: float
    #: its shape vector (:func:`shape_vector`), for a digit or a tall mark
    shape: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass
class PageDigits:
    """The digits of one page that were read with certainty, as shapes: the page's own face,
    against which a glyph the fonts cannot tell apart (a ๔ nearly as like a ๕ in every font) is
    compared. One page's glyphs share a face, a size and a scan, so two of its ๔s are far more
    alike than a ๔ and a ๕ are (measured on the school scan: 0.99 against 0.93)."""

    shapes: list[np.ndarray] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    _seen: set[bytes] = field(default_factory=set)

    def learn(self, glyphs: Sequence[Glyph]) -> None:
        """Keep the digits of a run that was read, each read with certainty by the fonts."""
        for g in glyphs:
            if (
                g.shape is not None
                and g.text
                and g.text in THAI_DIGITS
                and g.likeness >= TEACHING_LIKENESS
                and g.margin >= MIN_MARGIN
                and (key := g.shape.tobytes()) not in self._seen
            ):
                self._seen.add(key)
                self.shapes.append(g.shape)
                self.labels.append(g.text)

    def confirms(self, glyph: Glyph) -> bool:
        """Do the page's own digits read ``glyph`` as the fonts did, with certainty?"""
        if glyph.shape is None or not self.shapes:
            return False
        best: dict[str, float] = {}
        scores = (np.stack(self.shapes) @ glyph.shape).tolist()
        for label, score in zip(self.labels, scores, strict=True):
            best[label] = max(best.get(label, -1.0), score)
        same = best.pop(glyph.text, -1.0)
        return same >= PAGE_LIKENESS and same - max(best.values(), default=-1.0) >= MIN_MARGIN


def thai_font_files() -> list[Path]:
    """The upright Thai fonts fontconfig knows (``fc-list :lang=th``)."""
    try:
        out = subprocess.run(
            ["fc-list", ":lang=th", "file"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()}
    return sorted(
        f
        for f in files
        if f.suffix.lower() in (".ttf", ".otf") and not any(s in f.name for s in _SKIP_STYLES)
    )


@functools.cache
def templates(exclude: frozenset[str] = frozenset()) -> tuple[np.ndarray, str]:
    """The digits (and the tall marks) of every Thai font, minus the families in ``exclude`` (for
    measuring on a font the templates have not seen), as normalised shape vectors, with the
    character of each row."""
    vectors, labels = [], []
    for path in thai_font_files():
        if any(path.name.startswith(family) for family in exclude):
            continue
        try:
            font = ImageFont.truetype(str(path), 96)
        except OSError:
            continue
        for digit in THAI_DIGITS + TALL_MARKS:
            canvas = Image.new("L", (160, 160), 0)
            ImageDraw.Draw(canvas).text((30, 10), digit, fill=255, font=font)
            ink = np.asarray(canvas) > 127
            if ink.sum() < 20:
                continue  # the font has no glyph for it
            vectors.append(shape_vector(ink))
            labels.append(digit)
    if not vectors:
        return np.zeros((0, SIZE * SIZE), dtype=np.float32), ""
    return np.stack(vectors), "".join(labels)


def shape_vector(ink: np.ndarray) -> np.ndarray:
    """A glyph's ink (boolean array) cropped to its box, scaled into SIZE x SIZE keeping its
    proportions, softened, and normalised (zero mean, unit length) for cosine likeness."""
    rows, cols = np.nonzero(ink)
    box = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    h, w = box.shape
    scale = (SIZE - 2) / max(h, w)
    picture = Image.fromarray((box * 255).astype(np.uint8)).resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR
    )
    square = Image.new("L", (SIZE, SIZE), 0)
    square.paste(picture, ((SIZE - picture.width) // 2, (SIZE - picture.height) // 2))
    vector = np.asarray(square.filter(ImageFilter.GaussianBlur(1)), dtype=np.float32).ravel()
    vector -= vector.mean()
    return vector / (np.linalg.norm(vector) or 1.0)


def classify(ink: np.ndarray, exclude: frozenset[str] = frozenset()) -> tuple[str, float, float]:
    """The digit a glyph's ink looks most like, its likeness, and its margin over the next
    digit; ("", 0, 0) when there are no fonts to compare with."""
    return _ranked(*templates(exclude), shape_vector(ink))


def _ranked(vectors: np.ndarray, labels: str, shape: np.ndarray) -> tuple[str, float, float]:
    if not labels:
        return "", 0.0, 0.0
    scores = vectors @ shape
    # each character's best score, characters in the order they first come among the templates
    groups = _label_rows(labels)
    best = {label: max(-1.0, float(scores[rows].max())) for label, rows in groups.items()}
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    (digit, first), second = ranked[0], ranked[1][1] if len(ranked) > 1 else -1.0
    return digit, first, first - second


@functools.cache
def _label_rows(labels: str) -> dict[str, np.ndarray]:
    """The template rows of each character of ``labels``, characters in order of first row."""
    codes = np.array([ord(c) for c in labels])
    return {c: np.flatnonzero(codes == ord(c)) for c in dict.fromkeys(labels)}


def otsu_threshold(pixels: np.ndarray) -> float:
    """Otsu's threshold of a grey picture."""
    return histogram_threshold(np.bincount(pixels.ravel(), minlength=256))


def histogram_threshold(counts: Any) -> float:
    """Otsu's threshold of a grey picture's 256-level histogram (PIL's ``Image.histogram()`` of
    a whole page takes a tenth of the time numpy needs to count its pixels)."""
    hist = np.asarray(counts[:256], dtype=np.float64)
    total = hist.sum()
    if total == 0:
        return 128.0
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return float(np.argmax(between))


def true_runs(flags: Any) -> list[tuple[int, int]]:
    """The runs of true values in a row of flags (columns or rows holding ink), as (first,
    after)."""
    on = np.asarray(flags, dtype=bool).ravel()
    edges = np.flatnonzero(on[1:] != on[:-1]) + 1
    starts = edges[~on[edges - 1]].tolist()  # off before, on from here
    ends = edges[on[edges - 1]].tolist()
    if on.size and on[0]:
        starts.insert(0, 0)
    if on.size and on[-1]:
        ends.append(on.size)
    return list(zip(starts, ends, strict=True))


def _main_block(piece: np.ndarray) -> np.ndarray:
    """The piece's rows of ink that hang together with the most ink: a stray mark of a
    neighbouring line above or below a glyph, apart from it by blank rows, is left out."""
    blocks = [(int(piece[y0:y1].sum()), y0, y1) for y0, y1 in true_runs(piece.any(axis=1))]
    if len(blocks) < 2:
        return piece
    _, y0, y1 = max(blocks)
    out = np.zeros_like(piece)
    out[y0:y1] = piece[y0:y1]
    return out


def read_glyphs(
    image: Image.Image,
    box: tuple[int, int, int, int],
    body: tuple[int, int],
    keep: tuple[int, int],
    exclude: frozenset[str] = frozenset(),
) -> list[Glyph]:
    """Cut the glyphs in ``box`` (the page's pixels) at the columns blank between the rows
    ``body`` (the digits' height: marks of other lines above do not join two glyphs), keep those
    that reach into the columns ``keep``, and read each as a digit or a tall mark (``/ ( )``),
    or as "?" when it is like none of them. A glyph less than half as tall as the body reads as
    :func:`_small_mark` says: "." "-" or ""."""
    x0, y0, x1, y1 = box
    pixels = np.asarray(image.crop(box).convert("L"))
    if pixels.size == 0:
        return []
    ink = pixels < otsu_threshold(pixels)
    if ink.mean() > 0.6:  # not dark glyphs on paper
        return []
    columns = ink[body[0] - y0 : body[1] - y0].any(axis=0)
    small = 0.5 * (body[1] - body[0])
    glyphs: list[Glyph] = []
    for start, x in true_runs(columns):
        a, b = x0 + start, x0 + x
        if b <= keep[0] or a >= keep[1]:
            continue
        piece = _main_block(ink[:, start:x])
        rows = np.nonzero(piece.any(axis=1))[0]
        tall = rows[-1] - rows[0] + 1
        if tall < small or piece.sum() < 12:
            glyphs.append(Glyph(a, b, _small_mark(piece, y0, body), 0.0, 0.0))
            continue
        shape = shape_vector(piece)
        char, likeness, margin = _ranked(*templates(exclude), shape)
        if likeness < MIN_LIKENESS:
            split = _split_touching(piece, a, (body[0] - y0, body[1] - y0), exclude)
            if split:
                glyphs.extend(split)
                continue
            char = "?"  # a letter, or a glyph cut wrongly
        glyphs.append(Glyph(a, b, char, likeness, margin, shape))
    return glyphs


def _split_touching(
    piece: np.ndarray, x0: int, body: tuple[int, int], exclude: frozenset[str]
) -> list[Glyph] | None:
    """Two glyphs that touch (``๔)`` on a photo, two digits run together: ``๕๖`` in a face whose
    ๕ ends in a tail), cut apart at the column of least ink between the rows ``body`` (in the
    piece) where both sides read as a digit or a tall mark; None where no cut does. The ink is
    counted in the body alone, as the glyphs were cut: a speck above or below does not hide a
    junction. Only a piece at least 0.9 times as wide as the digits are tall is tried: one
    digit is narrower."""
    size = body[1] - body[0]
    width = piece.shape[1]
    if width < 0.9 * size:
        return None
    counts = piece[max(0, body[0]) : body[1]].sum(axis=0)
    # a junction is at most about one stroke thick: the strokes' thickness is the median run of
    # ink down a column
    runs = [b - a for column in piece.T for a, b in true_runs(column)]
    thin = max(2.0, 0.1 * size, 1.5 * float(np.median(runs)) if runs else 0.0)
    best: tuple[float, list[Glyph]] | None = None
    for c in range(int(0.25 * width), int(0.85 * width)):
        if counts[c] > thin or counts[c] > min(counts[c - 1], counts[c + 1]):
            continue  # not a thin junction
        halves = []
        for part, at in ((piece[:, :c], x0), (piece[:, c:], x0 + c)):
            if part.sum() < 12:
                break
            shape = shape_vector(part)
            char, likeness, margin = _ranked(*templates(exclude), shape)
            if likeness < MIN_LIKENESS:
                break
            halves.append(Glyph(at, at + part.shape[1], char, likeness, margin, shape))
        if len(halves) == 2:
            worst = min(g.likeness for g in halves)
            if best is None or worst > best[0]:
                best = (worst, halves)
    return best[1] if best else None


def _ink_band(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int] | None:
    """The rows (in the page) of the block of ink rows in ``box`` with the most ink: the
    digits' own height, where marks of the lines above and below are apart from them."""
    pixels = np.asarray(image.crop(box).convert("L"))
    if pixels.size == 0:
        return None
    rows = np.nonzero(_main_block(pixels < otsu_threshold(pixels)).any(axis=1))[0]
    if rows.size == 0:
        return None
    return box[1] + int(rows[0]), box[1] + int(rows[-1]) + 1


def _small_mark(piece: np.ndarray, y0: int, body: tuple[int, int]) -> str:
    """What a mark lower than half a digit is: "." for a point (on the baseline, about as wide as
    high), "," for a comma (from low in the digits' height to their baseline or below it, taller
    than a point and narrow),
    "-" for a hyphen (flat, about halfway up the digits), "" for anything else (a speck);
    ``y0`` is the page row of the piece's first row."""
    rows, cols = np.nonzero(piece)
    if rows.size == 0:
        return ""
    top, bottom = y0 + int(rows.min()), y0 + int(rows.max()) + 1
    high, wide = bottom - top, int(cols.max()) - int(cols.min()) + 1
    size = body[1] - body[0]
    if abs(bottom - body[1]) <= 0.15 * size and high <= 0.3 * size and wide <= 1.6 * high:
        return "."
    if (
        bottom - body[1] >= -0.15 * size  # ends on the baseline or below it
        and top - body[0] >= 0.5 * size
        and high <= 0.5 * size
        and wide <= high
    ):
        return ","
    middle = (top + bottom) / 2 - body[0]
    if 0.3 * size <= middle <= 0.75 * size and wide >= 2 * high and high <= 0.25 * size:
        return "-"
    return ""


def read_digit_run(
    image: Image.Image,
    boxes: Sequence[tuple[str, tuple[int, int, int, int]]],
    exclude: frozenset[str] = frozenset(),
    page: PageDigits | None = None,
) -> str | None:
    """A second reading of a run of Tesseract's glyphs (text and box each) in which it read Thai
    digits, or None where there is none to give.

    The run's glyphs are cut out afresh (Tesseract sometimes splits one digit in two: ๖ as
    ``๒๐``, boxes one with a mark of the line above, or too tightly). Every digit must be alike
    enough to a font's digit and unlike the others; separators (``. , - / ( )``) keep
    Tesseract's reading, in order, but for a hyphen the glyphs show to be a point. A box whose
    text is " " stands for a space Tesseract read inside the run: the glyphs must show a point or
    a comma there (``๑๐๐ ๐๐๐`` for ๑๐๐,๐๐๐), and it is read so. None when a glyph is in doubt
    or the cut does not agree with Tesseract's separators.

    With ``page``, a digit the fonts read with too small a margin is read all the same where the
    page's own certain digits confirm it (:meth:`PageDigits.confirms`), and the digits of a run
    that is read are added to them."""
    if not boxes or not templates(exclude)[1]:
        return None
    # every glyph but the separators must be read as a digit; a run Tesseract read without a
    # Thai digit (Latin look-alikes alone) must be read with more likeness still
    digit_boxes = [b for text, b in boxes if any(ch not in SEPARATORS and ch != " " for ch in text)]
    if not digit_boxes:
        return None
    least = MIN_LIKENESS if any(ch in THAI_DIGITS for text, _ in boxes for ch in text) else 0.9
    # the digits' body, from the middle of their boxes' tops and bottoms: some digits rise above
    # it (๒ ๕ ๖ ๙), and Tesseract boxes some with a mark of the line above or below
    tops, bottoms = sorted(b[1] for b in digit_boxes), sorted(b[3] for b in digit_boxes)
    top, bottom = tops[(len(tops) - 1) // 2], bottoms[(len(bottoms) - 1) // 2]
    if bottom - top < 4:
        return None
    left, right = min(b[0] for _, b in boxes), max(b[2] for _, b in boxes)
    band = _ink_band(image, (left, top, right, bottom))
    if band is not None and 1.3 * (band[1] - band[0]) < bottom - top:
        top, bottom = band  # boxes as tall as the line (a line re-read alone gives such)
    body = bottom - top
    reach = body  # Tesseract's boxes can be too tight: take whole glyphs at the ends
    region = (max(0, left - reach), max(0, top - body // 2), right + reach, bottom + 3)
    glyphs = read_glyphs(image, region, (top, bottom), (left + 2, right - 2), exclude)
    digits = [g for g in glyphs if g.text in THAI_DIGITS and g.text]
    read = [g for g in glyphs if g.text and g.text in THAI_DIGITS + TALL_MARKS]  # from the fonts
    if (
        not digits
        or any(g.text == "?" for g in glyphs)
        or any(g.margin < MIN_MARGIN and not (page and page.confirms(g)) for g in read)
    ):
        return None
    if any(g.likeness < least for g in digits):
        return None
    widths = sorted(g.x1 - g.x0 for g in digits)
    if widths[-1] > 1.6 * widths[len(widths) // 2]:
        return None  # two digits touching: cut as one
    # the marks cut must be Tesseract's separators, in order: the tall ones the same, the small
    # ones small; Tesseract's reading of a small one is kept, but for a hyphen that is a point.
    # Where Tesseract read a space (a box " "), the glyphs must show a point or a comma there.
    # (a mark Tesseract wrote twice in one box, "//" for the slash of a date, is one mark; an
    # equals sign is a hyphen it read doubled: "=o" for the "- ๓" of a page number)
    separators = [
        "-" if ch == "=" else ch
        for text, _ in boxes
        for k, ch in enumerate(text)
        if (ch in SEPARATORS or ch in " =") and not (k and text[k - 1] == ch)
    ]
    # a parenthesis Tesseract boxed with the digit beside it and left out of its text (๔) read
    # as one "๕" whose box holds both): it is read, being inside what Tesseract read
    if _merged(glyphs[-1], ")", boxes[-1][1]) and separators[-1:] != [")"]:
        separators.append(")")
    if _merged(glyphs[0], "(", boxes[0][1]) and separators[:1] != ["("]:
        separators.insert(0, "(")
    cut = [g.text for g in glyphs if g not in digits]
    if len(cut) > len(separators):
        # between the run's digits only: a slash at an end is another word's ("๑!๒๕๐๓")
        inner = glyphs[glyphs.index(digits[0]) : glyphs.index(digits[-1]) + 1]
        separators = _with_missed_slashes(
            [g for g in glyphs if g not in digits],
            separators,
            [g for g in inner if g not in digits],
        )
    if len(separators) != len(cut) or any(
        (mark != sep and {mark, sep} & set(TALL_MARKS)) or (sep == " " and mark not in (".", ","))
        for mark, sep in zip(cut, separators, strict=True)
    ):
        return None
    marks = iter(separators)
    out = []
    for k, g in enumerate(glyphs):
        if g in digits:
            out.append(g.text)
            continue
        sep = next(marks)
        if sep == " ":  # a point or comma read as a space: which, the digits after it say
            sep = g.text if g.text == "," else _point_or_comma(glyphs[k + 1 :])
        out.append("." if sep == "-" and g.text == "." else sep)
    if page is not None:
        page.learn(digits)
    return "".join(out)


def _with_missed_slashes(cut: list[Glyph], separators: list[str], inner: list[Glyph]) -> list[str]:
    """Tesseract's separators with each slash it missed put in, where the glyphs show one beyond
    doubt (:data:`SURE_MARK`) among the ``inner`` marks (between two digits): ``๑/๒๕๖๗`` read
    ``๑๒๕๐``. The separators as they were where the cut marks do not line up with them so."""
    out, j = [], 0
    for g in cut:
        if j < len(separators) and (
            g.text == separators[j] or not {g.text, separators[j]} & set(TALL_MARKS)
        ):
            out.append(separators[j])
            j += 1
        elif (
            g.text == "/"
            and g in inner
            and g.likeness >= SURE_MARK
            and g.margin >= SURE_MARK_MARGIN
        ):
            out.append("/")
        else:
            return separators
    return out if j == len(separators) else separators


def _merged(glyph: Glyph, mark: str, box: tuple[int, int, int, int]) -> bool:
    """Is ``glyph`` the tall ``mark``, lying inside the columns of Tesseract's ``box``?"""
    return glyph.text == mark and glyph.x0 >= box[0] - 2 and glyph.x1 <= box[2] + 2


def _point_or_comma(after: list[Glyph]) -> str:
    """A mark on the baseline that may be a point or a comma (a comma is small in many Thai
    faces) is a thousands comma when three digits follow it up to the next mark or the end
    (๔๕๖ ๗๘๐.๕๐ is ๔๕๖,๗๘๐.๕๐), a point otherwise (๑๓ ๓๐ is ๑๓.๓๐)."""
    count = 0
    for g in after:
        if g.text not in THAI_DIGITS or not g.text:
            break
        count += 1
    return "," if count == 3 else "."
