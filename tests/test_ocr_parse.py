"""Parsing of Tesseract output and PDF text layers, without running any engine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.layout import Word, chars_to_lines
from pipeline.model import BBox, Line, Page
from pipeline.ocr import annotate_lines, find_mark_lines, lines_to_tsv, parse_tesseract_tsv

HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


def tsv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


PAGE = tsv(
    "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
    "4\t1\t1\t1\t1\t0\t300\t400\t900\t80\t-1\t",
    "5\t1\t1\t1\t1\t1\t300\t400\t200\t80\t96.5\tระเบียบ",
    "5\t1\t1\t1\t1\t2\t505\t400\t150\t80\t95.5\tวาระ",
    "5\t1\t1\t1\t1\t3\t662\t400\t100\t80\t90\tที่",
    "5\t1\t1\t1\t1\t4\t800\t400\t40\t80\t91\t๑",
    "4\t1\t1\t1\t2\t0\t300\t520\t300\t80\t-1\t",
    "5\t1\t1\t1\t2\t1\t300\t520\t300\t80\t93\tรับทราบ",
)


def test_words_are_joined_by_their_gaps():
    page = parse_tesseract_tsv(PAGE, 1)
    assert (page.width, page.height) == (2480, 3508)
    assert [ln.text for ln in page.lines] == ["ระเบียบวาระที่ ๑", "รับทราบ"]
    first = page.lines[0]
    assert first.bbox == BBox(300, 400, 840, 480)
    assert abs(first.confidence - 0.9325) < 1e-6


def test_text_output_gives_line_text():
    annotated = annotate_lines(PAGE, "ระเบียบวาระที่ ๑\n\nรับทราบ\n")
    assert [ln.text for ln in parse_tesseract_tsv(annotated, 1).lines] == [
        "ระเบียบวาระที่ ๑",
        "รับทราบ",
    ]
    # a text output that does not line up with the TSV is ignored
    assert annotate_lines(PAGE, "one line only\n") == PAGE


def test_frozen_lines_round_trip_with_page_numbers():
    page = parse_tesseract_tsv(PAGE, 1)
    frozen = lines_to_tsv(page, 7)
    again = parse_tesseract_tsv(frozen, 7)
    assert [(ln.text, ln.bbox, ln.confidence) for ln in again.lines] == [
        (ln.text, ln.bbox, ln.confidence) for ln in page.lines
    ]


def test_missing_page_is_an_error():
    import pytest

    from pipeline.errors import OcrError

    with pytest.raises(OcrError):
        parse_tesseract_tsv(PAGE, 2)


def _line(n, text, box, conf=0.95):
    return Line(n, text, text, BBox(*box), conf)


def test_split_off_marks_are_found():
    page = Page(
        1,
        2480,
        3508,
        "ocr",
        (
            _line(1, "เริ่มประชุมเวลา 09.00 น.", (320, 700, 1300, 790)),
            _line(2, "aA al a ข”ๆ1บจ่", (406, 829, 1297, 879), 0.72),  # the marks of the next line
            _line(3, "ระเบียบวาระที 1 เรือง ประธานแจ้งให้ทีประชุมทราบ", (318, 843, 1615, 925)),
            _line(
                4, "รายงานการประชุม", (1040, 1000, 1500, 1054)
            ),  # a short real line touching the next
            _line(5, "กลไกขับเคลื่อนการพัฒนาเศรษฐกิจ", (364, 1053, 2175, 1157)),
        ),
    )
    assert find_mark_lines(page) == [(1, 2)]


def _char(text, x0, x1, bottom=120.0, size=15.0):
    return {
        "text": text,
        "x0": x0,
        "x1": x1,
        "top": bottom - size,
        "bottom": bottom,
        "size": size,
        "upright": True,
    }


def test_pdf_chars_keep_thai_marks_with_their_base():
    # "ที่ 1" as a Thai PDF lays it out: the marks have no width and sit left of the next base
    chars = [
        _char("ท", 100, 108),
        _char("ี", 107.5, 107.5),
        _char("่", 107.0, 107.0),
        _char(" ", 108, 112),
        _char("1", 112, 119),
        _char("ก", 200, 208),
    ]
    (line,) = chars_to_lines(chars)
    assert line.text == "ที่ 1\tก"


def _word(text, x0, bottom=120.0, width=8.0):
    """The characters of ``text`` from ``x0``: a base character ``width`` wide, a mark none."""
    import unicodedata

    out, x = [], x0
    for ch in text:
        step = 0 if unicodedata.category(ch) == "Mn" else width
        out.append(_char(ch, x, x + step, bottom))
        x += step
    return out


def test_a_table_cell_that_wrapped_ends_its_column_even_with_a_narrow_gap():
    # a table row as a word processor writes it, cell by cell: the name cell wraps onto the next
    # line ("มีทรัพย์"), then the position cell starts on the first line, one space's width on
    chars = [
        *_word("นางสาวชลธิชา", 100),
        *_word("มีทรัพย์", 100, bottom=140.0),
        *_word("นักวิชาการพัสดุ", 100 + 11 * 8 + 6),
    ]
    first, second = chars_to_lines(chars)
    assert first.text == "นางสาวชลธิชา\tนักวิชาการพัสดุ"
    assert second.text == "มีทรัพย์"


def test_lines_written_one_after_the_other_are_not_cut_into_cells():
    chars = [
        *_word("ที่ประชุม", 100),
        *_word("รับทราบ", 100 + 7 * 8 + 6),
        *_word("ประธานแจ้ง", 100, bottom=140.0),
        *_word("ว่า", 100 + 9 * 8 + 6, bottom=140.0),
    ]
    first, second = chars_to_lines(chars)
    assert first.text == "ที่ประชุม รับทราบ" and second.text == "ประธานแจ้ง ว่า"


def _paragraphs(*lines: Line) -> list[str]:
    """The paragraphs of an OCR'd A4 page (300 dpi) holding ``lines``."""
    from pipeline.model import Document
    from pipeline.paragraphs import paragraphs

    page = Page(1, 2480, 3508, "ocr", lines)
    return [p.text for p in paragraphs(Document("d", "d.pdf", "scanned_pdf", (page,)))]


def test_a_label_row_whose_dash_was_read_as_a_colon_is_a_new_row():
    def row(n, text, y, words):
        return Line(
            n, text, text, BBox(300, y, max(x1 for _, x1 in words), y + 60), 0.9, words=words
        )

    speech = row(
        1,
        "นายก อบต.\t- ขอโอนงบประมาณ จำนวน 350,000 บาท",
        1000,
        ((300, 400), (420, 560), (700, 730), (750, 1100), (1120, 1250), (1270, 1500), (1520, 1600)),
    )
    # the next speaker's label, its dash read as ":" by OCR, 10 px below
    reply = row(2, "ผู้อำนวยการกอง\t: ตั้งจ่ายจากแผนงาน", 1070, ((300, 640), (700, 730), (750, 1500)))
    assert [text.split("\t")[0] for text in _paragraphs(speech, reply)] == [
        "นายก อบต.",
        "ผู้อำนวยการกอง",
    ]


def test_speaker_labels_lose_ocr_specks():
    from pipeline.segment import clean_label

    assert clean_label("ประธานสภาฯ . ") == "ประธานสภาฯ"
    assert clean_label("' ปลัด อบต. :") == "ปลัด อบต."
    assert clean_label("นายก อบต.") == "นายก อบต."


def test_speaker_labels_keep_their_digits():
    from pipeline.segment import clean_label

    assert clean_label("ส.อบต. หมู่ 5 '") == "ส.อบต. หมู่ 5"


def test_an_attendance_heading_after_a_line_that_reached_the_margin_starts_anew():
    venue = _line(1, "ณ ห้องประชุมสภาเทศบาลตำบลท่าข้าม อำเภอเมือง จังหวัดสงขลา", (300, 900, 2200, 960))
    heading = _line(2, "ผู้มาประชุม", (300, 975, 640, 1035))
    first = _line(3, "1. นายประเสริฐ ทองคำ ประธานสภาเทศบาล", (300, 1050, 1500, 1110))
    assert _paragraphs(venue, heading, first)[1] == "ผู้มาประชุม"


def test_ocr_specks_before_a_word_and_after_a_heading_are_dropped():
    from extractors.attendees import heading_status
    from pipeline.normalize import drop_specks

    assert drop_specks("2. นางวิไลวรรณ .จันทร์หอม 'สมาชิกสภา") == "2. นางวิไลวรรณ จันทร์หอม สมาชิกสภา"
    # abbreviations, dotted leaders and decimals keep their points
    kept = "ผศ.ดร.สมชาย อ.เมือง (ลงชื่อ) ........ผู้จดรายงาน 1.5 ล้านบาท"
    assert drop_specks(kept) == kept
    assert heading_status("ผู้ไม่มาประชุม .") is not None


def test_a_speck_read_as_a_column_of_its_own_is_dropped_with_its_box():
    from pipeline.normalize import drop_trailing_speck

    line = Line(
        1,
        "600 บาท\t.",
        "600 บาท\t.",
        BBox(327, 500, 2150, 560),
        0.9,
        words=((327, 420), (440, 560), (2140, 2150)),
    )
    fixed, text = drop_trailing_speck(line, line.text)
    assert text == "600 บาท" and fixed.words == ((327, 420), (440, 560))
    for kept in ("นายสมชาย\tกรรมการ", "ข้อ 3.", "หมายเหตุ\tลาป่วย", "รวม\t1,500", "1,500 ,"):
        assert drop_trailing_speck(line, kept)[1] == kept
    # a lone comma after Thai: Thai is written without commas
    assert drop_trailing_speck(line, "มูลค่า 432.30 ล้าน ,")[1] == "มูลค่า 432.30 ล้าน"


def test_a_speck_left_of_an_indented_line_leaves_it_and_the_line_begins_at_its_first_word():
    from pipeline.normalize import drop_leading_speck, fix_ocr_bullet

    line = Line(
        9,
        ". ขอให้ฝ่ายบริหารเร่งรัดการเบิกจ่าย",
        ". ขอให้ฝ่ายบริหารเร่งรัดการเบิกจ่าย",
        BBox(320, 915, 2009, 980),
        0.94,
        words=((320, 330), (379, 2009)),
    )
    fixed, text = drop_leading_speck(line, line.text)
    assert text == "ขอให้ฝ่ายบริหารเร่งรัดการเบิกจ่าย"
    assert fixed.words == ((379, 2009),) and fixed.bbox == BBox(379, 915, 2009, 980)
    # what may begin a line stays: a bullet, a list number, an ellipsis of a signature line
    for kept in ("- ขอให้ฝ่ายบริหาร", "1. นายสมชาย", "......ผู้จดรายงาน", "(ลงชื่อ) นายสมชาย"):
        assert drop_leading_speck(line, kept)[1] == kept
    # a speck glued to a dash bullet
    assert fix_ocr_bullet("-,นางบุญเรือน แก้วใส - ขอให้") == "- นางบุญเรือน แก้วใส - ขอให้"
    assert fix_ocr_bullet("-5 องศา") == "-5 องศา"


def test_the_meeting_as_a_label_after_a_line_that_reached_the_margin_starts_anew():
    speech = _line(1, "ประธาน : สำนักงานสาธารณสุขจังหวัดให้โรงพยาบาลทุกแห่งจัดระบบ", (300, 900, 2200, 960))
    meeting = _line(2, "ที่ประชุม : รับทราบ", (300, 975, 900, 1035))
    assert _paragraphs(speech, meeting)[1] == "ที่ประชุม : รับทราบ"


def test_an_indented_first_line_that_fills_the_width_wraps_and_a_decision_starts_anew():
    # the text of a label alone on its line, indented by a tab, wraps onto a line at the margin
    first = _line(
        1, "ขอโอนงบประมาณ จำนวน 120,000 บาท ไปตั้งจ่ายเป็นค่าจัดซื้อเครื่องตัด", (412, 1290, 2139, 1352)
    )
    wrapped = _line(
        2, "หญ้าแบบข้อแข็ง จำนวน 10 เครื่อง ราคาตามท้องตลาดทั่วไปในพื้นที่ตำบล", (320, 1368, 2205, 1430)
    )
    decision = _line(3, "ที่ประชุมมีมติเห็นชอบ 5 เสียง", (320, 1446, 1200, 1508))
    title = _line(4, "รายงานการประชุมสภาเทศบาล", (900, 1600, 1625, 1660))  # centred: stays apart
    after = _line(5, "สมัยสามัญ สมัยที่ 3", (1000, 1675, 1525, 1735))
    texts = _paragraphs(first, wrapped, decision, title, after)
    assert texts[0].endswith("เครื่องตัดหญ้าแบบข้อแข็ง จำนวน 10 เครื่อง ราคาตามท้องตลาดทั่วไปในพื้นที่ตำบล")
    assert texts[1:] == ["ที่ประชุมมีมติเห็นชอบ 5 เสียง", "รายงานการประชุมสภาเทศบาล", "สมัยสามัญ สมัยที่ 3"]


def test_the_lines_of_a_centred_heading_under_a_full_width_title_stay_apart():
    # a title as wide as the text seems to reach the margin; what is centred under it is not its
    # wrap but the next line of the heading (the body's name, the meeting number, the venue)
    title = _line(1, "รายงานการประชุมคณะกรรมการบริหารโรงพยาบาลนาดี", (509, 311, 2180, 374))
    number = _line(2, "ครั้งที่ 3/2566", (1150, 389, 1540, 452))
    date = _line(3, "วันจันทร์ที่ 6 มี.ค. 2566 เวลา 13.30 - 16.30 น.", (320, 467, 2180, 530))
    venue = _line(4, "ณ ห้องประชุมราชพฤกษ์ โรงพยาบาลนาดี", (714, 545, 1786, 608))
    assert _paragraphs(title, number, date, venue) == [t.text for t in (title, number, date, venue)]
    # a wrapped list item whose last line ends short of the margin still wraps
    item = _line(
        5, "(1) ให้ทุกหน่วยงานรายงานผลการดำเนินงานภายในวันที่ 30 ของทุกเดือน", (500, 700, 2180, 763)
    )
    rest = _line(6, "เพื่อรวบรวมเสนอต่อที่ประชุมครั้งต่อไป", (600, 778, 1500, 841))
    assert len(_paragraphs(item, rest)) == 1


def test_a_sentence_the_page_break_cut_carries_on_and_an_item_title_runs_over_it():
    from pipeline.config import NormalizeConfig
    from pipeline.model import Document
    from pipeline.normalize import normalize_document
    from pipeline.paragraphs import paragraphs
    from pipeline.segment import segment

    def page(number, *lines):
        return Page(number, 2480, 3508, "ocr", lines)

    head = _line(1, "ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา", (320, 300, 1400, 360))
    title = "4.3 การบูรณาการการทำงานร่วมกันตามนโยบายสานพลังประชารัฐและบริษัทประชารัฐ"
    first = page(
        1,
        head,
        _line(2, title, (320, 3100, 2190, 3160)),
        _line(3, "- 19 -", (1150, 3300, 1330, 3350)),
    )
    rest = _line(1, "ได้แก่ ด้านเกษตร ด้านแปรรูป และด้านการท่องเที่ยว", (320, 250, 1700, 310))
    speech = _line(2, "ฝ่ายเลขาฯ\t- ขอให้ที่ประชุมพิจารณา", (320, 400, 1700, 460))
    doc = normalize_document(
        Document("d", "d.pdf", "scanned_pdf", (first, page(2, rest, speech))), NormalizeConfig()
    )
    paras = paragraphs(doc)  # the page number is furniture
    assert [p.continues for p in paras] == [False, False, True, False]
    items = segment(doc, paras).agenda_items
    assert items[-1].title.endswith("บริษัทประชารัฐได้แก่ ด้านเกษตร ด้านแปรรูป และด้านการท่องเที่ยว")
    # a new page that opens indented, with a bullet or a table row starts anew
    for opening in (
        _line(1, "ได้แก่ ด้านเกษตร ด้านแปรรูป", (500, 250, 1700, 310)),
        _line(1, "- ได้แก่ ด้านเกษตร ด้านแปรรูป", (320, 250, 1700, 310)),
        _line(1, "ฝ่ายเลขาฯ\t- ได้แก่ ด้านเกษตร", (320, 250, 1700, 310)),
    ):
        doc = Document("d", "d.pdf", "scanned_pdf", (first, page(2, opening)))
        assert not any(p.continues for p in paragraphs(normalize_document(doc, NormalizeConfig())))


def test_a_bracket_continues_a_wrapped_paragraph_but_a_signatory_s_name_starts_anew():
    text = "ที่ประชุมพิจารณาแล้วเห็นชอบให้ดำเนินการตามแผนที่เสนอทุกประการ และให้รายงานผล"
    full = _line(1, text, (320, 900, 2190, 960))
    note = _line(2, "(รายละเอียดตามเอกสารแนบ 3)", (320, 975, 1000, 1035))
    assert _paragraphs(full, note) == [text + " (รายละเอียดตามเอกสารแนบ 3)"]
    for opening in ("(นางสาวสุภาวดี มาลัย)", "(ลงชื่อ) นายสมชาย ใจดี ผู้จดรายงาน", "(1) ค่าวัสดุ"):
        assert _paragraphs(full, _line(2, opening, (320, 975, 1200, 1035)))[1] == opening


def test_a_turn_reported_in_the_third_person_starts_a_new_paragraph():
    # an item title that reaches the margin, then the chair's report on the next line
    title = _line(
        1, "1.1 ผลการประเมินคุณภาพการศึกษาภายในระดับคณะ ปีการศึกษา 2565", (320, 1290, 2150, 1352)
    )
    turn = _line(
        2, "ประธานแจ้งว่า คณะได้รับผลการประเมินในระดับดี คะแนนเฉลี่ย 4.12 และ", (320, 1368, 2160, 1430)
    )
    wrapped = _line(3, "ขอบคุณบุคลากรทุกฝ่าย", (320, 1446, 900, 1508))
    # a sentence that wraps before a word that merely contains an office stays one paragraph
    long = _line(4, "ที่ประชุมได้พิจารณาข้อเสนอของคณะทำงานและเห็นว่าควรส่งเรื่องให้", (320, 1600, 2160, 1660))
    rest = _line(5, "ประธานกรรมการพิจารณาในการประชุมครั้งต่อไป", (320, 1675, 1400, 1735))
    texts = _paragraphs(title, turn, wrapped, long, rest)
    assert texts[0] == "1.1 ผลการประเมินคุณภาพการศึกษาภายในระดับคณะ ปีการศึกษา 2565"
    assert texts[1].startswith("ประธานแจ้งว่า") and texts[1].endswith("ขอบคุณบุคลากรทุกฝ่าย")
    assert texts[2].endswith("ให้ประธานกรรมการพิจารณาในการประชุมครั้งต่อไป")


def test_a_name_alone_above_an_indented_speech_is_a_label_even_after_a_full_line():
    # a speech that reached the margin, then the next speaker's name on a line of its own
    speech = _line(
        1, "รายจ่าย 85,400,000 บาท (แปดสิบห้าล้านสี่แสนบาทถ้วน) ไม่มีการแปรญัตติ", (320, 774, 2150, 836)
    )
    name = _line(2, "นายเกียรติศักดิ์ บุญประเสริฐ", (320, 852, 1000, 914))
    turn = _line(3, "ขอให้ฝ่ายบริหารเร่งรัดการเบิกจ่ายโครงการก่อสร้างให้เป็นไปตามแผน", (412, 930, 2120, 992))
    assert _paragraphs(speech, name, turn)[1:] == [name.text, turn.text]
    # the same words ending a wrapped sentence, the next paragraph not indented: they wrap
    plain = _line(3, "ที่ประชุมรับทราบ", (320, 930, 900, 992))
    assert _paragraphs(speech, name, plain)[0].endswith("ไม่มีการแปรญัตตินายเกียรติศักดิ์ บุญประเสริฐ")
    # a short line of other words above an indented paragraph stays the wrapped sentence's end
    tail = _line(2, "ในการประชุมครั้งต่อไป", (320, 852, 1000, 914))
    assert len(_paragraphs(speech, tail, turn)) == 2


def _row(n, text, y, words):
    return Line(n, text, text, BBox(words[0][0], y, words[-1][1], y + 62), 0.95, words=words)


def test_a_name_wrapped_under_its_row_joins_its_first_cell():
    # the surname wrapped onto a line of its own, under a row whose next cell is a position
    row = _row(1, "1. นางสาวชลธิชา\tนักวิชาการพัสดุ", 2608, ((320, 360), (380, 820), (985, 1272)))
    surname = _row(2, "มีทรัพย์", 2686, ((320, 514),))
    assert _paragraphs(row, surname) == ["1. นางสาวชลธิชา มีทรัพย์\tนักวิชาการพัสดุ"]
    # a surname broken inside the word in a narrow column joins without a space
    row = _row(
        1, "6. นางสาวอรอุมา ศรี\tหัวหน้า", 1867, ((320, 360), (380, 700), (720, 890), (985, 1229))
    )
    rest = _row(2, "วงศ์\tสำนักงาน", 1945, ((320, 420), (985, 1229)))
    assert _paragraphs(row, rest) == ["6. นางสาวอรอุมา ศรีวงศ์\tหัวหน้าสำนักงาน"]
    # a given name wrapped beside a surname cell is part of the given name
    row = _row(
        1,
        "10. นางสาวนวล\tพละศิลป์\tแทนเกษตร",
        2360,
        ((320, 380), (400, 800), (985, 1200), (1400, 1800)),
    )
    rest = _row(2, "ประภัสสร", 2438, ((320, 560),))
    assert _paragraphs(row, rest)[0].startswith("10. นางสาวนวลประภัสสร\tพละศิลป์")


def test_a_line_after_a_table_row_is_not_taken_for_a_wrapped_name():
    row = _row(
        1,
        "๒. นางสาวกาญจนา\tมีสุข\tผู้อำนวยการกองคลัง",
        2336,
        ((319, 387), (433, 838), (1060, 1162), (1404, 1901)),
    )
    # the first word would not have fitted in the cell, but a name has no digits
    after = _row(2, "เปิดประชุมเวลา 09.30 น.", 2410, ((321, 701), (740, 889), (922, 981)))
    assert len(_paragraphs(row, after)) == 2
    # a short word that would have fitted beside the first cell did not wrap from it
    row = _row(
        1, "1. นายสมชาย ใจดี\tกรรมการ", 900, ((320, 360), (380, 600), (620, 700), (985, 1200))
    )
    assert len(_paragraphs(row, _row(2, "ฯลฯ", 972, ((320, 380),)))) == 2


class _FakeTesseract:
    """Stands in for Tesseract: the page reads as ``page``; a line crop (psm 7) reads as the
    entry of ``rereads`` for the crop's top y (the line's box minus the padding); a word crop
    (psm 8, Thai only) as ``word``."""

    def __init__(self, page: list[Line], rereads: dict[int, tuple[str, float]], latin_conf: float):
        self.page, self.rereads, self.crops, self.latin_conf = page, rereads, 0, latin_conf
        self.word: tuple[str, float] | None = None
        self.word_crops = 0

    def __call__(self, image, config, psm=None):
        if psm == 8:
            assert config.lang == "tha"
            self.word_crops += 1
            text, conf = self.word or ("", 0.0)
            box = (2, 2, image.width - 2, image.height - 2)
            return lines_to_tsv(
                Page(
                    1,
                    image.width,
                    image.height,
                    "ocr",
                    (_line(1, text, box, conf),) if text else (),
                ),
                1,
            )
        if psm != 7:  # the page: each token a word, Latin ones with their own confidence
            page = [
                replace(ln, words=ln.words or _token_boxes(ln.text, ln.bbox)) if ln.bbox else ln
                for ln in self.page
            ]
            rows = lines_to_tsv(Page(1, 1000, 1000, "ocr", tuple(page)), 1).splitlines()
            for k, row in enumerate(rows):
                cells = row.split("\t")
                if cells[0] == "5" and any("a" <= ch.lower() <= "z" for ch in cells[11]):
                    cells[10] = str(self.latin_conf * 100)
                    rows[k] = "\t".join(cells)
            return "\n".join(rows) + "\n"
        self.crops += 1
        line = min(self.page, key=lambda ln: abs(ln.bbox.y0 - image.info["top"]))
        text, conf = self.rereads.get(line.bbox.y0, (line.text, line.confidence))
        return lines_to_tsv(
            Page(
                1,
                image.width,
                image.height,
                "ocr",
                (_line(1, text, (4, 4, image.width - 4, image.height - 4), conf),),
            ),
            1,
        )


def _token_boxes(text, box):
    tokens = text.split()
    step = (box.x1 - box.x0) // len(tokens)
    return tuple((box.x0 + i * step, box.x0 + (i + 1) * step - 5) for i in range(len(tokens)))


def _read_with(monkeypatch, page_lines, rereads, latin_conf=0.6, ink=(), word=None, fakes=None):
    from PIL import Image, ImageDraw

    import pipeline.ocr as ocr
    from pipeline.config import OcrConfig

    fake = _FakeTesseract(page_lines, rereads, latin_conf)
    fake.word = word
    if fakes is not None:
        fakes.append(fake)
    image = Image.new("L", (1000, 1000), 255)
    for box in ink:  # marks on the page that the page's reading gave no text for
        ImageDraw.Draw(image).rectangle(box, fill=0)
    original_crop = Image.Image.crop

    def crop(self, box=None):
        out = original_crop(self, box)
        if box is not None:
            out.info["top"] = box[1] + max(4, 40 // 4)  # the line's own top, without the padding
        return out

    monkeypatch.setattr(Image.Image, "crop", crop)
    monkeypatch.setattr(ocr, "run_tesseract", fake)
    page = parse_tesseract_tsv(ocr.TesseractEngine(OcrConfig(engine="cli")).page_tsv(image, 1), 1)
    return [ln.text for ln in page.lines], fake.crops


THAI_LINES = [
    _line(1, "รายงานการประชุมคณะกรรมการบริหารโรงพยาบาล", (100, 100, 900, 140)),
    _line(3, "ที่ประชุมมีมติเห็นชอบตามที่เสนอ และมอบหมายให้ฝ่ายเลขาฯ ดำเนินการ", (100, 300, 900, 340)),
]


LATIN_READ = "lo. นางละเอียด ปัญญาวงศ์ งบประมาณ 250,000 UM"


@pytest.mark.parametrize(
    ("reread", "kept"),
    [
        # read alone, the line is read right and more surely: taken
        (
            ("๒. นางละเอียด ปัญญาวงศ์ งบประมาณ 250,000 บาท", 0.94),
            "๒. นางละเอียด ปัญญาวงศ์ งบประมาณ 250,000 บาท",
        ),
        # a re-read Tesseract is less sure of is not taken
        (("ฆ. นางละเอียด ปัญญาวงศ์ งบประมาณ 250,000 บาท", 0.80), LATIN_READ),
    ],
)
def test_a_thai_line_read_with_latin_letters_is_reread_alone(monkeypatch, reread, kept):
    lines = [*THAI_LINES, _line(2, LATIN_READ, (100, 200, 900, 240), 0.92)]
    texts, crops = _read_with(monkeypatch, lines, {200: reread})
    assert crops == 1  # only the line with Latin letters
    assert kept in texts


def test_english_in_a_thai_line_stays_as_read(monkeypatch):
    lines = [
        *THAI_LINES,
        _line(2, "วิสาหกิจเพื่อสังคม (SE) และสินค้า OTOP ของจังหวัด", (100, 200, 900, 240), 0.92),
    ]
    # read alone, the English is read as Thai-looking garbage, with more confidence
    texts, crops = _read_with(
        monkeypatch, lines, {200: ("วิสาหกิจเพื่อสังคม (๕๕) และสินค้า ๐0 ของจังหวัด", 0.95)}
    )
    assert crops == 1
    assert "วิสาหกิจเพื่อสังคม (SE) และสินค้า OTOP ของจังหวัด" in texts


def test_english_tesseract_is_sure_of_is_not_reread(monkeypatch):
    lines = [
        *THAI_LINES,
        _line(2, "จัดทำแผน Action plan และ Timeline ของโครงการ", (100, 200, 900, 240), 0.92),
    ]
    _, crops = _read_with(monkeypatch, lines, {}, latin_conf=0.95)
    assert crops == 0
    _, crops = _read_with(monkeypatch, lines, {}, latin_conf=0.60)
    assert crops == 1


def test_a_line_with_one_latin_letter_is_reread_where_tesseract_all_but_gave_up_on_its_word(
    monkeypatch,
):
    # a heading in a bold face read as garbage: "91S: ๓ ธรงชิน 4" for วาระที่ ๔ เรื่องอื่น ๆ
    lines = [*THAI_LINES, _line(2, "91S: ๓ ธรงชิน 4", (100, 200, 900, 240), 0.64)]
    reread = {200: ("วาระที่ ๔ เรื่องอื่น ๆ", 0.93)}
    texts, crops = _read_with(monkeypatch, lines, reread, latin_conf=0.17)
    assert crops == 1 and "วาระที่ ๔ เรื่องอื่น ๆ" in texts
    # one Latin letter Tesseract merely doubts is not worth a re-read
    _, crops = _read_with(monkeypatch, lines, reread, latin_conf=0.6)
    assert crops == 0


def _words(*tokens):
    """Words of a line, one per (text, x0, x1, conf), 40 pixels tall."""
    from pipeline.layout import Word

    return [Word(text, x0, 200, x1, 240, conf) for text, x0, x1, conf in tokens]


def _read(words):
    from pipeline.layout import make_line

    return make_line(1, words), words


def test_what_a_line_s_reread_has_where_a_doubted_latin_word_stands_is_spliced_in():
    from pipeline.ocr import _splice

    # "มติที่ประชุม" read "wails: ชุม"; the re-read has it, and a worse ฝ้าย for ฝ่าย elsewhere
    first = _read(
        _words(
            ("wails:", 324, 540, 0.52),
            ("ชุม", 560, 640, 0.93),
            ("มอบหมายให้ฝ่าย", 660, 1100, 0.96),
        )
    )
    again = _read(_words(("มติที่ประชุม", 326, 638, 0.93), ("มอบหมายให้ฝ้าย", 660, 1100, 0.90)))
    line, words = _splice(first, again)
    assert line.text == "มติที่ประชุม มอบหมายให้ฝ่าย"
    assert [w.text for w in words] == ["มติที่ประชุม", "มอบหมายให้ฝ่าย"]
    assert line.words == ((326, 638), (660, 1100))
    # a re-read Tesseract is less sure of there, or that is Latin again, gives nothing
    unsure = _read(_words(("มติที่ประชุม", 326, 638, 0.70), ("มอบหมายให้ฝ้าย", 660, 1100, 0.9)))
    assert _splice(first, unsure) is None
    latin = _read(_words(("mails:", 326, 540, 0.93), ("ชุม", 560, 640, 0.93)))
    assert _splice(first, latin) is None
    # English Tesseract is sure of is not a doubted word: nothing to splice
    sure = _read(_words(("OTOP", 324, 540, 0.95), ("ชุม", 560, 640, 0.93)))
    assert _splice(sure, again) is None
    # nor is a re-read that mixes scripts inside a token
    mixed = _read(_words(("มติที่ประชุม", 326, 638, 0.93), ("๐0", 660, 1100, 0.95)))
    assert _splice(first, mixed) is None


MARGIN_LINES = [
    _line(n, "ที่ประชุมมีมติเห็นชอบตามที่เสนอ และมอบหมายให้ฝ่ายเลขาฯ ดำเนินการ", (100, y, 900, y + 40))
    for n, y in ((1, 100), (2, 160), (3, 220), (4, 280), (5, 340))
]


def test_ink_left_unread_before_a_line_is_read_again_from_the_margin(monkeypatch):
    title = _line(6, "การคัดเลือกพื้นที่/กลุ่มเป้าหมาย", (250, 500, 900, 540), 0.92)
    indented = _line(7, "จังหวัดได้จัดประชุมคณะทำงาน", (250, 600, 900, 640), 0.92)
    rereads = {
        500: ("- ๔.๒ การคัดเลือกพื้นที่/กลุ่มเป้าหมาย", 0.93),
        600: ("อ จังหวัดได้จัดประชุมคณะทำงาน", 0.93),
    }
    texts, crops = _read_with(
        monkeypatch, [*MARGIN_LINES, title, indented], rereads, ink=[(110, 510, 200, 530)]
    )
    assert crops == 1  # the indented line has only paper before it
    assert "- ๔.๒ การคัดเลือกพื้นที่/กลุ่มเป้าหมาย" in texts
    assert "จังหวัดได้จัดประชุมคณะทำงาน" in texts


def test_a_reread_from_the_margin_that_changes_the_line_is_not_taken(monkeypatch):
    title = _line(6, "การคัดเลือกพื้นที่/กลุ่มเป้าหมาย", (250, 500, 900, 540), 0.92)
    for reread in (("๒. ผลการดำเนินงานของจังหวัด", 0.95), ("- ๔.๒ การคัดเลือกพื้นที่/กลุ่มเป้าหมาย", 0.80)):
        texts, crops = _read_with(
            monkeypatch, [*MARGIN_LINES, title], {500: reread}, ink=[(110, 510, 200, 530)]
        )
        assert crops == 1 and title.text in texts


def test_ink_left_unread_inside_a_line_is_read_again(monkeypatch):
    # "- ๔.๑ แนวทาง..." read as "- ๑ แนวทาง...": the ๔. between the dash and the ๑ got no word
    words = ((100, 115), (200, 215), (240, 900))
    title = replace(
        _line(6, "- ๑ แนวทางการขับเคลื่อนการพัฒนา", (100, 500, 900, 540), 0.92), words=words
    )
    # a table row: its columns are apart by blank paper
    row = replace(
        _line(7, "นายสมชาย ใจดี ประธานกรรมการ", (100, 600, 900, 640), 0.92),
        words=((100, 300), (310, 400), (600, 900)),
    )
    rereads = {
        500: ("- ๔.๑ แนวทางการขับเคลื่อนการพัฒนา", 0.93),
        600: ("นายสมชาย ใจดี ก ประธานกรรมการ", 0.95),
    }
    texts, crops = _read_with(
        monkeypatch, [*MARGIN_LINES, title, row], rereads, ink=[(130, 510, 180, 530)]
    )
    assert crops == 1
    assert "- ๔.๑ แนวทางการขับเคลื่อนการพัฒนา" in texts
    assert "นายสมชาย ใจดี ประธานกรรมการ" in texts


def test_lines_of_an_english_page_are_not_reread(monkeypatch):
    lines = [
        _line(1, "Minutes of the Board of Directors meeting", (100, 100, 900, 140)),
        _line(2, "The board approved the budget of 250,000 baht", (100, 200, 900, 240)),
    ]
    _, crops = _read_with(monkeypatch, lines, {})
    assert crops == 0


def _rows_of(rows):
    """Lines of a scanned table, each (text, y, token x-ranges)."""
    return [_row(n, text, y, words) for n, (text, y, words) in enumerate(rows, start=1)]


NARROW_TABLE = [
    # the name cells nearly reach the position column: Tesseract's text has a space there
    (
        "1. รองศาสตราจารย์ ดร. คณบดี\tประธานกรรมการ",
        900,
        ((319, 359), (407, 800), (853, 930), (981, 1200), (1339, 1700)),
    ),
    ("สมชาย วงศ์ใหญ่", 980, ((315, 488), (517, 700))),
    (
        "2. ผศ.ดร.นงลักษณ์ คำ รองคณบดี กรรมการ",
        1060,
        ((315, 361), (403, 800), (834, 900), (981, 1250), (1315, 1500)),
    ),
    ("แสน\tฝ่ายวิชาการ", 1140, ((320, 429), (985, 1250))),
    (
        "3. อาจารย์ ดร.พิมพ์ชนก  ประธาน\tกรรมการ",
        1220,
        ((317, 364), (397, 590), (612, 900), (983, 1200), (1345, 1530)),
    ),
    ("สายทอง\tหลักสูตร", 1300, ((320, 523), (983, 1200))),
]


def test_table_rows_get_tabs_where_the_page_s_columns_begin():
    from pipeline.layout import column_stops, tab_at_stops

    lines = _rows_of(NARROW_TABLE)
    stops = column_stops(lines)
    assert len(stops) == 2 and abs(stops[0] - 984) < 10 and abs(stops[1] - 1342) < 10
    texts = [ln.text for ln in tab_at_stops(lines)]
    assert texts[0] == "1. รองศาสตราจารย์ ดร.\tคณบดี\tประธานกรรมการ"
    assert texts[2] == "2. ผศ.ดร.นงลักษณ์ คำ\tรองคณบดี\tกรรมการ"
    assert texts[4] == "3. อาจารย์ ดร.พิมพ์ชนก\tประธาน\tกรรมการ"
    # the rows' wrapped cells then join their cells
    assert _paragraphs(*tab_at_stops(lines)[2:4]) == [
        "2. ผศ.ดร.นงลักษณ์ คำแสน\tรองคณบดีฝ่ายวิชาการ\tกรรมการ"
    ]


def test_a_column_one_row_tabs_is_found_where_other_rows_lost_its_tab():
    from pipeline.layout import tab_at_stops

    # the role column: one row has its tab there; in two others the role nearly touches the
    # position, so the OCR'd text has a space
    rows = [
        (
            "1. นพ.ธนวัฒน์ ศรีสุข\tผู้อำนวย\tประธาน",
            739,
            ((326, 387), (417, 707), (739, 917), (947, 1204), (1349, 1568)),
        ),
        ("การ", 841, ((989, 1089),)),
        (
            "6. นายอภิชาติ แสง\tหัวหน้ากลุ่ม เลขานุการ",
            1914,
            ((322, 384), (416, 706), (737, 839), (989, 1327), (1355, 1632)),
        ),
        ("จันทร์\tงานบริหาร", 1990, ((324, 473), (990, 1275))),
        (
            "1. นพ.วัชระ ทองแท้\tนายแพทย์ ลาพักผ่อน",
            2287,
            ((327, 388), (418, 658), (688, 898), (958, 1273), (1318, 1616)),
        ),
        ("ชำนาญการ", 2369, ((990, 1301),)),
    ]
    texts = [ln.text for ln in tab_at_stops(_rows_of(rows))]
    assert texts[2] == "6. นายอภิชาติ แสง\tหัวหน้ากลุ่ม\tเลขานุการ"
    assert texts[4] == "1. นพ.วัชระ ทองแท้\tนายแพทย์\tลาพักผ่อน"
    # words of a position that repeats from row to row begin at the same place, but no row
    # has a cell there: they are no column
    members = []
    for n, y in enumerate((1000, 1150, 1300, 1450), start=3):
        members += [
            (
                f"{n}. นางสาวจันทร์เพ็ญ\tแก้วมณี\tสมาชิกสภา อบต. หมู่ที่",
                y,
                ((320, 360), (380, 700), (760, 950), (1100, 1300), (1320, 1420), (1440, 1560)),
            ),
            (str(n - 2), y + 75, ((1100, 1130),)),
        ]
    lines = _rows_of(members)
    assert [ln.text for ln in tab_at_stops(lines)] == [ln.text for ln in lines]


def test_a_numbered_paragraph_is_not_cut_at_a_table_s_columns():
    from pipeline.layout import tab_at_stops

    # a numbered line of prose, with words that happen to begin where the columns do, followed
    # by prose that reaches the margin
    prose = [
        (
            "4. ผู้แทนสำนักงานเกษตร รายงานผล การดำเนินงาน โครงการ ตามแผน",
            1380,
            ((318, 360), (400, 960), (984, 1300), (1340, 1600), (1620, 1900), (1920, 2100)),
        ),
        ("ของจังหวัดประจำปีงบประมาณ", 1460, ((318, 1000),)),
    ]
    lines = _rows_of([*NARROW_TABLE, *prose])
    assert [ln.text for ln in tab_at_stops(lines)][-2:] == [p[0] for p in prose]


def test_a_row_with_one_word_at_a_column_gets_its_tab_where_its_cell_wraps_under_it():
    from pipeline.layout import tab_at_stops

    rows = [
        ("4. ภญ.วรรณา บุญยืน หัวหน้ากลุ่ม", 1380, ((320, 385), (406, 713), (734, 907), (958, 1298))),
        ("งาน", 1460, ((990, 1093),)),
        ("เภสัชกรรม", 1520, ((946, 1274),)),
    ]
    lines = tab_at_stops(_rows_of([*NARROW_TABLE, *rows]))
    assert lines[6].text == "4. ภญ.วรรณา บุญยืน\tหัวหน้ากลุ่ม"
    # each wrapped word joins the cell it sits under, though OCR's box of one begins a little
    # left of the cell's first word
    assert _paragraphs(*lines[6:9]) == ["4. ภญ.วรรณา บุญยืน\tหัวหน้ากลุ่มงานเภสัชกรรม"]
    # the same row followed by a line at the margin is not cut
    prose = ("ของจังหวัดประจำปีงบประมาณ", 1460, ((320, 1000),))
    lines = tab_at_stops(_rows_of([*NARROW_TABLE, rows[0], prose]))
    assert lines[6].text == rows[0][0]


def test_the_reading_text_writes_a_wrapped_table_row_whole_and_other_lines_as_they_are():
    from pipeline.model import Document
    from pipeline.paragraphs import paragraphs, reading_text

    lines = [
        _row(1, "ผู้เข้าร่วมประชุม", 2530, ((320, 756),)),
        _row(2, "1. นางสาวชลธิชา\tนักวิชาการพัสดุ", 2608, ((320, 360), (380, 820), (985, 1272))),
        _row(3, "มีทรัพย์", 2686, ((320, 514),)),
        _row(4, "เริ่มประชุมเวลา 13.30 น.", 2827, ((320, 737), (758, 939), (960, 1020))),
    ]
    doc = Document("d", "d.pdf", "scanned_pdf", (Page(1, 2480, 3508, "ocr", tuple(lines)),))
    paras = paragraphs(doc)
    assert reading_text(doc, paras) == (
        "ผู้เข้าร่วมประชุม\n1. นางสาวชลธิชา มีทรัพย์\tนักวิชาการพัสดุ\nเริ่มประชุมเวลา 13.30 น.\n"
    )
    # the surname is traced to its own line
    assert paras[1].lines == (2, 3)


@pytest.mark.parametrize(
    ("word", "kept"),
    [
        # read alone with the Thai model, "UM" is a word Tesseract is sure of: taken
        (("บาท", 0.93), "ชุมชนงบประมาณ 826,000 บาท เพื่อปรับภูมิทัศน์"),
        # not sure enough, or no Thai word: the line stays as read
        (("บาท", 0.70), "ชุมชนงบประมาณ 826,000 UM เพื่อปรับภูมิทัศน์"),
        (("บาทฟ", 0.95), "ชุมชนงบประมาณ 826,000 UM เพื่อปรับภูมิทัศน์"),
    ],
)
def test_a_short_latin_word_left_by_the_line_s_reread_is_read_alone_in_thai(
    monkeypatch, word, kept
):
    line = _line(2, "ชุมชนงบประมาณ 826,000 UM เพื่อปรับภูมิทัศน์", (100, 200, 900, 240), 0.92)
    fakes: list = []
    texts, _ = _read_with(monkeypatch, [*THAI_LINES, line], {}, word=word, fakes=fakes)
    assert kept in texts
    assert fakes[0].word_crops == 1


def test_english_words_longer_or_surer_are_not_read_as_thai(monkeypatch):
    line = _line(2, "จัดทำแผน Action plan และ OTOP ของโครงการ", (100, 200, 900, 240), 0.92)
    fakes: list = []
    # words of four letters or more are left, however unsure Tesseract is of them
    texts, _ = _read_with(
        monkeypatch, [*THAI_LINES, line], {}, latin_conf=0.6, word=("บาท", 0.99), fakes=fakes
    )
    assert fakes[-1].word_crops == 0 and line.text in texts
    # a short one Tesseract is sure of is English too: "SME", "IT"
    line = _line(2, "ผู้ประกอบการ SME และ IT ของจังหวัด", (100, 200, 900, 240), 0.92)
    texts, _ = _read_with(
        monkeypatch, [*THAI_LINES, line], {}, latin_conf=0.95, word=("บาท", 0.99), fakes=fakes
    )
    assert fakes[-1].word_crops == 0 and line.text in texts


def test_short_latin_words_after_a_number_are_suspects_however_sure_tesseract_is():
    from pipeline.layout import Word
    from pipeline.ocr import _thai_word_suspects

    words = [
        Word("๑๒,๐๐๐,๐๐๐", 0, 0, 300, 40, 0.95),
        Word("UM", 320, 0, 400, 40, 0.96),  # บาท, read by the eng model with 0.96
        Word("เพื่อ", 420, 0, 500, 40, 0.95),
        Word("OTOP", 520, 0, 640, 40, 0.60),  # four letters: English
        Word("SE", 660, 0, 700, 40, 0.97),  # sure, and after no number
        Word("Way", 720, 0, 800, 40, 0.50),  # doubted
    ]
    assert _thai_word_suspects(words) == [False, True, False, False, False, True]
    # a date: a month the eng model took, right after the day, and a doubted พ.ศ. with points
    words = [
        Word("๒๔", 0, 0, 60, 40, 0.97),
        Word("WAYMAN", 80, 0, 340, 40, 0.79),  # พฤษภาคม: doubted, after a number
        Word("WA.", 370, 0, 480, 40, 0.86),  # พ.ศ.
        Word("๒๕๖๗", 500, 0, 640, 40, 0.97),
        Word("Action", 660, 0, 800, 40, 0.97),
    ]
    assert _thai_word_suspects(words) == [False, True, True, False, False]
    # a long word after a number that Tesseract is sure of stays English: ๒๐ Action
    words[1] = Word("Action", 80, 0, 340, 40, 0.95)
    assert _thai_word_suspects(words)[1] is False


@pytest.mark.parametrize(
    ("start", "wraps"),
    [
        ("264.000 บาท", True),  # an amount whose comma OCR read as a point
        ("3.2 โครงการอาหารกลางวัน", False),  # a sub-item
        ("4. นายสมชาย ใจดี", False),  # a list number
    ],
)
def test_a_number_with_digits_after_its_point_is_no_list_number(start, wraps):
    full = _line(
        1, "ละ 22 บาทต่อวัน สำหรับนักเรียน 120 คน จำนวน 100 วัน รวมเป็นเงิน", (327, 335, 2188, 416)
    )
    other = _line(2, "อัตราคนละ 22 บาท ต่อวันต่อคนตามระเบียบของกระทรวงศึกษาธิการ", (327, 140, 2201, 220))
    after = _line(3, start, (327, 429, 708, 489))
    assert len(_paragraphs(other, full, after)) == (2 if wraps else 3)


def test_thai_tokens_after_a_number_that_are_no_word_are_unit_suspects():
    from pipeline.ocr import _unit_suspects

    # ทาท for บาท, ล้อน for ล้าน, after a number (digits read as letters count: ร๑อร)
    assert _unit_suspects("เงิน ๑ร๑ ร๑อร ทาท") == [False, False, False, True]
    assert _unit_suspects("มูลค่า ๔๓๒.๓๐ ล้อน") == [False, False, True]
    # words, long tokens, and what follows no number stay as read
    assert _unit_suspects("จำนวน ๓๐ ราย ทาท") == [False, False, False, False]
    assert _unit_suspects("หมู่ที่ ๕ ตำบลบึงกาสาม") == [False, False, False]


def test_a_speck_read_as_a_bar_is_dropped_and_a_bar_as_tall_as_the_letters_kept():
    def line(bar_top: int, bar_height: int) -> str:
        return tsv(
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
            "4\t1\t1\t1\t1\t0\t300\t400\t900\t80\t-1\t",
            "5\t1\t1\t1\t1\t1\t300\t400\t300\t40\t93\tนางบุญเรือน",
            f"5\t1\t1\t1\t1\t2\t610\t{bar_top}\t20\t{bar_height}\t87\t|",
            "5\t1\t1\t1\t1\t3\t640\t400\t150\t40\t93\tแก้วใส",
            "5\t1\t1\t1\t1\t4\t810\t400\t200\t40\t93\tกรรมการ",
        )

    # a speck below the line (a photo's), read as "|": out of the text built from the words and
    # out of Tesseract's own line text
    low = line(450, 18)
    assert [ln.text for ln in parse_tesseract_tsv(low, 1).lines] == ["นางบุญเรือน แก้วใส กรรมการ"]
    annotated = annotate_lines(low, "นางบุญเรือน | แก้วใส กรรมการ\n")
    assert [ln.text for ln in parse_tesseract_tsv(annotated, 1).lines] == [
        "นางบุญเรือน แก้วใส กรรมการ"
    ]
    # a bar as tall as the letters is a bar
    tall = annotate_lines(line(398, 44), "นางบุญเรือน | แก้วใส กรรมการ\n")
    assert [ln.text for ln in parse_tesseract_tsv(tall, 1).lines] == ["นางบุญเรือน | แก้วใส กรรมการ"]


def test_a_cluster_tesseract_read_twice_is_read_once():
    head = (
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
        "4\t1\t1\t1\t1\t0\t315\t1425\t900\t105\t-1\t",
    )
    # the ข้ of ข้อเสนอแนะ boxed twice (566-619 and 583-641): ข้อมูล ข้ ข้อเสนอแนะ
    words = [
        ("ข้อมูล", 417, 131, 97),
        ("ข้", 566, 53, 96),
        ("ข้", 583, 58, 97),
        ("อเสนอแนะ", 658, 300, 97),
    ]
    rows = [
        f"5\t1\t1\t1\t1\t{k}\t{x}\t1441\t{w}\t63\t{c}\t{t}"
        for k, (t, x, w, c) in enumerate(words, 1)
    ]
    plain = tsv(*head, *rows)
    assert [ln.text for ln in parse_tesseract_tsv(plain, 1).lines] == ["ข้อมูล ข้อเสนอแนะ"]
    annotated = annotate_lines(plain, "ข้อมูล ข้ ข้อเสนอแนะ\n")
    assert [ln.text for ln in parse_tesseract_tsv(annotated, 1).lines] == ["ข้อมูล ข้อเสนอแนะ"]
    # ท ี ่ read twice, the second time a little to the right: "ที่ ที่ ปท"
    words = [
        ("ท", 1112, 21, 93),
        ("ี", 1132, 14, 93),
        ("่", 1145, 18, 93),
        ("ท", 1129, 34, 93),
        ("ี", 1154, 25, 93),
        ("่", 1178, 25, 93),
        ("ปท", 1225, 67, 96),
    ]
    rows = [
        f"5\t1\t1\t1\t1\t{k}\t{x}\t2465\t{w}\t95\t{c}\t{t}"
        for k, (t, x, w, c) in enumerate(words, 1)
    ]
    annotated = annotate_lines(tsv(*head, *rows), "ที่ ที่ ปท\n")
    assert [ln.text for ln in parse_tesseract_tsv(annotated, 1).lines] == ["ที่ ปท"]
    # a vowel boxed twice where Tesseract cut a word in two: the word is whole again
    from pipeline.ocr import _without_doubles

    cut = [
        Word("ป", 100, 0, 120, 40, 0.9),
        Word("ร", 120, 0, 140, 40, 0.9),
        Word("ะ", 140, 0, 160, 40, 0.9),
        Word("ะ", 150, 0, 168, 40, 0.9),
        Word("มาณ", 170, 0, 230, 40, 0.9),
    ]
    assert _without_doubles("ประ ะมาณ", cut)[0] == "ประมาณ"
    # the same word twice, apart (a word written twice), stays
    words = [("มี", 300, 60, 95), ("มี", 400, 60, 95)]
    rows = [
        f"5\t1\t1\t1\t1\t{k}\t{x}\t1441\t{w}\t63\t{c}\t{t}"
        for k, (t, x, w, c) in enumerate(words, 1)
    ]
    assert [ln.text for ln in parse_tesseract_tsv(tsv(*head, *rows), 1).lines] == ["มี มี"]


def _drawn_page(texts, skip=()):
    """A page with ``texts`` drawn one under another in Laksaman, and a Line for each but those
    whose index is in ``skip`` (lines Tesseract dropped)."""
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.digits import thai_font_files

    path = next(f for f in thai_font_files() if f.name == "Laksaman.ttf")
    font = ImageFont.truetype(str(path), 50)
    image = Image.new("L", (1600, 200 + 110 * len(texts)), 255)
    draw = ImageDraw.Draw(image)
    lines = []
    for k, text in enumerate(texts):
        y = 100 + 110 * k
        draw.text((120, y), text, fill=0, font=font)
        x0, y0, x1, y1 = draw.textbbox((120, y), text, font=font)
        if k not in skip:
            lines.append(Line(k + 1, text, text, BBox(x0, y0, x1, y1), 0.95))
    return image, lines


def _has_laksaman() -> bool:
    from pipeline.digits import thai_font_files

    return any(f.name == "Laksaman.ttf" for f in thai_font_files())


@pytest.mark.skipif(not _has_laksaman(), reason="needs fonts-thai-tlwg (make setup installs it)")
def test_a_line_tesseract_dropped_is_found_as_a_band_of_ink_no_line_covers():
    from PIL import ImageDraw

    from pipeline.ocr import missed_bands

    texts = [
        "ลงชื่อ........................ผู้จดบันทึกการประชุม",
        "(นางสาวสุภาวดี มาลัย)",
        "ลงชื่อ........................ผู้ตรวจบันทึกการประชุม",
        "(นายวิเชียร พรมมา)",
    ]
    image, lines = _drawn_page(texts, skip={1})
    (band,) = missed_bands(image, lines)
    assert band.y0 >= lines[0].bbox.y1 - 10 and band.y1 <= lines[1].bbox.y0 + 10
    assert 110 <= band.x0 <= 130
    # every line read: nothing is missed; a dark page edge is no line
    image, lines = _drawn_page(texts)
    ImageDraw.Draw(image).rectangle((0, 0, 30, image.height), fill=0)
    assert missed_bands(image, lines) == []


def test_lines_are_put_in_reading_order_where_one_lies_wholly_below_the_next():
    from pipeline.ocr import in_reading_order

    def at(n, x0, y0, x1, y1):
        return Line(n, f"line {n}", f"line {n}", BBox(x0, y0, x1, y1), 0.9)

    # Tesseract gave the name under a signature line before it; a dropped line read later
    sign, name, role = (
        at(1, 330, 1438, 1480, 1549),
        at(2, 326, 1526, 748, 1600),
        at(3, 326, 1611, 759, 1661),
    )
    missed = at(4, 326, 1000, 900, 1080)
    first = at(5, 326, 900, 1500, 980)
    order = in_reading_order([first, name, sign, role, missed])
    assert [ln.number for ln in order] == [5, 4, 1, 2, 3]
    # cells of one row beside each other keep their order, though one sits a little lower
    left, right = at(1, 300, 700, 800, 780), at(2, 900, 690, 1500, 770)
    assert in_reading_order([right, left]) == [right, left]


@pytest.mark.parametrize(
    ("read", "conf", "kept"),
    [
        ("(นางสาวสุภาวดี มาลัย)", 0.93, True),
        # Tesseract unsure of what it read there: noise, not a line
        (", | ลั5จอว25", 0.33, False),
        # the line above again (its box drawn short of its ink): not a second time
        ("ลงชื่อ....ผู้จดบันทึกการประชุม", 0.95, False),
    ],
)
def test_a_dropped_line_read_alone_is_kept_when_sure_and_new(monkeypatch, read, conf, kept):
    from PIL import Image

    from pipeline.config import OcrConfig
    from pipeline.ocr import TesseractEngine

    def region(self, image, top, base, number):
        line = Line(number, read, read, top, conf)
        return line, [Word(read, top.x0, top.y0, top.x1, top.y1, conf)]

    monkeypatch.setattr(TesseractEngine, "_read_region", region)
    above = Line(1, "ลงชื่อ....ผู้จดบันทึกการประชุม", "", BBox(320, 1522, 1560, 1651), 0.92)
    band = BBox(324, 1652, 900, 1700)
    image = Image.new("L", (2000, 2000), 255)
    found = TesseractEngine(OcrConfig())._read_missed(image, band, 2, [above])
    assert (found is not None) == kept


def _clusters(*texts: str, x0: int = 100, y0: int = 200, conf: float = 0.93) -> list[Word]:
    """Words as Tesseract gives a Thai line's: one per cluster, 30 pixels each, a space between
    tokens (an empty string in ``texts``)."""
    words, x = [], x0
    for text in texts:
        if text:
            words.append(Word(text, x, y0, x + 30, y0 + 40, conf))
        x += 30 + (8 if not text else 0)
    return words


@pytest.mark.parametrize(
    ("text", "changes"),
    [("ปี2565", 1), ("พ.ศ.2566", 1), ("ม.6/1", 1), ("GAPจำนวน", 1), ("ห/๐ห๕ก๐0", 5), ("อท6อห", 2)],
)
def test_script_changes_count_thai_against_digits_and_latin_only(text, changes):
    from pipeline.ocr import _script_changes

    assert _script_changes(text) == changes


def test_english_the_thai_model_made_junk_of_is_found_after_the_thai_words_before_it():
    from pipeline.ocr import _english_suspects

    # มีการ Workshop: the junk begins where the token stops spelling Thai words
    words = _clusters("มี", "การ", "ห", "/", "๐", "ห", "๕", "ก", "๐", "0")
    assert _english_suspects("มีการห/๐ห๕ก๐0", words) == [(2, 10)]
    words = _clusters("แล", "ะ", "[ท", "ก", "ใน", "อ", "ท", "6", "อ", "ห", "", "ต่", "าง")
    assert _english_suspects("และ[ทกในอท6อห ต่าง", words) == [(2, 10)]
    # กลุ่ม Facebook: กล is a word, but too rare a two-letter one to end the Thai before junk
    words = _clusters("ก", "ลุ่", "ม", "ก", "ล", "6", "๕", "@", "๖", "๐", "๐", "6")
    assert _english_suspects("กลุ่มกล6๕@๖๐๐6", words) == [(3, 12)]
    # a token of junk alone just before the junk word goes with it ("[ นทารล|" for Lumsai)
    words = _clusters("[", "", "น", "ท", "า", "ร", "ล", "|", "", "mascot")
    assert _english_suspects("[ นทารล| mascot", words) == [(0, 7)]
    # Thai with numbers and English beside Thai are no junk
    text = "ปี2565 ม.6/1 GAPจำนวน ครั้งที่1/2565"
    assert _english_suspects(text, [Word(t, 0, 0, 10, 10, 0.9) for t in text.split()]) == []


@pytest.mark.parametrize(
    ("english", "kept"),
    [
        (("Workshop", 0.91), "ภายในกิจกรรมมีการWorkshop ต่างๆ"),
        (("Workshop", 0.60), "ภายในกิจกรรมมีการห/๐ห๕ก๐0 ต่างๆ"),  # not sure enough
        (("W0rk5h0p", 0.95), "ภายในกิจกรรมมีการห/๐ห๕ก๐0 ต่างๆ"),  # no English word
    ],
)
def test_english_junk_is_read_again_with_the_eng_model(monkeypatch, english, kept):
    from PIL import Image

    import pipeline.ocr as ocr
    from pipeline.config import OcrConfig

    asked = []

    def fake(image, config, psm=None):
        asked.append((config.lang, psm))
        box = (2, 2, image.width - 2, image.height - 2)
        page = Page(1, image.width, image.height, "ocr", (_line(1, *english[:1], box, english[1]),))
        return lines_to_tsv(page, 1)

    monkeypatch.setattr(ocr, "run_tesseract", fake)
    words = _clusters("ภา", "ย", "ใน", "กิ", "จ", "ก", "ร", "ร", "ม", "มี", "การ", "ห", "/", "๐")
    words += _clusters("ห", "๕", "ก", "๐", "0", "", "ต่", "าง", "ๆ", x0=100 + 30 * 14)
    text = "ภายในกิจกรรมมีการห/๐ห๕ก๐0 ต่างๆ"
    line = Line(1, text, text, BBox(100, 200, 100 + 30 * 23, 240), 0.92)
    engine = ocr.TesseractEngine(OcrConfig(engine="cli"))
    read, out = engine._reread_english(Image.new("L", (1000, 400), 255), line, words)
    assert read.text == kept and asked == [("eng", 8)]
    if read.text != text:
        assert [w.text for w in out][-4:] == ["Workshop", "ต่", "าง", "ๆ"]
