"""Evaluation over samples: OCR character error rate, and agreement of each input's tables with
the tables of the sample's ground-truth text.

    python -m pipeline.evaluate samples [--out out/eval.md] [--live]

For every ``samples/<id>/``: ``source/minutes.txt`` is the ground truth; every other input in
``source/`` (text-layer PDF, scanned PDF, images) is run through the pipeline (with frozen OCR
unless ``--live``) and compared with it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline.config import PipelineConfig
from pipeline.model import Page
from pipeline.normalize import normalize_text
from pipeline.ocr import FrozenOcrEngine, OcrEngine, TesseractEngine
from pipeline.runner import DocumentResult, default_engine, process_document

_WS = re.compile(r"\s+")


def frozen_engine(path: Path, config: PipelineConfig) -> OcrEngine:
    """Replay ``samples/<id>/frozen/<file>.tsv`` when it exists; the real engine otherwise."""
    frozen = path.parent.parent / "frozen" / f"{path.name}.tsv"
    return FrozenOcrEngine.from_file(frozen) if frozen.exists() else TesseractEngine(config.ocr)


@dataclass
class _Remembered:
    """An engine that reads each page once: the evaluation runs a document twice (with and
    without the post-OCR repair) on one reading."""

    inner: OcrEngine
    path: Path
    pages: dict[tuple[Path, int], Page]

    def recognize(self, render: Callable[[], Image.Image], page_no: int, reason: str) -> Page:
        key = (self.path, page_no)
        if key not in self.pages:
            self.pages[key] = self.inner.recognize(render, page_no, reason)
        return self.pages[key]


def _remembering(
    factory: Callable[[Path, PipelineConfig], OcrEngine],
) -> Callable[[Path, PipelineConfig], OcrEngine]:
    pages: dict[tuple[Path, int], Page] = {}
    return lambda path, config: _Remembered(factory(path, config), path, pages)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate, whitespace ignored: edit distance / reference length."""
    ref, hyp = _WS.sub("", reference), _WS.sub("", hypothesis)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def _similar(a: str | None, b: str | None) -> float:
    a, b = _WS.sub("", a or ""), _WS.sub("", b or "")
    if not a and not b:
        return 1.0
    return 1 - Levenshtein.distance(a, b) / max(len(a), len(b))


#: How rows of each table are matched between two runs: a key, and a text field compared fuzzily.
KEYS: dict[str, tuple[Callable[[dict[str, Any]], Any], str | None]] = {
    "attendees": (lambda r: (r["status"], r["seq"]), "name"),
    "agenda_items": (lambda r: r["item"], "title"),
    "speeches": (lambda r: (r["item"], r["seq"]), "speaker"),
    "resolutions": (lambda r: (r["item"], r["kind"]), "text"),
    "budgets": (lambda r: (r["item"], r["amount_thb"]), "purpose"),
    "assignments": (lambda r: (r["item"], r["assignee"]), "task"),
}
MEETING_FIELDS = (
    "title",
    "organization",
    "meeting_no",
    "date",
    "venue",
    "start_time",
    "end_time",
    "recorder",
    "reviewer",
)


def compare(truth: DocumentResult, other: DocumentResult) -> dict[str, Any]:
    """Rows of ``other`` matching ``truth`` per table (key equal and text ≥ 0.9 similar)."""
    report: dict[str, Any] = {"meetings": {}}
    t_meet, o_meet = truth.rows["meetings"][0], (other.rows.get("meetings") or [{}])[0]
    for f in MEETING_FIELDS:
        if t_meet.get(f) != o_meet.get(f):
            report["meetings"][f] = (t_meet.get(f), o_meet.get(f))
    for table, (key, text) in KEYS.items():
        want = {key(r): r for r in truth.rows.get(table, [])}
        got = {key(r): r for r in other.rows.get(table, [])}
        exact = [
            k
            for k in want
            if k in got and (text is None or _similar(want[k][text], got[k][text]) >= 0.9)
        ]
        report[table] = {
            "expected": len(want),
            "found": len(got),
            "matched": len(exact),
            "missing": [k for k in want if k not in got],
            "extra": [k for k in got if k not in want],
            "differs": [k for k in want if k in got and k not in exact],
        }
    return report


def evaluate(samples: Path, live: bool = False) -> str:
    config = PipelineConfig()
    without_repair = replace(config, normalize=replace(config.normalize, repair_marks=False))
    engine = _remembering(default_engine if live else frozen_engine)
    out = [
        "# Evaluation",
        "",
        "| sample | input | pages | CER before repair | CER (no whitespace) | table | expected "
        "| found | matched | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    # (input kind, table) -> [expected, found, matched] summed over samples
    totals: dict[tuple[str, str], list[int]] = {}
    for sample in sorted(p for p in samples.iterdir() if (p / "source" / "minutes.txt").exists()):
        truth_path = sample / "source" / "minutes.txt"
        truth = process_document(truth_path, config)
        reference = normalize_text(truth_path.read_text(encoding="utf-8"))
        for path in sorted((sample / "source").iterdir()):
            if path == truth_path or path.name.startswith("."):
                continue
            result = process_document(path, config, engine)
            error = cer(truth.text or reference, result.text or "")
            # the same reading without the post-OCR mark repair: what the repair gains
            unrepaired = process_document(path, without_repair, engine)
            before = cer(truth.text or reference, unrepaired.text or "")
            report = compare(truth, result)
            pages = result.rows["documents"][0]["pages"]
            first = True
            for table in KEYS:
                r = report[table]
                lead = (
                    f"| {sample.name} | {path.name} | {pages} | {before:.2%} | {error:.2%} |"
                    if first
                    else "| | | | | |"
                )
                p, rc, f1 = scores(r["expected"], r["found"], r["matched"])
                out.append(
                    f"{lead} {table} | {r['expected']} | {r['found']} | {r['matched']} "
                    f"| {p:.2f} | {rc:.2f} | {f1:.2f} |"
                )
                total = totals.setdefault((input_kind(path), table), [0, 0, 0])
                for i, n in enumerate((r["expected"], r["found"], r["matched"])):
                    total[i] += n
                first = False
                for label in ("missing", "extra", "differs"):
                    if r[label]:
                        notes.append(f"- {sample.name}/{path.name} {table} {label}: {r[label]}")
            for field, (want, got) in report["meetings"].items():
                notes.append(
                    f"- {sample.name}/{path.name} meetings.{field}: expected {want!r}, got {got!r}"
                )
    summary = [
        "",
        "## F1 by table over all samples",
        "",
        "Rows matched against those read from the sample's ground-truth text (`minutes.txt`); a row "
        "matches when its key is equal and its text at least 90% similar.",
        "",
        "| input | table | expected | found | matched | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (kind, table), (expected, found, matched) in sorted(totals.items()):
        p, rc, f1 = scores(expected, found, matched)
        summary.append(
            f"| {kind} | {table} | {expected} | {found} | {matched} | {p:.2f} | {rc:.2f} | {f1:.2f} |"
        )
    return "\n".join(out + summary + ["", "## Differences", "", *(notes or ["none"])]) + "\n"


def scores(expected: int, found: int, matched: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``matched`` rows among ``found`` and ``expected``; a table
    with nothing expected and nothing found scores 1."""
    precision = matched / found if found else 1.0 if not expected else 0.0
    recall = matched / expected if expected else 1.0 if not found else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def input_kind(path: Path) -> str:
    """``scan`` or ``text`` by the sample's file naming (``minutes-scan.pdf``, ``-text.pdf``)."""
    return (
        "scan" if "scan" in path.stem or path.suffix.lower() in {".png", ".jpg", ".tif"} else "text"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="OCR and table evaluation over samples")
    parser.add_argument("samples", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--live", action="store_true", help="run Tesseract instead of frozen OCR")
    args = parser.parse_args()
    text = evaluate(args.samples, args.live)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
