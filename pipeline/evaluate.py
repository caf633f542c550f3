"""Evaluation over samples: OCR character error rate, and agreement of each input's tables with
the tables of the sample's ground-truth text.

    python -m pipeline.evaluate samples [--out out/eval.md] [--live]

For every ``samples/<id>/``: ``source/minutes.txt`` is the ground truth; every other input in
``source/`` (text-layer PDF, scanned PDF, images) is run through the pipeline (with frozen OCR
unless ``--live``) and compared with it.
"""

from __future__ import annotations

import argparse
import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image
from rapidfuzz.distance import Levenshtein

from extractors import patterns as P
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


def page_cer(reference: str, pages: list[str]) -> list[float]:
    """Character error rate of each page of a reading (whitespace ignored) against the whole
    reference: the document is aligned once, and each edit, and each reference character, is
    counted on the page of the reading it falls on. The pages' edits add up to the document's."""
    ref = _WS.sub("", reference)
    texts = [_WS.sub("", page) for page in pages]
    hyp = "".join(texts)
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text))

    def page_of(j: int) -> int:  # the page of reading position j (an end position: the last page)
        j = min(j, max(0, len(hyp) - 1))
        return max(0, bisect.bisect_right(starts, j) - 1) if texts else 0

    edits = [0] * max(1, len(texts))
    chars = [0] * max(1, len(texts))
    for op in Levenshtein.opcodes(ref, hyp):
        n_ref, n_hyp = op.src_end - op.src_start, op.dest_end - op.dest_start
        if op.tag == "equal":
            for k in range(n_hyp):
                chars[page_of(op.dest_start + k)] += 1
            continue
        page = page_of(op.dest_start)
        edits[page] += max(n_ref, n_hyp)
        chars[page] += n_ref
    return [e / c if c else float(e > 0) for e, c in zip(edits, chars, strict=True)]


#: What digit accuracy is measured on, in the reference text: the digits of amounts (before
#: บาท), of times (09.30 น.) and of dates (day and year).
DIGIT_FIELDS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "amounts": (P.AMOUNT, ("num",)),
    "times": (P.TIME, ("h", "m")),
    "dates": (P.THAI_DATE, ("day", "year")),
}


def digit_accuracy(reference: str, hypothesis: str) -> dict[str, tuple[int, int, int, int]]:
    """For amounts, times and dates in the reference: (digits, digits read right, values,
    values read exactly), by aligning the two texts with whitespace ignored. A digit is right when
    the alignment pairs it with the same digit; a value is exact when all its digits are right
    and nothing was inserted among them."""
    keep = [i for i, ch in enumerate(reference) if not ch.isspace()]
    stripped_at = {i: k for k, i in enumerate(keep)}
    ref = "".join(reference[i] for i in keep)
    hyp = _WS.sub("", hypothesis)
    right = [False] * len(ref)
    inserted_before = [False] * (len(ref) + 1)
    for op in Levenshtein.opcodes(ref, hyp):
        if op.tag == "equal":
            for k in range(op.src_start, op.src_end):
                right[k] = True
        elif op.tag == "insert":
            inserted_before[op.src_start] = True
    out: dict[str, tuple[int, int, int, int]] = {}
    for kind, (pattern, groups) in DIGIT_FIELDS.items():
        digits = good = values = exact = 0
        for m in pattern.finditer(reference):
            spans = [m.span(g) for g in groups if m.group(g)]
            positions = [
                stripped_at[i]
                for a, b in spans
                for i in range(a, b)
                if i in stripped_at and reference[i].isdigit()
            ]
            if not positions:
                continue
            ok = [right[k] for k in positions]
            digits += len(ok)
            good += sum(ok)
            values += 1
            inner = any(inserted_before[k] for k in positions[1:])
            exact += all(ok) and not inner
        out[kind] = (digits, good, values, exact)
    return out


def _similar(a: str | None, b: str | None) -> float:
    a, b = _WS.sub("", a or ""), _WS.sub("", b or "")
    if not a and not b:
        return 1.0
    return 1 - Levenshtein.distance(a, b) / max(len(a), len(b))


#: How rows of each table are matched between two runs: rows are grouped by a key that must be
#: equal (the item a speech belongs to, an attendee's status...), and within a group paired in
#: order (a longest common subsequence) where their text is at least 90% similar. A missed or an
#: extra row then costs one row, not every row after it, as matching on sequence numbers would.
KEYS: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "attendees": (lambda r: r["status"], "name"),
    "agenda_items": (lambda r: r["item"], "title"),
    "speeches": (lambda r: r["item"], "speaker"),
    "resolutions": (lambda r: (r["item"], r["kind"]), "text"),
    "budgets": (lambda r: (r["item"], r["amount_thb"]), "purpose"),
    "assignments": (lambda r: (r["item"], r["assignee"]), "task"),
}
SIMILAR = 0.9


def pair_rows(want: list[str | None], got: list[str | None]) -> list[tuple[int, int]]:
    """Index pairs of the longest in-order pairing of ``want`` and ``got`` texts that are at
    least :data:`SIMILAR` alike."""
    n, m = len(want), len(got)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(
                best[i + 1][j],
                best[i][j + 1],
                best[i + 1][j + 1] + 1 if _similar(want[i], got[j]) >= SIMILAR else 0,
            )
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if _similar(want[i], got[j]) >= SIMILAR and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


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


def _short(text: str | None) -> str:
    return (text or "")[:30]


def compare(truth: DocumentResult, other: DocumentResult) -> dict[str, Any]:
    """Rows of ``other`` matching ``truth`` per table (see :data:`KEYS`)."""
    report: dict[str, Any] = {"meetings": {}}
    t_meet, o_meet = truth.rows["meetings"][0], (other.rows.get("meetings") or [{}])[0]
    for f in MEETING_FIELDS:
        if t_meet.get(f) != o_meet.get(f):
            report["meetings"][f] = (t_meet.get(f), o_meet.get(f))
    for table, (key, field) in KEYS.items():
        want: dict[Any, list[dict[str, Any]]] = {}
        got: dict[Any, list[dict[str, Any]]] = {}
        for rows, into in ((truth.rows.get(table, []), want), (other.rows.get(table, []), got)):
            for r in rows:
                into.setdefault(key(r), []).append(r)
        matched, missing, extra = 0, [], []
        for k in want.keys() | got.keys():
            w, g = want.get(k, []), got.get(k, [])
            pairs = pair_rows([r[field] for r in w], [r[field] for r in g])
            matched += len(pairs)
            missing += [
                (k, _short(w[i][field])) for i in set(range(len(w))) - {i for i, _ in pairs}
            ]
            extra += [(k, _short(g[j][field])) for j in set(range(len(g))) - {j for _, j in pairs}]
        report[table] = {
            "expected": sum(map(len, want.values())),
            "found": sum(map(len, got.values())),
            "matched": matched,
            "missing": sorted(missing, key=str),
            "extra": sorted(extra, key=str),
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
    by_page = [
        "",
        "## Character error rate by page",
        "",
        "Each reading aligned once with the ground truth (whitespace ignored); edits counted on "
        "the page they fall on.",
        "",
        "| sample | input | page | method | CER before repair | CER |",
        "|---|---|---|---|---|---|",
    ]
    digit_rows = [
        "",
        "## Digits",
        "",
        "Digits of the amounts, times and dates of the ground truth, read right (aligned with "
        "the same digit), and values read exactly.",
        "",
        "| sample | input | amount digits | amounts exact | time digits | times exact "
        "| date digits | dates exact |",
        "|---|---|---|---|---|---|---|---|",
    ]
    # (input kind, table) -> [expected, found, matched] summed over samples
    totals: dict[tuple[str, str], list[int]] = {}
    # (input kind, field) -> [digits, right, values, exact]
    digit_totals: dict[tuple[str, str], list[int]] = {}
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
            methods = [p["method"] for p in result.rows["pages"]]
            for number, (b, a) in enumerate(
                zip(
                    page_cer(truth.text or reference, (unrepaired.text or "").split("\f")),
                    page_cer(truth.text or reference, (result.text or "").split("\f")),
                    strict=False,
                ),
                start=1,
            ):
                method = methods[number - 1] if number <= len(methods) else ""
                by_page.append(
                    f"| {sample.name} | {path.name} | {number} | {method} | {b:.2%} | {a:.2%} |"
                )
            digits = digit_accuracy(truth.text or reference, result.text or "")
            cells = []
            for field, counts in digits.items():
                total = digit_totals.setdefault((input_kind(path), field), [0, 0, 0, 0])
                for i, n in enumerate(counts):
                    total[i] += n
                cells += [f"{counts[1]}/{counts[0]}", f"{counts[3]}/{counts[2]}"]
            digit_rows.append(f"| {sample.name} | {path.name} | " + " | ".join(cells) + " |")
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
                for label in ("missing", "extra"):
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
        "Rows matched against those read from the sample's ground-truth text (`minutes.txt`): "
        "grouped by key (item; attendance status; item and kind...) and paired in order where "
        "their text (name, title, speaker...) is at least 90% similar.",
        "",
        "| input | table | expected | found | matched | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (kind, table), (expected, found, matched) in sorted(totals.items()):
        p, rc, f1 = scores(expected, found, matched)
        summary.append(
            f"| {kind} | {table} | {expected} | {found} | {matched} | {p:.2f} | {rc:.2f} | {f1:.2f} |"
        )
    summary += [
        "",
        "## Digits by input kind",
        "",
        "| input | field | digits | read right | share | values | exact | share |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (kind, field), (n, right, values, exact) in sorted(digit_totals.items()):
        summary.append(
            f"| {kind} | {field} | {n} | {right} | {right / max(1, n):.1%} | {values} | {exact} "
            f"| {exact / max(1, values):.1%} |"
        )
    return (
        "\n".join(
            out + summary + digit_rows + by_page + ["", "## Differences", "", *(notes or ["none"])]
        )
        + "\n"
    )


def scores(expected: int, found: int, matched: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``matched`` rows among ``found`` and ``expected``; a table
    with nothing expected and nothing found scores 1."""
    precision = matched / found if found else 1.0 if not expected else 0.0
    recall = matched / expected if expected else 1.0 if not found else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def input_kind(path: Path) -> str:
    """``scan``, ``photo`` (pages photographed: skewed, unevenly lit), ``damaged`` (a text layer
    with damaged ToUnicode maps) or ``text``, by the sample's file naming (``minutes-scan.pdf``,
    ``minutes-photo.pdf``, ``minutes-damaged.pdf``, ``minutes-text.pdf``)."""
    if "photo" in path.stem:
        return "photo"
    if "scan" in path.stem or path.suffix.lower() in {".png", ".jpg", ".tif"}:
        return "scan"
    return "damaged" if "damaged" in path.stem else "text"


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
