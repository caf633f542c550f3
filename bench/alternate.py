"""Time ``thaiminutes run`` of this checkout against another's, alternating, on the same files.

    python bench/alternate.py --tree DIR [--workers 2] [--rounds 3] FILE...

This machine's speed drifts by 10-25% from one hour to the next, so two versions are compared
in turn, each round running both (which goes first alternates), with the same ``--workers`` and
``OMP_THREAD_LIMIT=1``, into a fresh output folder each time. ``--tree`` is another checkout
(``git worktree add /tmp/before HEAD~1``); its pipeline is imported through ``PYTHONPATH`` with
this checkout's virtual environment. Prints each run's wall time and each side's median. The
files default to the scanned seed (22 pages). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_SCAN = ROOT / "samples" / "pathumthani_e3_2565" / "source" / "minutes-scan.pdf"


def timed_run(tree: Path, files: list[Path], workers: int, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_THREAD_LIMIT": "1"}
    command = [sys.executable, "-m", "pipeline.cli", "run", *map(str, files)]
    command += ["--out", str(out), "--workers", str(workers)]
    started = time.monotonic()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 2):
        raise SystemExit(f"{tree}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=[SEED_SCAN])
    parser.add_argument("--tree", type=Path, required=True, help="the other checkout")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"this": ROOT, "other": args.tree.resolve()}
    files = [f.resolve() for f in args.files]
    times: dict[str, list[float]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="alternate-") as work:
        for round_no in range(args.rounds):
            order = list(trees) if round_no % 2 else list(reversed(trees))
            for name in order:
                seconds = timed_run(trees[name], files, args.workers, Path(work) / "out")
                times[name].append(seconds)
                print(f"round {round_no + 1}: {name} ({trees[name]}) {seconds:.1f} s", flush=True)
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values):.1f} s ({', '.join(f'{v:.1f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
