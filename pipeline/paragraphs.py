"""Merge wrapped lines back into logical lines (paragraphs), keeping each line's offset.

A plain-text line is a paragraph. On a PDF or scanned page a line that reaches the right margin
continues on the next line unless that next line starts something new (a bullet, a number, a
marker) or a blank-line gap separates them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from statistics import median

from extractors.attendees import heading_status, position_like, split_prefix
from pipeline.layout import NUMBERED
from pipeline.model import Document, Line, Paragraph

#: A line that starts a new paragraph whatever the geometry says. A number with a point and
#: digits after it is not a list number: "264.000 บาท" (OCR read the comma as a point) wraps.
STARTS_NEW = re.compile(
    r"^(?:[-–•*·]|\(?\d{1,3}(?:\.\d{1,2})*\s*[.)](?!\d)|\d{1,2}\.\d|ระเบียบวาระ|วาระที|มติ|\(?ลงชื่อ"
    r"|ที่?ประชุม\s*[:：\-–]"  # the meeting as a label: "ที่ประชุม : รับทราบ"
    r"|ที่?ประชุม(?:มีมติ|พิจารณา|รับทราบ|เห็นชอบ|อนุมัติ)"  # a decision: "ที่ประชุมมีมติ..."
    r"|\S{1,3}[.)]\s"  # a list number OCR misread ("cn. นายพงษ์เทพ" for ๓.)
    # a turn reported in the third person: an office, then what it said ("ประธานแจ้งว่า ...")
    r"|(?:ประธาน|รองประธาน|เลขานุการ|ฝ่ายเลขา|คณบดี|รองคณบดี|ผู้อำนวยการ|ผู้จัดการ|นายก|ปลัด"
    r"|หัวหน้า|เหรัญญิก)\S{0,40}?(?:แจ้ง|นำเสนอ|เสนอ|ชี้แจง|รายงาน)\S{0,12}?ว่า)"
)
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def starts_new(text: str) -> bool:
    """Does a line with this text start a paragraph whatever the geometry says
    (:data:`STARTS_NEW`)? So does a name in brackets, a signatory's under a signature
    ("(นางสาวสุภาวดี มาลัย)"); other brackets may close a wrapped title ("4.1 ขออนุมัติปรับปรุง
    หลักสูตร..." / "(หลักสูตรปรับปรุง พ.ศ. 2567)")."""
    if STARTS_NEW.match(text):
        return True
    return text.startswith("(") and split_prefix(text[1:])[0] is not None


def joiner(left: str, right: str) -> str:
    """Thai wraps between words without a space; anything else was a space."""
    if left and right and _THAI.match(left[-1]) and _THAI.match(right[0]):
        return ""
    return " "


def _wraps(group: list[Line], line: Line, left: float, right: float, line_height: float) -> bool:
    """Does ``line`` continue the paragraph in ``group``? Either the last line reached the right
    margin (a wrapped paragraph), or the paragraph is a table row (it has column gaps) and
    ``line`` sits in a later column (a wrapped cell)."""
    prev = group[-1]
    assert prev.bbox and line.bbox
    width = right - left
    close = line.bbox.y0 - prev.bbox.y1 < 0.6 * line_height
    if not close or starts_new(line.text) or heading_status(line.text) is not None:
        return False  # an attendance heading ("ผู้มาประชุม") after a line that reached the margin
    indent, shortfall = prev.bbox.x0 - left, right - prev.bbox.x1
    # a centred line (a title) has wide margins on both sides; a first line indented by a tab
    # that fills the width to within a word is the start of a wrapped paragraph
    centred = indent > 0.08 * width and abs(indent - shortfall) < 0.05 * width
    row = group[0]
    if "\t" in row.text:  # a table row continues only inside its cells, right of the row number
        # A numbered row's first cell may wrap under its number, with later cells beside it.
        # Any row's first cell may wrap when its text filled the cell (a long label).
        under_number = bool(NUMBERED.match(row.text)) and "\t" in line.text
        wrapped_first = (
            _first_cell_wrapped(row, line, line_height)
            if "\t" in line.text
            else _only_first_cell_wrapped(row, line)
            and all("\t" in ln.text for ln in group[1:])  # a name wraps once
        )
        return (
            under_number
            or wrapped_first
            or line.bbox.x0 > (row.words[0][1] if row.words else left + 0.2 * width)
        )
    if "\t" in line.text:  # a row of cells does not continue a plain paragraph
        return False
    return _reaches_margin(prev, left, right) and not centred and not _centred_pair(prev, line)


#: A line that ends this share of the text's width short of the right margin, or nearer, reached
#: it: the next word did not fit, so the paragraph wraps.
WRAP_SHORTFALL = 0.12


def _reaches_margin(line: Line, left: float, right: float) -> bool:
    assert line.bbox
    return right - line.bbox.x1 <= WRAP_SHORTFALL * (right - left)


def _centred_pair(prev: Line, line: Line) -> bool:
    """Is ``line`` centred under ``prev``, as the lines of a heading are (a long title, then the
    rest of the body's name, the meeting number, the date, the venue), each its own line? It is
    set in from both of ``prev``'s ends by the same amount, well over a line's height: a title
    that spans the text's width seems to reach the right margin, but does not run on into the
    line centred under it. A wrapped paragraph's next line begins where it does, or under a list
    number, and a last line ends where its text does."""
    assert prev.bbox and line.bbox
    height = prev.bbox.height or 1
    inset_left, inset_right = line.bbox.x0 - prev.bbox.x0, prev.bbox.x1 - line.bbox.x1
    return inset_left > 1.5 * height and abs(inset_left - inset_right) < 0.5 * height


def _label_line(line: Line, nxt: Line | None, left: float, right: float) -> bool:
    """Is ``line`` a speaker's label on a line of its own (a person's name, or a label ending in
    ฯ), with the speech indented on the next line? Such a line starts a paragraph even after a
    line that reached the margin ("... ไม่มีการแปรญัตติ" / "นายเกียรติศักดิ์ บุญประเสริฐ" / indented
    speech)."""
    if nxt is None or not line.bbox or not nxt.bbox:
        return False
    height = line.bbox.height or 1
    indented = nxt.bbox.x0 - left >= 0.5 * height and nxt.bbox.x0 > line.bbox.x0 + 0.5 * height
    short = right - line.bbox.x1 > 0.3 * (right - left)
    text = line.text.strip()
    if not (indented and short) or "\t" in text or any(ch.isdigit() for ch in text):
        return False
    prefix, rest = split_prefix(text)
    return bool(prefix and 1 <= len(rest.split()) <= 2) or (
        text.endswith("ฯ") and len(text.split()) <= 3
    )


#: What opens a speech after its label: a dash, or the colon OCR often reads a dash as.
_OPENERS = ("-", "–", ":", "：")


def _first_cell_wrapped(row: Line, line: Line, line_height: float) -> bool:
    """Is ``line`` (cells starting at the left edge) the wrap of ``row``'s first cell rather than a
    new row? The row's first cell must nearly reach its second (the next word did not fit), and
    where the row's second cell opens with a dash (or colon), as every new row would, the line's
    must not."""
    first_cell = row.text.split("\t", 1)[0].split()
    if (
        not first_cell
        or len(row.words) != len(row.text.split())
        or len(row.words) <= len(first_cell)
    ):
        return False
    end, next_start = row.words[len(first_cell) - 1][1], row.words[len(first_cell)][0]
    row_second, line_second = (
        row.text.split("\t", 1)[1].lstrip(),
        line.text.split("\t", 1)[1].lstrip(),
    )
    if row_second.startswith(_OPENERS):
        return not line_second.startswith(_OPENERS) and next_start - end < 3.5 * line_height
    return next_start - end < 1.2 * line_height


def _only_first_cell_wrapped(row: Line, line: Line) -> bool:
    """Is ``line`` (no cells of its own) the wrap of ``row``'s first cell alone, as a surname
    wrapped under its row ("1. รศ.ดร.ประภาพร<tab>ผู้ทรงคุณวุฒิ" / "เรืองศรี")? It must lie within the
    first column, and its first word must not have fitted between the first cell's last word and
    the second cell: a word goes to the next line only when it does not fit. Like a name, it is
    at most two words and has no digits (not "เปิดประชุมเวลา 09.30 น." after the table)."""
    first_cell = row.text.split("\t", 1)[0].split()
    words = line.text.split()
    if (
        not first_cell
        or not 1 <= len(words) <= 2
        or any(ch.isdigit() for ch in line.text)
        or not line.bbox
        or not row.bbox
        or len(row.words) != len(row.text.split())
        or len(row.words) <= len(first_cell)
        or len(line.words) != len(words)
    ):
        return False
    end, next_start = row.words[len(first_cell) - 1][1], row.words[len(first_cell)][0]
    height = row.bbox.height or 1
    within = line.bbox.x0 < row.bbox.x0 + 0.5 * height and line.bbox.x1 < next_start
    first_word = line.words[0][1] - line.words[0][0]
    return within and first_word > next_start - end - 0.5 * height


def paragraphs(doc: Document) -> list[Paragraph]:
    """The document's content as paragraphs, furniture and blank lines left out. A page's first
    paragraph that carries on the previous page's last is marked (:func:`_carries_on`)."""
    out: list[Paragraph] = []
    # the last line of the page before, whether it reached that page's right margin, its left
    last: tuple[Line, bool, float] | None = None
    for page in doc.pages:
        body = [ln for ln in page.lines if not ln.furniture and ln.text.strip()]
        if not body:
            continue
        boxed = all(ln.bbox is not None for ln in body)
        if boxed:
            xs1 = sorted(ln.bbox.x1 for ln in body)  # type: ignore[union-attr]
            xs0 = sorted(ln.bbox.x0 for ln in body)  # type: ignore[union-attr]
            right = xs1[int(0.98 * (len(xs1) - 1))]  # the right margin: the longest lines
            left = xs0[int(0.1 * (len(xs0) - 1))]
            line_height = median(ln.bbox.height for ln in body) or 1.0  # type: ignore[union-attr]
            carries = last is not None and _carries_on(last, body[0], left, line_height)
            last = (body[-1], _reaches_margin(body[-1], left, right), left)
        else:
            carries, last = False, None
        first_on_page = len(out)
        group: list[Line] = []
        for k, line in enumerate(body):
            if (
                group
                and boxed
                and _wraps(group, line, left, right, line_height)
                and not _label_line(line, body[k + 1] if k + 1 < len(body) else None, left, right)
            ):
                group.append(line)
                continue
            if group:
                out.append(_merge(page.number, group))
            group = [line]
        out.append(_merge(page.number, group))
        if carries:
            out[first_on_page] = replace(out[first_on_page], continues=True)
    return out


def _carries_on(
    last: tuple[Line, bool, float], first: Line, left: float, line_height: float
) -> bool:
    """Does a page's first line carry on the previous page's last line, a sentence the page
    break cut ("4.3 การบูรณาการ ... 3 กลุ่มงาน" / "ได้แก่ ด้านเกษตร ...")? The last line reached its
    page's right margin, as a wrapped line does, and is no table row; the first line begins at
    the left margin (a new paragraph is indented or opens with a number, a bullet or a marker)
    and starts nothing new (:func:`starts_new`, an attendance heading). The margin is the
    nearer of both pages' (a page of one short line has no margin of its own)."""
    line, reached, left_before = last
    assert first.bbox
    return (
        reached
        and "\t" not in line.text
        and "\t" not in first.text
        and first.bbox.x0 - min(left, left_before) < 0.5 * line_height
        and not starts_new(first.text)
        and heading_status(first.text) is None
    )


def reading_text(doc: Document, paras: list[Paragraph]) -> str:
    """The document's normalised text in reading order, furniture left out, pages separated by a
    form feed: every line as it is, except a table row whose cells wrapped onto the lines below
    it, which is written as one line with each cell whole ("1. นพ.ธนวัฒน์ ศรีสุข<tab>ผู้อำนวยการ
    โรงพยาบาลนาดี<tab>ประธาน", not the row followed by "การ", "โรงพยาบาล", "นาดี").
    ``paras`` are the document's :func:`paragraphs`."""
    by_page: dict[int, list[Paragraph]] = {}
    for para in paras:
        by_page.setdefault(para.page, []).append(para)
    pages = []
    for page in doc.pages:
        text = {ln.number: ln.text for ln in page.lines}
        out: list[str] = []
        for para in by_page.get(page.number, []):
            numbers = para.lines
            if len(numbers) > 1 and "\t" in para.text:
                out.append(para.text)
            else:
                out.extend(text[n] for n in numbers)
        pages.append("\n".join(out))
    return "\f".join(pages) + "\n"


def _surname_wraps(cells: list[list[str]]) -> bool:
    """Does what wraps under a row's first cell begin a new word, the surname? So where the cell
    holds a given name alone ("1. รศ.ดร.ประภาพร" / "เรืองศรี") and the next cell is a position,
    not a surname. Thai wraps inside words too, so elsewhere the pieces join as Thai does: a
    surname broken in a narrow column ("นางสาวอรอุมา ศรี" / "วงศ์"), or a given name beside its
    surname ("นางสาวนวล" / "ประภัสสร", then "พละศิลป์")."""
    if len(cells) < 2:
        return False
    first = [t for t in cells[0] if not NUMBERED.match(t)]
    prefix, rest = split_prefix(" ".join(first))
    return bool(prefix) and len(rest.split()) == 1 and position_like(" ".join(cells[1]))


def _merge(page: int, lines: list[Line]) -> Paragraph:
    """Join a group's lines: a wrapped paragraph end to end; in a table row (tab-separated cells),
    each continuation token goes to the end of the cell it sits under."""
    first = lines[0]
    tokens = first.text.split()
    if len(lines) > 1 and "\t" in first.text and len(first.words) == len(tokens):
        cells = [cell.split() for cell in first.text.split("\t")]
        starts, i = [], 0
        for cell in cells:
            starts.append(first.words[i][0] if cell else 0)
            i += len(cell)
        # each cell's pieces: (text, line number, joined by a space rather than as Thai wraps)
        pieces: list[list[tuple[str, int, bool]]] = [
            [(" ".join(cell), first.number, False)] for cell in cells
        ]
        surname_wraps = _surname_wraps(cells)
        slack = 0.5 * first.bbox.height if first.bbox else 10
        for line in lines[1:]:
            assert line.bbox
            words = line.text.split()
            boxes = (
                line.words
                if len(line.words) == len(words)
                else [(line.bbox.x0, line.bbox.x1)] * len(words)
            )
            for word, (x0, _) in zip(words, boxes, strict=True):
                # the cell it sits under; OCR's boxes of a column's words wander by a few pixels
                k = max((j for j, cx0 in enumerate(starts) if cx0 <= x0 + slack), default=0)
                if pieces[k][-1][1] == line.number:  # same line, same cell: keep its space
                    text, number, spaced = pieces[k][-1]
                    pieces[k][-1] = (f"{text} {word}", number, spaced)
                else:  # a surname that wrapped begins a word: see _surname_wraps
                    pieces[k].append((word, line.number, k == 0 and surname_wraps))
        seps = ["\t"] * (len(cells) - 1)
    else:
        pieces = [[(ln.text.strip(), ln.number, False)] for ln in lines]
        seps = [""] * (len(lines) - 1)  # decided by joiner
    text = ""
    segments: list[tuple[int, int, int]] = []
    for i, group in enumerate(pieces):
        if i:
            text += seps[i - 1] or joiner(text, group[0][0])
        for j, (piece, number, spaced) in enumerate(group):
            if j:
                text += " " if spaced else joiner(text, piece)
            segments.append((len(text), len(text) + len(piece), number))
            text += piece
    return Paragraph(text, page, tuple(segments))
