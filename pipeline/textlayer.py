"""Judge, repair or reject a PDF page's text layer.

Thai PDFs often carry a text layer that looks right on screen but extracts wrongly, because the
producer's ToUnicode map says which characters each glyph stands for and Thai fonts draw one
character with several glyphs (SARA AM as NIKHAHIT + SARA AA) and one glyph for several
characters (a tone mark lowered or shifted left). A producer that maps each glyph to the text of
the first cluster it drew gives ``กำร`` for การ, ``ผ้้`` for ผู้ and ``ต าบล`` for ตำบล; one that
maps glyphs back through a legacy font's cmap gives Private Use Area code points (U+F700-U+F71A).

What can be repaired exactly is repaired:

- the legacy Thai PUA forms are positional variants of ordinary characters: :data:`PUA_THAI`
  maps them back (in normalisation, so ``raw_text`` keeps what the layer said);
- a damaged ToUnicode map is rebuilt from the embedded font program itself, whose glyph names
  (``uni0E49.low``) or cmap say what each glyph is (:func:`remap_fonts`).

A page whose layer is still damaged after that is OCR'd; ``pages.reason`` says why.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Legacy Thai fonts encode positional variants of Thai characters at U+F700-U+F71A (the
#: Microsoft/Apple convention, still in the cmap of TLWG and TH Sarabun fonts): ฐ and ญ without
#: their descender, upper vowels and marks shifted left, tone marks lowered, lower vowels lowered.
PUA_THAI: dict[str, str] = {
    chr(0xF700 + i): chr(code)
    for i, code in enumerate(
        (
            0x0E10,  # F700 ฐ without descender
            0x0E34, 0x0E35, 0x0E36, 0x0E37,  # F701-F704 upper vowels, shifted left
            0x0E48, 0x0E49, 0x0E4A, 0x0E4B, 0x0E4C,  # F705-F709 marks, low and left
            0x0E48, 0x0E49, 0x0E4A, 0x0E4B, 0x0E4C,  # F70A-F70E marks, low
            0x0E0D,  # F70F ญ without descender
            0x0E31, 0x0E4D, 0x0E47,  # F710-F712 MAI HAN-AKAT, NIKHAHIT, MAITAIKHU, left
            0x0E48, 0x0E49, 0x0E4A, 0x0E4B, 0x0E4C,  # F713-F717 marks, left
            0x0E38, 0x0E39, 0x0E3A,  # F718-F71A lower vowels and PHINTHU, low
        )
    )
}  # fmt: skip
_PUA_TABLE = str.maketrans(PUA_THAI)

#: Thai combining characters: above and below vowels, tone marks and signs.
_THAI_MARKS = frozenset(
    chr(c) for c in range(0x0E31, 0x0E4F) if unicodedata.category(chr(c)) == "Mn"
)
#: Thai characters that cannot begin a syllable's written form: combining marks, and the vowels
#: SARA AA, SARA AM and SARA A, which follow their consonant.
_NOT_INITIAL = _THAI_MARKS | {"\u0e32", "\u0e33", "\u0e30"}
#: A layer is damaged when it has at least this many signs of damage per 1,000 Thai characters
#: (and at least MIN_DAMAGE of them): clean layers of the samples have none.
DAMAGE_PER_MILLE = 2.0
MIN_DAMAGE = 3
#: SARA AM counts as damage only from this many on a page (a short page may have few า).
SARA_AM_MIN = 8


def legacy_thai_forms(text: str) -> str:
    """Legacy PUA forms to the characters they draw: ``"ผู\\uf70b"`` → ``"ผู้"``."""
    return text.translate(_PUA_TABLE)


@dataclass(frozen=True)
class Damage:
    """Signs that a page's text layer does not say what its glyphs draw."""

    thai: int = 0  # Thai characters on the page
    empty: int = 0  # glyphs drawn with no text at all (a NIKHAHIT mapped to "")
    stranded: int = 0  # a vowel or mark after a space or at a line start: "ที ่", "ต  าบล"
    doubled: int = 0  # the same mark twice on one consonant: "ผ้้"
    sara_am: int = 0  # SARA AM where SARA AA belongs ("กำร"): ำ outnumbering า on the page

    @property
    def count(self) -> int:
        return self.empty + self.stranded + self.doubled + self.sara_am

    @property
    def damaged(self) -> bool:
        return self.count >= max(MIN_DAMAGE, DAMAGE_PER_MILLE * self.thai / 1000)

    def describe(self) -> str:
        parts = [
            plural(n, *forms)
            for n, forms in (
                (self.empty, ("glyph with no text", "glyphs with no text")),
                (self.stranded, ("stranded vowel or mark", "stranded vowels or marks")),
                (self.doubled, ("doubled mark", "doubled marks")),
                (self.sara_am, ("SARA AM where SARA AA belongs",) * 2),
            )
            if n
        ]
        return ", ".join(parts) or "no damage"


def plural(n: int, one: str, many: str | None = None) -> str:
    """``plural(2, "font")`` → ``"2 fonts"``; ``many`` when adding an s is not the plural."""
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def measure(texts: Iterable[str]) -> Damage:
    """Count the signs of damage in a page's characters, in content-stream order (pdfplumber's
    ``page.chars`` texts; a line break may be given as ``"\\n"``)."""
    thai = empty = stranded = doubled = aa = am = 0
    prev = "\n"
    for text in texts:
        if not text:
            empty += 1
            continue
        for ch in legacy_thai_forms(text):
            if "\u0e00" <= ch <= "\u0e7f":
                thai += 1
                aa += ch == "\u0e32"
                am += ch == "\u0e33"
            if ch in _NOT_INITIAL and (prev.isspace() or not prev):
                stranded += 1
            elif ch in _THAI_MARKS and ch == prev:
                doubled += 1
            prev = ch
    # Thai text has 7-20 SARA AA to each SARA AM; a layer whose SARA AA glyph says "ำ" has more ำ
    sara_am = am if am >= SARA_AM_MIN and am > aa else 0
    return Damage(thai, empty, stranded, doubled, sara_am)


def page_texts(chars: list[dict]) -> list[str]:
    """The texts of a page's characters in stream order, with ``"\\n"`` where a new line starts
    (a character below the previous one)."""
    out: list[str] = []
    prev: dict | None = None
    for ch in chars:
        if prev is not None and float(ch["top"]) >= float(prev["bottom"]) - 1:
            out.append("\n")
        out.append(ch.get("text", ""))
        prev = ch
    return out


# --- Rebuilding ToUnicode maps from the embedded fonts --------------------------------------------
@dataclass(frozen=True)
class Remapped:
    """A copy of a PDF whose fonts' ToUnicode maps were rebuilt from the fonts themselves."""

    data: bytes
    glyphs: int  # glyphs whose text changed
    fonts: int  # fonts changed


def glyph_texts(program: bytes, kind: str) -> dict[int, str]:
    """What each glyph of an embedded font draws, by glyph id: from its name (``uni0E49.low``,
    ``uni0E24_uni0E45``, Adobe glyph list names) or else from the font's own cmap; legacy PUA
    code points become the characters they draw. Glyphs neither says anything about are left out."""
    from fontTools.agl import toUnicode
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    by_gid: dict[int, str] = {}
    if kind == "FontFile3-bare-cff":
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(program), None)
        top = cff[cff.fontNames[0]]
        if hasattr(top, "ROS"):  # CID-keyed: its charset holds CIDs, not names
            return {}
        names = list(top.charset)
        cmap_by_name: dict[str, int] = {}
    else:
        font = TTFont(io.BytesIO(program), lazy=True)
        names = font.getGlyphOrder()
        cmap_by_name = {}
        if "cmap" in font:
            for code, name in sorted(font.getBestCmap().items(), reverse=True):
                # an ordinary code point wins over a PUA one for the same glyph
                if name not in cmap_by_name or not _is_pua(code):
                    cmap_by_name[name] = code
    for gid, name in enumerate(names):
        text = toUnicode(name) if not re.fullmatch(r"(glyph|gid|g)\d+|\.notdef", name) else ""
        if not text and name in cmap_by_name:
            text = chr(cmap_by_name[name])
        text = legacy_thai_forms(text)
        if text and not any(_is_pua(ord(c)) for c in text):
            by_gid[gid] = text
    return by_gid


def _is_pua(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF


def _to_unicode_cmap(mapping: dict[int, str]) -> bytes:
    """A ToUnicode CMap (2-byte codes) for ``mapping`` of CID → text."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for cid, text in chunk:
            lines.append(f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _old_map(stream: Any) -> dict[int, str]:
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap

    umap = FileUnicodeMap()
    CMapParser(umap, io.BytesIO(bytes(stream.read_bytes()))).run()
    return dict(umap.cid2unichr)


def remap_fonts(path: Path) -> Remapped | None:
    """A copy of the PDF at ``path`` whose composite (Type0, Identity) fonts map each glyph to
    what the font program says it draws. None when no font's map changes (nothing to rebuild it
    from, or the maps already agree with the fonts)."""
    import pikepdf

    glyphs = fonts = 0
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0":
                continue
            try:
                changed = _remap_type0(pdf, obj)
            except Exception as exc:  # a font program fontTools cannot read: keep its map
                log.debug("font %s not re-mapped: %s", obj.get("/BaseFont"), exc)
                continue
            if changed:
                glyphs += changed
                fonts += 1
        if not glyphs:
            return None
        out = io.BytesIO()
        pdf.save(out)
    return Remapped(out.getvalue(), glyphs, fonts)


def _remap_type0(pdf: Any, font: Any) -> int:
    import pikepdf

    if str(font.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
        return 0
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor")
    if descriptor is None:
        return 0
    if "/FontFile2" in descriptor:
        program, kind = descriptor.FontFile2, "FontFile2"
    elif "/FontFile3" in descriptor:
        program = descriptor.FontFile3
        kind = "FontFile3" if program.get("/Subtype") == "/OpenType" else "FontFile3-bare-cff"
    else:
        return 0
    by_gid = glyph_texts(bytes(program.read_bytes()), kind)
    if not by_gid:
        return 0
    cid_to_gid = descendant.get("/CIDToGIDMap")
    if isinstance(cid_to_gid, pikepdf.Stream):
        raw = bytes(cid_to_gid.read_bytes())
        gid_of = {
            cid: int.from_bytes(raw[2 * cid : 2 * cid + 2], "big") for cid in range(len(raw) // 2)
        }
    else:  # /Identity, or absent
        gid_of = None
    old = _old_map(font.ToUnicode) if "/ToUnicode" in font else {}
    cids = set(old) | (set(gid_of) if gid_of is not None else set(by_gid))
    new = dict(old)
    changed = 0
    for cid in cids:
        gid = gid_of.get(cid, 0) if gid_of is not None else cid
        text = by_gid.get(gid)
        if text and old.get(cid) != text:
            new[cid] = text
            changed += 1
    if changed:
        font.ToUnicode = pdf.make_stream(_to_unicode_cmap(new))
    return changed
