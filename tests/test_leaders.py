"""Dot leaders (pipeline/leaders.py): the dots of a signature line, read by Tesseract as digits or
letters, become points; text lines without one are left alone. Lines are drawn with the machine's
Thai fonts."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.digits import thai_font_files
from pipeline.layout import Word
from pipeline.leaders import find_leaders, mark_leaders
from pipeline.model import BBox, Line

pytestmark = pytest.mark.skipif(
    not any(f.name.startswith("Laksaman") for f in thai_font_files()),
    reason="needs fonts-thai-tlwg (make setup installs it)",
)


def _drawn(parts: list[str]) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """``parts`` drawn one after another in Laksaman on a strip of page, with the box of each."""
    path = next(f for f in thai_font_files() if f.name == "Laksaman.ttf")
    font = ImageFont.truetype(str(path), 50)
    image = Image.new("L", (2000, 160), 255)
    draw = ImageDraw.Draw(image)
    x, boxes = 30, []
    for part in parts:
        draw.text((x, 50), part, fill=0, font=font)
        box = draw.textbbox((x, 50), part, font=font)
        boxes.append((part, box))
        x = box[2]
    return image, boxes


def _line(text: str, image: Image.Image) -> Line:
    return Line(1, text, text, BBox(20, 20, image.width - 20, 140), 0.9)


def test_a_signature_lines_dots_are_found_and_what_was_read_over_them_becomes_points():
    image, boxes = _drawn(["(ลงชื่อ)", "." * 20, "ผู้จดรายงานการประชุม"])
    (leader,) = find_leaders(image, BBox(20, 20, 1980, 140))
    assert leader.dots == 20
    # Tesseract read the dots as digits, doubtfully
    (_, sign), (_, dots), (_, role) = boxes
    words = [
        Word("(ลงชื่อ)", sign[0], sign[1], sign[2], sign[3], 0.95),
        Word("๑๑๓", dots[0], dots[1], (dots[0] + dots[2]) // 2, dots[3], 0.30),
        Word("๑๑", (dots[0] + dots[2]) // 2, dots[1], dots[2], dots[3], 0.40),
        Word("ผู้จดรายงานการประชุม", role[0], role[1], role[2], role[3], 0.95),
    ]
    text = "(ลงชื่อ)๑๑๓ ๑๑ผู้จดรายงานการประชุม"
    line, kept = mark_leaders(image, _line(text, image), words)
    assert line.text == "(ลงชื่อ)" + "." * 20 + " ผู้จดรายงานการประชุม"
    assert [w.text for w in kept] == ["(ลงชื่อ)", "." * 20, "ผู้จดรายงานการประชุม"]


@pytest.mark.parametrize(
    "parts",
    [
        ["ที่ประชุมรับทราบ อบต. ฯลฯ ..."],  # points, but fewer than four
        ["ครั้งที่ 3/2566 จำนวน 1,000,000 บาท"],  # digits are no dots
        ["ประกาศ ณ วันที่ ๑๐๐๐๐ ๆ ๆ ๆ ๆ"],
        ["นางสาวสุภาวดี มาลัย", "    ", "ปทุมธานี"],
    ],
)
def test_lines_without_a_leader_have_none(parts):
    image, _ = _drawn(parts)
    assert find_leaders(image, BBox(20, 20, 1980, 140)) == []
    text = "".join(parts)
    words = [Word(text, 30, 50, 1500, 110, 0.3)]  # a doubtful word: the line is looked at
    line = _line(text, image)
    assert mark_leaders(image, line, words) == (line, words)


def test_a_line_of_dots_alone_is_measured_against_the_pages_letters():
    # Tesseract made a "line" of the leader alone, boxed tightly around the dots
    image, boxes = _drawn(["." * 12])
    ((_, box),) = boxes
    ink = image.crop(box).point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink is not None
    tight = BBox(box[0] + ink[0] - 2, box[1] + ink[1] - 2, box[0] + ink[2] + 2, box[1] + ink[3] + 2)
    assert find_leaders(image, tight) == []  # the dots are all the "letters" there are
    (leader,) = find_leaders(image, tight, letters=40)
    assert leader.dots == 12


def test_a_line_tesseract_made_of_a_leader_alone_joins_the_line_beside_it():
    from pipeline.ocr import _join_leader_lines

    leader = Line(1, "." * 36, "." * 36, BBox(462, 1804, 1019, 1832), 0.88)
    role = Line(2, "ผู้ตรวจบันทึกการประชุม", "ผู้ตรวจบันทึกการประชุม", BBox(1027, 1759, 1620, 1848), 0.95)
    name = Line(3, "(นายวิเชียร พรมมา)", "(นายวิเชียร พรมมา)", BBox(323, 1835, 823, 1914), 0.94)
    lines = [(leader, []), (role, []), (name, [])]
    drop: set[int] = set()
    _join_leader_lines(lines, drop)
    assert drop == {0}
    assert lines[1][0].text == "." * 36 + "ผู้ตรวจบันทึกการประชุม"
    assert lines[1][0].bbox == BBox(462, 1759, 1620, 1848)
    assert lines[2][0] is name  # below, not beside
    # the line beside has its points already (read again from the margin): the copy goes
    lines = [(leader, []), (replace_text(role, "ลงชื่อ" + "." * 36 + "ผู้ตรวจ"), [])]
    drop = set()
    _join_leader_lines(lines, drop)
    assert drop == {0} and lines[1][0].text == "ลงชื่อ" + "." * 36 + "ผู้ตรวจ"


def replace_text(line: Line, text: str) -> Line:
    from dataclasses import replace

    return replace(line, text=text, raw_text=text)
