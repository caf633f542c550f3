"""Golden outputs of the samples: run a sample input through the pipeline (with frozen OCR) and
render every table as stable CSV text, so expected files can be compared and reviewed as diffs."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.evaluate import frozen_engine
from pipeline.runner import DocumentResult, process_document
from pipeline.store import to_arrow, to_csv

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
#: Columns that change from run to run or machine to machine, left out of golden files.
VOLATILE = {"documents": {"processed_at", "seconds", "pipeline_version"}}
GOLDEN_TABLES = (
    "documents",
    "pages",
    "lines",
    "meetings",
    "attendees",
    "agenda_items",
    "speeches",
    "resolutions",
    "budgets",
    "assignments",
)


def sample_inputs() -> list[Path]:
    return sorted(
        p for p in SAMPLES.glob("*/source/*") if p.is_file() and not p.name.startswith(".")
    )


def run_sample(path: Path) -> DocumentResult:
    relative = path.relative_to(ROOT)
    cwd = os.getcwd()
    os.chdir(ROOT)  # the documents.source column holds the path as given: keep it relative
    try:
        return process_document(relative, PipelineConfig(), frozen_engine)
    finally:
        os.chdir(cwd)


def render_tables(result: DocumentResult) -> dict[str, str]:
    """Each table as CSV text, plus the normalised text."""
    out = {}
    for name in GOLDEN_TABLES:
        table = to_arrow(name, result.rows.get(name, []))
        drop = [c for c in VOLATILE.get(name, ()) if c in table.column_names]
        out[f"{name}.csv"] = to_csv(table.drop_columns(drop)).decode("utf-8-sig")
    out["normalized.txt"] = result.text or ""
    return out


def expected_dir(path: Path) -> Path:
    return path.parent.parent / "expected" / path.name
