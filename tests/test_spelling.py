"""Post-OCR repair of dropped Thai tone marks (pipeline/spelling.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import NormalizeConfig
from pipeline.model import Line, Page
from pipeline.normalize import normalize_page
from pipeline.spelling import MarkRepairer, repair_marks


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("ครังที 1/2565", "ครั้งที่ 1/2565"),
        ("ระเบียบวาระที 3 เรืองเพือพิจารณา", "ระเบียบวาระที่ 3 เรื่องเพื่อพิจารณา"),
        ("มติทีประชุม รับทราบ", "มติที่ประชุม รับทราบ"),
        ("เริมประชุมเวลา 09.00 น.", "เริ่มประชุมเวลา 09.00 น."),
        ("ฝายเลขานุการ", "ฝ่ายเลขานุการ"),
        ("ซึงได้มีการประชุม", "ซึ่งได้มีการประชุม"),
        ("ทังนีมีพืนที", "ทั้งนี้มีพื้นที่"),
        ("นายกเทศมนตรีแจ้งว่าสภาเทศบาลได้อนุมัติให้โอนงบประมาณ", None),  # nothing dropped
    ],
)
def test_dropped_tone_marks_are_put_back(read, meant):
    text, n = repair_marks(read)
    assert text == (meant or read)
    assert (n > 0) == (meant is not None)


@pytest.mark.parametrize(
    "text",
    [
        "เวลา 10 นาที",  # นาที is a word: not นา + ที่
        "ทีมงานทีละคน",
        "รุ่งเรือง",  # เรือง inside a longer word stays
        "ครั้งที่ 2 ที่ประชุมรับทราบ",  # already right: unchanged
        "นายสิทธิพล ภูสมบุญ",  # names are never touched
        "นางสาวมาลี ทองดี ผู้ช่วยเลขานุการ",
        "(นางสาวสุภาวดี มาลัย) ผู้จดรายงานการประชุม",  # a signatory's name in brackets too
        "บัติ",  # a single-letter word (บ่) is never made
        "จากสำนี๊กงาน",  # no second tone mark next to one
        "OTOP 2,900,000 บาท (สองล้านเก้าแสนบาทถ้วน)",
    ],
)
def test_what_is_not_a_dropped_mark_is_left_alone(text):
    assert repair_marks(text) == (text, 0)


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("ที่มีขุ้อมูลกลุ่มเป้าหมาย", "ที่มีข้อมูลกลุ่มเป้าหมาย"),  # a lower vowel from a speck
        ("หน้าที่ของคณะกรรุมการ", "หน้าที่ของคณะกรรมการ"),
        ("ปลั๊ดจังหวัด", "ปลัดจังหวัด"),  # a mai tri no word has
        ("ประชูมขับเคลื่อน", "ประชุมขับเคลื่อน"),  # the long lower vowel for the short one
        # mai ek or mai tho added from a speck, or read for the other, in words of four letters
        ("วิสาหกิจเพื่อสั่งคม", "วิสาหกิจเพื่อสังคม"),
        ("งบลงทุ่น", "งบลงทุน"),
        ("ปัจจุบั้นมีสมาชิก", "ปัจจุบันมีสมาชิก"),
        ("สร้างความมั้นคงทางอาหาร", "สร้างความมั่นคงทางอาหาร"),
    ],
)
def test_marks_ocr_added_or_confused_are_put_right(read, meant):
    text, n = repair_marks(read)
    assert text == meant and n == 1


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("จ้านวน 3 ราย", "จำนวน 3 ราย"),  # the NIKHAHIT read as mai tho
        ("อ้าเภอเมือง", "อำเภอเมือง"),
        ("ต้าบลลาดหลุมแก้ว", "ตำบลลาดหลุมแก้ว"),
        ("เน้นย้าให้คณะทำงาน", "เน้นย้ำให้คณะทำงาน"),  # the NIKHAHIT lost
        ("กาหนดการ", "กำหนดการ"),
        ("ปลาน้าจืด", "ปลาน้ำจืด"),
    ],
)
def test_a_sara_am_read_as_sara_aa_is_put_right(read, meant):
    text, n = repair_marks(read)
    assert text == meant and n == 1


@pytest.mark.parametrize(
    "text",
    ["การค้า ร้านค้า ค้าขาย", "หน้าที่ ล้านบาท", "ทานอาหาร นาข้าว", "ถ้าหาก ช้าง", "น้าชาย"],
)
def test_words_with_sara_aa_are_not_made_sara_am(text):
    # ค้า is not made คำ: a SARA AM read as ้า makes a word of three letters or more
    assert repair_marks(text) == (text, 0)


@pytest.mark.parametrize(
    "text",
    [
        "ผู้กู้เงิน",  # a tone mark swapped makes no short word (คู้ -> คู่ for กู้)
        "ที่ม",  # nor dropped: ทีม
        "ที่มีการประชุม ท่านประธาน พี่น้องประชาชน ค่าใช้จ่าย",
        "ปลูกต้นไม้ 1,000 ต้น ร่วมกัน ห้องประชุม ท้องถิ่น ตั้งแต่ ค้าขาย",
        "นายบุญูมี ศรีสว่าง",  # names are never touched
        "สุขภาพ ครูผู้สอน",
    ],
)
def test_common_marks_are_not_dropped_or_swapped_in_words_read_right(text):
    assert repair_marks(text) == (text, 0)


def test_only_ocr_lines_are_repaired_and_the_reading_is_kept():
    line = Line(1, "", "มติทีประชุม", confidence=0.93)
    ocr = normalize_page(Page(1, 100, 100, "ocr", (line,)), NormalizeConfig())
    assert ocr.lines[0].text == "มติที่ประชุม"
    assert ocr.lines[0].raw_text == "มติทีประชุม"
    assert ocr.lines[0].repaired == 1
    layer = normalize_page(Page(1, 100, 100, "text_layer", (line,)), NormalizeConfig())
    assert layer.lines[0].text == "มติทีประชุม" and layer.lines[0].repaired == 0
    off = normalize_page(Page(1, 100, 100, "ocr", (line,)), NormalizeConfig(repair_marks=False))
    assert off.lines[0].text == "มติทีประชุม"


def test_rows_read_from_repaired_or_uncertain_lines_are_flagged():
    from pipeline.model import Document
    from pipeline.tables import flag_uncertain_sources

    lines = (
        Line(1, "มติที่ประชุม รับทราบ", "มติทีประชุม รับทราบ", confidence=0.95, repaired=1),
        Line(2, "งบประมาณ 350,000 บาท", "งบประมาณ 350,000 บาท", confidence=0.41),
        Line(3, "ที่ประชุมเห็นชอบ", "ที่ประชุมเห็นชอบ", confidence=0.96),
    )
    doc = Document("d", "x.pdf", "scanned_pdf", (Page(1, 10, 10, "ocr", lines),))
    tables = {
        "resolutions": [{"page": 1, "line": 1, "flags": None}],
        "budgets": [{"page": 1, "line": 2, "flags": "amount_words_disagree"}],
        "speeches": [{"page": 1, "line": 2, "last_line": 3}, {"page": 1, "line": 3}],
    }
    flag_uncertain_sources(tables, doc)
    assert tables["resolutions"][0]["flags"] == "ocr_repaired"
    assert tables["budgets"][0]["flags"] == "amount_words_disagree,low_confidence"
    assert tables["speeches"][0]["flags"] == "low_confidence"  # its first of two lines
    assert "flags" not in tables["speeches"][1]


def test_the_default_repairer_is_built_once_whichever_thread_asks():
    from concurrent.futures import ThreadPoolExecutor

    MarkRepairer._build_default.cache_clear()  # built afresh here, by racing threads
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda _: MarkRepairer.default(), range(4)))
    assert all(r is built[0] for r in built)


def test_amounts_ocr_read_from_thai_digits_are_flagged_and_others_are_not():
    from pipeline.model import Document
    from pipeline.tables import flag_uncertain_sources, read_from_thai_digits

    assert read_from_thai_digits("งบประมาณ 250,220 บาท", ["งบประมาณ ๒๕๐,๒๒๐ บาท"])
    # the date on the line is in Thai digits, the amount is not
    assert not read_from_thai_digits(
        "งบประมาณ 180,000 บาท", ["เมื่อ ๑๓ ก.ย. ๒๕๖๖ งบประมาณ 180,000 บาท"]
    )
    assert not read_from_thai_digits("วงเงินสองแสนบาทถ้วน", ["วงเงินสองแสนบาทถ้วน"])
    # split over two lines: the Thai digits of either line decide
    assert read_from_thai_digits("จำนวน 1,250,000 บาท", ["จำนวน ๑,๒๕๐,", "๐๐๐ บาท"])

    def flags_of(origin: str, raw: str) -> str | None:
        line = Line(1, "งบประมาณ 680,620 บาท", raw, confidence=0.95 if origin == "ocr" else None)
        doc = Document("d", "x.pdf", "scanned_pdf", (Page(1, 10, 10, origin, (line,)),))
        budgets = [{"page": 1, "line": 1, "text": "งบประมาณ 680,620 บาท", "flags": None}]
        flag_uncertain_sources({"budgets": budgets}, doc)
        return budgets[0]["flags"]

    assert flags_of("ocr", "งบประมาณ ๖๘๐,๖๒๐ บาท") == "ocr_thai_digits"
    assert flags_of("ocr", "งบประมาณ 680,620 บาท") is None  # Arabic digits read reliably
    assert flags_of("text_layer", "งบประมาณ ๖๘๐,๖๒๐ บาท") is None  # a text layer is exact


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("ระเบียบวาระที ๔ เรืองอิน ๆ", "ระเบียบวาระที่ ๔ เรื่องอื่น ๆ"),  # a vowel confused, marks dropped
        ("มติที่ประชุม วับทราบ", "มติที่ประชุม รับทราบ"),  # ร read as ว
        ("(ลงชื่อ)....ผู้จตรายงานการประชุม", "(ลงชื่อ)....ผู้จดรายงานการประชุม"),  # ด read as ต
        ("เรื่องที่ประธานแจ้งให้ที่ประ ชุมทราบ", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),  # a space inside
    ],
)
def test_standard_phrases_damaged_by_ocr_are_restored(read, restored):
    from pipeline.spelling import repair_phrases

    text, count = repair_phrases(read)
    assert text == restored and count >= 1


def test_phrases_read_right_and_short_words_are_left_alone():
    from pipeline.spelling import repair_phrases

    for text in ("เรื่องอื่นๆ", "เรื่องอื่น ๆ", "ที่ประชุมรับทราบ", "นางสาวลากิจ ศรีสุข", "กิจกรรมวาระพิเศษ"):
        assert repair_phrases(text) == (text, 0)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("มูลค่า 432.30 ล้าน บาๆท ราคาจำหน่าย", "มูลค่า 432.30 ล้าน บาท ราคาจำหน่าย"),  # a speck
        ("ดำเนิๆนการ", "ดำเนินการ"),
        # ๆ where it belongs, after a word, with or without a space
        ("เรื่องอื่น ๆ", "เรื่องอื่น ๆ"),
        ("เรื่องอื่นๆ", "เรื่องอื่นๆ"),
        ("ต่างๆนานา", "ต่างๆนานา"),
        ("ไปเรื่อยๆไป", "ไปเรื่อยๆไป"),
    ],
)
def test_a_repeat_mark_inside_a_word_is_a_speck(text, fixed):
    from pipeline.spelling import drop_inner_repeats

    assert drop_inner_repeats(text) == (fixed, int(text != fixed))


@pytest.mark.parametrize(
    "text", ["เพื่อทีจะสามารถขุ้บเคลื่อน", "ขู ดู ปู", "กุ้ง ปู ปลา", "ชูป้าย ดูแล", "ต้าบล จ้า ย้า"]
)
def test_a_repair_writes_only_thai_letters_and_marks(text):
    # a lower vowel swapped on a two-letter word was once written with its internal "=" tag
    fixed, _ = repair_marks(text)
    assert "=" not in fixed and "~" not in fixed
    assert set(fixed) <= set(text) | set("\u0e33\u0e38\u0e39\u0e48\u0e49\u0e4a\u0e4b")


#: Thai letters, vowels and marks, weighted toward what the repair reads around (SARA AA,
#: mai ek, mai tho, the lower vowels), and pieces of words OCR damages, so that drawn runs hit
#: its changes often.
_LETTERS = "กขคงจชซดตทนบปพมยรลวสหอะาำิีึืุู่้๊๋ัเแโใไ็์" + "าุู่้" * 3
_PIECES = [
    "ประจ้าปี",
    "ประจ้",
    "จ้านวน",
    "อ้าเภอ",
    "อ้",
    "ต้าบล",
    "กาหนด",
    "ย้า",
    "ครังที",
    "ประชูม",
    "ขุ้อ",
    "สั่งคม",
]
_RUNS = st.lists(
    st.one_of(st.text(alphabet=_LETTERS, min_size=1, max_size=6), st.sampled_from(_PIECES)),
    min_size=1,
    max_size=4,
).map("".join)


@given(st.lists(_RUNS, min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_a_repair_is_the_same_whatever_was_repaired_before(runs):
    """The walks kept by the letters they read (``_matches_from``) give what a walk afresh gives,
    in whatever order runs come: each run repaired by a repairer that has seen the others and by
    one that has seen nothing."""
    shared = MarkRepairer.default()
    warm = MarkRepairer(shared.tries, shared.counts)
    for run in runs + [r[::-1] for r in runs] + ["".join(runs)]:
        fresh = MarkRepairer(shared.tries, shared.counts)
        assert warm._segment(run) == fresh._segment(run)


def test_what_is_kept_for_life_is_built_without_collections_and_then_frozen():
    """The word tries are built with the garbage collector held off, then frozen out of its
    collections; the collector is left as it was found."""
    import gc

    from pipeline.spelling import kept_for_life

    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        frozen = gc.get_freeze_count()
        with kept_for_life():
            assert not gc.isenabled()
            kept = [[i] for i in range(50_000)]  # enough young objects to start collections
        assert gc.isenabled() and collections == []
        assert gc.get_freeze_count() >= frozen + len(kept)
        gc.disable()
        with kept_for_life():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(count)
        gc.unfreeze()


def test_the_dictionary_trie_is_the_one_pythainlp_tokenizes_with():
    from pythainlp.tokenize import word_dict_trie

    from pipeline.spelling import MarkRepairer, dictionary_trie

    assert dictionary_trie() is word_dict_trie()
    assert MarkRepairer.default().roots[0] is dictionary_trie().root
