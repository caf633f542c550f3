"""Measure the second digit reading on fonts it has not seen.

    python bench/digits_unseen_font.py            # re-freezes the Thai-digit scan samples
    python -m pipeline.evaluate samples           # then compare with the committed frozen OCR

Each sample whose scans use Thai digits is OCR'd again (as ``samples/freeze_ocr.py`` does) with
the digit templates of its own font family left out, so the glyphs are compared only with the
other fonts' digits. Run it in a scratch clone: it overwrites ``samples/*/frozen``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pipeline.digits as digits  # noqa: E402
from pipeline.config import PipelineConfig  # noqa: E402

sys.path.insert(0, str(ROOT / "samples"))
from freeze_ocr import freeze  # noqa: E402

#: The font each sample was rendered in (samples/README.md).
FONTS = {
    "pathumthani_e3_2565": "Laksaman",
    "abt_nongbua_2566": "Laksaman",
    "coop_lampang_2565": "Sawasdee",
    "hospital_nadee_2566": "Loma",
    "school_huaisai_2567": "Kinnari",
}


def main() -> None:
    templates = digits.templates
    for sample, family in FONTS.items():
        digits.templates = lambda exclude=frozenset(), family=family: templates(  # type: ignore[misc]
            frozenset(exclude) | {family}
        )
        print(f"{sample}: templates without {family}")
        freeze(ROOT / "samples" / sample, PipelineConfig.load(None))
    digits.templates = templates


if __name__ == "__main__":
    main()
