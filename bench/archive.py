"""Re-runs over an archive: what a run costs when most of its documents are already done.

    python bench/archive.py                  # 2,000 plain-text documents, 2 workers
    python bench/archive.py --docs 5000 --workers 2

Makes DOCS distinct plain-text minutes (the samples' texts, each copy with a line of its own),
runs ``thaiminutes run`` on them once, then times three re-runs into the same folder:

- nothing new, as it is (the input hashes and the table parts kept);
- nothing new, with ``DIR/input-hashes.json`` and ``DIR/.table-parts/`` deleted first: every
  input hashed and every table built from every document's rows, as before they were kept;
- one document added.

Plain text keeps the first run short; the re-runs do not read the documents either way, so
scanned PDFs would change only the hashing (see the README, *Re-runs over an archive*).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THAIMINUTES = Path(sys.executable).parent / "thaiminutes"


def make_inputs(folder: Path, n: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("samples/*/source/*.txt"))]
    folder.mkdir(parents=True)
    for k in range(n):
        text = texts[k % len(texts)] + f"\nสำเนาที่ {k + 1}\n"
        (folder / f"minutes-{k:05d}.txt").write_text(text, encoding="utf-8")


def timed_run(inputs: Path, out: Path, workers: int) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(
        [str(THAIMINUTES), "run", str(inputs), "--out", str(out), "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"thaiminutes run failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as tmp:
        work = Path(tmp)
        inputs, out = work / "in", work / "out"
        make_inputs(inputs, args.docs)
        first, summary = timed_run(inputs, out, args.workers)
        print(f"first run: {first:.1f} s ({summary})")
        rows: dict[str, list[float]] = {"kept": [], "forgotten": [], "one new": []}
        for round_ in range(args.rounds):
            rows["kept"].append(timed_run(inputs, out, args.workers)[0])
            (out / "input-hashes.json").unlink()
            shutil.rmtree(out / ".table-parts")
            rows["forgotten"].append(timed_run(inputs, out, args.workers)[0])
            timed_run(inputs, out, args.workers)  # the parts built again
            new = inputs / f"new-{round_}.txt"
            new.write_text(
                (inputs / "minutes-00000.txt").read_text(encoding="utf-8") + f"\nใหม่ {round_}\n",
                encoding="utf-8",
            )
            rows["one new"].append(timed_run(inputs, out, args.workers)[0])
        tables = sum(f.stat().st_size for f in (out / "tables").glob("*.*")) / 1e6
        parts = sum(f.stat().st_size for f in (out / ".table-parts").iterdir()) / 1e6
        print()
        print(f"{args.docs} documents, {args.workers} workers, {args.rounds} rounds")
        print(f"tables {tables:.0f} MB, parts kept {parts:.0f} MB")
        print()
        print("| re-run | runs | median |")
        print("|---|---|---|")
        labels = {
            "kept": "nothing new (hashes and parts kept)",
            "forgotten": "nothing new, hashes and parts deleted first (as before)",
            "one new": "one document added",
        }
        for key, times in rows.items():
            runs = ", ".join(f"{t:.1f}" for t in times)
            print(f"| {labels[key]} | {runs} s | {sorted(times)[len(times) // 2]:.1f} s |")


if __name__ == "__main__":
    main()
