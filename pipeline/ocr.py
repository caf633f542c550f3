"""Tesseract OCR: running the engine is kept apart from parsing its TSV output.

``run_tesseract(image, config) -> str`` is the only function that touches the engine;
``parse_tesseract_tsv(tsv, page_no) -> Page`` is pure and testable without it.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import dropwhile, groupby, pairwise
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
from PIL import Image
from pythainlp.util.date import thai_abbr_months, thai_full_months

from pipeline.config import OcrConfig
from pipeline.digits import (
    SEPARATORS,
    THAI_DIGITS,
    PageDigits,
    histogram_threshold,
    read_digit_run,
    true_runs,
)
from pipeline.errors import MissingComponentError, OcrError
from pipeline.layout import (
    Word,
    join_words,
    make_line,
    tab_at_stops,
    token_boxes,
    token_word_spans,
)
from pipeline.leaders import mark_leaders
from pipeline.line_images import keep_line_images_uncompressed
from pipeline.model import BBox, Line, Page
from pipeline.preprocess import prepare, unrotate_box

# One OpenMP thread per page: pages are spread over processes, which scales better. Set before
# Tesseract's library is loaded (OpenMP reads it then); the program inherits it.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

INSTALL_HINT = (
    "install it with: sudo apt-get install tesseract-ocr tesseract-ocr-tha (or run `make setup`)"
)


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


def tesseract_config(config: OcrConfig, psm: int | None = None) -> str:
    # preserve_interword_spaces: Thai has no spaces between words, so Tesseract's text output
    # keeps only the spaces it saw; its TSV splits Thai into clusters, so the text comes from there.
    return (
        f"--psm {psm or config.psm} --dpi {config.dpi} -c preserve_interword_spaces=1 "
        "-c tessedit_create_tsv=1"
    )


#: Set when this process first hands Tesseract a page: from then on it reads for seconds at a time
#: without the GIL (see :func:`pipeline.runner.warm_up_in_background`).
TESSERACT_STARTED = threading.Event()


def run_tesseract(image: Image.Image, config: OcrConfig, psm: int | None = None) -> str:
    """Run Tesseract once on an image; return its TSV with each line's text filled in.

    One recognition pass gives both the TSV (boxes, confidences) and the plain text (Tesseract's
    own word spacing for Thai); :func:`annotate_lines` puts each text line into the TSV's empty
    level-4 (line) row, so the TSV alone holds everything and can be frozen for tests. The
    library's result iterator gives the lines' text itself (:func:`_iterator_tsv`).
    """
    TESSERACT_STARTED.set()
    if use_api(config):
        return _api_tesseract(image, config, psm or config.psm)
    return annotate_lines(*_cli_tesseract(image, config, psm))


def use_api(config: OcrConfig) -> bool:
    """Whether pages are read through Tesseract's library in this process: ``engine`` api, or
    auto when tesserocr imports and is built on the same Tesseract as the ``tesseract`` program
    (a wheel with its own, other Tesseract would read pages differently from the program)."""
    if config.engine == "cli":
        return False
    problem = _api_problem()
    if problem and config.engine == "api":
        raise MissingComponentError(
            f"{problem}; build it on this Tesseract (make setup: pip install --no-binary "
            "tesserocr tesserocr) or set ocr.engine = 'cli'"
        )
    return problem is None


@functools.cache
def _api_problem() -> str | None:
    try:
        import tesserocr
    except ImportError as exc:
        return f"tesserocr does not import ({exc})"
    import pytesseract

    try:
        program = str(pytesseract.get_tesseract_version()).split()[0]
    except Exception:  # no program: the library alone is fine
        return None
    library = tesserocr.tesseract_version().split()[1]
    if library != program:
        return f"tesserocr has Tesseract {library}, the tesseract program is {program}"
    return None


def _cli_tesseract(image: Image.Image, config: OcrConfig, psm: int | None) -> tuple[str, str]:
    """The ``tesseract`` program on a temporary file (pytesseract): a process and a model load
    per call, killed after ``timeout_s``."""
    from pytesseract import pytesseract as pt

    image.format = "PPM"  # uncompressed temp file: PNG encoding of a 300-dpi page costs ~0.5 s
    try:
        with pt.save(image) as (base, input_file):
            pt.run_tesseract(
                input_file,
                base,
                "txt",
                config.lang,
                tesseract_config(config, psm),
                0,
                config.timeout_s,
            )
            tsv = Path(base + ".tsv").read_text(encoding="utf-8")
            txt = Path(base + ".txt").read_text(encoding="utf-8")
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
        raise OcrError(f"Tesseract timed out after {config.timeout_s:g} s") from exc
    except pt.TesseractError as exc:
        raise OcrError(f"Tesseract failed: {exc.message or exc}") from exc
    return tsv, txt


#: One Tesseract instance per (thread, language): loading tha+eng takes ~0.2 s, a page ~1-3 s.
_API = threading.local()


def _api_tesseract(image: Image.Image, config: OcrConfig, psm: int) -> str:
    """Tesseract's library in this process (tesserocr): the model stays loaded between pages and
    the page's pixels are handed over without a temporary file. Same settings as the program."""
    import tesserocr

    apis: dict[str, Any] = _API.__dict__.setdefault("apis", {})
    api = apis.get(config.lang)
    if api is None:
        _uncompressed_line_images()
        # tesserocr built on the system Tesseract (see use_api) finds its language data itself
        api = tesserocr.PyTessBaseAPI(lang=config.lang, init=True)
        api.SetVariable("preserve_interword_spaces", "1")
        apis[config.lang] = api
    if image.mode not in ("L", "RGB"):  # pages arrive grayscale; anything else is made so
        image = image.convert("L")
    depth = 1 if image.mode == "L" else 3
    api.SetPageSegMode(psm)
    api.SetImageBytes(image.tobytes(), image.width, image.height, depth, image.width * depth)
    api.SetSourceResolution(config.dpi)
    started = time.monotonic()
    if not api.Recognize(timeout=int(config.timeout_s * 1000)):
        api.Clear()
        if time.monotonic() - started >= config.timeout_s * 0.99:
            raise OcrError(f"Tesseract timed out after {config.timeout_s:g} s")
        raise OcrError("Tesseract could not recognise the page")
    tsv = _iterator_tsv(api, image.width, image.height)
    api.Clear()
    return tsv


@functools.cache
def _uncompressed_line_images() -> None:
    """Tesseract's line images handed on uncompressed in this process (about a fifth of a run's
    CPU, the same reading: :mod:`pipeline.line_images`); where that is not done, ``run.log``
    says why, once per worker process."""
    reason = keep_line_images_uncompressed()
    if reason is not None:
        logging.getLogger("thaiminutes").info("Tesseract's line images stay PNG: %s", reason)


def _iterator_tsv(api: Any, width: int, height: int) -> str:
    """The page, line and word rows of Tesseract's TSV, read from its result iterator, each line
    row holding the line's text as the program's text output gives it (:func:`annotate_lines`).

    Parsed, they equal what the ``tesseract`` program gives (a test compares them). The
    library's own ``GetTSVText`` costs ~0.3 s a page (about a tenth of the recognition) for
    levels and confidences nothing here reads, and its ``GetUTF8Text`` ~0.06 s: a line's text
    is its words, each after the blanks Tesseract counts before it (``BlanksBeforeWord``: with
    ``preserve_interword_spaces``, what the text output writes). Every line is numbered in
    block 1, paragraph 1, in Tesseract's order: asking the iterator where blocks and paragraphs
    begin cost more than the rest of the walk together."""
    from tesserocr import RIL

    rows = [_HEADER, f"1\t1\t0\t0\t0\t0\t0\t0\t{width}\t{height}\t-1\t"]
    it = api.GetIterator()
    line = word = 0
    line_row, pieces = 0, list[str]()

    def close_line() -> None:  # the finished line's text into its row
        if line:
            rows[line_row] += "".join(pieces).strip().replace("\t", " ")

    while it is not None:
        if not it.Empty(RIL.WORD):
            if it.IsAtBeginningOf(RIL.TEXTLINE):
                close_line()
                line, word, line_row, pieces = line + 1, 0, len(rows), []
                x0, y0, x1, y1 = it.BoundingBox(RIL.TEXTLINE)
                rows.append(f"4\t1\t1\t1\t{line}\t0\t{x0}\t{y0}\t{x1 - x0}\t{y1 - y0}\t-1\t")
            word += 1
            x0, y0, x1, y1 = it.BoundingBox(RIL.WORD)
            text = it.GetUTF8Text(RIL.WORD) or ""
            pieces.append(" " * it.BlanksBeforeWord() + text)
            text = text.replace("\t", " ")
            rows.append(
                f"5\t1\t1\t1\t{line}\t{word}\t{x0}\t{y0}\t{x1 - x0}\t{y1 - y0}\t"
                f"{it.Confidence(RIL.WORD):f}\t{text}"
            )
        if not it.Next(RIL.WORD):
            break
    close_line()
    return "\n".join(rows) + "\n"


_HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


def annotate_lines(tsv: str, txt: str) -> str:
    """Fill each TSV line row (level 4) with the matching line of Tesseract's text output.

    Lines are matched in order among lines that have words; if the counts differ the TSV is
    returned unchanged and lines are rebuilt from word gaps instead.
    """
    rows = [r.split("\t") for r in tsv.splitlines()]
    if not rows:
        return tsv
    text_lines = [ln.strip() for ln in txt.splitlines() if ln.strip()]
    has_words: dict[tuple[str, ...], bool] = {}
    for r in rows[1:]:
        if len(r) >= 12 and r[0] == "5" and r[11].strip():
            has_words[tuple(r[1:5])] = True
    line_rows = [
        r for r in rows[1:] if len(r) >= 11 and r[0] == "4" and has_words.get(tuple(r[1:5]))
    ]
    if len(line_rows) != len(text_lines):
        return tsv
    for r, text in zip(line_rows, text_lines, strict=True):
        if len(r) == 11:
            r.append("")
        r[11] = text.replace("\t", " ")
    return "\n".join("\t".join(r) for r in rows) + "\n"


def parse_tesseract_tsv(tsv: str, page_no: int) -> Page:
    """Build a :class:`Page` from Tesseract's TSV (see :func:`parse_tesseract_words`)."""
    return parse_tesseract_words(tsv, page_no)[0]


#: A "|" standing alone between words, with the space before it.
LONE_BAR = re.compile(r"[ \t]+\|(?=[ \t]|$)|^\|[ \t]+")


def _without_low_bars(words: list[Word]) -> list[Word]:
    """The words without a "|" less than half as tall as the line's letters: a bar is as tall as
    they are, so that is a speck Tesseract read as one (``นางบุญเรือน | แก้วใส`` on a photo)."""
    heights = sorted(w.y1 - w.y0 for w in words)
    if not heights:
        return words
    letter = heights[len(heights) // 2]
    return [w for w in words if not (w.text == "|" and w.y1 - w.y0 < 0.5 * letter)]


def _follower(ch: str) -> bool:
    """A Thai vowel or mark that comes after its consonant (ะ า ำ, the marks above and below):
    no word begins with one."""
    return bool(ch) and ("\u0e30" <= ch <= "\u0e3a" or "\u0e45" <= ch <= "\u0e4e")


def _without_doubles(text: str, words: list[Word]) -> tuple[str, list[Word]]:
    """The line's text and words without a cluster Tesseract read twice: two runs of up to three
    words side by side, with the same texts, whose extents overlap by half the narrower one or
    more are one piece of ink (``ข้อมูล ข้ ข้อเสนอแนะ``, the ข้ of ข้อเสนอ boxed twice; ``ที่ ที่
    ปท``). The run that is a token of its own goes, else one that would begin a token with a
    vowel that follows its consonant (``ประ ะมาณ``), else the one Tesseract is less sure of, from
    the words and from the text."""
    spans = token_word_spans(text, words)
    if spans is None:
        return text, words
    drop: set[int] = set()
    glue: set[int] = set()
    k = 0
    while k < len(words):
        for n in (3, 2, 1):  # a cluster of up to three words read twice (ท ี ่ for ที่)
            first, second = words[k : k + n], words[k + n : k + 2 * n]
            if len(second) < n or [w.text for w in first] != [w.text for w in second]:
                continue
            one = (min(w.x0 for w in first), max(w.x1 for w in first))
            two = (min(w.x0 for w in second), max(w.x1 for w in second))
            overlap = min(one[1], two[1]) - max(one[0], two[0])
            if overlap >= 0.5 * min(one[1] - one[0], two[1] - two[0]) > 0:
                # the run that is a token of its own goes (the word keeps its letters: "ประ
                # ะมาณ" is ประมาณ), else the one Tesseract is less sure of
                alone = [(start, start + n) in spans for start in (k, k + n)]
                # a token cannot begin with a vowel that follows its consonant: "ประ ะมาณ"
                follows = [
                    any(a == start for a, _ in spans) and _follower(words[start].text[:1])
                    for start in (k, k + n)
                ]
                sure = [sum(w.conf or 0 for w in run) / n for run in (first, second)]
                if alone[0] != alone[1]:
                    start = k if alone[0] else k + n
                elif follows[0] != follows[1]:
                    start = k if follows[0] else k + n
                else:
                    start = k if sure[0] <= sure[1] else k + n
                drop.update(range(start, start + n))
                if start == k + n and any(b == k + n for _, b in spans):
                    glue.add(k + n)  # the double sat where one token ends and the next begins
                k += 2 * n - 1
                break
        k += 1
    if not drop:
        return text, words
    # the line's spacing (tabs) kept where the tokens are the same; a token whose head was the
    # double of the token before joins it ("ประ ะมาณ" is ประมาณ)
    out, cursor = text, 0
    for old, (a, b) in zip(text.split(), spans, strict=True):
        new = "".join(words[i].text for i in range(a, b) if i not in drop)
        at = out.index(old, cursor)
        end = at + len(old)
        if not new:  # the whole token goes, with the whitespace after it
            end = len(out) - len(out[end:].lstrip()) if out[end:].strip() else end
        elif a in glue:
            at = len(out[:at].rstrip())
        out = out[:at] + new + out[end:]
        cursor = at + len(new)
    return out.strip(), [w for i, w in enumerate(words) if i not in drop]


def _tsv_rows(tsv: str) -> Iterator[list[str]]:
    """The rows of Tesseract's TSV after its header line, split into its twelve columns (level,
    page_num, block_num, par_num, line_num, word_num, left, top, width, height, conf, text; the
    text may be missing; a tab inside it was written as spaces)."""
    lines = iter(tsv.splitlines())
    next(lines, None)  # the header
    for line in lines:
        if line:
            yield line.split("\t")


def parse_tesseract_words(tsv: str, page_no: int) -> tuple[Page, list[list[Word]]]:
    """Build a :class:`Page` from Tesseract's TSV, with the words (and their confidences) of each
    of its lines.

    Lines are Tesseract's (block, paragraph, line) groups. A line row (level 4) that carries text
    (see :func:`annotate_lines`) gives the line's text; otherwise the text is rebuilt from the words'
    gaps. Rows of other pages are ignored, so one frozen file can hold a whole document.
    """
    width = height = None
    seen = False
    groups: dict[tuple[int, int, int], list[Word]] = {}
    line_text: dict[tuple[int, int, int], tuple[str, BBox, float | None]] = {}
    for row in _tsv_rows(tsv):
        if int(row[1]) != page_no:
            continue
        seen = True
        level = int(row[0])
        if level == 1:
            width, height = int(row[8]), int(row[9])
        if level not in (4, 5):
            continue
        key = (int(row[2]), int(row[3]), int(row[4]))
        text = row[11].strip() if len(row) > 11 else ""
        left, top = int(row[6]), int(row[7])
        box = (left, top, left + int(row[8]), top + int(row[9]))
        conf = float(row[10])
        if level == 4:
            if text:
                line_text[key] = (text, BBox(*box), conf / 100 if conf >= 0 else None)
            continue
        if text:
            groups.setdefault(key, []).append(Word(text, *box, conf / 100 if conf >= 0 else None))
    if not seen:
        raise OcrError(f"the OCR output has no page {page_no}")
    lines: list[Line] = []
    line_words: list[list[Word]] = []
    for key in sorted(set(groups) | set(line_text)):
        words = groups.get(key, [])
        kept = _without_low_bars(words)
        if len(kept) < len(words) and all(w.text != "|" for w in kept):
            words = kept
            if key in line_text:
                said, where, sure = line_text[key]
                line_text[key] = (LONE_BAR.sub("", said).strip(), where, sure)
        if words:
            # the words joined as make_line joins them, where Tesseract gave no line text
            tall = sorted(w.y1 - w.y0 for w in words)[len(words) // 2] or 1.0
            said = line_text[key][0] if key in line_text else join_words(words, tall)
            undoubled, kept = _without_doubles(said, words)
            if len(kept) < len(words):
                words = kept
                if key in line_text:
                    line_text[key] = (undoubled, *line_text[key][1:])
        line_words.append(words)
        if words:
            line = make_line(
                len(lines) + 1, words, text=line_text[key][0] if key in line_text else None
            )
            if key in line_text and line_text[key][2] is not None:
                line = replace(line, confidence=line_text[key][2])
            lines.append(line)
        elif key in line_text:
            only_text, only_box, only_conf = line_text[key]
            lines.append(Line(len(lines) + 1, only_text, only_text, only_box, only_conf))
    lines = tab_at_stops(lines)
    return Page(page_no, width, height, "ocr", tuple(lines), reason="ocr"), line_words


def find_mark_lines(page: Page) -> list[tuple[int, int]]:
    """Pairs (marks, base) of line indexes where Tesseract split a line's upper marks (tone marks,
    upper vowels) off into a thin line of its own, overlapping the line below it.

    Those "lines" read as garbage and the line below loses its marks (ที่ → ที), a known
    Tesseract problem with Thai when there is space above a line.
    """
    boxed = [ln for ln in page.lines if ln.bbox]
    if len(boxed) < 2:
        return []
    heights = sorted(ln.bbox.height for ln in boxed)  # type: ignore[union-attr]
    typical = heights[len(heights) // 2]
    pairs = []
    for i, (upper, lower) in enumerate(zip(page.lines, page.lines[1:], strict=False)):
        if not upper.bbox or not lower.bbox:
            continue
        thin = upper.bbox.height < 0.75 * typical
        # marks sit on the line below: the thin box reaches well into the next line's box
        overlaps = (
            upper.bbox.y0 < lower.bbox.y0
            and upper.bbox.y1 - lower.bbox.y0 > 0.25 * upper.bbox.height
        )
        garbage = (upper.confidence or 0) < 0.9 or _thai_letters(upper.text) < 0.5 * len(
            upper.text.replace(" ", "")
        )
        above = (
            upper.bbox.x0 >= lower.bbox.x0 - 0.05 * typical
            and upper.bbox.x1 <= lower.bbox.x1 + 0.5 * typical
        )
        if thin and overlaps and above and garbage:
            pairs.append((i, i + 1))
    return pairs


def _unrotated(line: Line, angle: float, width: int, height: int) -> Line:
    if line.bbox is None:
        return line
    box = unrotate_box(line.bbox, angle, width, height)
    words = tuple(
        (b.x0, b.x1)
        for b in (
            unrotate_box(BBox(x0, line.bbox.y0, x1, line.bbox.y1), angle, width, height)
            for x0, x1 in line.words
        )
    )
    return replace(line, bbox=box, words=words)


def _latin_letters(text: str) -> int:
    return sum(1 for ch in text if "a" <= ch.lower() <= "z")


#: A Latin word Tesseract is less sure of than this may be Thai that the eng model took: on the
#: sample scans such misreads (``lo.``, ``UM``, ``W.A.``, ``Sug:``) had 0.13-0.87, the English
#: words (Action, Practice, OTOP) 0.90-0.97.
LATIN_DOUBT = 0.90
#: ... and a word it is less sure of than this it all but failed to read.
LOST = 0.30


def _doubtful_latin(word: Word) -> bool:
    return _latin_letters(word.text) > 0 and word.conf is not None and word.conf < LATIN_DOUBT


#: A word read again alone in Thai (``TesseractEngine._reread_words``) is taken when Tesseract
#: is this sure of it: บาท, ตัน, ไร่ read from ``UM``, ``MU``, ``Ts`` on the sample scans had 0.86-0.94.
WORD_SURE = 0.85


def _short_latin(word: Word) -> bool:
    """A word of at most three Latin letters, points between or after them allowed (``WA.`` for
    พ.ศ.); an English word of four or more, ``plan``, ``OTOP``, is not taken for Thai, but
    after a number (:func:`_thai_word_suspects`)."""
    letters = word.text.replace(".", "")
    return 0 < len(letters) <= 3 and _latin_word(letters)


def _latin_word(text: str) -> bool:
    return bool(text) and all("a" <= ch.lower() <= "z" for ch in text)


def _short_doubtful_latin(word: Word) -> bool:
    """A short Latin word (:func:`_short_latin`) Tesseract doubts (:data:`LATIN_DOUBT`): on a
    Thai page, more often a short Thai word the eng model took (``Way`` for และ) than English."""
    return _short_latin(word) and _doubted(word)


def _doubted(word: Word) -> bool:
    return word.conf is not None and word.conf < LATIN_DOUBT


def _thai_word_suspects(words: list[Word]) -> list[bool]:
    """Which of a Thai page line's words to read again as Thai: the short Latin words Tesseract
    doubts, and those right after a number, however sure it is (``๑๒,๐๐๐,๐๐๐ UM`` at 0.96:
    the unit of an amount, บาท, ตัน, ไร่, is a short Thai word); a longer Latin word right
    after a number, where Tesseract doubts it (``๒๔ WAYMAN`` for ๒๔ พฤษภาคม: a month)."""
    after_number = [False] + [bool(re.search(r"[0-9\u0e50-\u0e59]$", w.text)) for w in words[:-1]]
    return [
        _short_doubtful_latin(w)
        or (number and (_short_latin(w) or (_latin_word(w.text) and _doubted(w))))
        for w, number in zip(words, after_number, strict=True)
    ]


#: Marks no Thai word is written with, that OCR makes of letters it could not read.
_JUNK = frozenset("@[]|{}\\<>~^")
#: An English word read alone (``TesseractEngine._reread_english``): letters, an apostrophe or a
#: hyphen inside, three or more.
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
#: ... taken when Tesseract's ``eng`` model is this sure of it (``influencer`` read so: 0.89).
ENGLISH_SURE = 0.80


def _script_changes(text: str) -> int:
    """How often ``text`` changes between Thai letters and digits or Latin letters, points and
    other marks aside: ``ปี2565`` once, ``พ.ศ.2566`` once, ``ห/๐ห๕ก๐0`` five times."""
    kinds: list[str] = []
    for ch in text:
        if "\u0e01" <= ch <= "\u0e4e":
            kind = "thai"
        elif ch.isdigit() or ("\u0e50" <= ch <= "\u0e59"):
            kind = "digit"
        elif ch.isascii() and ch.isalpha():
            kind = "latin"
        else:
            continue
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return sum(1 for a, b in zip(kinds, kinds[1:], strict=False) if "thai" in (a, b))


#: A word of two letters is taken for Thai before junk only when this common in the TNC corpus
#: (มี, ใน, แล): junk spells rare ones (กล 896, นท 89).
COMMON_SHORT_WORD = 1000


def _common_word(word: str, dictionary: frozenset[str]) -> bool:
    from pipeline.spelling import MarkRepairer

    if len(word) < 2 or word not in dictionary:
        return False
    return len(word) > 2 or MarkRepairer.default().counts.get(word, 0) >= COMMON_SHORT_WORD


def _english_suspects(text: str, words: list[Word]) -> list[tuple[int, int]]:
    """The runs of a Thai line's words (start, end indexes) that may be an English word the Thai
    model made junk of (``และ[ทกในอท6อห`` for และ influencer, ``มีการห/๐ห๕ก๐0`` for มีการ
    Workshop): the end of a token that mixes Thai letters with marks no Thai is written with
    (:data:`_JUNK`) or changes script three times or more (:func:`_script_changes`), from where
    what comes before it in the token is Thai words (pythainlp's dictionary, :func:`_common_word`:
    ``มีการ``), and a token of junk alone just before it (``[``). Thai with numbers (``ปี2565``,
    ``ม.6/1``) and English written beside Thai (``GAPจำนวน``) are not junk."""
    from pythainlp.tokenize import word_tokenize

    spans = token_word_spans(text, words)
    if spans is None:
        return []
    tokens = text.split()
    dictionary = _thai_dictionary()
    out = []
    for k, (token, (a, b)) in enumerate(zip(tokens, spans, strict=True)):
        if not _thai_letters(token) or not (
            any(ch in _JUNK for ch in token) or _script_changes(token) >= 3
        ):
            continue
        # the longest run of whole words at the token's start that spells Thai words
        start, prefix = a, ""
        for i in range(a, b):
            prefix += words[i].text
            parts = word_tokenize(prefix, keep_whitespace=False)
            if prefix and all(_common_word(w, dictionary) for w in parts):
                start = i + 1
            elif not all("\u0e01" <= ch <= "\u0e4e" for ch in words[i].text):
                break
        if start >= b:
            continue
        if k and start == a and all(ch in _JUNK for ch in tokens[k - 1]):
            start = spans[k - 1][0]
        out.append((start, b))
    return out


def _token_starts(text: str) -> list[int]:
    """Where each whitespace-separated token of ``text`` begins."""
    return [m.start() for m in re.finditer(r"\S+", text)]


def _splice(first: _Read, again: _Read) -> _Read | None:
    """The first reading of a line with the tokens around each doubted Latin word
    (:func:`_doubtful_latin`) taken from a second reading of the line, where the second has
    Thai there: ``wails: ชุม`` for มติที่ประชุม, where the rest of the second reading is no better
    than the first (``ฝ้าย`` for ฝ่าย). The tokens taken are those of both readings that overlap
    the doubted word, and those that overlap them, so that both sides cover the same pixels;
    Tesseract must be at least as sure of the second reading's words there as of the first's,
    their mean no less than :data:`WORD_SURE` and none below it by more than 0.2. None where
    nothing is taken."""
    line, words = first
    redone, rewords = again
    if _mixed_tokens(redone.text) > _mixed_tokens(line.text):
        return None  # a re-read that mixes scripts in a token is no reading (English as ๐0)
    spans = token_word_spans(line.text, words)
    respans = token_word_spans(redone.text, rewords)
    if not spans or not respans or line.bbox is None:
        return None
    tokens, retokens = line.text.split(), redone.text.split()
    boxes = [(words[a].x0, max(w.x1 for w in words[a:b])) for a, b in spans]
    reboxes = [(rewords[a].x0, max(w.x1 for w in rewords[a:b])) for a, b in respans]
    slack = 0.2 * line.bbox.height

    def overlapping(span: tuple[float, float], among: list[tuple[float, float]]) -> set[int]:
        return {
            k
            for k, (x0, x1) in enumerate(among)
            if min(x1, span[1]) - max(x0, span[0]) > min(slack, 0.5 * (x1 - x0))
        }

    swaps: dict[int, tuple[int, list[int]]] = {}  # first token -> (last token, re-read tokens)
    for k, (a, b) in enumerate(spans):
        if not any(_doubtful_latin(w) for w in words[a:b]) or any(
            f <= k <= last for f, (last, _) in swaps.items()
        ):
            continue
        span, firsts, seconds = boxes[k], {k}, set()
        while True:
            seconds = overlapping(span, reboxes)
            firsts = overlapping(span, boxes) | {k}
            covered = [boxes[i] for i in firsts] + [reboxes[j] for j in seconds]
            grown = (min(x0 for x0, _ in covered), max(x1 for _, x1 in covered))
            if grown == span:
                break
            span = grown
        taken = [rewords[i] for j in seconds for i in range(*respans[j])]
        given = [words[i] for f in firsts for i in range(*spans[f])]
        sure = [w.conf for w in taken if w.conf is not None]
        before = [w.conf for w in given if w.conf is not None]
        if (
            not seconds
            or any(_latin_letters(retokens[j]) for j in seconds)
            or not sure
            or min(sum(sure) / len(sure), min(sure) + 0.2) < WORD_SURE
            or (before and sum(sure) / len(sure) < sum(before) / len(before))
            # a span grown into one already taken (two doubted words under one re-read token)
            or any(f <= max(firsts) and min(firsts) <= last for f, (last, _) in swaps.items())
        ):
            continue
        swaps[min(firsts)] = (max(firsts), sorted(seconds))
    if not swaps:
        return None
    text, kept = line.text, list(words)
    starts = _token_starts(text)
    for first_k, (last_k, chosen) in sorted(swaps.items(), reverse=True):
        new = " ".join(retokens[j] for j in chosen)
        text = text[: starts[first_k]] + new + text[starts[last_k] + len(tokens[last_k]) :]
        a, b = spans[first_k][0], spans[last_k][1]
        kept[a:b] = [rewords[i] for j in chosen for i in range(*respans[j])]
    confs = [w.conf for w in kept if w.conf is not None]
    token_xs = tuple((round(x0), round(x1)) for x0, x1 in token_boxes(text, kept))
    spliced = replace(
        line,
        text=text,
        raw_text=text,
        confidence=round(sum(confs) / len(confs), 4) if confs else line.confidence,
        words=token_xs,
    )
    return spliced, kept


def _unit_suspects(text: str) -> list[bool]:
    """Which tokens of a line may be a unit OCR misread as other Thai letters: a token of two to
    four Thai letters, no dictionary word, right after a token with a digit (``๑ร๑ ร๑อร ทาท``:
    ทาท for บาท)."""
    tokens = text.split()
    out = []
    for k, token in enumerate(tokens):
        after_number = k > 0 and any(ch.isdigit() for ch in tokens[k - 1])
        thai = 2 <= len(token) <= 4 and all("\u0e01" <= ch <= "\u0e4e" for ch in token)
        out.append(after_number and thai and token not in _thai_dictionary())
    return out


@functools.cache
def _thai_dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def _mixed_tokens(text: str) -> int:
    """Tokens no writer produces: Thai and Arabic digits together (``๐0``), or Latin letters
    with Thai (``aunหมู่``); OCR makes them of what it could not read."""
    n = 0
    for token in text.split():
        thai_digit = any("\u0e50" <= ch <= "\u0e59" for ch in token)
        arabic_digit = any("0" <= ch <= "9" for ch in token)
        thai = any("\u0e01" <= ch <= "\u0e4e" for ch in token)
        n += (thai_digit and arabic_digit) or (thai and _latin_letters(token) > 0)
    return n


def _thai_letters(text: str) -> int:
    """Thai consonants and vowels that sit on the baseline (what a marks-only line lacks)."""
    return sum(1 for ch in text if "\u0e01" <= ch <= "\u0e30" or "\u0e40" <= ch <= "\u0e46")


def _left_margin(lines: list[Line]) -> int | None:
    """Where the page's lines begin: the 10th percentile of their left edges (on a page of a
    few lines, a last page of signatures, the leftmost)."""
    lefts = sorted(ln.bbox.x0 for ln in lines if ln.bbox)
    return lefts[int(0.1 * (len(lefts) - 1))] if len(lefts) >= 2 else None


def _unread_from(image: Image.Image, line: Line, words: list[Word], margin: int) -> int | None:
    """Where a line must be re-read from, when Tesseract left ink of it unread at the height of
    its letters: the left margin, where the ink lies between it and the line's first word (a
    leading ``- ๔.๒`` dropped before an item's title); the line's start, where it lies in a wide
    gap between two words (``- ๔.๑`` read as ``"2 ๑``, the ``๔.`` given no text). None where
    there is none: a line indented by white space, or columns apart by blank paper."""
    if line.bbox is None:
        return None
    box, h = line.bbox, line.bbox.height
    if box.x0 - margin >= 0.5 * h and _ink_between(image, box, max(0, margin - h // 2), box.x0):
        return margin
    ordered = sorted(words, key=lambda w: w.x0)
    for a, b in pairwise(ordered):
        if b.x0 - a.x1 >= 0.5 * h and _ink_between(image, box, int(a.x1), int(b.x0)):
            return box.x0
    return None


#: A line Tesseract dropped (:func:`missed_bands`), read alone, is kept when Tesseract is this
#: sure of it.
MISSED_SURE = 0.80


def missed_bands(image: Image.Image, lines: list[Line]) -> list[BBox]:
    """Lines of ink that no line Tesseract read covers: Tesseract's layout analysis now and then
    drops a whole line (a signatory's name in parentheses under a signature line). The page is
    cut into bands of rows with ink, within the text's columns (a dark page edge is no text);
    a band between 0.4 and 1.6 line heights tall, at least two line heights wide, which no
    line's box covers half of, is returned, as the box of its ink."""
    boxes = [ln.bbox for ln in lines if ln.bbox is not None]
    if len(boxes) < 3:
        return []
    height = sorted(b.height for b in boxes)[len(boxes) // 2]
    left = max(0, min(b.x0 for b in boxes) - height)
    right = min(image.width, max(b.x1 for b in boxes) + height)
    column = image.convert("L").crop((left, 0, right, image.height))
    ink = np.asarray(column) < histogram_threshold(column.histogram())
    out = []
    for y0, y1 in true_runs(ink.sum(axis=1) > 3):
        tall = y1 - y0
        if not 0.4 * height <= tall <= 1.6 * height:
            continue
        covered = max(min(y1, b.y1) - max(y0, b.y0) for b in boxes)
        if covered >= 0.5 * tall:
            continue
        # its width from its rows no box covers: marks of the line above reach into the others
        free = [y for y in range(y0, y1) if not any(b.y0 <= y < b.y1 for b in boxes)]
        columns = np.nonzero(ink[free].any(axis=0))[0]
        if not len(columns) or columns[-1] - columns[0] < 2 * height:
            continue
        out.append(BBox(left + int(columns[0]), y0, left + int(columns[-1]) + 1, y1))
    return out


def in_reading_order(lines: list[Line]) -> list[Line]:
    """The lines with each moved up above those that lie wholly below it (its middle above their
    top, theirs below its bottom): a line Tesseract gave after the line below it, and a line read
    later (:func:`missed_bands`) put in its place. Lines beside each other keep their order."""
    out: list[Line] = []
    for line in lines:
        at = len(out)
        while at > 0 and line.bbox and _wholly_below(out[at - 1], line):
            at -= 1
        out.insert(at, line)
    return out


def _wholly_below(lower: Line, upper: Line) -> bool:
    a, b = lower.bbox, upper.bbox
    if a is None or b is None:
        return False
    return (a.y0 + a.y1) / 2 > b.y1 and (b.y0 + b.y1) / 2 < a.y0


def _join_leader_lines(lines: list[_Read], drop: set[int]) -> None:
    """A "line" Tesseract made of a leader's points alone, beside the text of its own line
    (``ลงชื่อ......ผู้ตรวจบันทึกการประชุม`` split in two), joins that line, in place; where
    that line has the points already (read again from the margin), it is dropped."""
    for i, (line, words) in enumerate(lines):
        if i in drop or line.bbox is None or not re.fullmatch(r"\.{4,}", line.text.strip()):
            continue
        a = line.bbox
        beside = [
            j
            for j, (other, _) in enumerate(lines)
            if j != i
            and j not in drop
            and other.bbox is not None
            and min(a.y1, other.bbox.y1) - max(a.y0, other.bbox.y0)
            >= 0.5 * min(a.height, other.bbox.height)
            and (other.bbox.x0 >= a.x1 or other.bbox.x1 <= a.x0)
        ]
        if not beside:
            continue
        j = min(beside, key=lambda k: _gap(a, lines[k][0].bbox))
        other, other_words = lines[j]
        drop.add(i)
        if ".." in other.text:
            continue
        assert other.bbox is not None
        left = a.x1 <= other.bbox.x0
        text = line.text.strip() + other.text if left else other.text + line.text.strip()
        box = BBox(
            min(a.x0, other.bbox.x0),
            min(a.y0, other.bbox.y0),
            max(a.x1, other.bbox.x1),
            max(a.y1, other.bbox.y1),
        )
        joined = [*words, *other_words] if left else [*other_words, *words]
        lines[j] = (replace(other, text=text, raw_text=text, bbox=box, words=()), joined)


def _gap(a: BBox, b: BBox | None) -> float:
    """How far apart two boxes side by side are."""
    return float("inf") if b is None else min(abs(b.x0 - a.x1), abs(a.x0 - b.x1))


def _letters_only(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != ".")


def _ink_between(image: Image.Image, box: BBox, left: int, right: int) -> bool:
    """Do more than a quarter of the line's height in columns between ``left`` and ``right``
    (each end left a quarter height clear) hold ink, within the middle half of the line?"""
    h = box.height
    x0, x1 = left, right - h // 4
    y0, y1 = box.y0 + h // 4, box.y1 - h // 4
    if x1 - x0 < h // 4 or y1 <= y0:
        return False
    ink = np.asarray(image.crop((x0, y0, x1, y1)).convert("L")) < 128
    return int(ink.any(axis=0).sum()) > 0.25 * h


def _digit_runs(
    words: list[Word], height: float, thai_page: bool, mixed: frozenset[int] = frozenset()
) -> list[list[Word]]:
    """Runs of words that are Thai digits or separators, with a Thai digit in them, each less
    than the line's height from the next (a comma Tesseract read as a space lies between two
    groups of a number: :func:`_second_digit_reading` reads them whole, or each alone). On
    a Thai page a short Latin word Tesseract doubts (``lo`` for ๒, ``6`` inside ``๔6๕``, ``mo``
    for ๓๐) may be Thai digits the eng model took: it joins a run, or makes one of its own. So
    do the words (by index) in ``mixed``: Thai letters in a token with Thai digits (``๑ร๐``)."""
    runs: list[list[Word]] = []
    run: list[Word] = []
    for i, w in enumerate(words):
        fits = bool(w.text) and (
            all(ch in THAI_DIGITS or ch in SEPARATORS for ch in w.text)
            or (thai_page and (_digit_lookalike(w) or _mixed_digits(w.text)))
            or i in mixed
            # a slash read as "!" or "|" inside a run (๑!๒๕๐๓): the glyph reader reads the mark
            or (bool(run) and w.text in _SLASH_LOOKALIKES)
        )
        if fits and (not run or w.x0 - run[-1].x1 < height):
            run.append(w)
            continue
        runs.append(run)
        run = [w] if fits else []
    runs.append(run)
    # a dash before or after a number is a bullet or a range's, not part of it
    trimmed = [list(dropwhile(_end_mark, reversed(list(dropwhile(_end_mark, r))))) for r in runs]
    return [r[::-1] for r in trimmed if any(ch not in SEPARATORS for w in r for ch in w.text)]


def _mixed_digits(text: str) -> bool:
    """A word of Thai digits with Latin letters or Arabic digits among them (``6๕`` inside
    ๔๘๕): no one writes one, so it is Thai digits the eng model took in part."""
    return (
        len(text) <= 4
        and any(ch in THAI_DIGITS for ch in text)
        and any(ch.isascii() and ch.isalnum() for ch in text)
        and all(
            ch in THAI_DIGITS or ch in SEPARATORS or (ch.isascii() and ch.isalnum()) for ch in text
        )
    )


#: What Tesseract reads a date's slash as, where it does not read a slash.
_SLASH_LOOKALIKES = frozenset({"!", "|"})


def _end_mark(word: Word) -> bool:
    """A dash (a bullet's, a range's) or a slash look-alike: at a run's end, not part of it."""
    return set(word.text) <= {"-"} or word.text in _SLASH_LOOKALIKES


#: A line's tokens as runs of its words: (start, end) indexes (:func:`token_word_spans`).
_Spans = list[tuple[int, int]]

#: Thai month names, in full and abbreviated (with their points and without): a day stands
#: before one.
_MONTH_NAMES = frozenset(
    [*thai_full_months, *thai_abbr_months, *(m.replace(".", "") for m in thai_abbr_months)]
)
#: Thai vowels and marks above and below the letters, which OCR drops and adds at will.
_ABOVE_BELOW = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
#: The month names as OCR may give them, their marks left out ("ก้นยายน" for กันยายน).
_BARE_MONTHS = frozenset(_ABOVE_BELOW.sub("", m) for m in _MONTH_NAMES)


def _month_name(token: str) -> bool:
    return token in _MONTH_NAMES or _ABOVE_BELOW.sub("", token) in _BARE_MONTHS


def _day_before_month(tokens: list[str], spans: _Spans, words: list[Word]) -> frozenset[int]:
    """The indexes of the words of a token right before a month name (its marks as OCR gave
    them: ``ก้นยายน``), where a day of the month belongs: one to three Thai letters, one of
    which Tesseract doubts (``วฒ กันยายน`` for ๑๗ กันยายน in a face whose digits Tesseract
    reads poorly), or one to three Latin letters, digits among them (``mo`` for ๓๐), however
    sure. The glyph reader decides; letters do not read as digits with the likeness it asks of
    a run with no Thai digit."""
    return frozenset(
        k
        for t, (token, (a, b)) in enumerate(zip(tokens, spans, strict=True))
        if t + 1 < len(tokens)
        and _month_name(tokens[t + 1])
        and 1 <= len(token) <= 3
        and (
            (
                _thai_letters(token) == len(token)
                and any(w.conf is not None and w.conf < LATIN_DOUBT for w in words[a:b])
            )
            or (_latin_letters(token) and all(ch.isascii() and ch.isalnum() for ch in token))
        )
        for k in range(a, b)
    )


#: A list number at a line's start as OCR may give it for Thai digits: Arabic digits with
#: points (``9.9`` for ๑.๑), or one or two other characters and a point (``อ.`` for ๖.).
_LIST_NUMBER = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[^\s\d\u0e50-\u0e59.]{1,2}\.)")


def _list_number(tokens: list[str], spans: _Spans) -> frozenset[int]:
    """The indexes of the words of a line's first token when it stands as a list number
    (:data:`_LIST_NUMBER`) before more text, on a page that writes its numbers in Thai digits:
    where a Thai digit belongs. The glyph reader decides; a letter (``จ.`` for จังหวัด) is
    not read as a digit with the likeness it asks of a run with no Thai digit."""
    if len(tokens) < 2 or not spans or not _LIST_NUMBER.fullmatch(tokens[0]):
        return frozenset()
    return frozenset(range(*spans[0]))


#: A page number between dashes (which OCR may read as equals signs), alone on its line:
#: ``- ๒ -``, ``=o =``.
_PAGE_NUMBER = re.compile(r"[-–=]\s*[^\s\-–=]{1,3}\s*[-–=]")


def _page_number(text: str, words: list[Word]) -> frozenset[int]:
    """The indexes of the words between the dashes of a page number alone on its line (``- ไต
    -`` for - ๒ -; ``=o =`` for - ๓ -, the first dash in the word), on a page that writes its
    numbers in Thai digits; the glyph reader decides."""
    if not _PAGE_NUMBER.fullmatch(text.strip()):
        return frozenset()
    return frozenset(k for k, w in enumerate(words) if w.text.strip("-–= "))


def _in_mixed_tokens(tokens: list[str], spans: _Spans) -> frozenset[int]:
    """The indexes of the words making up the tokens that mix Thai digits and Thai letters
    (``๑ร๐ ร๐อร`` for ๑๐๐,๐๐๐ in a face Tesseract reads poorly): no Thai word holds a digit, so
    they are digits read as letters, or OCR noise the glyph reader will refuse."""
    return frozenset(
        k
        for token, (a, b) in zip(tokens, spans, strict=True)
        if any(ch in THAI_DIGITS for ch in token) and _thai_letters(token)
        for k in range(a, b)
    )


def _suspects(text: str, words: list[Word], thai_page: bool, thai_numbers: bool) -> frozenset[int]:
    """The indexes of the words, not read as Thai digits, that may be some all the same
    (:func:`_in_mixed_tokens`, :func:`_day_before_month`, :func:`_list_number`,
    :func:`_page_number`); the line's tokens are matched to its words once for all of them."""
    found = _page_number(text, words) if thai_page and thai_numbers else frozenset()
    spans = token_word_spans(text, words)
    if spans is None:  # the words do not spell the text
        return found
    tokens = text.split()
    found |= _in_mixed_tokens(tokens, spans)
    if thai_page:
        found |= _day_before_month(tokens, spans, words)
        if thai_numbers:
            found |= _list_number(tokens, spans)
    return found


def _digit_lookalike(word: Word) -> bool:
    """A word that Tesseract doubts of at most three Latin letters, Arabic digits or ``@`` (with
    the points or parentheses around them: ``@)`` for ๔)), or of Arabic digits with points and
    commas between them (``0,000`` for ๓๐,๐๐๐, where the eng model took the ๐s and lost the ๓)."""
    core = word.text.strip(".,()")
    short = 0 < len(core) <= 3 and all(ch.isascii() and (ch.isalnum() or ch in "@") for ch in core)
    number = bool(core) and all(ch in "0123456789.," for ch in core)
    return (short or number) and word.conf is not None and word.conf < LATIN_DOUBT


def _second_digit_reading(
    image: Image.Image,
    line: Line,
    words: list[Word],
    thai_page: bool = True,
    page: PageDigits | None = None,
    thai_numbers: bool = False,
) -> tuple[Line, bool]:
    """The line with each run of Thai digits as :func:`pipeline.digits.read_digit_run` reads it
    glyph by glyph, where that reading is certain and differs from Tesseract's. Where the line's
    text has a space inside a run, the run is read whole if the glyphs show a comma or a point
    there (Tesseract reads a comma as a space: ``๑๐๐ ๐๐๐``), else each side on its own; a run
    with Latin look-alikes that cannot be read whole (``๘๒๖,๐๐๐YM``: the YM is บาท) is tried in
    parts: its Thai digits, and its look-alikes, each on their own. With ``page``, the page's own
    digits help (:class:`pipeline.digits.PageDigits`). A day before a month is tried too
    (:func:`_day_before_month`), and on a page that writes its numbers in Thai digits
    (``thai_numbers``) a list number at the line's start and a page number between dashes read
    otherwise (:func:`_list_number`, :func:`_page_number`). Also says whether a run was left as
    Tesseract read it."""
    if line.bbox is None or not words:
        return line, False
    text, cursor, unread = line.text, 0, False
    suspects = _suspects(text, words, thai_page, thai_numbers)
    for run in _digit_runs(words, line.bbox.height, thai_page, suspects):
        found = re.compile(r"\s*".join(re.escape(w.text) for w in run)).search(text, cursor)
        if found is None:
            continue
        groups = _split_at_spaces(run, found.group())
        whole = _read_groups(image, [g for _, g in groups], page) if len(groups) > 1 else None
        if whole is not None:
            text = text[: found.start()] + whole + text[found.end() :]
            cursor = found.start() + len(whole)
            continue
        pieces: list[str] = []
        for gap, group in groups:
            second = _read_run(image, group, page)
            if (
                second is None
                and len({_digit_lookalike(w) for w in group}) > 1
                and all(b.x0 >= a.x1 - 2 for a, b in pairwise(group))  # boxes side by side
            ):
                second = "".join(
                    _read_run(image, part, page) or _joined(part)
                    for part in (list(g) for _, g in groupby(group, key=_digit_lookalike))
                )
            unread = unread or second is None
            pieces.append(gap + (second or _joined(group)))
        second = "".join(pieces)
        text = text[: found.start()] + second + text[found.end() :]
        cursor = found.start() + len(second)
    return (line if text == line.text else replace(line, text=text, raw_text=text)), unread


def _split_at_spaces(run: list[Word], written: str) -> list[tuple[str, list[Word]]]:
    """The run's words in groups that the text ``written`` (the words, with any whitespace
    between them) keeps apart by a space, each with the whitespace before it."""
    groups: list[tuple[str, list[Word]]] = []
    at = 0
    for w in run:
        gap = len(written[at:]) - len(written[at:].lstrip())
        if gap or not groups:
            groups.append((written[at : at + gap], []))
        groups[-1][1].append(w)
        at += gap + len(w.text)
    return groups


def _joined(words: list[Word]) -> str:
    return "".join(w.text for w in words)


def _read_run(image: Image.Image, run: list[Word], page: PageDigits | None = None) -> str | None:
    return _read_groups(image, [run], page)


def _read_groups(
    image: Image.Image, groups: list[list[Word]], page: PageDigits | None = None
) -> str | None:
    """The second reading of a run whose text has a space between each two of ``groups``: the
    glyphs must show a point or a comma in each such gap (see ``read_digit_run``)."""
    boxes: list[tuple[str, tuple[int, int, int, int]]] = []
    for k, group in enumerate(groups):
        if k:
            a, b = groups[k - 1][-1], group[0]
            boxes.append((" ", (int(a.x1), int(b.y0), int(b.x0), int(b.y1))))
        boxes.extend((w.text, (int(w.x0), int(w.y0), int(w.x1), int(w.y1))) for w in group)
    return read_digit_run(image, boxes, page=page)


#: A line as read, with its words
_Read = tuple[Line, list[Word]]


class OcrEngine(Protocol):
    """Reads a page. An engine with a true ``reads_pixels`` attribute calls ``render``; a
    document read by one has its next page rasterised ahead, while this one is recognised."""

    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page: ...


@dataclass(frozen=True)
class TesseractEngine:
    """The real engine; ``render`` is called only when a page must be OCR'd."""

    config: OcrConfig
    reads_pixels: ClassVar[bool] = True

    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page:
        image = render()
        try:
            tsv = self.page_tsv(image, page_no)
        finally:
            image.close()
        # parsed from the same TSV that gets frozen, so a live run and a replay give one result
        return replace(parse_tesseract_tsv(tsv, page_no), reason=reason)

    def page_tsv(self, image: Image.Image, page_no: int) -> str:
        """OCR a page, re-read lines whose marks were split off, and return the page's lines as
        TSV (this is what ``samples/*/frozen/*.tsv`` keeps)."""
        image, angle = prepare(image, self.config.deskew, self.config.even_light)
        page, first_words = parse_tesseract_words(run_tesseract(image, self.config), 1)
        # each line with its words (and their boxes); a re-read line gets the re-read's words
        # what Tesseract read over a dot leader is the leader's points (no digits are read there)
        heights = sorted(ln.bbox.height for ln in page.lines if ln.bbox)
        letters = 0.4 * heights[len(heights) // 2] if heights else 0
        lines = [
            mark_leaders(image, ln, ws, letters)
            for ln, ws in zip(page.lines, first_words, strict=True)
        ]
        doubted = {i for i, (_, ws) in enumerate(lines) if any(map(_doubtful_latin, ws))}
        drop: set[int] = set()
        for mark, base in find_mark_lines(page):
            drop.add(mark)
            lines[base] = self._reread(image, lines[mark][0], lines[base][0]) or lines[base]
        thai_page = sum(_thai_letters(ln.text) for ln in page.lines) > sum(
            _latin_letters(ln.text) for ln in page.lines
        )
        if self.config.reread_latin and thai_page:
            # a Thai page: a line with Latin letters may be Thai that the eng model took
            for i in doubted - drop:
                # one Latin letter is worth a re-read where Tesseract all but gave up on its word
                # ("91S:" at 0.17 in a line of a heading's face it read as garbage)
                if _latin_letters(lines[i][0].text) >= 2 or any(
                    _doubtful_latin(w) and (w.conf or 0) < LOST for w in lines[i][1]
                ):
                    lines[i] = self._reread_latin(image, *lines[i]) or lines[i]
        if self.config.reread_latin and thai_page:
            # what the line's re-read left Latin: short words, each read alone as Thai
            for i, (line, words) in enumerate(lines):
                if i not in drop and any(_thai_word_suspects(words)):
                    line, words = lines[i] = self._reread_words(image, line, words)
                if i not in drop:
                    line, words = lines[i] = self._reread_units(image, line, words)
                if i not in drop:
                    lines[i] = self._reread_english(image, line, words)
        if self.config.reread_unread:
            margin = _left_margin([ln for i, (ln, _) in enumerate(lines) if i not in drop])
            for i, (line, words) in enumerate(lines):
                start = None if margin is None else _unread_from(image, line, words, margin)
                if i not in drop and start is not None:
                    lines[i] = self._reread_from(image, line, start) or lines[i]
            kept_lines = [ln for i, (ln, _) in enumerate(lines) if i not in drop]
            for band in missed_bands(image, kept_lines):
                found = self._read_missed(image, band, len(lines) + 1, kept_lines)
                if found is not None:
                    lines.append(found)
        if self.config.second_digit_reading:
            # the page's own certain digits, learnt line by line, help read the doubtful ones;
            # a line with a run left unread is read again once the whole page has taught them
            page_digits, again = PageDigits(), []
            read = list(lines)
            texts = "".join(ln.text for i, (ln, _) in enumerate(lines) if i not in drop)
            # numbers in Thai digits, as far as the page shows (a page of signatures has none)
            thai_numbers = sum(ch in THAI_DIGITS for ch in texts) >= sum(
                ch.isascii() and ch.isdigit() for ch in texts
            )
            for i, (line, words) in enumerate(lines):
                if i not in drop:
                    second, unread = _second_digit_reading(
                        image, line, words, thai_page, page_digits, thai_numbers
                    )
                    read[i] = (second, words)
                    if unread:
                        again.append(i)
            for i in again:
                line, words = lines[i]
                read[i] = (
                    _second_digit_reading(image, line, words, thai_page, page_digits, thai_numbers)[
                        0
                    ],
                    words,
                )
            lines = read
        _join_leader_lines(lines, drop)
        kept = in_reading_order([ln for i, (ln, _) in enumerate(lines) if i not in drop])
        if angle:  # boxes of the straightened page, back in the page's own coordinates
            kept = [_unrotated(ln, angle, image.width, image.height) for ln in kept]
        return lines_to_tsv(replace(page, lines=tuple(kept)), page_no)

    def _read_missed(
        self, image: Image.Image, band: BBox, number: int, lines: list[Line]
    ) -> _Read | None:
        """A line of ink Tesseract gave no line for (:func:`missed_bands`), read alone (psm 7),
        what it read over a dot leader made points. Kept where Tesseract is sure of it
        (:data:`MISSED_SURE`), it has letters, and it is not a line already read (a line whose
        box Tesseract drew short of its ink)."""
        read = self._read_region(image, band, band, number)
        if read is None:
            return None
        line, words = mark_leaders(image, *read)
        letters = _letters_only(line.text)
        if (
            line.confidence is None
            or line.confidence < MISSED_SURE
            or len(letters) < 3
            or any(
                SequenceMatcher(None, letters, _letters_only(other.text), autojunk=False).ratio()
                > 0.8
                for other in lines
                if other.bbox and abs(other.bbox.y0 - band.y0) < 3 * band.height
            )
        ):
            return None
        return line, words

    def _reread_from(self, image: Image.Image, line: Line, x: int) -> _Read | None:
        """Re-read a line from ``x`` on, where Tesseract left ink unread before it or inside it
        (:func:`_unread_from`). The re-read is kept only when it reads more, ends with what was
        read first, and Tesseract is about as sure of it."""
        assert line.bbox
        start = BBox(min(x, line.bbox.x0), line.bbox.y0, line.bbox.x1, line.bbox.y1)
        read = self._read_region(image, start, start, line.number)
        if read is None or read[0].confidence is None:
            return None
        marked = mark_leaders(image, *read)
        if marked[0] is not read[0]:  # its doubt of what it read over a leader does not count
            confs = [w.conf for w in marked[1] if w.conf is not None]
            if confs:
                read = (replace(marked[0], confidence=sum(confs) / len(confs)), marked[1])
        redone = read[0]
        if redone.confidence is None:
            return None
        # compared without spaces and points: a leader's points are no reading of letters
        before, after = _letters_only(line.text), _letters_only(redone.text)
        tail = after[-len(before) :] if before else ""
        if (
            not before  # a leader's points alone: nothing read to end with
            or len(after) <= len(before)
            or SequenceMatcher(None, before, tail, autojunk=False).ratio() < 0.8
            or redone.confidence < (line.confidence or 0) - 0.05
        ):
            return None
        return read

    def _reread_latin(self, image: Image.Image, line: Line, words: list[Word]) -> _Read | None:
        """Re-read, as one text line (psm 7), a line of a Thai page with a Latin word Tesseract
        was unsure of (:data:`LATIN_DOUBT`). Read as part of the page, Thai digits and short
        words often come out as Latin (``lo.`` for ๒., ``UM`` for บาท, ``W.A.`` for พ.ศ.); read
        alone, the line mostly gets them right. The re-read is kept only when it has fewer Latin
        letters, no more tokens that mix scripts (``6๕0๐0`` for "Action"), and Tesseract is at
        least as confident of it, so real English (OTOP, Action plan) stays as first read. Where
        the whole re-read is not kept, what it read where the doubted Latin words stand may be
        (:func:`_splice`)."""
        assert line.bbox
        read = self._read_region(image, line.bbox, line.bbox, line.number)
        if read is None or (redone := read[0]).confidence is None:
            return None
        if (
            _latin_letters(redone.text) >= _latin_letters(line.text)
            or _mixed_tokens(redone.text) > _mixed_tokens(line.text)
            or redone.confidence < (line.confidence or 0)
            or len(redone.text) < 0.8 * len(line.text)
        ):
            return _splice((line, words), read)
        return read

    def _reread_words(self, image: Image.Image, line: Line, words: list[Word]) -> _Read:
        """The line with each of its short Latin words that may be Thai
        (:func:`_thai_word_suspects`) read again alone, with the Thai model only (psm 8): ``UM``
        and ``YM`` read so are บาท, ``MU`` ตัน, ``Ts`` ไร่. The Thai reading is taken only when it
        is a Thai word (pythainlp's dictionary) that Tesseract is sure of (:data:`WORD_SURE`);
        real English stays."""
        assert line.bbox
        text, cursor, out = line.text, 0, []
        for w, suspect in zip(words, _thai_word_suspects(words), strict=True):
            found = text.find(w.text, cursor)
            if found < 0 or not suspect:
                out.append(w)
                continue
            cursor = found + len(w.text)
            thai = self._read_word(image, BBox(int(w.x0), line.bbox.y0, int(w.x1), line.bbox.y1))
            if thai is None:
                out.append(w)
                continue
            text = text[:found] + thai + text[found + len(w.text) :]
            cursor = found + len(thai)
            out.append(replace(w, text=thai))
        if text == line.text:
            return line, words
        return replace(line, text=text, raw_text=text), out

    def _reread_units(self, image: Image.Image, line: Line, words: list[Word]) -> _Read:
        """The line with each Thai token that may be a misread unit (:func:`_unit_suspects`:
        ``ทาท`` after ``๑ร๑ ร๑อร``, for บาท after ๑๐๐,๐๐๐) read again alone, as
        :meth:`_read_word` reads it, where that gives a dictionary word."""
        assert line.bbox
        spans = token_word_spans(line.text, words)
        suspects = _unit_suspects(line.text) if spans else []
        if not spans or not any(suspects):
            return line, words
        tokens, out_tokens, out_words = line.text.split(), [], []
        for token, (a, b), suspect in zip(tokens, spans, suspects, strict=True):
            run = words[a:b]
            box = BBox(int(run[0].x0), line.bbox.y0, int(max(w.x1 for w in run)), line.bbox.y1)
            thai = self._read_word(image, box) if suspect else None
            if thai is None:
                out_tokens.append(token)
                out_words.extend(run)
                continue
            out_tokens.append(thai)
            out_words.append(replace(run[0], text=thai, x1=box.x1))
        if out_tokens == tokens:
            return line, words
        # the line's spacing (tabs) kept: each token replaced where it stands
        text, cursor = line.text, 0
        for old, new in zip(tokens, out_tokens, strict=True):
            at = text.index(old, cursor)
            text = text[:at] + new + text[at + len(old) :]
            cursor = at + len(new)
        return replace(line, text=text, raw_text=text), out_words

    def _reread_english(self, image: Image.Image, line: Line, words: list[Word]) -> _Read:
        """The line with each run of junk that may be an English word (:func:`_english_suspects`)
        read again alone with the ``eng`` model (psm 8); the reading is taken when it is a word
        of Latin letters (:data:`_ENGLISH_WORD`) Tesseract is sure of (:data:`ENGLISH_SURE`).
        Modern minutes write English among the Thai (influencer, Workshop, Facebook), and the
        Thai model, reading first, makes junk of some of it."""
        assert line.bbox
        suspects = _english_suspects(line.text, words)
        if not suspects:
            return line, words
        spans = token_word_spans(line.text, words) or []
        starts = _token_starts(line.text)
        text, out = line.text, list(words)
        for a, b in reversed(suspects):
            box = BBox(
                int(words[a].x0), line.bbox.y0, int(max(w.x1 for w in words[a:b])), line.bbox.y1
            )
            english = self._read_english(image, box)
            if english is None:
                continue
            word, conf = english
            # where the run begins and ends in the text: its tokens' places, plus the words before
            first = next(k for k, (x, y) in enumerate(spans) if x <= a < y)
            last = next(k for k, (x, y) in enumerate(spans) if x < b <= y)
            at = starts[first] + sum(len(w.text) for w in words[spans[first][0] : a])
            end = starts[last] + len(line.text.split()[last])
            text = text[:at] + word + text[end:]
            out[a:b] = [Word(word, box.x0, box.y0, box.x1, box.y1, conf)]
        if text == line.text:
            return line, words
        token_xs = tuple((round(x0), round(x1)) for x0, x1 in token_boxes(text, out))
        return replace(line, text=text, raw_text=text, words=token_xs), out

    def _read_english(self, image: Image.Image, box: BBox) -> tuple[str, float] | None:
        """A box read as one English word, with Tesseract's confidence, when it is one it is
        sure of (:data:`ENGLISH_SURE`, :data:`_ENGLISH_WORD`); None otherwise."""
        read = self._read_alone(image, box, "eng")
        if read is None or read[1] < ENGLISH_SURE or not _ENGLISH_WORD.fullmatch(read[0]):
            return None
        return read

    def _read_word(self, image: Image.Image, box: BBox) -> str | None:
        """A word's box read as one Thai word, when Tesseract is sure of it (:data:`WORD_SURE`)
        and it is in the dictionary; None otherwise."""
        read = self._read_alone(image, box, "tha")
        if read is None or read[1] < WORD_SURE or read[0] not in _thai_dictionary():
            return None
        return read[0]

    def _read_alone(self, image: Image.Image, box: BBox, lang: str) -> tuple[str, float] | None:
        """A box (padded a tenth of its height sideways) read alone as one word (psm 8) with
        the ``lang`` model: the text and Tesseract's confidence, None where it finds no line."""
        pad = max(4, box.height // 10)
        crop = image.crop((max(0, box.x0 - pad), box.y0, min(image.width, box.x1 + pad), box.y1))
        try:
            page = parse_tesseract_tsv(
                run_tesseract(crop, replace(self.config, lang=lang), psm=8), 1
            )
        except OcrError:
            return None
        if len(page.lines) != 1:
            return None
        read = page.lines[0]
        return read.text.strip(), read.confidence or 0.0

    def _reread(self, image: Image.Image, marks: Line, base: Line) -> _Read | None:
        """OCR the region of a line and its split-off marks as one text line (psm 7)."""
        assert marks.bbox and base.bbox
        read = self._read_region(image, marks.bbox, base.bbox, base.number)
        if read is None:
            return None
        redone, words = read
        if (redone.confidence or 0) < (base.confidence or 0) - 0.05 or len(redone.text) < 0.8 * len(
            base.text
        ):
            return None  # the re-read is worse: keep the line as first read
        if redone.confidence is None:
            redone = replace(redone, confidence=base.confidence)
        return redone, words

    def _read_region(self, image: Image.Image, top: BBox, base: BBox, number: int) -> _Read | None:
        """OCR the region from box ``top`` to box ``base`` (padded) as one text line (psm 7):
        the line, and its words with their boxes in the page. Where the padding takes in so much
        of the lines above and below that Tesseract finds no line, it is tried once closer."""
        for share in (4, 10):
            pad = max(4, base.height // 4)
            x0, x1 = (
                max(0, min(top.x0, base.x0) - pad),
                min(image.width, max(top.x1, base.x1) + pad),
            )
            pad = max(4, base.height // share)
            y0, y1 = max(0, top.y0 - pad), min(image.height, base.y1 + pad)
            try:
                line_page, line_words = parse_tesseract_words(
                    run_tesseract(image.crop((x0, y0, x1, y1)), self.config, psm=7), 1
                )
            except OcrError:
                return None
            if line_page.lines:
                break
        else:
            return None
        text = " ".join(ln.text for ln in line_page.lines)
        confs = [ln.confidence for ln in line_page.lines if ln.confidence is not None]
        words = [
            replace(w, x0=w.x0 + x0, y0=w.y0 + y0, x1=w.x1 + x0, y1=w.y1 + y0)
            for ws in line_words
            for w in ws
        ]
        box = BBox(
            x0 + min(ln.bbox.x0 for ln in line_page.lines if ln.bbox),
            y0 + min(ln.bbox.y0 for ln in line_page.lines if ln.bbox),
            x0 + max(ln.bbox.x1 for ln in line_page.lines if ln.bbox),
            y0 + max(ln.bbox.y1 for ln in line_page.lines if ln.bbox),
        )
        confidence = round(sum(confs) / len(confs), 4) if confs else None
        return Line(number, text, text, box, confidence), words


def lines_to_tsv(page: Page, page_no: int) -> str:
    """A page's lines in Tesseract's TSV layout: a page row, then per line a line row (level 4)
    with its text, box and confidence, and one word row (level 5) per whitespace-separated token."""
    rows = [_HEADER, f"1\t{page_no}\t0\t0\t0\t0\t0\t0\t{page.width or 0}\t{page.height or 0}\t-1\t"]
    for i, ln in enumerate(page.lines, start=1):
        b = ln.bbox or BBox(0, 0, 0, 0)
        conf = -1 if ln.confidence is None else round(ln.confidence * 100, 2)
        rows.append(
            f"4\t{page_no}\t1\t1\t{i}\t0\t{b.x0}\t{b.y0}\t{b.x1 - b.x0}\t{b.y1 - b.y0}\t{conf}\t{ln.text.replace(chr(9), '   ')}"
        )
        boxes = ln.words if len(ln.words) == len(ln.text.split()) else ((b.x0, b.x1),)
        texts = ln.text.split() if len(boxes) > 1 else [ln.text.replace("\t", "   ")]
        for j, ((x0, x1), text) in enumerate(zip(boxes, texts, strict=True), start=1):
            rows.append(
                f"5\t{page_no}\t1\t1\t{i}\t{j}\t{x0}\t{b.y0}\t{x1 - x0}\t{b.y1 - b.y0}\t{conf}\t{text}"
            )
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class FrozenOcrEngine:
    """Replays OCR output saved earlier (``samples/<id>/frozen/<file>.tsv``), so golden tests do not depend on
    the local Tesseract version. Pages are not rendered at all."""

    tsv: str

    @classmethod
    def from_file(cls, path: Path) -> FrozenOcrEngine:
        return cls(path.read_text(encoding="utf-8"))

    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page:
        return replace(parse_tesseract_tsv(self.tsv, page_no), reason=reason)
