"""The output folder: per-document results (the ledger) and the tables built from them.

``DIR/docs/<doc_id>/`` holds each document's result, written atomically when the document is
done; the tables (DuckDB, Parquet, CSV) are always made again from those results, so a run killed
at any moment loses nothing already written and the three formats always agree. What the build
makes of a group of documents is kept (``DIR/.table-parts/``) and used again while none of
them, their corrections or this code has changed, and the database has only the changed groups'
rows replaced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import PIPELINE_VERSION
from pipeline.corrections import (
    CORRECTIONS_FILE,
    Correction,
    apply_corrections,
    read_corrections,
)
from schemas import DOCUMENT_TABLES, SCHEMAS, TABLE_ORDER, validate_frame

SORT_KEYS = {
    "documents": ["doc_id"],
    "pages": ["doc_id", "page"],
    "lines": ["doc_id", "page", "line"],
    "meetings": ["doc_id"],
    "attendees": ["doc_id", "seq"],
    "speeches": ["doc_id", "seq"],
    "corrections": ["seq"],
}
DEFAULT_SORT = ["doc_id", "page", "line"]
log = logging.getLogger("thaiminutes")


def atomic_write(path: Path, data: bytes | str | pa.Buffer, durable: bool = True) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``. Not
    ``durable``: not flushed to the disk first (for what can be made again if a power cut
    leaves it empty or torn)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OutputFolder:
    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"
        self._docs = str(self.docs)
        self.tables = root / "tables"
        self.parts = root / PARTS

    def doc_dir(self, doc_id: str) -> Path:
        return self.docs / doc_id

    def remove_stale_temporaries(self) -> int:
        """Delete the temporary files a killed run left half-written (their real files were
        never replaced by them); run before a run starts writing. Returns how many."""
        stale = [
            *self.docs.glob("*/.*.tmp"),
            *self.tables.glob(".*.tmp"),
            *self.parts.glob(".*.tmp"),
            *self.root.glob(".*.tmp"),  # the input hashes (pipeline/hashes.py)
            *self.root.glob(".minutes.*.duckdb*"),
        ]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    # --- per-document results (the ledger) --------------------------------------------------------
    def ledger_status(self, doc_id: str, version: str) -> str | None:
        """The status of a document already done by this pipeline version, else None (to do).

        Reads the small ``document.json`` (the document's row of ``documents``), written after
        everything else: a document killed part-way has none and is done again; failed documents
        are retried. (Called for every input of a run: paths as strings, not pathlib's.)"""
        try:
            with open(os.path.join(self._docs, doc_id, "document.json"), "rb") as fh:
                doc = json.loads(fh.read())
        except (FileNotFoundError, ValueError):
            return None
        if doc.get("pipeline_version") != version or doc.get("status") == "failed":
            return None
        return str(doc["status"])

    def read_rows(self, doc_id: str) -> dict[str, list[dict[str, Any]]] | None:
        path = self.doc_dir(doc_id) / "rows.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def write_document(
        self, doc_id: str, rows: dict[str, Any], text: str | None, minutes: Any
    ) -> None:
        """Write a document's files, each atomically; ``document.json`` goes last: it marks the
        document done in the ledger."""
        folder = self.doc_dir(doc_id)
        if text is not None:
            atomic_write(folder / "text.txt", text)
        if minutes is not None:
            atomic_write(folder / "minutes.json", json.dumps(minutes, ensure_ascii=False, indent=1))
        atomic_write(folder / "rows.json", json.dumps(rows, ensure_ascii=False))
        atomic_write(folder / "document.json", json.dumps(rows["documents"][0], ensure_ascii=False))

    # --- tables -------------------------------------------------------------------------------------
    @property
    def corrections_file(self) -> Path:
        return self.root / CORRECTIONS_FILE

    def document_rows(
        self, rows: dict[str, list[dict[str, Any]]], corrections: list[Correction]
    ) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        """One document's rows with their ``row_id`` and its corrections applied, and what each
        of those corrections did (rows of the ``corrections`` table)."""
        tables = {name: add_row_ids(name, rows.get(name, [])) for name in DOCUMENT_TABLES}
        return tables, apply_corrections(tables, corrections)

    def corrected_document(self, doc_id: str) -> dict[str, list[dict[str, Any]]] | None:
        """The rows of one document as the tables hold them (corrections applied), or None."""
        rows = self.read_rows(doc_id)
        if rows is None:
            return None
        mine = [c for c in read_corrections(self.corrections_file) if _doc_of(c.row_id) == doc_id]
        return self.document_rows(rows, mine)[0]

    def write_tables(self, chunk_rows: int = 20_000) -> dict[str, int]:
        """Rebuild every table from the documents' results, the corrections applied, streaming:
        documents are taken in doc_id order and written in chunks of about ``chunk_rows`` rows,
        so memory stays flat however large the archive. Parquet and CSV files and then the
        DuckDB database replace the old ones when all are written. Returns the number of rows of
        each table.

        Documents are grouped by the first bits of their doc_id (:func:`_groups`), and each
        group's rows, as Arrow tables and as CSV, are kept in ``DIR/.table-parts/`` under a key
        made of its documents' results, their corrections and this code (:func:`_part_key`). A
        group whose key is unchanged is not built again: a re-run over an archive rebuilds only
        the groups where a document was added, redone, deleted or corrected. When nothing at all
        changed and the files are as the last build left them, nothing is written
        (:meth:`_unchanged`). The database is brought up to date from the last build's, the
        changed groups' rows replaced (:meth:`_update_database`), or else built again from the
        Parquet files (:meth:`_write_database`)."""
        corrections = read_corrections(self.corrections_file)
        by_doc: dict[str, list[Correction]] = {}
        for c in corrections:
            by_doc.setdefault(_doc_of(c.row_id), []).append(c)
        self.tables.mkdir(parents=True, exist_ok=True)
        parts = self.parts  # the folder of the groups' parts
        parts.mkdir(exist_ok=True)
        code = _code_fingerprint()
        planned = []
        results = self._results()
        for group, doc_ids in _groups(list(results)).items():
            mine = {d: by_doc.pop(d) for d in doc_ids if d in by_doc}
            planned.append((group, doc_ids, mine, _part_key(code, doc_ids, mine, results)))
        unmatched = [c for cs in by_doc.values() for c in cs]  # or invalid
        build = hashlib.sha256(code.encode())
        for *_, key in planned:
            build.update(key.encode())
        for c in unmatched:
            build.update(_digest_of(c))
        note = self._read_note()
        unchanged = self._unchanged(note, build.hexdigest())
        if unchanged is not None:
            return unchanged
        replace = self._groups_to_replace(note, code, planned)
        fresh: dict[str, list[pa.Table]] = {name: [] for name in DOCUMENT_TABLES}
        report: list[dict[str, Any]] = []
        with _TableFiles(self.tables) as files:
            pending = _Pending(files, chunk_rows)

            def take(group: str, part: _Part) -> None:
                if replace is not None and group in replace:
                    for name in DOCUMENT_TABLES:
                        fresh[name].append(part[0][name])
                report.extend(pending.add(part))

            def build_groups(groups: list[_Group]) -> None:
                made = self._build_parts(parts, groups, chunk_rows)
                for (group, *_), part in zip(groups, made, strict=True):
                    take(group, part)

            to_build: list[_Group] = []  # groups in a row whose kept part will not do
            for plan in planned:
                part = _read_part(parts / f"{plan[0]}.arrow", plan[3])
                if part is None:
                    to_build.append(plan)
                    continue
                build_groups(to_build)
                to_build = []
                take(plan[0], part)
            build_groups(to_build)
            pending.flush()
            report.extend(apply_corrections({}, unmatched))
            corrections_table = to_arrow("corrections", report)
            files.write({"corrections": corrections_table})
            counts = dict(files.rows)
        kept = {f"{group}.arrow" for group, *_ in planned}
        for stale in parts.glob("*.arrow"):  # groups no longer here (their documents deleted)
            if stale.name not in kept:
                stale.unlink(missing_ok=True)
        updated = replace is not None and self._update_database(
            replace, fresh, corrections_table, counts
        )
        if not updated:
            self._write_database()
        full_size = note.get("database_full_size") if updated and note else None
        self._note_build(build.hexdigest(), counts, code, planned, full_size)
        return counts

    def _outputs(self) -> list[Path]:
        return [
            *(self.tables / f"{name}.{ext}" for name in TABLE_ORDER for ext in ("parquet", "csv")),
            self.root / "minutes.duckdb",
        ]

    def _read_note(self) -> dict[str, Any] | None:
        """What the last complete build was made from and wrote (:meth:`_note_build`)."""
        try:
            note = json.loads((self.parts / LAST_BUILD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return note if isinstance(note, dict) else None

    def _unchanged(self, note: dict[str, Any] | None, build: str) -> dict[str, int] | None:
        """The row counts of the last build if it was made from the same parts and corrections
        (``build``) and its files are as it left them (nothing to write), else None. A CSV saved
        from Excel, or a database someone wrote to, is so written again."""
        try:
            if note is None or note["build"] != build:
                return None
            for path in self._outputs():
                st = path.stat()
                if note["outputs"].get(path.name) != [st.st_size, st.st_mtime_ns]:
                    return None
            return {name: int(n) for name, n in note["counts"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _groups_to_replace(
        self, note: dict[str, Any] | None, code: str, planned: list[_Group]
    ) -> set[str] | None:
        """The groups whose rows the database must have replaced, when the database can be
        brought up to date from the last build's (:meth:`_update_database`); None when it must be
        built again from the Parquet files: no last build, other code or DuckDB, a database not
        as the last build left it, more than an eighth of the groups changed (then building it
        again costs about as much), or the database grown to twice its size when last built
        whole (DuckDB does not give back all the room of deleted rows)."""
        import duckdb

        try:
            if note is None or note["code"] != code or note["duckdb"] != duckdb.__version__:
                return None
            st = (self.root / "minutes.duckdb").stat()
            if note["outputs"]["minutes.duckdb"] != [st.st_size, st.st_mtime_ns]:
                return None
            if st.st_size > 2 * int(note["database_full_size"]) + REPLACED_ROOM:
                return None
            before = dict(note["groups"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        now = {group: key for group, _, _, key in planned}
        changed = {g for g, key in now.items() if before.get(g) != key} | (before.keys() - now)
        return changed if len(changed) <= max(REPLACE_GROUPS, len(now) // 8) else None

    def _note_build(
        self,
        build: str,
        counts: dict[str, int],
        code: str,
        planned: list[_Group],
        full_size: int | None,
    ) -> None:
        """Note what this build was made from and wrote. ``full_size``: the database's size when
        it was last built whole (None: it was now)."""
        import duckdb

        outputs = {}
        for path in self._outputs():
            st = path.stat()
            outputs[path.name] = [st.st_size, st.st_mtime_ns]
        note = {
            "build": build,
            "counts": counts,
            "outputs": outputs,
            "code": code,
            "duckdb": duckdb.__version__,
            "database_full_size": outputs["minutes.duckdb"][0] if full_size is None else full_size,
            "groups": {group: key for group, _, _, key in planned},
        }
        atomic_write(self.parts / LAST_BUILD, json.dumps(note))

    def _results(self) -> dict[str, str]:
        """Each document with a result: its doc_id → its ``rows.json`` as it stands on disk
        (size, modification time, inode; the file is only ever replaced whole, by a rename).
        One ``stat`` a document, paths as strings: an archive has tens of thousands."""
        try:
            names = os.listdir(self._docs)
        except FileNotFoundError:
            return {}
        found = {}
        for name in names:
            try:
                st = os.stat(os.path.join(self._docs, name, "rows.json"))
            except OSError:
                continue
            found[name] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        return found

    def _build_parts(self, parts: Path, groups: list[_Group], chunk_rows: int) -> Iterator[_Part]:
        """Build, keep and give the parts of ``groups`` (in order), whole groups at a time in
        chunks of about ``chunk_rows`` rows: the tables are made of a chunk at once (a table made
        for one group alone costs 10-15 ms whatever its size) and cut into its groups."""
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DOCUMENT_TABLES}
        batch: list[_Built] = []
        size = 0
        for n, (group, doc_ids, corrections, key) in enumerate(groups, 1):
            report: list[dict[str, Any]] = []
            for doc_id in doc_ids:
                found = self.read_rows(doc_id)
                if found is None:
                    log.warning("docs/%s/rows.json cannot be read: left out of the tables", doc_id)
                    continue
                strays = {r.get("doc_id") for rows_ in found.values() for r in rows_} - {doc_id}
                if strays:  # a folder copied under another name, say
                    others = ", ".join(sorted(map(str, strays)))
                    log.warning("docs/%s holds rows of %s: left out of the tables", doc_id, others)
                    continue
                tables, done = self.document_rows(found, corrections.get(doc_id, []))
                report.extend(done)
                for name, table_rows in tables.items():
                    rows[name].extend(table_rows)
                    size += len(table_rows)
            batch.append((group, key, report, doc_ids))
            if size >= chunk_rows or n == len(groups) or groups[n][0] == OTHER or group == OTHER:
                yield from _cut_into_parts(parts, batch, rows)
                rows = {name: [] for name in DOCUMENT_TABLES}
                batch, size = [], 0

    def _write_database(self) -> None:
        """The database built from the Parquet files, in place of the old one."""
        import duckdb

        with self._new_database() as tmp:
            # DuckDB would otherwise buffer up to 80% of the machine's memory while loading
            con = duckdb.connect(tmp, config={"memory_limit": "128MB", "threads": 1})
            for name in TABLE_ORDER:
                source = str(self.tables / f"{name}.parquet").replace("'", "''")
                con.execute(f"CREATE TABLE \"{name}\" AS SELECT * FROM read_parquet('{source}')")
            con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
            con.close()

    def _update_database(
        self,
        replace: set[str],
        fresh: dict[str, list[pa.Table]],
        corrections: pa.Table,
        counts: dict[str, int],
    ) -> bool:
        """Bring a copy of the last build's database up to date and put it in place of the old
        one: the rows of the ``replace`` groups' documents deleted, ``fresh`` (those groups'
        rows now) inserted, the corrections table replaced. Its rows are then no longer in
        doc_id order, as the files' are. Returns False, the old database left as it was, when
        DuckDB fails on it or a table's rows do not come to the files' ``counts`` (rows whose
        doc_id is not their folder's, say): then it is built again."""
        import duckdb

        where = " OR ".join(_in_group(group) for group in sorted(replace)) or "false"
        try:
            with self._new_database() as tmp:
                shutil.copyfile(self.root / "minutes.duckdb", tmp)
                con = duckdb.connect(tmp, config={"memory_limit": "128MB", "threads": 1})
                try:
                    con.execute("BEGIN TRANSACTION")

                    def insert(name: str, tables: list[pa.Table]) -> None:
                        if tables and (rows := pa.concat_tables(tables)).num_rows:
                            con.register("fresh_rows", rows)
                            con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM fresh_rows')
                            con.unregister("fresh_rows")

                    for name, tables in fresh.items():
                        con.execute(f'DELETE FROM "{name}" WHERE {where}')
                        insert(name, tables)
                    con.execute('DELETE FROM "corrections"')
                    insert("corrections", [corrections])
                    for name, n in counts.items():
                        (found,) = con.execute(f'SELECT count(*) FROM "{name}"').fetchone() or [0]
                        if found != n:
                            raise _Disagrees(f"{name} would have {found} rows, its files {n}")
                    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
                    con.execute("COMMIT")
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
        except (duckdb.Error, _Disagrees) as exc:
            log.warning("the database could not be brought up to date (%s); building it again", exc)
            return False
        return True

    @contextlib.contextmanager
    def _new_database(self) -> Iterator[str]:
        """A temporary name for a database being made, put in place of ``minutes.duckdb`` if
        the making ends without an error, else deleted."""
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".minutes.", suffix=".duckdb")
        os.close(fd)
        Path(tmp).unlink()
        try:
            yield tmp
            os.replace(tmp, self.root / "minutes.duckdb")
        finally:
            Path(tmp).unlink(missing_ok=True)
            Path(tmp + ".wal").unlink(missing_ok=True)


def _doc_of(row_id: str) -> str:
    return row_id.split(":", 1)[0]


#: In ``DIR``: each group's rows, as built last (see :meth:`OutputFolder.write_tables`); not in
#: ``tables/``, where analysts' scripts may take every file for a table.
PARTS = ".table-parts"
#: In :data:`PARTS`: what the last complete build was made from, and the files it wrote.
LAST_BUILD = "last-build.json"
#: Groups whose rows the database may have replaced, or an eighth of the groups if more; beyond,
#: it is built again from the Parquet files (:meth:`OutputFolder._groups_to_replace`).
REPLACE_GROUPS = 8
#: Room that deleted rows may take in the database before it is built whole again, beyond its
#: size when last so built (:meth:`OutputFolder._groups_to_replace`).
REPLACED_ROOM = 16 << 20
#: A group's tables, each as Arrow and as CSV rows (no header), and its corrections' report.
_Part = tuple[dict[str, pa.Table], dict[str, bytes], list[dict[str, Any]]]
#: The files whose code turns a document's rows into table rows: a part built by other code is
#: built again.
_CODE = [
    Path(__file__),
    Path(__file__).with_name("corrections.py"),
    *sorted((Path(__file__).resolve().parent.parent / "schemas").glob("*.py")),
]


#: Parts are compressed: rows of text (the ``lines`` table) take 5-10 times less room. Each
#: table's Arrow stream is compressed whole, not buffer by buffer as Arrow's IPC compression does:
#: a group's tables have some hundred small buffers, and decompressing them one by one took nearly
#: three times as long as the whole stream (the parts of 20,000 documents: 2.5 s against 0.9 s).
_ZSTD = pa.Codec("zstd", compression_level=1)
_READ = pa.ipc.IpcReadOptions(use_threads=False)


def _digest_of(correction: Correction) -> bytes:
    """A correction, every field of it, for a key."""
    return json.dumps(dataclasses.astuple(correction), ensure_ascii=False).encode()


def _code_fingerprint() -> str:
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in _CODE:
        h.update(path.read_bytes())
    return h.hexdigest()


#: Documents a group holds: 16-32 (one group up to 32). A group's rows are held in memory while
#: its part is built, and each part costs some milliseconds to write and to read.
GROUP_DOCS = 32
#: The group of a folder in ``docs/`` not named as the pipeline names them (16 hex digits).
OTHER = "other"
_HEX = frozenset("0123456789abcdef")
#: A group: its name, its doc_ids, the corrections of its rows (by doc_id), its key.
_Group = tuple[str, list[str], dict[str, list[Correction]], str]
#: A group in a chunk being built: its name, key, corrections' report and doc_ids.
_Built = tuple[str, str, list[dict[str, Any]], list[str]]


def _group_of(doc_id: str, bits: int) -> str:
    """The group of ``doc_id`` among ``2**bits``: the first ``bits`` bits of the doc_id (a hash,
    so documents spread evenly, and a group's doc_ids are together in doc_id order)."""
    if len(doc_id) < 8 or not _HEX.issuperset(doc_id[:8]):
        return OTHER
    value = int(doc_id[:8], 16)
    return f"{bits:02d}-{value >> (32 - bits):08x}"


class _Disagrees(Exception):
    """A database brought up to date does not agree with the table files."""


def _in_group(group: str) -> str:
    """SQL: whether a row's ``doc_id`` is of ``group`` (:func:`_group_of`)."""
    hex_named = "regexp_matches(doc_id, '^[0-9a-f]{8}')"
    if group == OTHER:
        return f"NOT {hex_named}"
    bits, value = int(group[:2]), int(group[3:], 16)
    first, after = value << (32 - bits), (value + 1) << (32 - bits)
    until = f" AND doc_id < '{after:08x}'" if after < 1 << 32 else ""
    return f"({hex_named} AND doc_id >= '{first:08x}'{until})"


def _part_key(
    code: str,
    doc_ids: list[str],
    corrections: dict[str, list[Correction]],
    results: dict[str, str],
) -> str:
    """What a group's part is built from: each document's result as it stands on disk
    (:meth:`OutputFolder._results`), the corrections that name its rows, and the code that
    turns rows into tables."""
    h = hashlib.sha256(code.encode())
    for doc_id in doc_ids:
        h.update(f"{doc_id}:{results[doc_id]};".encode())
        for c in corrections.get(doc_id, []):
            h.update(_digest_of(c))
    return h.hexdigest()


def _groups(doc_ids: list[str]) -> dict[str, list[str]]:
    """Documents by group, the groups in doc_id order. The number of groups doubles each time
    the archive doubles past 32 documents, so that a group holds 16 to 32; each doubling builds
    every group again, once."""
    doc_ids = sorted(doc_ids)
    bits = 0
    while len(doc_ids) > GROUP_DOCS << bits and bits < 32:
        bits += 1
    groups: dict[str, list[str]] = {}
    for doc_id in doc_ids:
        groups.setdefault(_group_of(doc_id, bits), []).append(doc_id)
    return dict(sorted(groups.items()))


class _Pending:
    """Parts on their way into the table files, written in chunks of about ``chunk_rows``."""

    def __init__(self, files: _TableFiles, chunk_rows: int):
        self.files = files
        self.chunk_rows = chunk_rows
        self.tables: dict[str, list[pa.Table]] = {name: [] for name in DOCUMENT_TABLES}
        self.csvs: dict[str, list[bytes]] = {name: [] for name in DOCUMENT_TABLES}
        self.size = 0

    def add(self, part: _Part) -> list[dict[str, Any]]:
        """Take a part; return its corrections' report."""
        tables, csvs, report = part
        for name in DOCUMENT_TABLES:
            self.tables[name].append(tables[name])
            self.csvs[name].append(csvs[name])
            self.size += tables[name].num_rows
        if self.size >= self.chunk_rows:
            self.flush()
        return report

    def flush(self) -> None:
        self.files.write_parts(self.tables, self.csvs)
        self.tables = {name: [] for name in DOCUMENT_TABLES}
        self.csvs = {name: [] for name in DOCUMENT_TABLES}
        self.size = 0


def _write_part(path: Path, key: str, part: _Part) -> None:
    """A group's part as one Arrow file: a single row holding the key, the report, and each
    table as an Arrow stream and as CSV bytes (the blobs handed over without copies)."""
    tables, csvs, report = part
    columns: dict[str, Any] = {"key": [key], "report": [json.dumps(report, ensure_ascii=False)]}
    for name, table in tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        stream = sink.getvalue()
        columns[name] = _blob(_ZSTD.compress(stream))
        columns[f"{name}.size"] = [stream.size]
        columns[f"{name}.csv"] = _blob(_ZSTD.compress(csvs[name]))
        columns[f"{name}.csv.size"] = [len(csvs[name])]
    sink = pa.BufferOutputStream()
    row = pa.table(columns)
    with pa.ipc.new_file(sink, row.schema) as writer:
        writer.write_table(row)
    atomic_write(path, sink.getvalue(), durable=False)


def _blob(data: pa.Buffer) -> pa.Array:
    """A one-value binary array over ``data``, not a copy of it."""
    offsets = pa.array([0, data.size], pa.int64()).buffers()[1]
    return pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, data])


def _cut_into_parts(
    parts: Path, batch: list[_Built], rows: dict[str, list[Any]]
) -> Iterator[_Part]:
    """The tables of a chunk of whole groups (``batch``), each cut into its groups' rows (every
    table is sorted by doc_id first, so a group's rows are together), written as each group's
    part and given in order."""
    arrow = {name: to_arrow(name, r) for name, r in rows.items()}
    group_of = {doc_id: group for group, _, _, doc_ids in batch for doc_id in doc_ids}
    order = [group for group, *_ in batch]
    cut: dict[str, list[tuple[pa.Table, bytes]]] = {}
    for name, table in arrow.items():
        runs = [
            (group, sum(len(list(rows_)) for _, rows_ in docs))
            for group, docs in groupby(
                groupby(table.column("doc_id").to_pylist()), key=lambda d: group_of.get(d[0])
            )
        ]
        counts = dict(runs)
        if [group for group, _ in runs] != [group for group in order if group in counts]:
            raise ValueError(f"{name}: the rows of a chunk's groups are not in their order")
        spans, start = [], 0
        for group in order:
            spans.append((start, counts.get(group, 0)))
            start += counts.get(group, 0)
        pieces = _split_csv_rows(to_csv(table, header=False), [n for _, n in spans])
        cut[name] = [
            (table.slice(first, n), csv) for (first, n), csv in zip(spans, pieces, strict=True)
        ]
    for i, (group, key, report, _) in enumerate(batch):
        part = (
            {name: cut[name][i][0] for name in arrow},
            {name: cut[name][i][1] for name in arrow},
            report,
        )
        _write_part(parts / f"{group}.arrow", key, part)
        yield part


def _split_csv_rows(data: bytes, counts: list[int]) -> list[bytes]:
    """CSV rows (no header) cut into consecutive pieces of ``counts`` rows. A row ends at a line
    break outside quotes: a quoted value may hold line breaks (its quotes are then unbalanced)."""
    lines = data.split(b"\n")
    if lines[-1]:
        raise ValueError("CSV rows do not end with a line break")
    pieces, i = [], 0
    for count in counts:
        start = i
        for _ in range(count):
            quotes = lines[i].count(b'"')
            i += 1
            while quotes % 2:
                quotes += lines[i].count(b'"')
                i += 1
        pieces.append(b"\n".join(lines[start:i]) + b"\n" if i > start else b"")
    if i != len(lines) - 1:
        raise ValueError(f"{len(lines) - 1 - i} CSV lines left over after {sum(counts)} rows")
    return pieces


def _read_part(path: Path, key: str) -> _Part | None:
    """The part kept at ``path`` if it was built under ``key``, else None (to build). The file
    is mapped, not read: a part whose key is not ``key`` costs only its key's reading."""

    def unpacked(row: pa.RecordBatch, name: str, asbytes: bool = False) -> Any:
        return _ZSTD.decompress(
            row.column(name)[0].as_buffer(),
            decompressed_size=row.column(f"{name}.size")[0].as_py(),
            asbytes=asbytes,
        )

    try:
        with pa.memory_map(str(path)) as source:
            row = pa.ipc.open_file(source).get_batch(0)
            if row.column("key")[0].as_py() != key:
                return None
            tables = {
                name: pa.ipc.open_stream(unpacked(row, name), options=_READ).read_all()
                for name in DOCUMENT_TABLES
            }
            csvs = {name: unpacked(row, f"{name}.csv", True) for name in DOCUMENT_TABLES}
            return tables, csvs, json.loads(row.column("report")[0].as_py())
    except (OSError, KeyError, IndexError, ValueError, TypeError, pa.ArrowException):
        return None


class _TableFiles:
    """Parquet and CSV files of every table written chunk by chunk to temporary names, renamed
    over the old files only when all are complete (an interrupted build leaves the old ones)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.rows: dict[str, int] = {name: 0 for name in TABLE_ORDER}
        self.parquet: dict[str, pq.ParquetWriter] = {}
        self.csv: dict[str, Any] = {}
        self.tmp: list[tuple[Path, Path]] = []

    def __enter__(self) -> _TableFiles:
        for name in TABLE_ORDER:
            for ext in ("parquet", "csv"):
                final = self.folder / f"{name}.{ext}"
                self.tmp.append((final.with_name(f".{final.name}.tmp"), final))
            self.parquet[name] = pq.ParquetWriter(
                self.folder / f".{name}.parquet.tmp", SCHEMAS[name]
            )
            self.csv[name] = (self.folder / f".{name}.csv.tmp").open("wb")
        return self

    def write(self, tables: dict[str, pa.Table]) -> None:
        self.write_parts(
            {name: [t] for name, t in tables.items()},
            {name: [to_csv(t, header=False)] for name, t in tables.items()},
        )

    def write_parts(self, tables: dict[str, list[pa.Table]], csvs: dict[str, list[bytes]]) -> None:
        """Groups' rows (:meth:`OutputFolder._build_parts`), their CSV already made: each
        table's groups go into one Parquet row group; the CSV header is written with the first
        rows."""
        for name, parts in tables.items():
            table = pa.concat_tables(parts) if parts else SCHEMAS[name].empty_table()
            if not self.csv[name].tell():
                self.csv[name].write(to_csv(table.slice(0, 0), header=True))
            elif not table.num_rows:
                continue
            self.parquet[name].write_table(table)
            self.csv[name].write(b"".join(csvs[name]))
            self.rows[name] += table.num_rows

    def __exit__(self, exc_type, *_: object) -> None:
        for writer in self.parquet.values():
            writer.close()
        for fh in self.csv.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        for tmp, final in self.tmp:
            if exc_type is None:
                os.replace(tmp, final)
            else:
                tmp.unlink(missing_ok=True)


#: ``row_id`` of a row: the document, then the row's natural key (see :func:`add_row_ids`).
ROW_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "documents": ("", ()),
    "meetings": ("", ()),
    "pages": ("p", ("page",)),
    "lines": ("p", ("page", "line")),
    "attendees": ("attendee", ("seq",)),
    "agenda_items": ("item", ("item",)),
    "speeches": ("speech", ("seq",)),
}
#: Tables whose rows are numbered within their agenda item, in page and line order.
ITEM_ORDINAL = {"resolutions": "resolution", "budgets": "budget", "assignments": "assignment"}
VIEWS_SQL = Path(__file__).resolve().parent.parent / "schemas" / "views.sql"


def add_row_ids(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each of one document's rows of table ``name`` its ``row_id`` (in place).

    Built from what names the row, not from its position in the output, so it stays the same
    when the document is processed again: ``a0f0f0f9f0d5b3be:item:3.1``,
    ``a0f0f0f9f0d5b3be:budget:3.3.1:2`` (the second budget of item 3.3.1), ``…:p7:l9`` (page 7,
    line 9). A repeated key gets ``#2``, ``#3``."""
    seen: dict[str, int] = {}
    counters: dict[tuple[str, Any], int] = {}
    order = sorted(
        range(len(rows)), key=lambda i: (rows[i].get("page") or 0, rows[i].get("line") or 0)
    )
    for i in order:
        row = rows[i]
        doc = row["doc_id"]
        if name in ITEM_ORDINAL:
            item = row.get("item") or "-"
            counters[(doc, item)] = n = counters.get((doc, item), 0) + 1
            key = f"{doc}:{ITEM_ORDINAL[name]}:{item}:{n}"
        else:
            prefix, fields = ROW_KEYS[name]
            if prefix == "p":
                key = ":".join([doc, *(f"{f[0]}{row[f]}" for f in fields)])
            else:
                key = ":".join([doc, prefix, *(str(row[f]) for f in fields)]) if prefix else doc
        seen[key] = count = seen.get(key, 0) + 1
        row["row_id"] = key if count == 1 else f"{key}#{count}"
    return rows


def _coerce(value: Any, type_: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_date32(type_):
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if pa.types.is_decimal(type_):
        return Decimal(value)
    if pa.types.is_timestamp(type_):
        return pd.Timestamp(value).tz_convert("UTC") if isinstance(value, str) else value
    return value


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (JSON values) to a validated Arrow table, sorted for stable output."""
    schema = SCHEMAS[name]
    if name in DOCUMENT_TABLES and any("row_id" not in r for r in rows):
        rows = [dict(r) for r in rows]
        for doc_id in dict.fromkeys(r["doc_id"] for r in rows):
            add_row_ids(name, [r for r in rows if r["doc_id"] == doc_id])
    columns = {
        field.name: pd.Series([_coerce(r.get(field.name), field.type) for r in rows], dtype=object)
        for field in schema
    }
    frame = pd.DataFrame(columns)
    keys = SORT_KEYS.get(name, DEFAULT_SORT)
    if len(frame):
        frame = frame.sort_values(keys, kind="stable", key=lambda s: s.map(_sort_key)).reset_index(
            drop=True
        )
    return validate_frame(name, frame)


def _sort_key(value: Any) -> Any:
    return (1, 0) if value is None or (isinstance(value, float) and value != value) else (0, value)


def to_csv(table: pa.Table, header: bool = True) -> bytes:
    """CSV in UTF-8 with a BOM so Excel shows Thai; integers stay integers, NULL is empty.
    Without ``header``: rows only, no BOM (a chunk to append)."""
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    text = frame.to_csv(index=False, header=header, lineterminator="\n")
    return text.encode("utf-8-sig" if header else "utf-8")
