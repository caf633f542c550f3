"""Build text lines from positioned words (Tesseract TSV words or PDF text-layer words).

Tesseract splits Thai into one "word" per character cluster and a PDF text layer into runs, so a
line's text is rebuilt from the gaps between words: a small gap joins, a wider one is a space, a
very wide one is a column break written as a tab (attendance tables, speaker-label columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import median

from pipeline.model import BBox, Line

#: Gaps, as a share of the line's height: above SPACE_GAP a space, above TAB_GAP a tab.
SPACE_GAP = 0.28
TAB_GAP = 1.6
#: Tesseract writes a wide gap in its text output as a run of spaces (preserve_interword_spaces).
COLUMN_GAP = re.compile(r" {3,}")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float | None = None  # 0-1


def join_words(words: list[Word], line_height: float) -> str:
    """Join words left to right, choosing nothing, a space or a tab for each gap."""
    out: list[str] = []
    prev: Word | None = None
    for w in sorted(words, key=lambda w: w.x0):
        if prev is not None:
            gap = w.x0 - prev.x1
            if gap > TAB_GAP * line_height:
                out.append("\t")
            elif gap > SPACE_GAP * line_height:
                out.append(" ")
        out.append(w.text)
        prev = w
    return "".join(out)


def token_boxes(text: str, words: list[Word]) -> tuple[tuple[float, float], ...]:
    """The x-range of each whitespace-separated token of ``text``, from the words it is made of
    (Tesseract's words are Thai clusters: a token is one or more of them). Empty if they differ."""
    ordered = sorted(words, key=lambda w: w.x0)
    spans = token_word_spans(text, ordered)
    if spans is None or (spans and spans[-1][1] != len(ordered)):
        return ()
    return tuple((ordered[a].x0, max(w.x1 for w in ordered[a:b])) for a, b in spans)


def token_word_spans(text: str, words: list[Word]) -> list[tuple[int, int]] | None:
    """For each whitespace-separated token of ``text``, the (start, end) indexes of the run of
    ``words`` (in their order) that spell it; None where they do not."""
    spans = []
    i = 0
    for token in text.split():
        need, got, start = len(token), 0, i
        while i < len(words) and got < need:
            got += len(words[i].text.replace(" ", ""))
            i += 1
        if got != need or i == start:
            return None
        spans.append((start, i))
    return spans


def make_line(number: int, words: list[Word], scale: float = 1.0, text: str | None = None) -> Line:
    """One :class:`Line` from the words of a line; ``scale`` converts word units to pixels.

    ``text``, when given (Tesseract's own text for the line), replaces the joined words; its runs
    of three or more spaces are column gaps, written as tabs.
    """
    x0 = min(w.x0 for w in words)
    y0 = min(w.y0 for w in words)
    x1 = max(w.x1 for w in words)
    y1 = max(w.y1 for w in words)
    height = median([w.y1 - w.y0 for w in words]) or (y1 - y0) or 1.0
    confs = [w.conf for w in words if w.conf is not None]
    text = (
        "\t".join(COLUMN_GAP.split(text.strip())) if text is not None else join_words(words, height)
    )
    boxes = token_boxes(text, words)
    return Line(
        number=number,
        text=text,
        raw_text=text,
        bbox=BBox(round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale)),
        confidence=round(sum(confs) / len(confs), 4) if confs else None,
        words=tuple((round(a * scale), round(b * scale)) for a, b in boxes),
    )


def _is_mark(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in ("Mn", "Me")


def chars_to_lines(chars: list[dict], scale: float = 1.0) -> list[Line]:
    """Lines from a PDF text layer's characters (pdfplumber ``page.chars``), in stream order.

    Thai combining marks have zero width and are often positioned left of the character they
    belong to, so sorting by x (as word extraction does) scrambles them. Here a mark follows the
    base character it comes after in the content stream, characters are grouped into lines by
    their baseline, and spaces and tabs are inferred from the gaps between base characters.
    """
    rows: dict[int, list[list[dict]]] = {}  # baseline → clusters (a base char and its marks)
    #: clusters that begin a table cell: the content stream left their line for another (a cell
    #: that wrapped onto the next line) and came back to it
    cell_starts: set[int] = set()
    last: list[dict] | None = None
    last_band: int | None = None
    for ch in chars:
        text = ch.get("text", "")
        if not text or not ch.get("upright", True):
            continue
        if _is_mark(text[0]) and last is not None:
            last.append(ch)
            continue
        key = round(float(ch["bottom"]))
        band = next((k for k in (key, key - 1, key + 1) if k in rows), key)
        last = [ch]
        if band in rows and last_band is not None and last_band > band:
            cell_starts.add(id(last))
        rows.setdefault(band, []).append(last)
        last_band = band
    lines: list[Line] = []
    for band in sorted(rows):
        clusters = rows[band]
        size = (
            median(float(c[0].get("size") or (c[0]["bottom"] - c[0]["top"])) for c in clusters)
            or 1.0
        )
        out: list[str] = []
        pieces: list[Word] = []  # the clusters with their boxes, to find each token's x-range
        prev: dict | None = None
        for cluster in clusters:
            base = cluster[0]
            if id(cluster) in cell_starts:
                out.append("\t")
            elif prev is not None and base["text"] != " " and prev["text"] != " ":
                gap = float(base["x0"]) - float(prev["x1"])
                if gap > TAB_GAP * size * 0.9:
                    out.append("\t")
                elif gap > 0.2 * size:
                    out.append(" ")
            piece = "".join(c["text"] for c in cluster)
            out.append(piece)
            if piece.strip():
                pieces.append(
                    Word(
                        piece.strip(),
                        float(base["x0"]),
                        float(base["top"]),
                        float(base["x1"]),
                        float(base["bottom"]),
                    )
                )
            prev = base
        if not pieces:
            continue
        text = "\t".join(" ".join(part.split()) for part in "".join(out).split("\t"))
        lines.append(make_line(len(lines) + 1, pieces, scale, text=text.strip()))
    return lines


#: A numbered line (a table row, a list item) begins with its number: "1.", "2)", "(3)", "๓.".
NUMBERED = re.compile(r"^\(?\d{1,3}\s*[.)]")


def column_stops(lines: list[Line]) -> list[float]:
    """Where a page's table columns begin, from its OCR'd lines: x positions where cells of two
    or more lines begin, a cell being what follows a column gap (a tab), or a line that begins
    well right of the page's left edge (a wrapped cell alone on its line)."""
    boxed = [ln for ln in lines if ln.bbox and len(ln.words) == len(ln.text.split())]
    if len(boxed) < 3:
        return []
    height = median(ln.bbox.height for ln in boxed if ln.bbox)
    lefts = sorted(ln.bbox.x0 for ln in boxed if ln.bbox)
    margin = lefts[int(0.1 * (len(lefts) - 1))]
    seen: list[tuple[float, int, bool]] = []  # (x, line number, a cell begins there for sure)
    for ln in boxed:
        assert ln.bbox
        i = 0
        numbered_row = bool(NUMBERED.match(ln.text))
        for k, cell in enumerate(ln.text.split("\t")):
            tokens = cell.split()
            if tokens and k > 0:
                seen.append((ln.words[i][0], ln.number, True))
                # in a numbered row, a later cell's other words may begin a cell whose tab was
                # lost (a role column beside a position: "หัวหน้ากลุ่ม เลขานุการ")
                if numbered_row:
                    seen.extend(
                        (ln.words[j][0], ln.number, False) for j in range(i + 1, i + len(tokens))
                    )
            i += len(tokens)
        if ln.bbox.x0 > margin + 2 * height:
            seen.append((ln.words[0][0], ln.number, True))
    stops: list[float] = []
    cluster: list[tuple[float, int, bool]] = []
    for x, number, sure in [*sorted(seen), (float("inf"), -1, False)]:
        if cluster and x - cluster[-1][0] > 0.6 * height:
            # cells of two lines or more begin there, one of them for sure
            if len({n for _, n, _ in cluster}) >= 2 and any(s for _, _, s in cluster):
                stops.append(median(cx for cx, _, s in cluster if s))
            cluster = []
        cluster.append((x, number, sure))
    return stops


def tab_at_stops(lines: list[Line]) -> list[Line]:
    """Table rows (OCR'd or from a text layer) with the tabs their column gaps did not give them.
    In a narrow column a cell can nearly reach the next, so the line has a mere space there ("2.
    ผศ.ดร.นงลักษณ์ คำ รองคณบดี กรรมการ"). A numbered line followed by its wrapped cells (a line with
    a cell of its own, or one within its first column) gets a tab before each word that begins at
    one of the page's :func:`column_stops`, where two or more of its words begin at one, or one
    does and the next line begins under it ("4. ภญ.วรรณา บุญยืน หัวหน้ากลุ่ม" / "งาน")."""
    stops = column_stops(lines)
    if not stops:
        return lines
    height = median(ln.bbox.height for ln in lines if ln.bbox)
    out = list(lines)
    for k, ln in enumerate(lines):
        tokens = ln.text.split()
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if not NUMBERED.match(ln.text) or len(ln.words) != len(tokens) or not ln.bbox:
            continue
        at_stop = [
            j
            for j, (x0, _) in enumerate(ln.words)
            if j > 0 and any(abs(x0 - s) <= 0.6 * height for s in stops)
        ]
        if not at_stop or nxt is None or not nxt.bbox:
            continue
        # the next line holds the row's wrapped cells: one of its own, or the first one's alone;
        # a row with one word at a stop needs the next line to begin under that word
        under = any(abs(nxt.bbox.x0 - ln.words[j][0]) <= 0.6 * height for j in at_stop)
        if not (
            (len(at_stop) >= 2 or under)
            and (
                "\t" in nxt.text
                or nxt.bbox.x0 > ln.bbox.x0 + 2 * height
                or nxt.bbox.x1 < ln.words[at_stop[0]][0]
            )
        ):
            continue
        starts = {0}
        at = 0
        for cell in ln.text.split("\t")[:-1]:  # the tabs the line has
            at += len(cell.split())
            starts.add(at)
        joined = _rejoin(tokens, starts | set(at_stop))
        if joined != ln.text:
            out[k] = replace(ln, text=joined, raw_text=joined)
    return out


def _rejoin(tokens: list[str], cell_starts: set[int]) -> str:
    """Tokens joined by a tab before each that begins a cell, by a space otherwise."""
    text = tokens[0]
    for j, token in enumerate(tokens[1:], start=1):
        text += ("\t" if j in cell_starts else " ") + token
    return text
