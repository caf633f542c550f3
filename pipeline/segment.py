"""Segmentation: header, attendance lists, the agenda tree, speaker turns and resolution blocks.

One pass over the document's paragraphs with a small state machine. Each paragraph is tested
against the genre's markers (``extractors/patterns.py``) in a fixed order; what matches nothing is
text of the current speaker turn, resolution or item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractors import patterns as P
from extractors.attendees import heading_status, parse_attendee, split_prefix
from extractors.header import parse_header, time_check, with_signatures
from extractors.values import parse_time
from pipeline.model import (
    AgendaItem,
    AttendanceStatus,
    Attendee,
    Document,
    Minutes,
    Paragraph,
    ResolutionBlock,
    Span,
    SpeakerRole,
    SpeakerTurn,
)
from pipeline.paragraphs import joiner
from pipeline.paragraphs import paragraphs as to_paragraphs
from pipeline.speakers import find_attendee, speaker_role

#: "label - text", "label<TAB>- text", "- label - text": a speaker label written inline.
INLINE_LABEL = re.compile(
    r"^(?:[-–•]\s*)?(?P<label>[^\t\-–:]{2,45}?)\s*(?:\t+\s*[-–:]?|\s[-–:])\s*(?P<text>\S.*)$"
)
#: An office abbreviated with ฯ opening a line, its text after a space: "ประธานสภาฯ ขอให้...".
ABBREVIATED_LABEL = re.compile(r"^(?:[-–•]\s*)?(?P<label>[^\s\d]{2,30}ฯ)\s+(?P<text>[^\s\-–:].*)$")
_LEADING_BULLET = re.compile(r"^[-–•*·]\s*")
#: A dotted sub-item number whose digits OCR read as look-alike letters ("m.@" for ๓.๑,
#: "ดา.ดา.@" for ๓.๓.๑): two or three groups of look-alikes, at least one a digit, ``@`` or ``©``
#: (so an abbreviation such as ด.ต. or พ.ร.บ. is not taken for one), then a Thai title.
_LOOKALIKE = r"[0-9oOlIicmnegaqsS@©\"'ดตคา]{1,3}"
DAMAGED_DOTTED = re.compile(
    rf"^(?:[-–•]\s*)?(?P<number>(?=\S*[^\d\s.])(?=\S*[\d@©]){_LOOKALIKE}(?:\.{_LOOKALIKE}){{1,2}})\.?"
    r"\s+(?P<title>[\u0e01-\u0e4e].*)$"
)
#: A list number in parentheses whose digit OCR read as look-alikes ("@)" for ๔)): Latin
#: look-alikes with a digit, ``@`` or ``©`` among them (a Latin or Thai letter list, "a)" or
#: "ก)", is not taken for one), then a Thai title.
DAMAGED_PAREN = re.compile(
    r"^\(?(?P<number>(?=[^\s)]*[^\d\s)])(?=[^\s)]*[\d@©])[0-9oOlIicmnegaqsS@©]{1,3})\)\s*"
    r"(?P<rest>[\u0e01-\u0e4e].*)$"
)


def clean_label(label: str) -> str:
    """A speaker label without OCR specks: tokens with neither a letter nor a digit in them (a
    ``.`` or ``'`` read from dust in the label column) and trailing separators. Digits stay: a
    member is often named by village (``ส.อบต. หมู่ 5``).

    >>> clean_label("ประธานสภาฯ . "), clean_label("ส.อบต. หมู่ 5 '")
    ('ประธานสภาฯ', 'ส.อบต. หมู่ 5')
    """
    kept = [t for t in label.split() if any(ch.isalnum() for ch in t)]
    return " ".join(kept).rstrip(":：-– ")


def looks_like_label(text: str) -> bool:
    """A short line that can name a speaker: no number, no bullet, at most five words."""
    t = text.strip()
    if not t or len(t) > 45 or len(t.split()) > 5:
        return False
    if re.match(r"^[-–•*·(\d]", t) or t.endswith(("-", ")")):
        return False
    return not P.BARE_RESOLUTION.match(t) and not P.RESOLUTION_MARKER.match(t)


#: A short remark wholly in brackets, on a line of its own.
_BRACKETED_TAIL = re.compile(r"\([^()]{1,80}\)")


@dataclass
class _Item:
    number: str
    title: str
    source: Span
    implied: bool = False
    flags: tuple[str, ...] = ()
    turns: list[SpeakerTurn] = field(default_factory=list)
    resolutions: list[ResolutionBlock] = field(default_factory=list)


@dataclass
class _Open:
    """The turn or resolution currently collecting paragraphs."""

    kind: str  # "turn" | "resolution"
    label: str
    paras: list[Paragraph]
    implicit: bool = False


class Segmenter:
    def __init__(self, paras: list[Paragraph], ocr_pages: frozenset[int] = frozenset()):
        self.paras = paras
        self.ocr_pages = ocr_pages  # pages read by OCR: their digits may be misread
        self.on_ocr_page = False  # the paragraph in hand is on one
        self.header: list[Paragraph] = []
        self.closing: list[Paragraph] = []
        self.attendees: list[Attendee] = []
        self.status: AttendanceStatus | None = None
        self.items: list[_Item] = []
        self.content: list[tuple[str | None, Paragraph]] = []
        self.open: _Open | None = None
        self.pending_label: tuple[str, Paragraph] | None = None
        self.list_counter: int | None = None  # the last "N)" of a list in the current item's text
        self.top_read: dict[str, str] = {}  # top-level number → the number OCR read instead
        self.start_time: str | None = None
        self.end_time: str | None = None
        self.phase = "header"  # header → attendance → agenda → closing

    # --- the pass ---------------------------------------------------------------------------------
    def run(self) -> None:
        i = 0
        while i < len(self.paras):
            i = self.step(i)
        self.close_open()

    def step(self, i: int) -> int:
        para = self.paras[i]
        self.on_ocr_page = para.page in self.ocr_pages
        text = para.text.strip()
        nxt = self.paras[i + 1] if i + 1 < len(self.paras) else None
        if self.phase == "closing":
            self.closing.append(para)
            return i + 1
        if P.END_TIME.search(text) and len(text) < 60:
            self.close_open()
            self.end_time = parse_time(text) or (parse_time(nxt.text) if nxt else None)
            self.phase = "closing"
            return i + 1
        if P.SIGNATURE.match(text) and self.items:
            self.close_open()
            self.phase = "closing"
            self.closing.append(para)
            return i + 1
        if P.START_TIME.search(text) and len(text) < 60 and not self.items:
            self.start_time = parse_time(text) or (parse_time(nxt.text) if nxt else None)
            self.phase = "agenda"
            return i + 1
        if not self.items and (status := heading_status(text)) is not None:
            self.status, self.phase = status, "attendance"
            return i + 1
        status = self.status if self.phase == "attendance" and not self.items else None
        if status and (a := parse_attendee(text, len(self.attendees) + 1, status, para.span)):
            self.attendees.append(a)
            return i + 1
        if m := P.AGENDA_HEADING.match(text) or P.AGENDA_HEADING_DAMAGED.match(text):
            return self.start_item(*self.top_number(int(m[1])), m["title"], para, i)
        if self.items and (m := DAMAGED_DOTTED.match(text)):
            depth = m["number"].count(".") + 1
            return self.start_item(
                self.next_at_depth(depth), (f"number read as {m['number']}",), m["title"], para, i
            )
        if number := self.sub_item_number(text):
            title = self.sub_item_title(text)
            dotted = P.DOTTED_NUMBER.match(text)
            damaged = None if dotted else DAMAGED_PAREN.match(text)
            read = dotted[1] if dotted else f"{damaged['number']})" if damaged else number
            flags = (f"number read as {read}",) if read != number else ()
            return self.start_item(number, flags, title, para, i, implied=not dotted)
        if not self.items:
            self.header.append(para)
            return i + 1
        return self.agenda_text(para, text, nxt, i)

    # --- agenda items -----------------------------------------------------------------------------
    def top_number(self, read: int) -> tuple[str, tuple[str, ...]]:
        """Top-level items run 1, 2, 3...: a number out of sequence takes the expected one,
        flagged with what was read, when OCR is known to misread the expected digit so (๔ read as
        ๕) or the number goes back. One that skips ahead otherwise is kept: the heading of the
        item in between was lost (OCR destroyed it), and renumbering would shift every later item.
        """
        tops = [int(it.number) for it in self.items if "." not in it.number]
        expected = tops[-1] + 1 if tops else read
        if read > expected and not P.misread_digits(expected, str(read)):
            return str(read), ()
        if read != expected:
            self.top_read[str(expected)] = str(read)
            return str(expected), (f"number read as {read}",)
        return str(expected), ()

    def next_at_depth(self, depth: int) -> str:
        """The next item number with ``depth`` parts under the current item's path: "3.1" after
        "3" (depth 2), "3.3.1" after "3.3" and "3.3.2" after "3.3.1" (depth 3). When the current
        item is not deep enough, the next second-level number."""
        path = self.items[-1].number.split(".")
        if len(path) < depth - 1:
            depth = 2
        parent = ".".join(path[: depth - 1])
        children = [
            int(it.number.rpartition(".")[2])
            for it in self.items
            if it.number.rpartition(".")[0] == parent and it.number.count(".") == depth - 1
        ]
        return f"{parent}.{max(children, default=0) + 1}"

    def start_item(
        self,
        number: str,
        flags: tuple[str, ...],
        title: str,
        para: Paragraph,
        i: int,
        implied: bool = False,
    ) -> int:
        self.close_open()
        consumed = i + 1
        title = P.SUBJECT_PREFIX.sub("", title.strip()).strip()
        if not title and consumed < len(self.paras):
            nxt = self.paras[consumed].text.strip()
            if P.SUBJECT_LINE.match(nxt) and len(nxt) < 200:
                title = P.SUBJECT_PREFIX.sub("", nxt).strip()
                self.content.append((number, self.paras[consumed]))
                consumed += 1
        if title and consumed < len(self.paras) and self._title_tail(self.paras[consumed]):
            # the title runs on over the page break, or its bracketed end did not fit its line
            rest = self.paras[consumed].text.strip()
            title = f"{title}{joiner(title, rest)}{rest}"
            self.content.append((number, self.paras[consumed]))
            consumed += 1
        self.items.append(_Item(number, title, para.span, implied, flags))
        self.content.append((number, para))
        self.list_counter = None
        self.phase = "agenda"
        return consumed

    @staticmethod
    def _title_tail(para: Paragraph) -> bool:
        """Is ``para``, right after an item's heading, the rest of its title? It carries on over
        a page break, or it is a bracketed remark alone on its line ("4.1 ขออนุมัติปรับปรุง
        หลักสูตร... สาขาวิชาเคมี" / "(หลักสูตรปรับปรุง พ.ศ. 2567)": a long bracketed word that did
        not fit), not a name ("(นายสมชาย ใจดี)")."""
        if para.continues:
            return True
        text = para.text.strip()
        return bool(_BRACKETED_TAIL.fullmatch(text)) and split_prefix(text[1:])[0] is None

    @property
    def current(self) -> _Item | None:
        return self.items[-1] if self.items else None

    def sub_item_number(self, text: str) -> str | None:
        """A dotted number under the current top-level item, or an implied one ("2)" after 3.3.1)."""
        if not self.items:
            return None
        top = self.items[-1].number.split(".")[0]
        m = P.DOTTED_NUMBER.match(text)
        if m:
            first, _, rest = m[1].partition(".")
            if first != top and (
                first == self.top_read.get(top)
                or (self.on_ocr_page and P.misread_digits(top, first))
            ):
                # the top-level number misread ("5.3" under 4, as the heading's "5" was, or
                # "9.9" under 1: ๑ read as ๙)
                first = top
            number = self._in_sequence(f"{first}.{rest}")
            return number if first == top and self._fits(number) else None
        m = P.PAREN_LIST.match(text)
        if m is None and self.on_ocr_page and self.list_counter is None:
            # a list number OCR damaged ("@)"): the implied next sub-item, where no list runs in
            # the item's text that it could continue
            damaged = DAMAGED_PAREN.match(text)
            current = self.items[-1].number.split(".")
            if damaged and len(current) >= 3:
                return ".".join([*current[:-1], str(int(current[-1]) + 1)])
        if m:
            current = self.items[-1].number.split(".")
            n = int(m[1])
            # a list in the item's text goes on: "6)" after "5)", or on a scan "2)" after "5)"
            # (OCR reads ๖ as ๒); otherwise "2)" after 3.3.1 is the implied 3.3.2
            continues_list = self.list_counter is not None and (
                n == self.list_counter + 1
                or (self.on_ocr_page and P.misread_digits(self.list_counter + 1, str(n)))
            )
            if len(current) >= 3 and n == int(current[-1]) + 1 and not continues_list:
                return ".".join([*current[:-1], str(n)])
        return None

    def _in_sequence(self, number: str) -> str:
        """The expected next sibling ("4.4" after "4.3") when ``number`` is not it but its last
        digit is one OCR is known to read the expected digit as ("4.5": ๔ read as ๕); otherwise
        ``number`` as read. The caller flags the change with what was read."""
        parent, _, last = number.rpartition(".")
        siblings = [
            int(it.number.rpartition(".")[2])
            for it in self.items
            if it.number.rpartition(".")[0] == parent
        ]
        expected = max(siblings, default=0) + 1
        # only a number that skips ahead: one going back could be a list in the text as well
        if last.isdigit() and int(last) > expected and P.misread_digits(expected, last):
            return f"{parent}.{expected}"
        return number

    def _fits(self, number: str) -> bool:
        """A new number must be new (not one already seen): guards against list text like 3.1."""
        return all(item.number != number for item in self.items)

    def sub_item_title(self, text: str) -> str:
        m = P.DOTTED_NUMBER.match(text) or P.PAREN_LIST.match(text) or DAMAGED_PAREN.match(text)
        assert m
        return (m["title"] if "title" in m.groupdict() else m["rest"]).strip()

    # --- text inside an item ----------------------------------------------------------------------
    def agenda_text(self, para: Paragraph, text: str, nxt: Paragraph | None, i: int) -> int:
        item = self.current
        assert item is not None
        self.content.append((item.number, para))
        if m := P.RESOLUTION_MARKER.match(text):
            self.close_open()
            self.open = _Open("resolution", "", [])
            if m["text"].strip():
                self.open.paras.append(para.tail(m.start("text")))
            return i + 1
        if P.BARE_RESOLUTION.match(text):
            if self.open and self.open.kind == "resolution" and not self.open.paras:
                self.open.paras.append(para)
            else:
                self.close_open()
                self.open = _Open("resolution", "", [para], implicit=True)
            self.close_open()
            return i + 1
        m = INLINE_LABEL.match(text)
        if m and self.is_label(
            m["label"], None, tabbed="\t" in text[m.end("label") : m.start("text")]
        ):
            return self.open_turn(m, para, i)
        m = ABBREVIATED_LABEL.match(text)
        if m and not self.pending_label and self.is_label(m["label"], None):
            # "ประธานสภาฯ ขอให้...": the dash after the label lost or never typed
            return self.open_turn(m, para, i)
        m = P.NARRATIVE_TURN.match(text)
        if m and not self.pending_label and self.is_label(m["label"], None, narrative=True):
            return self.open_turn(m, para, i)  # "ประธานแจ้งว่า ...": reported in the third person
        if looks_like_label(text) and self.is_label(text, nxt):
            self.close_open()
            self.pending_label = (clean_label(text), para)
            return i + 1
        self.track_list(text)
        if self.pending_label:
            label, _ = self.pending_label
            self.pending_label = None
            self.open = _Open("turn", label, [])
        if self.open is None:
            return i + 1  # narrative without a speaker: kept as item content only
        self.open.paras.append(para)
        return i + 1

    def open_turn(self, m: re.Match[str], para: Paragraph, i: int) -> int:
        """Start a speaker turn from a match with a ``label`` and the ``text`` that follows it."""
        self.close_open()
        self.open = _Open("turn", clean_label(m["label"]), [para.tail(m.start("text"))])
        return i + 1

    def is_label(
        self, label: str, nxt: Paragraph | None, tabbed: bool = False, narrative: bool = False
    ) -> bool:
        """Is ``label`` a speaker? A short line or cell that names an office ("ประธานฯ", "ปลัด
        อบต.") or a person ("นายวีระ คงสุข") or an attendee by office; in a column of its own any
        short label is one. A ``narrative`` label (before แจ้งว่า, เสนอ...) must name an office or
        a person outright: the words before a verb are often not a speaker."""
        label = label.strip()
        if not looks_like_label(label):
            return False
        if narrative:
            words = label.split()
            if (
                len(words) > 1
                and not split_prefix(label)[0]
                and not all("." in w for w in words[1:])
            ):
                return False  # more than an office ("ปลัด อบต.") or a person's name
            return bool(
                P.LABEL_OFFICE.match(label)
                or split_prefix(label)[0]
                or find_attendee(label, self.attendees)
            )
        if tabbed or label.endswith("ฯ") or P.LABEL_OFFICE.match(label) or split_prefix(label)[0]:
            return True
        if find_attendee(label, self.attendees):  # speakers are mostly on the attendance list
            return True
        if nxt is None:
            return False
        following = nxt.text.strip()
        return bool(re.match(r"^[-–•]", following)) or bool(self.sub_item_number(following))

    def track_list(self, text: str) -> None:
        m = P.PAREN_LIST.match(text)
        if m:
            self.list_counter = int(m[1])

    def close_open(self) -> None:
        current, self.open = self.open, None
        if current is None or self.current is None:
            return
        item = self.current
        if current.kind == "resolution":
            if not current.paras:
                return
            text = " ".join(p.text.strip() for p in current.paras)
            first, last = current.paras[0], current.paras[-1]
            span = Span(
                first.page,
                first.lines[0],
                last.lines[-1] if last.page == first.page else first.lines[-1],
            )
            item.resolutions.append(ResolutionBlock(text, span, implicit=current.implicit))
            self.list_counter = None
            return
        if not current.paras:
            return
        text = " ".join(_LEADING_BULLET.sub("", p.text.strip()) for p in current.paras)
        first, last = current.paras[0], current.paras[-1]
        span = Span(
            first.page,
            first.lines[0],
            last.lines[-1] if last.page == first.page else first.lines[-1],
        )
        item.turns.append(SpeakerTurn(current.label, SpeakerRole.OTHER, text, span))

    # --- result -----------------------------------------------------------------------------------
    def minutes(self) -> Minutes:
        meeting = parse_header(self.header, ocr=any(p.page in self.ocr_pages for p in self.header))
        meeting = replace(
            meeting,
            start_time=self.start_time or meeting.start_time,
            end_time=self.end_time,
        )
        meeting = replace(
            meeting, flags=meeting.flags + tuple(time_check(meeting.start_time, meeting.end_time))
        )
        meeting = with_signatures(meeting, self.closing)
        items = tuple(_finish(item, self.attendees) for item in self.items)
        return Minutes(meeting, tuple(self.attendees), items, tuple(self.content))


def _finish(item: _Item, attendees: list[Attendee]) -> AgendaItem:
    turns = tuple(replace(t, role=speaker_role(t.speaker, attendees)) for t in item.turns)
    return AgendaItem(
        number=item.number,
        title=item.title,
        source=item.source,
        implied=item.implied,
        flags=item.flags,
        turns=turns,
        resolutions=_drop_displaced(item.resolutions),
    )


def _drop_displaced(blocks: list[ResolutionBlock]) -> tuple[ResolutionBlock, ...]:
    """A มติ marker followed by text with no decision in it and then by another มติ was displaced
    (a label from the left column that landed on the wrong line): drop the first one."""
    decision = re.compile(
        "|".join(
            x.pattern
            for x in (
                P.KIND_ACKNOWLEDGED,
                P.KIND_APPROVED,
                P.KIND_REJECTED,
                P.KIND_ASSIGNED,
                P.KIND_CERTIFIED,
            )
        )
    )
    kept = [b for i, b in enumerate(blocks) if i + 1 == len(blocks) or decision.search(b.text)]
    return tuple(kept)


def segment(doc: Document, paragraphs: list[Paragraph] | None = None) -> Minutes:
    """Segment a normalised document into :class:`Minutes` (``paragraphs``: the document's, when
    the caller has them already)."""
    ocr_pages = frozenset(p.number for p in doc.pages if p.origin == "ocr")
    seg = Segmenter(to_paragraphs(doc) if paragraphs is None else paragraphs, ocr_pages)
    seg.run()
    return seg.minutes()
