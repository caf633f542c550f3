"""Render a sample's text into (a) a PDF with a real text layer and (b) an image-only "scan".

    python samples/make_sample.py samples/<id>/source/minutes.txt [--font Laksaman] [--seed 1]

writes ``minutes-text.pdf`` (WeasyPrint: Pango/HarfBuzz shape the Thai, the text layer is real)
and ``minutes-scan.pdf`` (each page rasterised at 300 dpi with pypdfium2, then slightly rotated,
blurred, noised and JPEG-compressed) beside the text. Continuation markers (``/๙. นายสมคิด.....``)
end a page, as on the paper original; pages after the first carry a Thai page number (``- ๒ -``).
Output is deterministic for a given ``--seed``. Needs the ``dev`` extra and fonts-thai-tlwg.
"""

from __future__ import annotations

import argparse
import html
import io
import re
from pathlib import Path

import img2pdf
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

#: A line that ends a page in the original: a continuation marker at its end.
PAGE_END = re.compile(r"/\s*\S[^/]{0,60}?(?:\.{3,}|…)\s*$")

CSS = """
@page {{ size: A4; margin: 2.2cm 2cm 2cm 2.5cm;
        @top-center {{ content: "- " counter(page, thai) " -"; font-family: {font}; font-size: 15pt; }} }}
@page :first {{ @top-center {{ content: none; }} }}
body {{ font-family: {font}; font-size: 15pt; line-height: 1.25; }}
p {{ margin: 0; white-space: pre-wrap; tab-size: 6; }}
p.gap {{ height: 1em; }}
p.center {{ text-align: center; }}
p.break {{ break-after: page; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
td {{ padding: 0 0.6em 0 0; vertical-align: top; }}
"""


#: Column widths (percent) of tab-separated runs: label | text, or name | surname | position | role.
COLUMN_WIDTHS = {2: [28, 72], 3: [35, 19, 46], 4: [35, 17, 37, 11]}


def column_widths(table: list[list[str]]) -> list[int]:
    """Percent widths for a run of tab-separated lines; a column of list numbers stays narrow."""
    columns = max(len(cells) for cells in table)
    numbered = all(re.fullmatch(r"\s*[\d๐-๙]{1,3}[.)]?\s*", cells[0]) for cells in table)
    if numbered and columns > 1:
        rest = COLUMN_WIDTHS.get(columns - 1, [])
        return [6] + [round(w * 0.94) for w in rest]
    return COLUMN_WIDTHS.get(columns, [])


def _is_title(row: str) -> bool:
    return len(row) < 120 and not (row.strip().endswith("ประชุม") and "รายงาน" not in row)


def to_html(text: str, font: str) -> str:
    """One <p> per line, blank lines as small gaps, the title block centred; runs of
    tab-separated lines (attendance lists, label columns) become tables, as on paper."""
    rows = text.replace("\r\n", "\n").split("\n")
    title_end = next((i for i, r in enumerate(rows) if r.strip() and not _is_title(r)), len(rows))
    parts: list[str] = []
    table: list[list[str]] = []

    def flush_table() -> None:
        if table:
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in cells) + "</tr>"
                for cells in table
            )
            widths = column_widths(table)
            cols = "".join(f'<col style="width:{w}%">' for w in widths)
            parts.append(f"<table><colgroup>{cols}</colgroup>{body}</table>")
            table.clear()

    for i, row in enumerate(rows):
        if "\t" in row.strip("\t ") and not PAGE_END.search(row):
            table.append(row.rstrip().split("\t"))
            continue
        flush_table()
        if not row.strip():
            parts.append('<p class="gap"></p>')
            continue
        classes = []
        if i < title_end:
            classes.append("center")
        if PAGE_END.search(row):
            classes.append("break")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        parts.append(f"<p{attr}>{html.escape(row)}</p>")
    flush_table()
    return f"<html><head><meta charset='utf-8'><style>{CSS.format(font=font)}</style></head><body>{''.join(parts)}</body></html>"


#: How the text-layer PDF maps glyphs to text (``--text-layer``).
TEXT_LAYERS = ("exact", "producer", "legacy")
_text_layer = "exact"


def _patch_to_unicode() -> None:
    """Let ``_text_layer`` decide WeasyPrint's ToUnicode map for Thai.

    - ``producer``: WeasyPrint's own map, which gives a glyph the text of the first cluster it
      was drawn in. Thai fonts draw SARA AM as NIKHAHIT + SARA AA glyphs and use shifted
      variants of marks, so glyphs end up with no text or the wrong mark (``ผ้้`` for ผู้,
      ``ต าบล`` for ตำบล): the damage of real Thai PDFs.
    - ``exact``: each glyph maps to the character its name says (``uni0E49.low`` → U+0E49) or
      the font's cmap gives it; a decomposed SARA AM extracts as NIKHAHIT + SARA AA, which
      normalisation composes.
    - ``legacy``: what a producer writes from a legacy Thai font's cmap (TH Sarabun-style):
      shifted and lowered variants as their Private Use Area code points (U+F700-U+F71A), the
      SARA AA glyph as "ำ" and NIKHAHIT as nothing, so การ extracts as ``กำร``.
    """
    import weasyprint.pdf as wpdf
    from fontTools.ttLib import TTFont
    from weasyprint.pdf import fonts as wfonts

    if getattr(wfonts, "_thaiminutes_patched", False):
        return
    original = wfonts.build_fonts_dictionary

    def build(pdf, fonts, compress, subset, options):
        for font in fonts.values():
            if _text_layer == "producer" or font.bitmap or not font.to_unicode:
                continue
            tt = TTFont(io.BytesIO(font.file_content), fontNumber=font.index)
            order = tt.getGlyphOrder()
            by_glyph, pua = {}, {}
            for code, name in reversed(tt.getBestCmap().items()):
                (pua if 0xE000 <= code <= 0xF8FF else by_glyph)[tt.getGlyphID(name)] = chr(code)
            for gid in font.to_unicode:
                base = order[gid].split(".")[0] if gid < len(order) else ""
                if re.fullmatch(r"uni[0-9A-F]{4}", base):
                    font.to_unicode[gid] = chr(int(base[3:], 16))
                elif gid in by_glyph:
                    font.to_unicode[gid] = by_glyph[gid]
                if _text_layer == "legacy":
                    if gid in pua and gid not in by_glyph:
                        font.to_unicode[gid] = pua[gid]
                    elif font.to_unicode[gid] == "\u0e32":
                        font.to_unicode[gid] = "\u0e33"
                    elif font.to_unicode[gid] == "\u0e4d":
                        font.to_unicode[gid] = ""
        return original(pdf, fonts, compress, subset, options)

    wfonts.build_fonts_dictionary = wpdf.build_fonts_dictionary = build
    wfonts._thaiminutes_patched = True


def render_text_pdf(text: str, font: str, text_layer: str = "exact") -> bytes:
    global _text_layer
    from weasyprint import HTML

    if text_layer not in TEXT_LAYERS:
        raise ValueError(f"text_layer must be one of {TEXT_LAYERS}")
    _patch_to_unicode()
    _text_layer = text_layer
    return HTML(string=to_html(text, font)).write_pdf()


def degrade(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Mild scan damage: rotation up to 0.6°, blur, sensor noise, a slightly grey background."""
    angle = float(rng.uniform(-0.6, 0.6))
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.4, 0.8))))
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels * 0.92 + 10 + rng.normal(0, 3, pixels.shape)
    specks = rng.random(pixels.shape) < 0.0004  # dust
    pixels[specks] = rng.uniform(60, 160, int(specks.sum()))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def photograph(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A page photographed rather than scanned: skewed 1.2-2°, out of focus, lit from one side
    (the far corner down to about 60% of the near one's brightness, darker towards the edges),
    with a phone sensor's noise."""
    angle = float(rng.uniform(1.2, 2.0)) * float(rng.choice([-1.0, 1.0]))
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.6, 1.0))))
    pixels = np.asarray(image, dtype=np.float32)
    h, w = pixels.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    corner = rng.integers(0, 4)
    gx, gy = x / w, y / h
    if corner & 1:  # lit from the right
        gx = 1 - gx
    if corner & 2:  # lit from below
        gy = 1 - gy
    light = 1.0 - 0.28 * (gx + gy) / 2 - 0.15 * ((x / w - 0.5) ** 2 + (y / h - 0.5) ** 2) * 2
    pixels = (pixels * 0.9 + 12) * light + rng.normal(0, 5, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def render_scan_pdf(
    text_pdf: bytes, seed: int, dpi: int = 300, quality: int = 60, photo: bool = False
) -> bytes:
    """Each page rendered at ``dpi`` and damaged as a scan (or, with ``photo``, as a phone
    photograph: see :func:`photograph`), then embedded as a JPEG of ``quality``."""
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(text_pdf)
    pages = []
    for page in pdf:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        buf = io.BytesIO()
        damaged = photograph(image, rng) if photo else degrade(image, rng)
        damaged.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))  # scanner JPEG
        pages.append(buf.getvalue())
    return img2pdf.convert(pages)  # embeds the JPEG bytes as they are


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("text", type=Path)
    parser.add_argument("--font", default="Laksaman")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--photo",
        action="store_true",
        help="also write minutes-photo.pdf: the pages photographed (200 dpi, skew 1.2-2°, "
        "uneven light, JPEG 75)",
    )
    parser.add_argument(
        "--damaged",
        choices=TEXT_LAYERS[1:],
        help="also write minutes-damaged.pdf, whose text layer has this kind of damage",
    )
    args = parser.parse_args()
    text = args.text.read_text(encoding="utf-8")
    text_pdf = render_text_pdf(text, args.font)
    stem = args.text.with_suffix("")
    Path(f"{stem}-text.pdf").write_bytes(text_pdf)
    Path(f"{stem}-scan.pdf").write_bytes(render_scan_pdf(text_pdf, args.seed))
    print(f"wrote {stem}-text.pdf and {stem}-scan.pdf")
    if args.photo:
        photo = render_scan_pdf(text_pdf, args.seed, dpi=200, quality=75, photo=True)
        Path(f"{stem}-photo.pdf").write_bytes(photo)
        print(f"wrote {stem}-photo.pdf")
    if args.damaged:
        Path(f"{stem}-damaged.pdf").write_bytes(render_text_pdf(text, args.font, args.damaged))
        print(f"wrote {stem}-damaged.pdf ({args.damaged} text layer)")


if __name__ == "__main__":
    main()
