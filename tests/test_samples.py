"""Golden tests: every sample input gives exactly its committed expected outputs.

Starts from frozen OCR (``samples/<id>/frozen``), so results do not depend on the local
Tesseract. A differing or missing file fails and leaves ``*.obtained.*`` beside the expected one.
Expected files change only through ``make golden`` (UPDATE_GOLDEN=1), and are reviewed as diffs.
"""

from __future__ import annotations

import difflib
import os

import pytest

from tests.golden import expected_dir, render_tables, run_sample, sample_inputs

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
INPUTS = sample_inputs()


def test_golden_update_is_off_in_ci():
    assert not (UPDATE and os.environ.get("CI")), "UPDATE_GOLDEN must not be set in CI"


def test_there_are_samples():
    assert len(INPUTS) >= 3


@pytest.mark.parametrize("path", INPUTS, ids=[f"{p.parent.parent.name}/{p.name}" for p in INPUTS])
def test_sample_matches_expected(path):
    result = run_sample(path)
    assert result.status == "ok", result.errors
    expected = expected_dir(path)
    failures = []
    for name, obtained in render_tables(result).items():
        target = expected / name
        stem, dot, ext = name.rpartition(".")
        obtained_path = expected / f"{stem}.obtained.{ext}"
        if UPDATE:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(obtained, encoding="utf-8")
            obtained_path.unlink(missing_ok=True)
            continue
        want = target.read_text(encoding="utf-8") if target.exists() else None
        if want == obtained:
            obtained_path.unlink(missing_ok=True)
            continue
        obtained_path.parent.mkdir(parents=True, exist_ok=True)
        obtained_path.write_text(obtained, encoding="utf-8")
        if want is None:
            failures.append(f"{target} is missing (see {obtained_path.name})")
        else:
            diff = list(
                difflib.unified_diff(want.splitlines(), obtained.splitlines(), lineterm="", n=0)
            )
            failures.append(f"{target} differs:\n" + "\n".join(diff[:12]))
    assert not failures, "\n\n".join(failures)
