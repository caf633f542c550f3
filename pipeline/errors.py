"""Errors raised by stages; only the runner catches them and records them per document."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The command's exit status, as the dataset contract fixes it."""

    OK = 0
    BAD_USAGE = 1
    DOCUMENTS_FAILED = 2
    MISSING_COMPONENT = 3


class MinutesError(Exception):
    """Base of every error the pipeline raises on purpose."""

    stage = "pipeline"


class InputFileError(MinutesError):
    """The input cannot be read as a document (corrupt, encrypted, empty, wrong type...)."""

    stage = "ingest"


class OcrError(MinutesError):
    """Tesseract failed on a page."""

    stage = "ocr"


class SegmentationError(MinutesError):
    stage = "segment"


class MissingComponentError(MinutesError):
    """A required external program or language pack is not installed."""

    stage = "setup"
