"""Dot leaders: the rows of dots of a signature line (``(ลงชื่อ)......ผู้จดรายงานการประชุม``) or a
form's blank, which Tesseract reads as digits and letters (``๑๓``, ``๑๑๑…99ลค9``) or leaves
unread.

A leader is found in the line's own pixels: four or more small marks in a row on the lower half
of the line, evenly spaced, with nothing else between them. The words Tesseract read over it
are replaced by as many points as there are dots (:func:`mark_leaders`), so no digit is read
from a leader and the dots count as they are drawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from pipeline.digits import otsu_threshold, true_runs
from pipeline.layout import Word
from pipeline.model import BBox, Line

#: A leader has at least this many dots.
MIN_DOTS = 4
#: A dot is at most this share of the letters' height wide and high ...
DOT_SIZE = 0.3
#: ... and the next one at most this share of their height away.
DOT_GAP = 1.0
#: A word at least this share of whose width lies over a leader was read from it ...
OVER = 0.6
#: ... or this share, for a word with Thai letters.
WHOLLY = 0.95
THAI_LETTER = re.compile("[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]")
#: Lines are looked at only where a word is this doubtful, is points already, or repeats a
#: character (:data:`REPEATED`).
DOUBT = 0.6


#: Two points or more in a row.
POINTS = re.compile(r"\.{2,}")
#: The same character four times in a row: how Tesseract reads a leader it is sure of (๑๑๑๑).
REPEATED = re.compile(r"(.)\1{3}")


@dataclass(frozen=True)
class Leader:
    x0: int
    x1: int
    dots: int


def find_leaders(image: Image.Image, box: BBox, letters: float = 0) -> list[Leader]:
    """The leaders in the line whose box (in the page's pixels) is ``box``. Only the rows of the
    line's body are looked at (from the top of its letters to a little below their baseline,
    where its rows hold the most ink), so marks of the lines above and below join no dot.
    ``letters`` is the page's letter height: a "line" Tesseract made of a leader alone has no
    letters to measure its dots against."""
    if box.y1 - box.y0 < 8:
        return []
    pixels = np.asarray(image.crop((box.x0, box.y0, box.x1, box.y1)).convert("L"))
    if pixels.size == 0:
        return []
    ink = pixels < otsu_threshold(pixels)
    if ink.mean() > 0.6:
        return []
    density = ink.sum(axis=1)
    if density.max() == 0:
        return []
    # the run of dense rows holding the most ink: this line's letters, not the edge of the
    # line above or below (or a rule) caught in its box
    _, top, base = max(
        (int(density[y0:y1].sum()), y0, y1) for y0, y1 in true_runs(density >= 0.3 * density.max())
    )
    h = max(base - top, letters)  # the letters' height
    if h < 6:
        return []
    baseline = base - top  # in the band's rows
    band = ink[top : min(ink.shape[0], base + max(2, int(h) // 5))]
    pieces: list[tuple[int, int, bool]] = []  # (x0, x1, is a dot)
    for start, x in true_runs(band.any(axis=0)):
        rows = np.nonzero(band[:, start:x].any(axis=1))[0]
        high, low = int(rows[0]), int(rows[-1]) + 1
        dot = (
            x - start <= DOT_SIZE * h
            and low - high <= DOT_SIZE * h
            and high >= baseline - 0.5 * h  # on the baseline, not a mark above a letter
            and _alone(ink[:, start:x], top + high, top + low, h)
        )
        pieces.append((box.x0 + start, box.x0 + x, dot))
    leaders: list[Leader] = []
    run: list[tuple[int, int, bool]] = []
    for piece in [*pieces, (0, 0, False)]:
        if piece[2] and (not run or piece[0] - run[-1][1] <= DOT_GAP * h):
            run.append(piece)
            continue
        if len(run) >= MIN_DOTS and _even(run):
            leaders.append(Leader(run[0][0], run[-1][1], len(run)))
        run = [piece] if piece[2] else []
    return leaders


def _alone(columns: np.ndarray, high: int, low: int, h: float) -> bool:
    """Is the mark in rows ``high:low`` of these columns (grown to the rows of ink touching it)
    alone: no taller than a dot, blank for half a letter's height above it and a fifth below
    (a leader's dot is; a piece of a letter cut off by the rows looked at is not)?"""
    inked: list[bool] = [bool(v) for v in np.asarray(columns.any(axis=1)).ravel()]
    while high > 0 and inked[high - 1]:
        high -= 1
    while low < len(inked) and inked[low]:
        low += 1
    if low - high > DOT_SIZE * h:
        return False
    above = columns[max(0, high - int(0.5 * h)) : high]
    below = columns[low : low + max(1, int(0.2 * h))]
    return not above.any() and not below.any()


def _even(run: list[tuple[int, int, bool]]) -> bool:
    """Dots drawn by a leader are evenly spaced: no gap more than twice another."""
    steps = [b[0] - a[0] for a, b in zip(run, run[1:], strict=False)]
    return min(steps) > 0 and max(steps) <= 2 * min(steps)


def mark_leaders(
    image: Image.Image, line: Line, words: list[Word], letters: float = 0
) -> tuple[Line, list[Word]]:
    """The line with the words Tesseract read over each dot leader (most of their width over it)
    replaced by the leader's points, once, and the words to match; a word with letters that
    reaches into a leader keeps its letters, its run of points becoming the leader's. A line with
    no doubtful word, no points and no repeated character is not looked at (most lines)."""
    if line.bbox is None or not words:
        return line, words
    packed = "".join(line.text.split())
    if not (
        ".." in packed
        or REPEATED.search(packed)
        or any(w.conf is not None and w.conf < DOUBT for w in words)
    ):
        return line, words
    leaders = find_leaders(image, line.bbox, letters)
    if not leaders:
        return line, words
    over = [_leader_under(w, leaders) for w in words]
    touching = [_leader_touching(w, leaders) if ".." in w.text else None for w in words]
    if all(k is None for k in over + touching):
        return line, words
    text, cursor = line.text, 0
    out: list[Word] = []
    done: set[int] = set()
    for w, k, t in zip(words, over, touching, strict=True):
        found = text.find(w.text, cursor)
        if found < 0:
            out.append(w)
            continue
        if k is None:
            if t is not None and t not in done:
                # a word with letters and some of the leader's points (ชื่อ)......): the points
                # are the leader's, as many as it has
                spelled = POINTS.sub("." * leaders[t].dots, w.text, count=1)
                text = text[:found] + spelled + text[found + len(w.text) :]
                w = replace(w, text=spelled)
                done.add(t)
            cursor = found + len(w.text)
            out.append(w)
            continue
        points = "" if k in done else "." * leaders[k].dots
        text = text[:found] + points + text[found + len(w.text) :]
        cursor = found + len(points)
        if k not in done:
            out.append(replace(w, text=points, x0=leaders[k].x0, x1=leaders[k].x1, conf=None))
        done.add(k)
    return replace(line, text=text, raw_text=text), out


def _leader_touching(word: Word, leaders: list[Leader]) -> int | None:
    """The leader a word's box reaches into, if any."""
    for k, leader in enumerate(leaders):
        if min(word.x1, leader.x1) > max(word.x0, leader.x0):
            return k
    return None


def _leader_under(word: Word, leaders: list[Leader]) -> int | None:
    """The leader a word was read from: the one under most of its width, or, for a word with
    Thai letters (Tesseract boxes a letter with the dots after it: ``ชื่อ)``), all of it."""
    width = max(1.0, word.x1 - word.x0)
    least = WHOLLY if THAI_LETTER.search(word.text) else OVER
    for k, leader in enumerate(leaders):
        shared = min(word.x1, leader.x1) - max(word.x0, leader.x0)
        if shared >= least * width:
            return k
    return None
