"""Input hashes kept between runs: a file is read again only when it may have changed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pipeline.hashes as hashes
from pipeline.cli import app
from pipeline.hashes import HASHES_FILE, InputHashes

HOUR_AGO = time.time() - 3600


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """The files hashed, in the order they were read."""
    read: list[Path] = []
    real = hashes.sha256_file

    def counted(path: Path) -> str:
        read.append(path)
        return real(path)

    monkeypatch.setattr(hashes, "sha256_file", counted)
    return read


def settled(path: Path, data: bytes) -> Path:
    """A file written an hour ago (as an archive's files are)."""
    path.write_bytes(data)
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def test_unchanged_files_are_not_read_again(tmp_path: Path, reads: list[Path]):
    files = [settled(tmp_path / f"{i}.pdf", f"ไฟล์ {i}".encode() * 1000) for i in range(5)]
    first = InputHashes.load(tmp_path)
    digests = first.hash_files(files, threads=2)
    assert digests == [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert (first.hashed, first.reused) == (5, 0) and len(reads) == 5
    first.save()

    again = InputHashes.load(tmp_path)
    assert again.hash_files(files, threads=2) == digests
    assert (again.hashed, again.reused) == (0, 5) and len(reads) == 5


def test_a_rewritten_file_is_hashed_again_though_size_and_mtime_are_the_same(
    tmp_path: Path, reads: list[Path]
):
    path = settled(tmp_path / "a.pdf", b"A" * 4096)
    kept = InputHashes.load(tmp_path)
    (old,) = kept.hash_files([path], threads=1)
    kept.save()
    # same size, the modification time put back: only the change time tells
    settled(path, b"B" * 4096)
    again = InputHashes.load(tmp_path)
    (new,) = again.hash_files([path], threads=1)
    assert new == hashlib.sha256(b"B" * 4096).hexdigest() != old
    assert again.hashed == 1


def test_a_file_written_just_now_is_not_kept(tmp_path: Path, reads: list[Path]):
    fresh = tmp_path / "fresh.txt"
    fresh.write_bytes(b"written a moment ago")
    old = settled(tmp_path / "old.txt", b"written an hour ago")
    kept = InputHashes.load(tmp_path)
    kept.hash_files([fresh, old], threads=1)
    assert set(kept.entries) == {os.path.abspath(old)}
    # it may be written again within the clock's resolution: the next run reads it again
    kept.hash_files([fresh, old], threads=1)
    assert reads == [fresh, old, fresh]


def test_files_gone_are_forgotten_and_files_not_given_kept(tmp_path: Path, reads: list[Path]):
    a, b, c = (settled(tmp_path / f"{n}.txt", n.encode() * 10) for n in "abc")
    first = InputHashes.load(tmp_path)
    first.hash_files([a, b, c], threads=2)
    first.save()
    b.unlink()
    again = InputHashes.load(tmp_path)
    again.hash_files([a], threads=1)  # c not given this time, b gone
    again.save()
    assert again.forgotten == 1
    kept = InputHashes.load(tmp_path)
    assert set(kept.entries) == {os.path.abspath(a), os.path.abspath(c)}
    kept.hash_files([a, c], threads=1)
    assert kept.reused == 2 and len(reads) == 3


def test_unreadable_files_give_none_and_are_not_kept(tmp_path: Path):
    kept = InputHashes.load(tmp_path)
    assert kept.hash_files([tmp_path / "gone.pdf"], threads=1) == [None]
    assert kept.entries == {} and kept.hashed == 0


def test_a_damaged_hashes_file_means_hashing_again(tmp_path: Path, reads: list[Path], caplog):
    path = settled(tmp_path / "a.txt", b"x" * 10)
    (tmp_path / HASHES_FILE).write_text('{"format": 1, "files": [', encoding="utf-8")
    kept = InputHashes.load(tmp_path)
    assert kept.hash_files([path], threads=1) == [hashlib.sha256(b"x" * 10).hexdigest()]
    assert reads == [path] and "hashed again" in caplog.text
    (tmp_path / HASHES_FILE).write_text(json.dumps({"format": 99, "files": {}}), encoding="utf-8")
    assert InputHashes.load(tmp_path).entries == {}


def test_runs_hash_only_new_or_changed_files(tmp_path: Path, reads: list[Path]):
    seed = Path(__file__).resolve().parent.parent / "samples/pathumthani_e3_2565/source/minutes.txt"
    folder = tmp_path / "in"
    folder.mkdir()
    doc = settled(folder / "a.txt", seed.read_bytes())
    out = tmp_path / "out"
    runner = CliRunner()

    def run(*extra: str) -> str:
        result = runner.invoke(
            app, ["run", str(folder), "--out", str(out), "--workers", "1", *extra]
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 processed now" in run() and reads == [doc]
    assert "0 processed now" in run() and reads == [doc]  # not read again
    assert "1 processed now" in run("--force")
    assert reads == [doc, doc]  # --force trusts no kept hash
    # the same name, new content with the old size and times: a new document
    text = seed.read_text(encoding="utf-8")
    settled(doc, text.replace("ประชุม", "ประชุน", 1).encode())
    assert doc.stat().st_size == len(seed.read_bytes())
    assert "1 processed now" in run() and len(reads) == 3
    log = (out / "run.log").read_text(encoding="utf-8")
    assert "hashed 0 input files (0 MB)" in log and "1 unchanged since an earlier run" in log
