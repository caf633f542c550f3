"""The SHA-256 of each input file, remembered between runs in the output folder.

A document's ``doc_id`` is the hash of its bytes, so a run reads every input file whole before
it knows what is already done. For an archive of scanned PDFs (tens of gigabytes) that is minutes
at every re-run and every resume after a crash, before the first page is read. As backup tools
do (restic's and borg's files caches, git's index), a file is hashed again only when its size,
modification time, change time, inode or device differ from when it was hashed. The kernel sets
the change time on every write and on every change of the modification time, so a file rewritten
to the same size with its modification time put back is still hashed again.

A file modified less than :data:`RACY_SECONDS` before it was hashed is not remembered: it may be
written again within the clock's resolution and keep the same times. Files are hashed in threads
(reading and hashing give up the GIL), so a first run hashes on every core.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.ingest import sha256_file
from pipeline.store import atomic_write

log = logging.getLogger("thaiminutes")

#: In the output folder: each input's absolute path → its stat fields and SHA-256.
HASHES_FILE = "input-hashes.json"
#: A file modified this recently when it is hashed is hashed again at the next run.
RACY_SECONDS = 2.0
_FORMAT = 1


def _fields(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


class InputHashes:
    """What earlier runs hashed: :meth:`hash_files` hashes only what is new or changed."""

    def __init__(self, path: Path, entries: dict[str, list[object]]):
        self.path = path
        self.entries = entries
        self.hashed = 0  # files read and hashed by this run
        self.hashed_bytes = 0
        self.reused = 0  # files whose hash was kept from an earlier run

    @classmethod
    def load(cls, out: Path, forget: bool = False) -> InputHashes:
        """The hashes kept in ``out``; none with ``forget`` (``--force`` trusts nothing kept),
        nor when the file is missing or unreadable (then every input is hashed again)."""
        path = out / HASHES_FILE
        if forget:
            return cls(path, {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            entries = data["files"]
            if not isinstance(entries, dict):
                raise ValueError("no files")
        except FileNotFoundError:
            return cls(path, {})
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            log.warning("%s cannot be read (%s): every input is hashed again", path, exc)
            return cls(path, {})
        return cls(path, entries)

    def hash_files(self, paths: Sequence[Path], threads: int) -> list[str | None]:
        """The SHA-256 of each file, in order; None for a file that cannot be read (the runner
        records it as failed)."""

        def one(path: Path) -> tuple[str, str | None, list[object] | None, int]:
            """(absolute path, hash, entry to keep, bytes read: -1 when the hash was kept)"""
            name = os.path.abspath(path)
            try:
                before = os.stat(path)
            except OSError:
                return name, None, None, 0
            fields = _fields(before)
            kept = self.entries.get(name)
            if kept and kept[:-1] == fields and isinstance(kept[-1], str):
                return name, kept[-1], kept, -1
            started = time.time_ns()
            try:
                digest = sha256_file(path)
                after = os.stat(path)
            except OSError:
                return name, None, None, 0
            settled = started - before.st_mtime_ns > RACY_SECONDS * 1e9
            if _fields(after) != fields or not settled:
                return name, digest, None, before.st_size  # changed while hashed, or just now
            return name, digest, [*fields, digest], before.st_size

        with ThreadPoolExecutor(max(1, threads), thread_name_prefix="hash") as pool:
            results = list(pool.map(one, paths))
        for name, digest, entry, read in results:
            if entry is not None:
                self.entries[name] = entry
            else:
                self.entries.pop(name, None)
            if read < 0:
                self.reused += 1
            elif digest is not None:
                self.hashed += 1
                self.hashed_bytes += read
        return [digest for _, digest, _, _ in results]

    def save(self) -> None:
        """Write the hashes (atomically); a run that cannot write them goes on without."""
        try:
            atomic_write(self.path, json.dumps({"format": _FORMAT, "files": self.entries}))
        except OSError as exc:
            log.warning("cannot write %s: %s", self.path, exc)
