from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.normalize import (
    fix_ocr_bullet,
    is_furniture,
    normalize_text,
    strip_trailing_continuation,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("วาระที่ ๓", "วาระที่ 3"),
        ("งบประมาณ ๖๘๐,๖๒๐ บาท", "งบประมาณ 680,620 บาท"),
        ("ก\u0e4d\u0e32ร", "กำร"),  # NIKHAHIT + SARA AA → SARA AM
        ("ล\u0e4d\u0e49\u0e32", "ล้ำ"),  # with a tone mark between them
        ("เเปลก", "แปลก"),  # two SARA E → SARA AE
        ("ประชุม\u200bครั้งที่", "ประชุมครั้งที่"),  # zero-width space
        ("\ufeffรายงานการประชุม", "รายงานการประชุม"),  # BOM
        ("เวลา  ๐๙.๐๐   น.", "เวลา 09.00 น."),
        ("ครั้งที่ ๑/2565", "ครั้งที่ 1/2565"),  # mixed Thai and Arabic digits
        ("นาย\tสมชาย", "นาย\tสมชาย"),  # tabs are column separators: kept
        ("", ""),
    ],
)
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F)
        | st.sampled_from(" \t.,0123456789\u200b")
    )
)
@example("0\u0e4d\u0e45")  # found by hypothesis: LAKKHANGYAO becomes SARA AA, then SARA AM
@example("0\u0e48\u0e34\u0e3a")  # found by hypothesis: a tone mark put before PHINTHU, NFC after
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F)
        | st.sampled_from(" \n\r\x0b\x1c.,0123456789\u200b\u200c")
    )
)
@settings(max_examples=1000)
@example("คำ \u0e48ที่")  # a mark after a space
@example("\u0e40\u0e40ปลก")  # two SARA E
def test_a_cell_passed_over_is_one_pythainlps_normalisation_leaves_alone(cell):
    """compose_thai hands pythainlp's ``normalize`` only cells it would change: where the test
    says nothing would, nothing does (a new rule in pythainlp fails here first)."""
    from pythainlp.util import normalize as thai_normalize

    from pipeline.normalize import _THAI_NORMALIZE_ACTS

    if _THAI_NORMALIZE_ACTS.search(cell) is None:
        assert thai_normalize(cell) == cell


@pytest.mark.parametrize(
    "text",
    [
        "-๒-",
        "- 2 -",
        "– 12 –",
        "-๓ =",  # the second dash read as an equals sign
        "“๒๐ -",  # the first read as a quote
        "หน้า 3",
        "หน้า 3/10",
        "/๙. นายสมคิด.....",
        "/ฝ่ายเลขาฯ....",
        "/ซึ่งมีกิจกรรม…",
        "--------------\t-------\t-------",
        "12",
    ],
)
def test_furniture(text):
    assert is_furniture(normalize_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "9. นายสมคิด ร้อยวงศ์",
        "รับทราบ",
        "- การดำเนินงาน",
        "แผนงาน/โครงการ",
        "2) สำนักงานเกษตร",
        "ที่ 2/2565",
        "“สร้างรายได้ 20 -",
    ],
)
def test_not_furniture(text):
    assert not is_furniture(normalize_text(text))


def test_a_continuation_marker_whose_dots_ocr_lost_is_furniture_at_a_page_end_only():
    from pipeline.config import NormalizeConfig
    from pipeline.model import BBox, Line, Page
    from pipeline.normalize import normalize_page

    def page(*texts):
        lines = tuple(
            Line(k, t, t, BBox(300, 100 * k, 1500, 100 * k + 60), 0.93)
            for k, t in enumerate(texts, start=1)
        )
        return normalize_page(Page(1, 2480, 3508, "ocr", lines), NormalizeConfig())

    body = ["ผู้เข้าร่วมประชุม", "๗. นางสาวบังอร มณีฤทธิ์", "๘. นายภูมิศักดิ์ ศรีเทพ", "ก", "ข", "ค"]
    end = page(*body, "/๙. นายสมคิด")
    assert end.lines[-1].furniture and not any(ln.furniture for ln in end.lines[:-1])
    # a line opening with a slash in the body is content (a list of plans: "/ แผนงาน...")
    middle = page("/๙. นายสมคิด", *body)
    assert not middle.lines[0].furniture


def test_trailing_continuation_is_cut():
    line = normalize_text("นำเมล็ดถั่วไปปลูก ณ จวนผู้ว่าราชการ /จังหวัดปทุมธานี.....")
    assert strip_trailing_continuation(line) == "นำเมล็ดถั่วไปปลูก ณ จวนผู้ว่าราชการ"
    assert strip_trailing_continuation("แผนงาน/โครงการ ต่อไป") == "แผนงาน/โครงการ ต่อไป"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(": กรรมการ", "- กรรมการ"), ("= ด้านแปรรูป", "- ด้านแปรรูป"), ("ที่ 3: ผล", "ที่ 3: ผล")],
)
def test_ocr_bullets(text, expected):
    assert fix_ocr_bullet(text) == expected


def test_a_thin_doubtful_line_with_no_thai_is_a_scribble():
    from pipeline.config import NormalizeConfig
    from pipeline.model import BBox, Line, Page
    from pipeline.normalize import normalize_page

    body = [("เลิกประชุมเวลา 12.00 นาฬิกา", 110, 0.94)] * 5
    odd = [
        ("จ2\tew «&", 36, 0.66),  # a signature read as junk
        ("- Oe -", 49, 0.69),  # a page number read wrong
        ("ผู้จดรายงาน", 36, 0.66),  # thin and doubtful, but Thai: small print
        ("1/2567", 45, 0.97),  # thin with no Thai, but sure
        ("ew «&", 110, 0.66),  # no Thai, doubtful, but of the body's height
    ]
    lines = tuple(
        Line(k, t, t, BBox(300, 150 * k, 1500, 150 * k + h), c)
        for k, (t, h, c) in enumerate(body + odd, start=1)
    )
    page = normalize_page(Page(1, 2480, 3508, "ocr", lines), NormalizeConfig())
    noise = [ln.raw_text for ln in page.lines if ln.furniture]
    assert noise == ["จ2\tew «&", "- Oe -"]
    # a text layer's line has no confidence: never a scribble
    text = normalize_page(Page(1, 2480, 3508, "text", lines), NormalizeConfig())
    assert not any(ln.furniture for ln in text.lines)


def _scanned_page(number, lines):
    from pipeline.model import BBox, Line, Page

    return Page(
        number,
        2480,
        3508,
        "ocr",
        tuple(
            Line(k, t, t, BBox(320, y, 2100, y + 60), 0.93)
            for k, (y, t) in enumerate(lines, start=1)
        ),
    )


def test_running_headers_and_footers_are_furniture_however_ocr_read_them():
    from pipeline.config import NormalizeConfig
    from pipeline.model import Document
    from pipeline.normalize import normalize_document

    header = [
        "รายงานการประชุมสภาเทศบาลตำบลบางพระ สมัยสามัญ สมัยที่ 2 ครั้งที่ 1/2566",
        "รายงานการประชุมสภาเทศบาลตำบลบางพระ สมัยสามัญ สมัยที 2 ครั้งที่ 1/2566",  # a mark lost
        "รายงานการประชุมสภาเทศบาลตําบลบางพระ สมัยสามัญ สมัยที่ 2 ครั้งที่ 1/2566",
        "รายงานการประชุมสภาเทศบาลตำบลบางพระ สมัยสามัญ สมัยที่ 2 ครั้งที่ 1/2566",
    ]
    body = [
        ["รายงานการประชุมสภาเทศบาลตำบลบางพระ", "ครั้งที่ 1/2566", "ผู้มาประชุม"],
        ["มติที่ประชุม รับทราบ", "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา", "ขอโอนงบประมาณ"],
        ["มติที่ประชุม รับทราบ", "ระเบียบวาระที่ 4 เรื่องอื่น ๆ", "ไม่มี"],
        ["ที่ประชุมมีมติเห็นชอบ", "เลิกประชุมเวลา 12.00 น.", "ลงชื่อ ผู้จดรายงานการประชุม"],
    ]
    pages = []
    for n in range(4):
        lines = [(300 + 100 * k, t) for k, t in enumerate(body[n])]
        if n:  # the running header, above the body of every page but the first
            lines.insert(0, (150, header[n]))
        lines.append((3300, f"ไฟล์ รายงานประชุมสภา-1-2566.docx หน้า {n + 1} จาก 4"))
        pages.append(_scanned_page(n + 1, lines))
    doc = normalize_document(Document("d", "d.pdf", "pdf", tuple(pages)), NormalizeConfig())
    kept = [[ln.text for ln in p.lines if not ln.furniture] for p in doc.pages]
    assert kept == body  # "มติที่ประชุม รับทราบ" opens two pages at one height: content still
    # a single page, or a line that recurs on too few of many pages, is left alone
    one = normalize_document(Document("d", "d.pdf", "pdf", tuple(pages[1:2])), NormalizeConfig())
    assert not any(ln.furniture for ln in one.pages[0].lines)
    many = pages + [_scanned_page(n, [(300, f"ข้อความหน้า {n} ของการประชุม")]) for n in range(5, 15)]
    doc = normalize_document(Document("d", "d.pdf", "pdf", tuple(many)), NormalizeConfig())
    assert not any(ln.furniture for p in doc.pages for ln in p.lines if ln.text.startswith("ไฟล์"))


def test_running_lines_of_typed_pages_are_found_by_their_place():
    from pipeline.config import NormalizeConfig
    from pipeline.model import Document, Line, Page
    from pipeline.normalize import normalize_document

    def page(n, texts):
        return Page(n, None, None, "text", tuple(Line(k, t, t) for k, t in enumerate(texts, 1)))

    footer = "องค์การบริหารส่วนตำบลหนองบัว โทร. 0-4412-3456"
    pages = [
        page(1, ["รายงานการประชุม", "ผู้มาประชุม", footer]),
        page(2, ["ระเบียบวาระที่ 2", footer, "ไม่มี"]),  # not at the same place from the edge
        page(3, ["ระเบียบวาระที่ 3", "ที่ประชุมรับทราบ", footer]),
    ]
    doc = normalize_document(Document("d", "d.txt", "txt", tuple(pages)), NormalizeConfig())
    assert [[ln.furniture for ln in p.lines] for p in doc.pages] == [
        [False, False, True],
        [False, False, False],
        [False, False, True],
    ]
