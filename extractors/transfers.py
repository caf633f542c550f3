"""Budget transfers (โอนงบประมาณ): where the money of a transfer comes from and goes to.

Local government, universities and hospitals move money between budget heads in a few set
phrases: ``โอนลด(จาก) ...`` / ``โอนเพิ่ม ...`` (the Ministry of Interior's wording for อปท.),
``โอน ... จาก ... ไป ...``, ``ไปตั้งจ่ายเป็นรายการใหม่ ...``. They are found with spaCy's rule
:class:`~spacy.matcher.Matcher` on ``spacy.blank("th")`` (which tokenises with pythainlp): a marker
of two or three tokens, then the head named, up to the token that ends it (an amount, จำนวน, บาท,
a bracket, the next marker, a word opening another clause). Token patterns say this better than
a regex: Thai has no spaces between words, and "จาก" or "ไป" is a marker only as a word of its
own before a budget head (not in "จากการ", "ต่อไป", "ไปดำเนินการ").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractors import patterns as P

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Span, Token

#: The verb of a transfer; a paragraph without it has no transfer.
VERB = "โอน"
#: Words a budget head begins with after a bare "จาก" or "ไป": แผนงาน, งาน, งบ, หมวด, ประเภท...
HEADS = (
    "แผนงาน",
    "งาน",
    "งบ",
    "งบประมาณ",
    "หมวด",
    "ประเภท",
    "รายการ",
    "โครงการ",
    "กองทุน",
    "บัญชี",
    "ค่า",
    "เงิน",
    "ด้าน",
)
#: Tokens a head never holds: where its name ends.
ENDS = frozenset(
    (
        "จำนวน",
        "เป็นเงิน",
        "รวม",
        "บาท",
        "ราคา",
        "(",
        ")",
        ":",
        VERB,
        "เพื่อ",
        "ไป",
        "จาก",
        "ให้",
        "และให้",
        "ดังนี้",
        "ดังกล่าว",
        "นั้น",
        *P.CLAUSE_OPENERS,
    )
)
#: The words of a marker, left out of the head it introduces.
MARKERS = frozenset((VERB, "ลด", "จาก", "ไป", "ตั้ง", "จ่าย", "เป็น", "ที่", "ใน", "ให้", "ยัง", "เข้า"))
#: What ends a head though tokenised as words a head may hold: "เป็นเงิน", "รวมเป็นเงิน".
HEAD_TAIL = re.compile(r"\s*(?:รวม\s*)?เป็นเงิน.*$|\s+รวม.*$")
#: A head is cut after this many tokens (spaces count).
MAX_TOKENS = 24


@dataclass(frozen=True)
class Transfer:
    """A head money is transferred from or to, and where it stands in the paragraph."""

    side: str  # "from" or "to"
    head: str
    start: int  # the marker's first character


@functools.cache
def _nlp() -> tuple[Language, Matcher]:
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("th")  # pythainlp's newmm tokeniser
    matcher = Matcher(nlp.vocab)
    space = {"IS_SPACE": True, "OP": "?"}
    head = {"ORTH": {"NOT_IN": sorted(ENDS)}, "LIKE_NUM": False, "OP": "+"}
    named = {"ORTH": {"IN": list(HEADS)}}
    # OCR drops marks: เพิม for เพิ่ม is one edit away
    more = {"LOWER": {"FUZZY1": "เพิ่ม"}}
    matcher.add(
        "from",
        [
            [{"ORTH": VERB}, {"ORTH": "ลด"}, {"ORTH": "จาก", "OP": "?"}, space, head],
            [{"ORTH": "จาก"}, space, named, head],
            [{"ORTH": "จาก"}, space, named],
        ],
        greedy="LONGEST",
    )
    matcher.add(
        "to",
        [
            [{"ORTH": VERB}, more, {"ORTH": {"IN": ["ไป", "ให้", "เข้า"]}, "OP": "?"}, space, head],
            [
                {"ORTH": "ไป"},
                {"ORTH": "ตั้ง"},
                {"ORTH": "จ่าย"},
                {"ORTH": {"IN": ["เป็น", "ที่", "ใน", "ให้"]}, "OP": "?"},
                space,
                head,
            ],
            [{"ORTH": "ไป"}, {"ORTH": {"IN": ["ยัง", "ที่", "ใน", "เข้า"]}, "OP": "?"}, named, head],
            [{"ORTH": "ไป"}, {"ORTH": {"IN": ["ยัง", "ที่", "ใน", "เข้า"]}, "OP": "?"}, named],
        ],
        greedy="LONGEST",
    )
    return nlp, matcher


@dataclass(frozen=True)
class Transfers:
    """A paragraph's transfers: where its verbs stand, and the heads named, in order."""

    verbs: tuple[int, ...] = ()
    heads: tuple[Transfer, ...] = ()

    def of(self, start: int, after: int = 0) -> tuple[bool, str | None, str | None]:
        """Whether the amount at ``start`` is transferred (a ``โอน`` stands between ``after``,
        the end of the amount before it, and it), and the heads it moves from and to: on each
        side the last one named before it, else the first after it (``โอนลดจาก A จำนวน X บาท
        โอนเพิ่ม B``: X moves from A to B; ``ขอโอน X บาท ไปตั้งจ่ายเป็น B``: to B)."""
        if not any(after <= v < start for v in self.verbs):
            return False, None, None

        def side(name: str) -> str | None:
            before = [t.head for t in self.heads if t.side == name and t.start < start]
            later = [t.head for t in self.heads if t.side == name and t.start >= start]
            return before[-1] if before else (later[0] if later else None)

        return True, side("from"), side("to")


def find_transfers(text: str) -> Transfers:
    """The verbs of transfer in a paragraph, and the heads it transfers money from and to.

    >>> t = find_transfers("ขอโอนงบประมาณ 120,000 บาท ไปตั้งจ่ายเป็นค่าจัดซื้อ")
    >>> t.verbs, [(h.side, h.head) for h in t.heads]
    ((2,), [('to', 'ค่าจัดซื้อ')])
    """
    if VERB not in text:
        return Transfers()
    nlp, matcher = _nlp()
    doc = nlp(text)
    verbs = tuple(t.idx for t in doc if t.text == VERB)  # not โอน inside another word
    if not verbs:
        return Transfers()
    heads: list[Transfer] = []
    last_end = 0
    for match_id, start, end in sorted(matcher(doc), key=lambda m: (m[1], -m[2])):
        if start < last_end:
            continue  # inside a longer match
        head = HEAD_TAIL.sub("", "".join(t.text_with_ws for t in _head(doc[start:end]))).strip()
        if head:
            side = nlp.vocab.strings[match_id]
            heads.append(Transfer(side, head, doc[start].idx))
            last_end = end
    return Transfers(verbs, tuple(heads))


def _head(span: Span) -> list[Token]:
    """The tokens of a match that name the head: those after its marker, at most MAX_TOKENS."""
    tokens = list(span)
    k = 0
    while k < len(tokens) and (
        tokens[k].is_space
        or (tokens[k].text in MARKERS and tokens[k].text not in HEADS)
        or (k == 1 and tokens[0].text == VERB)  # เพิ่ม, matched fuzzily
    ):
        k += 1
    return tokens[k : k + MAX_TOKENS]
