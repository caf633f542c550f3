"""Build text lines from positioned words (Tesseract TSV words or PDF text-layer words).

Tesseract splits Thai into one "word" per character cluster and a PDF text layer into runs, so a
line's text is rebuilt from the gaps between words: a small gap joins, a wider one is a space, a
very wide one is a column break written as a tab (attendance tables, speaker-label columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from pipeline.model import BBox, Line

#: Gaps, as a share of the line's height: above SPACE_GAP a space, above TAB_GAP a tab.
SPACE_GAP = 0.28
TAB_GAP = 1.6


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


def make_line(number: int, words: list[Word], scale: float = 1.0) -> Line:
    """One :class:`Line` from the words of a line; ``scale`` converts word units to pixels."""
    x0 = min(w.x0 for w in words)
    y0 = min(w.y0 for w in words)
    x1 = max(w.x1 for w in words)
    y1 = max(w.y1 for w in words)
    height = median([w.y1 - w.y0 for w in words]) or (y1 - y0) or 1.0
    confs = [w.conf for w in words if w.conf is not None]
    text = join_words(words, height)
    return Line(
        number=number,
        text=text,
        raw_text=text,
        bbox=BBox(round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale)),
        confidence=round(sum(confs) / len(confs), 4) if confs else None,
    )


def group_into_lines(words: list[Word]) -> list[list[Word]]:
    """Cluster words into lines by vertical overlap, top to bottom (for PDF text layers)."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
        mid = (w.y0 + w.y1) / 2
        if lines:
            last = lines[-1]
            top = min(x.y0 for x in last)
            bottom = max(x.y1 for x in last)
            if top <= mid <= bottom:
                last.append(w)
                continue
        lines.append([w])
    return lines
