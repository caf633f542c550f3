"""The one place where extractors are registered, under versioned names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from extractors.assignments import extract_assignments
from extractors.budgets import extract_budgets
from extractors.resolutions import extract_resolutions
from pipeline.model import Minutes

Extractor = Callable[[Minutes], list[Any]]

#: table name → (versioned extractor name, function)
EXTRACTORS: dict[str, tuple[str, Extractor]] = {
    "resolutions": ("resolution.v1", extract_resolutions),
    "budgets": ("budget.v1", extract_budgets),
    "assignments": ("assignment.v1", extract_assignments),
}


def run_extractors(minutes: Minutes) -> dict[str, list[Any]]:
    return {table: fn(minutes) for table, (_name, fn) in EXTRACTORS.items()}
