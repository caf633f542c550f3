"""Post-OCR repair of the Thai tone marks Tesseract drops, adds and confuses.

Tesseract's Thai model often loses a tone mark (``ที`` for ที่, ``ครัง`` for ครั้ง, ``เรือง`` for
เรื่อง, ``เริม`` for เริ่ม: 144 of the 1,726 in the scanned seed). Each run of Thai letters is segmented into words by
dynamic programming over a dictionary (pythainlp's word list, its TNC word frequencies, and a
lexicon of the minutes genre), where a word may be matched with one mark missing from the text at
a cost: the cheapest reading wins. A mark is put back only where the repaired words are much more
likely than any exact reading, so ``นาที`` stays (a word) while ``ครังที`` becomes ``ครั้งที่``.

OCR also adds marks from specks and confuses the lower vowels: a word may be matched with one
lower vowel (ุ ู) or rare tone mark (๊ ๋) of the text dropped (``ขุ้อมูล`` for ข้อมูล, ``ปลั๊ด``
for ปลัด), or one lower vowel read as the other (``ประชูม`` for ประชุม), at the same cost. Mai ek
and mai tho are added and confused too (``สนั้บสนุ่น`` for สนับสนุน, ``สั่งคม`` for สังคม,
``มั้นคง`` for มั่นคง); at the same cost, dropping or swapping them made wrong short words (``ที่ม``
-> ทีม, ``คู้`` -> คู่ for กู้) and left two samples worse, so it costs twice as much and only
makes words of four letters or more.

SARA AM is read as SARA AA, its NIKHAHIT lost (``ย้า`` for ย้ำ, ``กาหนด`` for กำหนด) or read as
mai tho (``จ้านวน`` for จำนวน, ``อ้าเภอ`` for อำเภอ): a word may be matched with ำ for either, at
the same cost (not in a word of two letters: ``ค้า`` stays, not คำ).

Person names (after นาย, นาง, นางสาว, ... and the surname after them, also in brackets: a
signatory's "(นางสาวสุภาวดี มาลัย)") are never touched; digits,
Latin and punctuation are not Thai runs and are left alone. Upper vowels are not put back: tried,
it wrote more wrong vowels (into names, OCR garbage) than it restored.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import math
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

from pythainlp.util import Trie

#: The tone marks put back.
MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
_MARK_SET = frozenset(MARKS)
#: What a tone mark sits on: a consonant, or an upper or lower vowel above/below one.
_TAKES_MARK = frozenset(chr(c) for c in range(0x0E01, 0x0E2F)) | frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"
)
#: The cost of one dropped mark, -log(p). About 8% are dropped on the scanned seed; 2% keeps false
#: repairs rare, and 5% or 8% gave the same error rate on the scanned samples.
DROP_COST = -math.log(0.02)
#: The cost of a letter that is in no word (names, OCR garbage): worse than any rare word.
UNKNOWN_COST = 22.0

#: Marks OCR adds from specks: a lower vowel or a tone mark that makes no word, dropped at the
#: cost of a dropped mark (ขุ้อมูล -> ข้อมูล).
_SPURIOUS = frozenset("\u0e38\u0e39\u0e4a\u0e4b")
#: Marks OCR reads as the other of a pair: the short and long lower vowels, mai ek and mai tho.
_CONFUSED = {"\u0e38": "\u0e39", "\u0e39": "\u0e38"}
#: SARA AM and what OCR reads for it, its NIKHAHIT lost (``ย้า`` for ย้ำ, ``จานวน``) or read as
#: mai tho (``จ้านวน`` for จำนวน, ``อ้าเภอ`` for อำเภอ): matched as ำ at the cost of a changed mark.
SARA_AM, SARA_AA, MAI_THO = "\u0e33", "\u0e32", "\u0e49"
#: Mai ek and mai tho, each with the other: OCR adds them from specks (``สนั้บสนุ่น`` for
#: สนับสนุน) and reads one for the other (``มั้นคง`` for มั่นคง). Both are common in real words, so
#: dropping or swapping one costs twice a changed mark, and only in a word of four letters or
#: more: ``ที่ม`` stays (not ทีม), as ``คู้`` does (not คู่, where กู้ was meant).
_TONE_PAIR = {"\u0e48": "\u0e49", "\u0e49": "\u0e48"}
#: The fewest letters read (mark included) for a word with a changed mark, by the change's kind
#: (see :func:`_spelled`; a mark put in by default): the word spelled has three or more letters,
#: two where a mark is put in (``ที่``), never one (``บ่``); four where mai ek or mai tho is
#: dropped ("!") or swapped ("?").
_SHORTEST = {"": 3, "=": 3, "~": 4, "!": 5, "?": 5}
#: What a change costs, by its kind, in changed marks (:data:`DROP_COST`); one by default.
_CHANGE_COST = {"!": 2 * DROP_COST, "?": 2 * DROP_COST}
#: The letters :meth:`MarkRepairer._push_changes` may take for misread.
_CHANGEABLE = frozenset(_SPURIOUS | _TONE_PAIR.keys() | _CONFUSED.keys() | {SARA_AA, MAI_THO})
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
#: A name title; the token it starts and the next token (the surname) are names, not words.
_TITLE = re.compile(
    r"^(?:นาย|นางสาว|นาง|น\.ส\.|ด\.ต\.|ว่าที่|ดร\.|ผศ\.|รศ\.|ศ\.|นพ\.|พญ\.|พ\.[ตทอ]\.[ตทอ]\.|ร\.[ตทอ]\.)"
)


class MarkRepairer:
    """Puts back dropped marks: ``MarkRepairer.default().repair("ครังที 1") -> ("ครั้งที่ 1", 2)``.

    Words come from pythainlp tries (``Trie.Node``: ``end``, ``children``); the default one is
    pythainlp's own word trie, shared with its tokenizer, so nothing is built twice."""

    def __init__(self, tries: Sequence[Trie], counts: Mapping[str, int]):
        self.tries = list(tries)
        self.roots = [t.root for t in tries]
        self.counts = counts
        self.total = sum(counts.values()) or 1
        self._seen: dict[str, tuple[str, int]] = {}
        #: :meth:`_matches_from` by the letters its walk read, and the lengths of those keys (of
        #: two letters or more) by their first two letters
        self._starts: dict[str, tuple[tuple[int, int, str, float], ...]] = {}
        self._reaches: dict[str, list[int]] = {}
        self._costs: dict[str, float] = {}
        #: the cost of the word each trie node ends, by id (the tries live as long)
        self._node_costs: dict[int, float] = {}
        #: the tone-mark children of each trie node visited, by id (the tries live as long)
        self._marked: dict[int, tuple[tuple[str, Any], ...]] = {}

    @classmethod
    def default(cls) -> MarkRepairer:
        """pythainlp's Thai words with TNC frequencies, plus the genre lexicon (common in minutes).

        Built once per process (~0.7 s), by whichever thread asks first; the others wait."""
        with _DEFAULT_LOCK:
            return cls._build_default()

    @classmethod
    @functools.cache
    def _build_default(cls) -> MarkRepairer:
        from pythainlp.corpus import provinces
        from pythainlp.corpus.tnc import unigram_word_freqs

        words = dictionary_trie()
        with kept_for_life():
            counts = dict(unigram_word_freqs())
            genre = _genre_lexicon() + sorted(str(p) for p in provinces(details=False))
            for word in genre:
                counts[word] = max(counts.get(word, 0), GENRE_COUNT)
            return cls([words, Trie(genre)], counts)

    def forget(self) -> None:
        """Empty what was kept of runs and walks already repaired (for measuring)."""
        self._seen.clear()
        self._starts.clear()
        self._reaches.clear()

    def is_word(self, word: str) -> bool:
        return any(word in trie for trie in self.tries)

    def _cost(self, word: str) -> float:
        if (cost := self._costs.get(word)) is None:
            cost = self._costs[word] = -math.log((self.counts.get(word, 0) + 1) / self.total)
        return cost

    def repair(self, text: str) -> tuple[str, int]:
        """The text with dropped marks put back, and how many were put back."""
        out: list[str] = []
        repaired = 0
        name_next = False
        for token in re.split(r"(\s+)", text):
            if not token or token.isspace():
                out.append(token)
                continue
            if name_next or _TITLE.match(token.lstrip("(\"“‘'")):
                name_next = not name_next  # the title's token, then the surname
                out.append(token)
                continue
            pieces = []
            last = 0
            for m in _THAI_RUN.finditer(token):
                fixed, n = self.segment(m.group())
                pieces.append(token[last : m.start()] + fixed)
                repaired += n
                last = m.end()
            out.append("".join(pieces) + token[last:])
        return "".join(out), repaired

    def segment(self, run: str) -> tuple[str, int]:
        """One Thai run repaired; runs recur (standard phrases, offices), so results are kept."""
        if (done := self._seen.get(run)) is None:
            if len(self._seen) >= SEEN_LIMIT:
                self._seen.clear()
            done = self._seen[run] = self._segment(run)
        return done

    def _segment(self, run: str) -> tuple[str, int]:
        n = len(run)
        best: list[float] = [0.0] + [math.inf] * n
        # how each position was reached: (start, where a mark was changed or -1, the change)
        back: list[tuple[int, int, str]] = [(0, -1, "")] * (n + 1)
        for i in range(n):
            base = best[i]
            if base == math.inf:
                continue
            # a letter that starts no word
            if base + UNKNOWN_COST < best[i + 1]:
                best[i + 1], back[i + 1] = base + UNKNOWN_COST, (i, -1, "")
            for j, at, mark, cost in self._matches_from(run, i):
                total = base + cost
                if total < best[i + j]:
                    best[i + j], back[i + j] = total, (i, at + i if at >= 0 else -1, mark)
        words: list[str] = []
        count = 0
        j = n
        while j > 0:
            i, at, mark = back[j]
            words.append(_spelled(run, i, j, at, mark))
            count += at >= 0
            j = i
        return "".join(reversed(words)), count

    def _matches_from(self, run: str, start: int) -> tuple[tuple[int, int, str, float], ...]:
        """:meth:`_matches` with positions counted from ``start``, kept by the letters the walk
        read (the same words recur across runs: จังหวัด, ที่ประชุม): no other letters can change
        them. The letters read run from ``start`` to the furthest position the walk looked at,
        and a key ends with ``\\n`` where the walk looked past the run's end."""
        starts = self._starts
        n = len(run)
        # the keys that can start here: one letter, or those kept under these two letters (no
        # key is the start of another: the same letters lead the walk the same way)
        if (found := starts.get(run[start])) is not None:
            return found
        head = run[start : start + 2] if start + 2 <= n else run[start] + "\n"
        for length in self._reaches.get(head, ()):
            if start + length <= n:
                key = run[start : start + length]
            elif start + length == n + 1:
                key = run[start:] + "\n"
            else:
                break
            if (found := starts.get(key)) is not None:
                return found
        matches, far = self._matches(run, start)
        found = tuple((j - start, at - start if at >= 0 else -1, m, c) for j, at, m, c in matches)
        key = run[start : far + 1] if far < n else run[start:] + "\n"
        if len(starts) >= SEEN_LIMIT:
            starts.clear()
            self._reaches.clear()
        starts[key] = found
        if len(key) > 1:
            lengths = self._reaches.setdefault(key[:2], [])
            if len(key) not in lengths:
                bisect.insort(lengths, len(key))
        return found

    def _matches(self, run: str, start: int) -> tuple[list[tuple[int, int, str, float]], int]:
        """Words starting at ``start``: (end, where a mark was changed or -1, the change, cost),
        with at most one mark put in, dropped (:data:`_SPURIOUS`) or swapped for its pair
        (:data:`_CONFUSED`), a mai ek or mai tho dropped or swapped (:data:`_TONE_PAIR`), or a
        SARA AM read as า or ้า; a changed mark costs :data:`DROP_COST` more
        (:data:`_CHANGE_COST`). The change is the mark put in, "" for one dropped, "=" and the
        mark for one swapped, "!" for a tone mark dropped, "?" and the mark for one swapped, "~"
        and ำ for ้า read for it (see :func:`_spelled`).

        A mark is never put next to another tone mark (a syllable has one), and never makes a
        word of a single letter (``บ่``): too short to tell a dropped mark from a real reading.

        A trie node stands for one word, so a word's cost is kept by node: no word is spelled out
        but the first time its node is reached and on the path the segmentation keeps.

        Also returned: the furthest position of ``run`` the walk looked at (``len(run)`` where it
        looked past the end)."""
        n = len(run)
        out: list[tuple[int, int, str, float]] = []
        node_costs = self._node_costs
        marked_of = self._marked
        # (node, position in run, where a mark was changed or -1, the change); each state is
        # followed along the letters as read in the inner loop, its changes pushed for later
        stack: list[tuple[Any, int, int, str]] = [(root, start, -1, "") for root in self.roots]
        far = start
        while stack:
            node, pos, at, mark = stack.pop()
            while True:
                # a changed mark makes a word of three letters or more
                if (
                    node.end
                    and pos > start
                    and (at < 0 or pos - start >= _SHORTEST.get(mark[:1], 2))
                ):
                    cost = node_costs.get(id(node))
                    if cost is None:
                        word = _spelled(run, start, pos, at, mark)
                        cost = node_costs[id(node)] = self._cost(word)
                    if at >= 0:
                        cost += _CHANGE_COST.get(mark[:1], DROP_COST)
                    out.append((pos, at, mark, cost))
                children = node.children
                if not children:
                    break
                ch = run[pos] if pos < n else ""
                if pos > far:
                    far = pos
                if ch == MAI_THO and pos + 1 > far:
                    far = pos + 1  # ้า for ำ looks at the letter after the mark
                if at < 0 and pos > start:
                    if ch in _CHANGEABLE:
                        self._push_changes(stack, node, children, run, pos, ch)
                    # a word starts with a letter; a tone mark follows a consonant or vowel
                    if run[pos - 1] in _TAKES_MARK and ch not in _MARK_SET:
                        if (marked := marked_of.get(id(node))) is None:
                            marked = marked_of[id(node)] = tuple(
                                (m, children[m]) for m in MARKS if m in children
                            )
                        for m, child in marked:
                            stack.append((child, pos, pos, m))
                if not ch or (node := children.get(ch)) is None:
                    break
                pos += 1
        return out, far

    @staticmethod
    def _push_changes(
        stack: list[tuple[Any, int, int, str]],
        node: Any,
        children: Mapping[str, Any],
        run: str,
        pos: int,
        ch: str,
    ) -> None:
        """The ways on from ``node`` with the mark ``ch`` at ``pos`` read wrong (the kinds of
        :meth:`_matches`)."""
        if ch in _SPURIOUS:
            stack.append((node, pos + 1, pos, ""))  # a mark OCR added (ขุ้อมูล)
        elif (tone := _TONE_PAIR.get(ch)) is not None:
            stack.append((node, pos + 1, pos, "!"))  # สนั้บ for สนับ
            if (child := children.get(tone)) is not None:
                stack.append((child, pos + 1, pos, "?" + tone))  # มั้นคง
        other = _CONFUSED.get(ch)
        if other is not None and (child := children.get(other)) is not None:
            stack.append((child, pos + 1, pos, "=" + other))  # ประชูม for ประชุม
        if (ch == SARA_AA or (ch == MAI_THO and run[pos + 1 : pos + 2] == SARA_AA)) and (
            child := children.get(SARA_AM)
        ) is not None:
            # ย้า for ย้ำ; จ้านวน for จำนวน
            stack.append(
                (child, pos + 1 + (ch == MAI_THO), pos, ("=" if ch == SARA_AA else "~") + SARA_AM)
            )


@functools.cache
def dictionary_trie() -> Trie:
    """pythainlp's trie of Thai words, the one its word tokenizer uses, built (once per process)
    under :func:`kept_for_life`. Ask for it before the first word is tokenized: built there, the
    collector's passes over it took 0.44 s of a plain-text document's 1.29 s."""
    from pythainlp.tokenize import word_dict_trie

    with kept_for_life():
        return word_dict_trie()


@contextlib.contextmanager
def kept_for_life() -> Iterator[None]:
    """Python's cyclic garbage collector held off while something a process keeps to its end is
    built, then everything alive frozen out of its later collections (``gc.freeze``).

    The word tries are about 500,000 objects. Built with the collector on, its full collections
    went over all of them again and again as they grew: 0.95 s of the 1.66 s that building them
    took, in every worker; afterwards each full collection would go over them once more. What
    is frozen is never collected: garbage cycles among it (of another thread, at that moment)
    would stay. So only what is built once per process (:func:`dictionary_trie`,
    :meth:`MarkRepairer.default`) is built under it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
        gc.freeze()


def _spelled(run: str, start: int, end: int, at: int, mark: str) -> str:
    """The word a match of ``run[start:end]`` stands for: as read (``at`` < 0), with the mark at
    ``at`` dropped (``mark`` "" or "!"), swapped (``mark`` "=" or "?" and the other), the two at
    ``at`` swapped for one (``mark`` "~" and it) or ``mark`` put in before ``at``."""
    if at < 0:
        return run[start:end]
    if not mark or mark == "!":
        return run[start:at] + run[at + 1 : end]
    if mark[0] in "=?":
        return run[start:at] + mark[1] + run[at + 1 : end]
    if mark[0] == "~":
        return run[start:at] + mark[1] + run[at + 2 : end]
    return run[start:at] + mark + run[at:end]


_DEFAULT_LOCK = threading.Lock()
#: Repaired runs kept for reuse before the memory is emptied.
SEEN_LIMIT = 100_000
#: The weight given to genre words absent from (or rare in) the TNC counts.
GENRE_COUNT = 5000


def _genre_lexicon() -> list[str]:
    text = resources.files("pipeline").joinpath("lexicon_th.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def repair_marks(text: str) -> tuple[str, int]:
    return MarkRepairer.default().repair(text)


#: Mai yamok between Thai letters: it repeats the word before it, so it ends a word.
_INNER_REPEAT = re.compile("([\u0e01-\u0e45\u0e47-\u0e4e]+)\u0e46([\u0e01-\u0e45\u0e47-\u0e4e]+)")


def drop_inner_repeats(text: str) -> tuple[str, int]:
    """The text without a ๆ OCR read inside a word from a speck (``บาๆท`` -> บาท), and how many
    were dropped: where the letters after it are no word, and with the letters before it they
    end in one. ``ต่างๆนานา``, ``เรื่อยๆไป`` (a word after it) stay."""
    repairer = MarkRepairer.default()
    dropped = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal dropped
        before, after = m[1], m[2]
        if repairer.is_word(after):
            return m[0]
        if any(repairer.is_word(before[k:] + after) for k in range(len(before))):
            dropped += 1
            return before + after
        return m[0]

    return _INNER_REPEAT.sub(fix, text), dropped


#: A genre phrase is restored whole only when it has this many letters on the baseline: shorter
#: ones (ลากิจ, กำนัน) could be another word read right.
PHRASE_MIN_LETTERS = 5


@functools.cache
def _phrases() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """Every long phrase of the genre lexicon, longest first, with its skeleton and a pattern
    tolerant of what OCR does to it (marks dropped or confused, ด/ต and ร/ว read for each other,
    a space inside a word): ``extractors.patterns.skeleton`` and ``tolerant``."""
    from extractors.patterns import base_letters, skeleton, tolerant

    phrases = sorted(
        {w for w in _genre_lexicon() if base_letters(w) >= PHRASE_MIN_LETTERS},
        key=len,
        reverse=True,
    )
    return tuple((skeleton(ph), re.compile(tolerant(ph)), ph) for ph in phrases)


def _unspaced(text: str) -> str:
    return "".join(text.split())


def repair_phrases(text: str) -> tuple[str, int]:
    """The standard phrases of minutes (``pipeline/lexicon_th.txt``: เรื่องอื่น ๆ, รับทราบ,
    ผู้จดรายงานการประชุม, ...) restored where OCR damaged them (``เรืองอิน ๆ``, ``วับทราบ``), and how
    many were. Only marks, the look-alike consonants and spaces inside a phrase change. A phrase
    is looked for only where its skeleton is in the line's, so most lines cost a few ``in``."""
    from extractors.patterns import skeleton

    line = skeleton(text)
    count = 0
    for sk, pattern, phrase in _phrases():
        if sk not in line:
            continue
        for m in reversed(list(pattern.finditer(text))):
            # a phrase written with a space is as right without it (เรื่องอื่นๆ)
            if m.group() != phrase and not (
                " " in phrase and _unspaced(m.group()) == _unspaced(phrase)
            ):
                text = text[: m.start()] + phrase + text[m.end() :]
                count += 1
    return text, count
