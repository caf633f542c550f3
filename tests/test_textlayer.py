"""Damaged PDF text layers: detected per page, rebuilt from the embedded fonts where they say what
each glyph draws, OCR'd where they do not; the reason is recorded on the page."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from pipeline.config import PipelineConfig
from pipeline.model import Page
from pipeline.normalize import normalize_text
from pipeline.runner import process_document
from pipeline.textlayer import PUA_THAI, legacy_thai_forms, measure, remap_fonts
from tests.golden import SAMPLES

#: Samples whose text-layer PDF also comes with a damaged layer (samples/make_sample.py --damaged)
DAMAGED = sorted(SAMPLES.glob("*/source/minutes-damaged.pdf"))
TLWG = Path("/usr/share/fonts/truetype/tlwg")


def test_there_are_damaged_samples_of_both_kinds():
    reasons = " ".join(
        p["reason"]
        for path in DAMAGED
        for p in process_document(path, PipelineConfig()).rows["pages"]
    )
    assert len(DAMAGED) >= 2
    assert "SARA AM where SARA AA belongs" in reasons  # the กำร damage
    assert "doubled marks" in reasons  # ผ้้ for ผู้


@pytest.mark.skipif(not TLWG.is_dir(), reason="needs fonts-thai-tlwg")
@pytest.mark.parametrize("font", ["Laksaman.ttf", "Loma.ttf", "Kinnari.ttf", "Garuda.ttf"])
def test_the_legacy_pua_table_agrees_with_thai_fonts_own_cmaps(font):
    tt = TTFont(TLWG / font)
    legacy = {code: name for code, name in tt.getBestCmap().items() if 0xF700 <= code <= 0xF71A}
    assert legacy, f"{font} has no legacy forms"
    for code, name in legacy.items():
        base = name.split(".")[0]
        assert base.startswith("uni"), name
        assert PUA_THAI[chr(code)] == chr(int(base[3:], 16)), (hex(code), name)


def test_legacy_forms_become_the_characters_they_draw():
    assert legacy_thai_forms("ผู\uf70b") == "ผู้"  # lowered MAI THO
    assert legacy_thai_forms("\uf700าน") == "ฐาน"  # THO THAN without its descender
    assert normalize_text("ที่\uf70aประชุม") == normalize_text("ที่่ประชุม")
    assert legacy_thai_forms("\ue000") == "\ue000"  # other PUA code points are not guessed


def test_clean_thai_shows_no_damage():
    text = "มติที่ประชุม รับทราบ\nผู้อำนวยการกองคลังชี้แจงว่า การจัดซื้อครุภัณฑ์ดำเนินการแล้ว"
    damage = measure(text)
    assert damage.count == 0 and not damage.damaged


@pytest.mark.parametrize(
    ("chars", "field"),
    [
        (["ท", "ี", " ", "่", "ป"], "stranded"),  # ที ่ : a mark after a space
        (["ผ", "้", "้", "ม"], "doubled"),  # ผ้้ : the lower vowel's glyph read as MAI THO
        (["ต", "", "า", "บ", "ล"], "empty"),  # ต าบล : NIKHAHIT's glyph with no text
    ],
)
def test_each_kind_of_damage_is_counted(chars, field):
    assert getattr(measure(chars), field) == 1


def test_sara_am_for_sara_aa_is_damage_only_when_it_outnumbers_sara_aa():
    damaged = measure("รำยงำนกำรประชุมคณะกรรมกำรบริหำรโรงพยำบำลนำดี")
    assert damaged.sara_am >= 8 and damaged.damaged
    text = (
        "สำนักงานจังหวัดนำเสนอการดำเนินการตามคำสั่ง ทำรายงานจำนวนสามรายการ "
        "กำหนดการประชุมประจำเดือน ดำเนินงานตามแผนงานประจำปี"
    )
    assert 8 <= text.count("ำ") < text.count("า")
    assert measure(text).sara_am == 0  # ordinary text with many ำ, but more า


@pytest.mark.parametrize("damaged", DAMAGED, ids=[p.parent.parent.name for p in DAMAGED])
def test_a_damaged_layer_rebuilt_from_its_fonts_gives_the_clean_layers_tables(damaged):
    config = PipelineConfig()
    clean = process_document(damaged.with_name("minutes-text.pdf"), config)
    result = process_document(damaged, config)
    for page in result.rows["pages"]:
        assert page["method"] == "text_layer"
        assert "ToUnicode rebuilt from the embedded fonts" in page["reason"], page["reason"]
    assert result.text == clean.text
    volatile = {"doc_id", "raw_text", "source", "sha256", "reason", "processed_at", "seconds"}
    for table in ("lines", "meetings", "attendees", "agenda_items", "speeches", "resolutions"):
        strip = [{k: v for k, v in r.items() if k not in volatile} for r in result.rows[table]]
        want = [{k: v for k, v in r.items() if k not in volatile} for r in clean.rows[table]]
        assert strip == want, table


def _without_glyph_names(source: Path, target: Path) -> None:
    """The PDF with its embedded fonts stripped of glyph names and cmap, as many subsetting
    producers leave them: nothing says what a glyph draws but the (damaged) ToUnicode map."""
    with pikepdf.open(source) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType2":
                stream = obj.FontDescriptor.FontFile2
                tt = TTFont(io.BytesIO(bytes(stream.read_bytes())))
                tt["post"].formatType = 3.0
                if "cmap" in tt:
                    del tt["cmap"]
                out = io.BytesIO()
                tt.save(out)
                stream.write(out.getvalue())
        pdf.save(target)


class RecordingEngine:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def recognize(self, render, page_no, reason):
        self.reasons.append(reason)
        return Page(page_no, 100, 100, "ocr", (), reason=reason)


def test_a_damaged_layer_its_fonts_cannot_rebuild_is_ocrd_with_the_reason(tmp_path: Path):
    damaged = next(p for p in DAMAGED if "hospital" in str(p))  # SARA AM for SARA AA
    stripped = tmp_path / "stripped.pdf"
    _without_glyph_names(damaged, stripped)
    assert remap_fonts(stripped) is None
    engine = RecordingEngine()
    result = process_document(stripped, PipelineConfig(), lambda path, config: engine)
    assert len(engine.reasons) == len(result.rows["pages"]) == 2
    for page in result.rows["pages"]:
        assert page["method"] == "ocr"
        assert page["reason"].startswith("text layer damaged (")
        assert "SARA AM where SARA AA belongs" in page["reason"]
        assert page["reason"].endswith("; OCR")


def test_a_clean_layer_is_not_rebuilt(monkeypatch):
    import pipeline.ingest as ingest

    def fail(path):
        raise AssertionError("a clean layer was sent to be rebuilt")

    monkeypatch.setattr(ingest, "remap_fonts", fail)
    clean = next(SAMPLES.glob("*/source/minutes-text.pdf"))
    ingest.close_cached()
    result = process_document(clean, PipelineConfig())
    assert all(p["reason"].startswith("text layer: ") for p in result.rows["pages"])
    assert all("rebuilt" not in p["reason"] for p in result.rows["pages"])
