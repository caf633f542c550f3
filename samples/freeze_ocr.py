"""Freeze the OCR of every sample input that needs it, so golden tests do not depend on the
local Tesseract version.

    python samples/freeze_ocr.py [samples/<id> ...]

For each ``samples/<id>/source/<file>`` (PDF pages without a usable text layer, images) this runs
the real engine exactly as the pipeline does and writes ``samples/<id>/frozen/<file>.tsv``: the
lines of every page in Tesseract's TSV layout. Tool versions go to ``samples/manifest.json``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytesseract

from pipeline.config import PipelineConfig
from pipeline.ingest import needs_ocr_engine, read_document
from pipeline.ocr import TesseractEngine, parse_tesseract_tsv

SAMPLES = Path(__file__).resolve().parent


@dataclass
class RecordingEngine:
    engine: TesseractEngine
    pages: list[str] = field(default_factory=list)

    def recognize(self, render, page_no, reason):
        image = render()
        try:
            tsv = self.engine.page_tsv(image, page_no)
        finally:
            image.close()
        self.pages.append(tsv)
        return replace(parse_tesseract_tsv(tsv, page_no), reason=reason)

    def tsv(self) -> str:
        head, *_ = self.pages[0].splitlines()
        rows = [row for page in self.pages for row in page.splitlines()[1:]]
        return "\n".join([head, *rows]) + "\n"


def freeze(sample: Path, config: PipelineConfig) -> None:
    for source in sorted((sample / "source").iterdir()):
        if not needs_ocr_engine(source):
            continue
        recorder = RecordingEngine(TesseractEngine(config.ocr))
        read_document(source, "frozen", config.ocr, recorder)
        target = sample / "frozen" / f"{source.name}.tsv"
        if recorder.pages:
            target.parent.mkdir(exist_ok=True)
            target.write_text(recorder.tsv(), encoding="utf-8")
            print(f"{target}: {len(recorder.pages)} pages")


def main() -> None:
    config = PipelineConfig()
    samples = [Path(a) for a in sys.argv[1:]] or sorted(
        p for p in SAMPLES.iterdir() if (p / "source").is_dir()
    )
    for sample in samples:
        freeze(sample, config)
    manifest = {
        "tesseract": str(pytesseract.get_tesseract_version()),
        "ocr": {"lang": config.ocr.lang, "psm": config.ocr.psm, "dpi": config.ocr.dpi},
    }
    (SAMPLES / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
