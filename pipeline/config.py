"""One typed configuration, defaults in code, optionally overridden from ``pipeline.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomllib


@dataclass(frozen=True)
class OcrConfig:
    lang: str = "tha+eng"
    #: ``api``: Tesseract's library in the worker (tesserocr; the model is loaded once per process),
    #: ``cli``: the ``tesseract`` program per page (pytesseract); ``auto``: api when it imports.
    engine: str = "auto"
    psm: int = 4  # one column of lines: a left label column stays on the line of its text
    dpi: int = 300
    timeout_s: float = 120.0  # per page; a page that hangs Tesseract is recorded as failed
    #: A text layer is trusted when a page has at least this many characters of text ...
    min_text_chars: int = 20
    #: ... and at most this share of Private Use Area / replacement characters.
    max_bad_char_share: float = 0.02
    max_image_pixels: int = 200_000_000  # refuse decompression bombs
    #: re-read alone (psm 7) a line of a Thai page in which Tesseract found Latin letters
    #: (``lo.`` for ๒., ``UM`` for บาท); costs about 0.12 s a line so re-read
    reread_latin: bool = True
    #: re-read from the left margin a line before which Tesseract left ink unread (a dropped
    #: leading ``- ๔.๒``)
    reread_unread: bool = True
    #: read Thai digits a second time, glyph by glyph against the Thai fonts' digits
    second_digit_reading: bool = True
    #: straighten a page that leans 1° or more, and even out uneven light (pipeline/preprocess.py)
    deskew: bool = True
    even_light: bool = True

    def __post_init__(self) -> None:
        if self.engine not in ("auto", "api", "cli"):
            raise ValueError(f"ocr.engine must be auto, api or cli, not {self.engine!r}")


@dataclass(frozen=True)
class NormalizeConfig:
    thai_digits: bool = True
    drop_furniture: bool = True
    #: put back tone marks that OCR dropped (OCR lines only; pipeline/spelling.py)
    repair_marks: bool = True


@dataclass(frozen=True)
class PipelineConfig:
    ocr: OcrConfig = field(default_factory=OcrConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)

    @classmethod
    def load(cls, path: Path | None = None) -> PipelineConfig:
        """Defaults, overridden by the ``[ocr]`` / ``[normalize]`` tables of a TOML file."""
        config = cls()
        if path is None or not path.exists():
            return config
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return replace(
            config,
            ocr=_merge(config.ocr, data.get("ocr", {})),
            normalize=_merge(config.normalize, data.get("normalize", {})),
        )


def _merge(obj: Any, values: dict[str, Any]) -> Any:
    known = {f.name for f in fields(obj)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(known)}")
    return replace(obj, **values)
