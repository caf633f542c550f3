"""Build text lines from positioned words (Tesseract TSV words or PDF text-layer words).

Tesseract splits Thai into one "word" per character cluster and a PDF text layer into runs, so a
line's text is rebuilt from the gaps between words: a small gap joins, a wider one is a space, a
very wide one is a column break written as a tab (attendance tables, speaker-label columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    boxes = []
    ordered = sorted(words, key=lambda w: w.x0)
    i = 0
    for token in text.split():
        need, got, start = len(token), 0, i
        while i < len(ordered) and got < need:
            got += len(ordered[i].text.replace(" ", ""))
            i += 1
        if got != need or i == start:
            return ()
        boxes.append((ordered[start].x0, max(w.x1 for w in ordered[start:i])))
    return tuple(boxes) if i == len(ordered) else ()


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
