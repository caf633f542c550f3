"""Leave-one-out: how rules written without some samples score on them.

    python bench/leave_one_out.py --base REV SAMPLE_ID [SAMPLE_ID ...]

``REV`` is a commit from before the samples were added (its rules never saw them). The samples are
read by that commit's code (checked out in a temporary git worktree, run with this checkout's
Python) and by the current code, frozen OCR for scans; both readings are scored against the
current reading of each sample's ``minutes.txt`` (what ``expected/`` holds, reviewed). Prints F1
per table and input kind, "before" (REV) and "after" (now). Nothing here asserts.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluate import KEYS, compare, frozen_engine, scores  # noqa: E402
from pipeline.runner import process_document  # noqa: E402

INPUTS = ("minutes.txt", "minutes-text.pdf", "minutes-scan.pdf")

#: Run inside the old worktree: read every input with that code, pickle the rows.
_DUMP = """
import pickle, sys
from pathlib import Path
from pipeline.config import PipelineConfig
from pipeline.evaluate import frozen_engine
from pipeline.runner import process_document
paths, out = [Path(p) for p in sys.argv[2:]], {}
for p in paths:
    engine = frozen_engine if p.name.endswith("-scan.pdf") else None
    r = process_document(p, PipelineConfig(), engine) if engine else process_document(p, PipelineConfig())
    out[str(p)] = r.rows
pickle.dump(out, open(sys.argv[1], "wb"))
"""


def read(path: Path):
    engine = frozen_engine if path.name.endswith("-scan.pdf") else None
    config = PipelineConfig()
    return process_document(path, config, engine) if engine else process_document(path, config)


def old_rows(base: str, paths: list[Path], work: Path) -> dict[str, dict]:
    tree, dump = work / "base", work / "rows.pkl"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), base], check=True
    )
    try:
        subprocess.run(
            [sys.executable, "-c", _DUMP, str(dump), *map(str, paths)],
            cwd=tree,
            env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "OMP_THREAD_LIMIT": "1"},
            check=True,
        )
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
        )
    with dump.open("rb") as fh:
        return pickle.load(fh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="a commit whose rules never saw the samples")
    parser.add_argument("samples", nargs="+")
    args = parser.parse_args()
    paths = [ROOT / "samples" / s / "source" / name for s in args.samples for name in INPUTS]
    with tempfile.TemporaryDirectory() as tmp:
        before = old_rows(args.base, paths, Path(tmp))
    totals: dict[tuple[str, str, str], list[int]] = {}
    for path in paths:
        truth = read(path.parent / "minutes.txt")
        for label, result in (
            ("before", SimpleNamespace(rows=before[str(path)])),
            ("after", read(path)),
        ):
            report = compare(truth, result)
            for table in KEYS:
                r = report[table]
                cell = totals.setdefault((path.name, label, table), [0, 0, 0])
                cell[0] += r["expected"]
                cell[1] += r["found"]
                cell[2] += r["matched"]
            wrong = totals.setdefault((path.name, label, "meetings"), [0, 0, 0])
            wrong[0] += len(report["meetings"])
            wrong[1] += 1
    print(f"Samples: {', '.join(args.samples)}; before = {args.base}, after = this checkout.\n")
    print("| input | rules | " + " | ".join(KEYS) + " | meeting fields wrong |")
    print("|---|---|" + "---|" * len(KEYS) + "---|")
    for name in INPUTS:
        for label in ("before", "after"):
            f1 = [f"{scores(*totals[(name, label, t)])[2]:.2f}" for t in KEYS]
            wrong, docs, _ = totals[(name, label, "meetings")]
            print(f"| {name} | {label} | " + " | ".join(f1) + f" | {wrong} in {docs} documents |")


if __name__ == "__main__":
    main()
