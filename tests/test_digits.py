"""The second reading of Thai digits (pipeline/digits.py), on digits drawn with the machine's Thai
fonts, as Tesseract boxes them (one box a glyph) and misreads them."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from pipeline import digits
from pipeline.digits import read_digit_run, templates, thai_font_files

pytestmark = pytest.mark.skipif(
    not any(f.name.startswith("Laksaman") for f in thai_font_files()),
    reason="needs fonts-thai-tlwg (make setup installs it)",
)


def _font(family: str) -> ImageFont.FreeTypeFont:
    path = next(f for f in thai_font_files() if f.name == f"{family}.ttf")
    return ImageFont.truetype(str(path), 50)  # about 12 pt at 300 dpi


def _page(
    text: str, family: str
) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """A strip of page with ``text`` drawn on it, and a box for each character as Tesseract
    gives them (its own glyph's ink)."""
    font = _font(family)
    image = Image.new("L", (60 + 45 * len(text), 140), 255)
    draw = ImageDraw.Draw(image)
    boxes = []
    x = 30
    for ch in text:
        draw.text((x, 40), ch, fill=0, font=font)
        left, top, right, bottom = draw.textbbox((x, 40), ch, font=font)
        boxes.append((ch, (left, top, right, bottom)))
        x = right + 8
    return image, boxes


def _misread(boxes, wrong: dict[int, str]):
    return [(wrong.get(i, text), box) for i, (text, box) in enumerate(boxes)]


@pytest.mark.parametrize("family", ["Laksaman", "Garuda", "Kinnari", "Loma"])
def test_digits_tesseract_misread_are_read_from_their_shapes(family):
    image, boxes = _page("๑๐๘๒๐/๒๕๖๓", family)
    # Tesseract's usual misreads: ๘ as ๕, ๖ as ๒
    assert read_digit_run(image, _misread(boxes, {2: "๕", 8: "๒"})) == "๑๐๘๒๐/๒๕๖๓"


@pytest.mark.parametrize("family", ["Laksaman", "Kinnari", "Norasi", "Garuda", "Loma"])
def test_on_a_font_the_templates_have_not_seen_the_reading_is_right_or_none(family):
    # a document in a font not installed here (bench/digits_unseen_font.py measures the scans)
    readings = {}
    for number in ("๑๐๘๒๐", "๓๗๐", "๑๒๓", "๖๐๗", "๑๘", "๒๕๖๕"):
        image, boxes = _page(number, family)
        readings[number] = read_digit_run(image, boxes, exclude=frozenset({family}))
        assert readings[number] in (None, number)
    assert any(readings.values())


def test_separators_keep_tesseracts_reading_and_must_line_up():
    image, boxes = _page("๒,๔๐๐.๕๐", "Laksaman")
    assert read_digit_run(image, _misread(boxes, {2: "๕"})) == "๒,๔๐๐.๕๐"
    # a separator Tesseract did not read: the cut and the reading disagree, nothing is said
    assert read_digit_run(image, [b for b in boxes if b[0] != ","]) is None


def test_a_slash_tesseract_missed_is_read_where_the_glyph_is_one_beyond_doubt():
    # ภาคเรียนที่ ๑/๒๕๖๗ read ๑๒๕๐: the slash left out, ๖๗ boxed as one ๐
    image, boxes = _page("๑/๒๕๖๗", "Laksaman")
    six, seven = boxes[4][1], boxes[5][1]
    read = [boxes[0], *boxes[2:4], ("๐", (six[0], six[1], seven[2], seven[3]))]
    assert read_digit_run(image, read) == "๑/๒๕๖๗"
    # a slash Tesseract read in its place is as before; a point it missed is still not read
    assert read_digit_run(image, boxes) == "๑/๒๕๖๗"
    image, boxes = _page("๑.๕๐", "Laksaman")
    assert read_digit_run(image, [b for b in boxes if b[0] != "."]) is None
    # a slash at the run's end, which Tesseract read as another word ("๑!๒๕๐๓"), is not
    image, boxes = _page("/๒๕๖๗", "Laksaman")
    slash, two = boxes[0][1], boxes[1][1]
    read = [("๒", ((slash[0] + slash[2]) // 2, *two[1:])), *boxes[2:]]
    assert read_digit_run(image, read) in (None, "๒๕๖๗")


def test_a_slash_read_as_an_exclamation_mark_inside_a_date_is_read_as_the_slash_it_is():
    from pipeline.ocr import _second_digit_reading

    image = Image.new("L", (1400, 140), 255)
    tokens = [("๑", "๑", 0.97), ("!", "/", 0.8), ("๒๕๐๓", "๒๕๖๗", 0.9)]
    line, words = _line_of(image, tokens)
    assert _second_digit_reading(image, line, words)[0].text == "๑/๒๕๖๗"
    # an exclamation mark after a number is not part of it
    image = Image.new("L", (1400, 140), 255)
    line, words = _line_of(image, [("๕๐", "๕๐", 0.97), ("!", "!", 0.9)])
    assert _second_digit_reading(image, line, words)[0].text == "๕๐!"


def test_a_glyph_like_no_digit_leaves_the_run_as_tesseract_read_it():
    image, boxes = _page("๓๒ก", "Laksaman")
    # Tesseract took the letter for a digit: the run is not re-read
    assert read_digit_run(image, _misread(boxes, {2: "๑"})) is None


def test_no_fonts_no_second_reading(monkeypatch):
    image, boxes = _page("๒๕๖๕", "Laksaman")
    monkeypatch.setattr(digits, "thai_font_files", lambda: [])
    templates.cache_clear()
    try:
        assert read_digit_run(image, boxes) is None
    finally:
        templates.cache_clear()


def test_a_line_gets_the_second_reading_of_its_digit_runs_only():
    from pipeline.layout import Word
    from pipeline.model import BBox, Line
    from pipeline.ocr import _second_digit_reading

    image, boxes = _page("๑๐๘๒๐", "Laksaman")
    wide = Image.new("L", (image.width + 200, image.height), 255)
    wide.paste(image, (200, 0))
    words = [Word("ที่", 20, 40, 90, 105, 0.9)] + [
        Word({2: "๕"}.get(i, text), x0 + 200, y0, x1 + 200, y1, 0.99)
        for i, (text, (x0, y0, x1, y1)) in enumerate(boxes)
    ]
    line = Line(1, "ที่ ๑๐๕๒๐", "ที่ ๑๐๕๒๐", BBox(20, 30, wide.width - 20, 110), 0.95)
    assert _second_digit_reading(wide, line, words)[0].text == "ที่ ๑๐๘๒๐"
    # where the glyphs say what Tesseract said, the line is the same object
    right = [Word("๑๐๘๒๐"[i], w.x0, w.y0, w.x1, w.y1, w.conf) for i, w in enumerate(words[1:])]
    same = Line(1, "ที่ ๑๐๘๒๐", "ที่ ๑๐๘๒๐", line.bbox, 0.95)
    assert _second_digit_reading(wide, same, [words[0], *right])[0] is same


def _line_of(image, tokens, gap=8, space=40):
    """A line whose words are ``tokens`` (text as Tesseract read it, what is drawn, conf),
    drawn left to right in Laksaman, and the words with their boxes. A token read as " " is a
    space in the line's text, with what it gives drawn in it."""
    from pipeline.layout import Word
    from pipeline.model import BBox, Line

    font = _font("Laksaman")
    draw = ImageDraw.Draw(image)
    words, x, texts = [], 30, []
    for read, drawn, conf in tokens:
        if read == " ":  # a space in the text; what is drawn there (a comma...) is no word
            if drawn:
                draw.text((x + 6, 40), drawn, fill=0, font=font)
            x += space
            texts.append(" ")
            continue
        draw.text((x, 40), drawn, fill=0, font=font)
        left, top, right, bottom = draw.textbbox((x, 40), drawn, font=font)
        words.append(Word(read, left, top, right, bottom, conf))
        texts.append(read)
        x = right + gap
    text = "".join(texts)
    return Line(1, text, text, BBox(20, 30, x + 10, 110), 0.9), words


def test_latin_look_alikes_on_a_thai_page_are_read_as_the_thai_digits_they_are():
    from pipeline.ocr import _second_digit_reading

    image = Image.new("L", (900, 140), 255)
    # "lo." for ๒. (a list number), "6" inside ๔๘๕ read by the eng model
    line, words = _line_of(
        image,
        [
            ("l", "๒", 0.5),
            (".", ".", 0.9),
            (" ", "", 1),
            ("๔", "๔", 0.99),
            ("6", "๘", 0.4),
            ("๕", "๕", 0.99),
        ],
    )
    assert _second_digit_reading(image, line, words, thai_page=True)[0].text == "๒. ๔๘๕"
    # on an English page, Latin is Latin
    assert _second_digit_reading(image, line, words, thai_page=False)[0].text == "l. ๔6๕"


def test_a_run_with_bahts_misread_keeps_its_digits_read_and_the_rest_as_it_was():
    from pipeline.ocr import _second_digit_reading

    image = Image.new("L", (900, 140), 255)
    # ๘๒๖ read as ๕๒๒, then บาท read as the doubtful Latin "UM" right after it
    line, words = _line_of(
        image, [("๕", "๘", 0.99), ("๒", "๒", 0.99), ("๒", "๖", 0.99), ("UM", "บาท", 0.4)]
    )
    assert _second_digit_reading(image, line, words)[0].text == "๘๒๖UM"


def test_a_hyphen_tesseract_read_between_digits_is_a_point_where_the_glyph_is_one():
    from pipeline.ocr import _second_digit_reading

    image = Image.new("L", (900, 140), 255)
    # "- ๔.๑" read alone as "- ๕-๑": the ๔ is read from its shape, the point from its place
    line, words = _line_of(
        image, [("-", "-", 0.8), (" ", "", 1), ("๕", "๔", 0.9), ("-", ".", 0.9), ("๑", "๑", 0.9)]
    )
    assert _second_digit_reading(image, line, words)[0].text == "- ๔.๑"
    # a hyphen that is one stays: ๓๐-๕๐ is a range
    image = Image.new("L", (900, 140), 255)
    line, words = _line_of(image, [("๓๐", "๓๐", 0.9), ("-", "-", 0.9), ("๕๐", "๕๐", 0.9)])
    assert _second_digit_reading(image, line, words)[0].text == "๓๐-๕๐"


def test_a_list_number_read_as_latin_before_its_parenthesis_is_read_as_its_digit():
    from pipeline.ocr import _second_digit_reading

    image = Image.new("L", (900, 140), 255)
    # "๔) บริษัท" read as "@) บริษัท", "(๒)" as "(lo)"
    line, words = _line_of(
        image,
        [
            ("@)", "๔)", 0.6),
            (" ", "", 1),
            ("บริษัท", "บริษัท", 0.95),
            (" ", "", 1),
            ("(lo)", "(๒)", 0.5),
        ],
    )
    assert _second_digit_reading(image, line, words)[0].text == "๔) บริษัท (๒)"
    # a parenthesis the glyphs do not show where Tesseract read one: nothing is said
    image = Image.new("L", (900, 140), 255)
    line, words = _line_of(image, [("@)", "๔", 0.6)])
    assert _second_digit_reading(image, line, words)[0].text == "@)"


def test_a_comma_read_as_a_space_is_put_back_where_the_glyphs_show_it():
    from pipeline.ocr import _second_digit_reading

    # ๔๕๖,๗๘๐.๕๐ read as "๔๕๖ ๗๘๐.๕๐": the comma (small in this face) is between the groups
    image = Image.new("L", (1200, 140), 255)
    line, words = _line_of(
        image,
        [("๔๕๖", "๔๕๖", 0.9), (" ", ",", 1), ("๗๘๐.๕๐", "๗๘๐.๕๐", 0.9)],
        space=24,
    )
    assert _second_digit_reading(image, line, words)[0].text == "๔๕๖,๗๘๐.๕๐"
    # a point read as a space, two digits after it: ๑๓.๓๐
    image = Image.new("L", (1200, 140), 255)
    line, words = _line_of(image, [("๑๓", "๑๓", 0.9), (" ", ".", 1), ("๓๐", "๓๐", 0.9)], space=24)
    assert _second_digit_reading(image, line, words)[0].text == "๑๓.๓๐"
    # a space that is a space: each side is read on its own
    image = Image.new("L", (1200, 140), 255)
    line, words = _line_of(
        image, [("๒๕๖๕", "๒๕๖๕", 0.9), (" ", "", 1), ("๓๐", "๓๐", 0.9)], space=24
    )
    assert _second_digit_reading(image, line, words)[0].text == "๒๕๖๕ ๓๐"


def test_thai_letters_in_a_token_with_thai_digits_are_read_from_their_shapes():
    from pipeline.ocr import _second_digit_reading

    # ๗ read as ฒ, ๐ as อ: no Thai word holds a digit, so the token is read glyph by glyph
    image = Image.new("L", (1200, 140), 255)
    line, words = _line_of(
        image,
        [("ฒ", "๗", 0.7), ("๘", "๘", 0.9), ("อ", "๐", 0.6), (" ", "", 1), ("บาท", "บาท", 0.9)],
    )
    assert _second_digit_reading(image, line, words)[0].text == "๗๘๐ บาท"
    # a Thai word beside a number is not: "ที่ ๓" stays as read
    image = Image.new("L", (1200, 140), 255)
    line, words = _line_of(image, [("ที่", "ที่", 0.9), (" ", "", 1), ("๓", "๓", 0.9)])
    assert _second_digit_reading(image, line, words)[0].text == "ที่ ๓"


def test_letters_tesseract_doubts_where_a_day_stands_before_a_month_are_read_as_digits():
    from pipeline.ocr import _second_digit_reading

    # ๑๗ read as ว ฒ (0.81, 0.23) before กันยายน
    image = Image.new("L", (1400, 140), 255)
    tokens = [("ที่", "ที่", 0.93), (" ", "", 1), ("ว", "๑", 0.81), ("ฒ", "๗", 0.23)]
    line, words = _line_of(image, [*tokens, (" ", "", 1), ("กันยายน", "กันยายน", 0.93)])
    assert _second_digit_reading(image, line, words)[0].text == "ที่ ๑๗ กันยายน"
    # ๓๐ read as Latin "mo" (0.95) before a month whose marks OCR garbled
    image = Image.new("L", (1400, 140), 255)
    line, words = _line_of(image, [("mo", "๓๐", 0.95), (" ", "", 1), ("ก้นยายน", "กันยายน", 0.9)])
    assert _second_digit_reading(image, line, words)[0].text == "๓๐ ก้นยายน"
    # a short word before a month, which Tesseract doubts, but whose glyphs are letters, stays
    image = Image.new("L", (1400, 140), 255)
    line, words = _line_of(image, [("ณ", "ณ", 0.5), (" ", "", 1), ("กันยายน", "กันยายน", 0.93)])
    assert _second_digit_reading(image, line, words)[0].text == "ณ กันยายน"
    # nor is a token read as letters before something other than a month
    image = Image.new("L", (1400, 140), 255)
    line, words = _line_of(image, [*tokens, (" ", "", 1), ("คน", "คน", 0.93)])
    assert _second_digit_reading(image, line, words)[0].text == "ที่ วฒ คน"


@pytest.mark.parametrize(
    ("read", "drawn", "thai_numbers", "expected"),
    [
        # on a page that writes its numbers in Thai digits, a list number read otherwise
        ("9.9", "๑.๑", True, "๑.๑"),
        ("อ.", "๖.", True, "๖."),
        # on a page whose numbers are Arabic, an Arabic list number is as written
        ("9.9", "๑.๑", False, "9.9"),
        # a letter with a point (จ. for จังหวัด) does not read as a digit
        ("จ.", "จ.", True, "จ."),
    ],
)
def test_a_list_number_at_a_line_start_is_read_as_the_thai_digits_the_page_writes(
    read, drawn, thai_numbers, expected
):
    from pipeline.ocr import _second_digit_reading

    image = Image.new("L", (1400, 140), 255)
    line, words = _line_of(image, [(read, drawn, 0.93), (" ", "", 1), ("นโยบาย", "นโยบาย", 0.95)])
    second = _second_digit_reading(image, line, words, thai_numbers=thai_numbers)[0]
    assert second.text == f"{expected} นโยบาย"


def test_a_page_number_between_dashes_is_read_as_the_thai_digits_the_page_writes():
    from pipeline.ocr import _second_digit_reading

    # - ๒ - read as - ไต - at the top of a page
    image = Image.new("L", (1400, 140), 255)
    tokens = [("-", "-", 0.9), (" ", "", 1), ("ไต", "๒", 0.8), (" ", "", 1), ("-", "-", 0.9)]
    line, words = _line_of(image, tokens)
    assert _second_digit_reading(image, line, words, thai_numbers=True)[0].text == "- ๒ -"
    assert _second_digit_reading(image, line, words, thai_numbers=False)[0].text == "- ไต -"
    # - ๓ - read as "=o =": the first dash inside the word, read doubled
    image = Image.new("L", (1400, 140), 255)
    tokens = [("=o", "- ๓", 0.29), (" ", "", 1), ("=", "-", 0.72)]
    line, words = _line_of(image, tokens)
    assert _second_digit_reading(image, line, words, thai_numbers=True)[0].text == "-๓ ="


def test_a_digit_the_fonts_cannot_tell_apart_is_read_where_the_page_own_digits_confirm_it(
    monkeypatch,
):
    from pipeline.digits import PageDigits

    page = PageDigits()
    # the page's certain digits teach it its face
    image, boxes = _page("๑๒๓๔๕๖", "Kinnari")
    assert read_digit_run(image, boxes, page=page) == "๑๒๓๔๕๖"
    assert sorted(page.labels) == sorted("๑๒๓๔๕๖")
    # now the fonts are unsure of every glyph (a ๔ nearly as like a ๕ in every face)
    ranked = digits._ranked

    def unsure(vectors, labels, shape):
        digit, likeness, _ = ranked(vectors, labels, shape)
        return digit, likeness, 0.01

    monkeypatch.setattr(digits, "_ranked", unsure)
    image, boxes = _page("๔๘๕", "Kinnari")
    assert read_digit_run(image, _misread(boxes, {0: "๕"})) is None
    # the page knows ๔ and ๕ but not ๘: nothing is said
    assert (
        read_digit_run(
            image, _misread(boxes, {0: "๕"}), page=PageDigits(page.shapes[:], page.labels[:])
        )
        is None
    )
    image, boxes = _page("๕๔๑", "Kinnari")
    assert read_digit_run(image, _misread(boxes, {0: "๔", 1: "๕"}), page=page) == "๕๔๑"
    # a page in another face confirms nothing
    other = PageDigits()
    monkeypatch.setattr(digits, "_ranked", ranked)
    image, boxes = _page("๑๒๓๔๕๖", "Laksaman")
    assert read_digit_run(image, boxes, page=other) == "๑๒๓๔๕๖"
    monkeypatch.setattr(digits, "_ranked", unsure)
    image, boxes = _page("๕๔๑", "Purisa")
    assert read_digit_run(image, boxes, page=other) is None


def test_a_doubted_number_in_arabic_digits_on_a_thai_page_may_be_thai_digits():
    from pipeline.layout import Word
    from pipeline.ocr import _digit_lookalike

    # ๓๐,๐๐๐ read by the eng model as 0,000 (the ๓ lost) with 0.64
    assert _digit_lookalike(Word("0,000", 0, 0, 200, 40, 0.64))
    assert _digit_lookalike(Word("12.50", 0, 0, 200, 40, 0.70))
    # Arabic digits Tesseract is sure of are Arabic digits
    assert not _digit_lookalike(Word("30,000", 0, 0, 200, 40, 0.95))
    assert not _digit_lookalike(Word("Action", 0, 0, 200, 40, 0.50))


def _touching(first: str, second: str):
    """``first`` and ``second`` drawn in Laksaman overlapping (no blank column between them),
    and the box of the two."""
    font = _font("Laksaman")
    image = Image.new("L", (300, 140), 255)
    draw = ImageDraw.Draw(image)
    draw.text((30, 40), first, fill=0, font=font)
    left, top, right, bottom = draw.textbbox((30, 40), first, font=font)
    draw.text((right - 3, 40), second, fill=0, font=font)
    end = draw.textbbox((right - 3, 40), second, font=font)[2]
    return image, (left, top, end, bottom)


def test_glyphs_that_touch_are_cut_apart_where_both_sides_read():
    import numpy as np

    # ๔) touching, boxed by Tesseract as one "๕" (a photo of a list number)
    image, box = _touching("๔", ")")
    inked = np.nonzero((np.asarray(image) < 128).any(axis=0))[0]
    assert inked[-1] - inked[0] + 1 == len(inked)  # one piece of ink
    assert read_digit_run(image, [("๕", box)]) == "๔)"
    # a letter touching a digit reads as neither: nothing is said
    image, box = _touching("๔", "ก")
    assert read_digit_run(image, [("๕", box)]) is None


def test_a_word_mixing_thai_digits_with_latin_ones_joins_the_run_it_stands_in():
    from pipeline.layout import Word
    from pipeline.ocr import _digit_runs

    # ๔๘๕,๒๐๐ read as ๕ 6๕ ๕, ๒ ๐ ๐: the 6๕ is Thai digits the eng model took in part
    words = [
        Word("๕", 968, 0, 1004, 44, 0.91),
        Word("6๕", 1010, 0, 1044, 44, 0.53),
        Word("๕,", 1049, 0, 1110, 44, 0.84),
        Word("๒๐๐", 1109, 0, 1210, 44, 0.96),
        Word("บาท", 1248, 0, 1330, 44, 0.93),
    ]
    assert [[w.text for w in run] for run in _digit_runs(words, 44, thai_page=True)] == [
        ["๕", "6๕", "๕,", "๒๐๐"]
    ]
    # a page of English: left as read
    assert [[w.text for w in r] for r in _digit_runs(words, 44, thai_page=False)] == [
        ["๕"],
        ["๕,", "๒๐๐"],
    ]


def _sample_page(path: str, index: int) -> Image.Image:
    """A page of a sample's scan as the OCR stage hands it to Tesseract (rendered, prepared)."""
    from pathlib import Path

    from pipeline.config import OcrConfig
    from pipeline.ingest import locate_page, plan_document
    from pipeline.preprocess import prepare

    config = OcrConfig()
    page = locate_page(plan_document(Path("samples") / path, config), index, config)
    return prepare(page.render(), config.deskew, config.even_light)[0]


def test_a_face_whose_five_runs_into_the_next_digit_and_a_slash_written_twice_are_read():
    # the cooperative's scan is set in Sawasdee, whose ๕ ends in a tail that touches a ๖ after
    # it: Tesseract read ๒๕๖๕ as ๒๕๐๕, and a speck above the junction hid it from the cut;
    # Tesseract's boxes (x0, y0, x1, y1) as it gave them for the page
    image = _sample_page("coop_lampang_2565/source/minutes-scan.pdf", 0)
    year = [
        ("๒", (1493, 540, 1516, 580)),
        ("๕", (1525, 540, 1562, 581)),
        ("๐", (1561, 517, 1598, 600)),
        ("๕", (1606, 540, 1646, 580)),
    ]
    assert read_digit_run(image, year) == "๒๕๖๕"
    # ครั้งที่ ๗/๒๕๖๕ read as ข//๒๕๐๕: the slash written twice is one
    number = [
        ("ข", (1387, 462, 1392, 503)),
        ("//", (1402, 439, 1445, 522)),
        ("๒", (1444, 462, 1467, 502)),
        ("๕", (1475, 462, 1517, 503)),
        ("๐", (1517, 439, 1549, 522)),
        ("๕", (1558, 462, 1598, 503)),
    ]
    assert read_digit_run(image, number) == "๗/๒๕๖๕"


@given(st.lists(st.booleans(), max_size=40))
def test_the_runs_of_flags_are_each_true_stretch_whole(flags: list[bool]):
    """``true_runs`` gives every stretch of true flags once, whole, in order: filling the runs
    in gives the flags back, and no run touches the next (they would be one)."""
    runs = digits.true_runs(np.array(flags, dtype=bool))
    filled = [False] * len(flags)
    for start, after in runs:
        assert start < after
        filled[start:after] = [True] * (after - start)
    assert filled == flags
    assert all(a_after < b_start for (_, a_after), (b_start, _) in pairwise(runs))
    assert digits.true_runs(flags) == runs  # a list of flags as well as an array


def test_a_glyph_is_ranked_by_its_best_template_of_each_character():
    """Each character scores its best template; the winner's margin is over the next
    character, not over its own second-best template."""
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    shape = np.array([1, 0.05, 0], dtype=np.float32)
    shape /= np.linalg.norm(shape)
    digit, likeness, margin = digits._ranked(vectors, "๑๑๒๓", shape)
    assert digit == "๑"
    assert likeness == pytest.approx(float(vectors[0] @ shape))
    assert margin == pytest.approx(float(vectors[0] @ shape - vectors[2] @ shape))
