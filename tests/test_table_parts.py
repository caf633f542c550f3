"""The tables rebuilt from kept parts: a re-run builds again only the groups of documents where
something changed, brings the database up to date with those groups alone, and writes what a
build from nothing writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline.store as store
from pipeline.store import OutputFolder
from schemas import TABLE_ORDER
from tests.helpers import cli

MINUTES = """รายงานการประชุมคณะกรรมการ{body} ครั้งที่ {n}/2566
วันที่ {n} มีนาคม พ.ศ. 2566 ณ ห้องประชุม
ผู้มาประชุม
1. นายสมชาย ใจดี ประธานกรรมการ
2. นางสาวสมหญิง รักงาน กรรมการและเลขานุการ
ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
มติที่ประชุม รับทราบ
ระเบียบวาระที่ 2 ขออนุมัติงบประมาณ {n}0,000 บาท
มติที่ประชุม อนุมัติ
"""
BODIES = ["สถานศึกษา", "โรงพยาบาล", "สภาเทศบาล", "บริหารองค์การบริหารส่วนตำบล", "มหาวิทยาลัย"]


def write_minutes(folder: Path, n: int) -> Path:
    path = folder / f"minutes-{n}.txt"
    path.write_text(MINUTES.format(body=BODIES[n % len(BODIES)], n=n), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def small_groups(monkeypatch):
    """Groups of one or two documents, so that six documents make four groups."""
    monkeypatch.setattr(store, "GROUP_DOCS", 2)


def group(doc_id: str) -> str:
    return store._group_of(doc_id, 2)  # six documents in groups of 2: 2 bits, 4 groups


@pytest.fixture
def out(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(1, 7):
        write_minutes(inputs, n)
    out = tmp_path / "out"
    assert cli("run", str(inputs), "--out", str(out), "--workers", "1").exit_code == 0
    return out


@pytest.fixture
def builds(monkeypatch) -> list[list[str]]:
    """The doc_ids of each group built (not taken from its kept part)."""
    built: list[list[str]] = []
    real = OutputFolder._build_parts

    def counted(self, parts, groups, chunk_rows):
        built.extend(list(doc_ids) for _, doc_ids, _, _ in groups)
        return real(self, parts, groups, chunk_rows)

    monkeypatch.setattr(OutputFolder, "_build_parts", counted)
    return built


@pytest.fixture
def databases(monkeypatch) -> list[str]:
    """How the database was made each time: built ``whole`` from the Parquet files, or
    ``updated`` (``failed``: the update failed) from the last build's."""
    made: list[str] = []
    whole, update = OutputFolder._write_database, OutputFolder._update_database

    def counted_whole(self):
        made.append("whole")
        return whole(self)

    def counted_update(self, *args):
        done = update(self, *args)
        made.append("updated" if done else "failed")
        return done

    monkeypatch.setattr(OutputFolder, "_write_database", counted_whole)
    monkeypatch.setattr(OutputFolder, "_update_database", counted_update)
    return made


def tables(out: Path) -> dict[str, object]:
    """Every table's files, and the database's tables (their columns, their rows in order) and
    views."""
    found: dict[str, object] = {}
    for path in sorted((out / "tables").iterdir()):
        if path.suffix == ".csv":
            found[path.name] = path.read_bytes()
        elif path.suffix == ".parquet":
            found[path.name] = pq.read_table(path)
    con = duckdb.connect(str(out / "minutes.duckdb"), read_only=True)
    try:
        for name in TABLE_ORDER:
            found[f"duckdb {name}"] = (
                con.execute(f'DESCRIBE "{name}"').fetchall(),
                con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall(),
            )
        found["duckdb views"] = con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return found


def same(a: dict[str, object], b: dict[str, object]) -> bool:
    return a.keys() == b.keys() and all(
        a[k].equals(b[k]) if isinstance(a[k], pa.Table) else a[k] == b[k]  # type: ignore[attr-defined]
        for k in a
    )


def from_nothing(out: Path) -> dict[str, object]:
    """The tables built with no part kept."""
    shutil.rmtree(OutputFolder(out).parts)
    OutputFolder(out).write_tables()
    return tables(out)


def doc_ids(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "docs").iterdir())


def test_a_rerun_builds_no_group_and_writes_the_same(out: Path, builds: list[list[str]]):
    first = tables(out)
    OutputFolder(out).write_tables()
    assert builds == []
    assert same(tables(out), first)
    assert same(from_nothing(out), first)
    assert len(builds) == len(list(OutputFolder(out).parts.glob("*.arrow"))) > 1


def test_a_new_document_builds_its_group_only(
    out: Path, builds: list[list[str]], databases: list[str], tmp_path
):
    before = set(doc_ids(out))
    new = write_minutes(tmp_path / "in", 7)
    assert cli("run", str(new), "--out", str(out), "--workers", "1").exit_code == 0
    (added,) = set(doc_ids(out)) - before
    assert len(builds) == 1 and added in builds[0]
    assert all(group(d) == group(added) for d in builds[0])  # its group alone
    assert databases == ["updated"]
    grown = tables(out)
    assert same(from_nothing(out), grown)
    assert pq.read_table(out / "tables" / "documents.parquet").num_rows == 7


def test_corrections_rebuild_the_group_they_name(
    out: Path, builds: list[list[str]], databases: list[str]
):
    folder = OutputFolder(out)
    doc = doc_ids(out)[2]
    lines = pq.read_table(out / "tables" / "lines.parquet").num_rows
    folder.corrections_file.write_text(
        f"table,row_id,column,value\nlines,{doc}:p1:l1,_row,delete\n", encoding="utf-8"
    )
    folder.write_tables()
    assert len(builds) == 1 and doc in builds[0]
    assert pq.read_table(out / "tables" / "lines.parquet").num_rows == lines - 1
    corrections = pq.read_table(out / "tables" / "corrections.parquet").to_pylist()
    assert [c["status"] for c in corrections] == ["applied"]
    corrected = tables(out)
    assert same(from_nothing(out), corrected)
    builds.clear()
    folder.corrections_file.unlink()  # the fix withdrawn: the row is back
    folder.write_tables()
    assert len(builds) == 1 and doc in builds[0]
    assert pq.read_table(out / "tables" / "lines.parquet").num_rows == lines
    assert databases == ["updated", "whole", "updated"]  # from_nothing builds it whole
    withdrawn = tables(out)
    assert same(from_nothing(out), withdrawn)


def test_a_deleted_document_leaves_the_tables(
    out: Path, builds: list[list[str]], databases: list[str]
):
    gone = doc_ids(out)[0]
    shutil.rmtree(out / "docs" / gone)
    OutputFolder(out).write_tables()
    assert databases == ["updated"]
    left = [d for d in doc_ids(out) if group(d) == group(gone)]  # the rest of its group, if any
    assert builds == ([left] if left else [])
    documents = pq.read_table(out / "tables" / "documents.parquet").column("doc_id").to_pylist()
    assert gone not in documents and len(documents) == 5
    parts = {p.stem for p in OutputFolder(out).parts.glob("*.arrow")}
    assert parts == {group(d) for d in doc_ids(out)}  # an emptied group's part is removed
    assert same(tables(out), from_nothing(out))


def test_a_redone_document_rebuilds_its_group(out: Path, builds: list[list[str]]):
    doc = doc_ids(out)[1]
    rows = out / "docs" / doc / "rows.json"
    text = rows.read_text(encoding="utf-8")
    store.atomic_write(rows, text.replace("รับทราบ", "รับทราบแล้ว"))  # as a run rewrites it
    OutputFolder(out).write_tables()
    assert len(builds) == 1 and doc in builds[0]
    assert "รับทราบแล้ว".encode() in (out / "tables" / "lines.csv").read_bytes()


def test_a_damaged_part_or_other_code_means_building_again(
    out: Path, builds: list[list[str]], monkeypatch
):
    first = tables(out)
    part = sorted(OutputFolder(out).parts.glob("*.arrow"))[0]
    part.write_bytes(part.read_bytes()[:100])
    (out / "minutes.duckdb").unlink()  # so that the tables are built again
    OutputFolder(out).write_tables()
    assert len(builds) == 1 and all(group(d) == part.stem for d in builds[0])
    assert same(tables(out), first)
    builds.clear()
    monkeypatch.setattr(store, "_code_fingerprint", lambda: "other code")
    OutputFolder(out).write_tables()
    assert len(builds) == len(list(OutputFolder(out).parts.glob("*.arrow")))
    assert same(tables(out), first)


def test_nothing_is_written_when_nothing_changed(out: Path, builds: list[list[str]]):
    folder = OutputFolder(out)
    files = [*(out / "tables").glob("*.*"), out / "minutes.duckdb"]
    written = {f: f.stat().st_mtime_ns for f in files}
    counts = pq.read_table(out / "tables" / "lines.parquet").num_rows
    assert folder.write_tables()["lines"] == counts
    assert {f: f.stat().st_mtime_ns for f in files} == written
    # a CSV saved from Excel is written again, from the kept parts
    csv = out / "tables" / "budgets.csv"
    original = csv.read_bytes()
    csv.write_bytes(original.replace(b",", b";"))
    assert folder.write_tables()["lines"] == counts
    assert csv.read_bytes() == original and builds == []


@pytest.mark.parametrize("at_most, made", [(2, "whole"), (64, "updated")])
def test_passing_a_size_regroups_every_document_once(
    out: Path, builds, databases: list[str], tmp_path: Path, monkeypatch, at_most, made
):
    """Six documents are four groups of two bits; nine, eight groups of three. Every group
    changed: the database has the old groups' rows replaced by the new groups' (their ranges of
    doc_ids overlap), unless that is more groups than it may have replaced."""
    monkeypatch.setattr(store, "REPLACE_GROUPS", at_most)
    for n in (7, 8, 9):
        write_minutes(tmp_path / "in", n)
    assert cli("run", str(tmp_path / "in"), "--out", str(out), "--workers", "1").exit_code == 0
    assert sorted(d for b in builds for d in b) == doc_ids(out)  # every document, once
    parts = {p.stem for p in OutputFolder(out).parts.glob("*.arrow")}
    assert parts == {store._group_of(d, 3) for d in doc_ids(out)}  # the old groups' parts gone
    assert databases == [made]
    assert same(tables(out), from_nothing(out))


def test_a_folder_not_named_as_a_doc_id_is_kept_last(out: Path, databases: list[str]):
    first = doc_ids(out)[0]
    manual = out / "docs" / "manual-copy"
    manual.mkdir()
    for name in ("rows.json", "document.json"):
        text = (out / "docs" / first / name).read_text(encoding="utf-8")
        (manual / name).write_text(text.replace(first, "manual-copy"), encoding="utf-8")
    OutputFolder(out).write_tables()
    documents = pq.read_table(out / "tables" / "documents.parquet").column("doc_id").to_pylist()
    assert documents == [*doc_ids(out)[:-1], "manual-copy"] == sorted(documents)
    assert databases == ["updated"]
    assert same(tables(out), from_nothing(out))
    shutil.rmtree(manual)  # its rows leave the database, and only its
    OutputFolder(out).write_tables()
    assert databases == ["updated", "whole", "updated"]
    assert same(tables(out), from_nothing(out))


def test_a_folder_holding_another_documents_rows_is_left_out(out: Path, caplog):
    """A document's folder copied under another name: its rows say another doc_id, and would
    be that document's twice. They are left out of the tables, with a warning."""
    first = tables(out)
    shutil.copytree(out / "docs" / doc_ids(out)[0], out / "docs" / "copy")
    OutputFolder(out).write_tables()
    assert f"docs/copy holds rows of {doc_ids(out)[0]}: left out" in caplog.text
    assert same(tables(out), first)


def test_a_damaged_result_is_left_out_with_a_warning(out: Path, caplog):
    doc = doc_ids(out)[0]
    store.atomic_write(out / "docs" / doc / "rows.json", '{"lines": [')
    OutputFolder(out).write_tables()
    assert f"docs/{doc}/rows.json cannot be read" in caplog.text
    documents = pq.read_table(out / "tables" / "documents.parquet").column("doc_id").to_pylist()
    assert doc not in documents and len(documents) == 5


def test_a_database_that_would_not_agree_with_the_files_is_built_whole(
    out: Path, databases: list[str], caplog, monkeypatch
):
    """Rows the update failed to delete: the counts disagree, the update is dropped."""
    monkeypatch.setattr(store, "_in_group", lambda group: "false")
    store.atomic_write(out / "docs" / doc_ids(out)[0] / "rows.json", "{}")  # no rows now
    OutputFolder(out).write_tables()
    assert databases == ["failed", "whole"]
    assert "would have" in caplog.text
    assert same(tables(out), from_nothing(out))


def test_a_database_not_as_left_is_built_whole(out: Path, databases: list[str], tmp_path):
    """Written to since (its size or time changed), or unreadable though it looks the same:
    built again from the Parquet files, not brought up to date."""
    database = out / "minutes.duckdb"
    con = duckdb.connect(str(database))
    con.execute("DELETE FROM budgets")
    con.close()
    write_minutes(tmp_path / "in", 7)
    assert cli("run", str(tmp_path / "in"), "--out", str(out), "--workers", "1").exit_code == 0
    assert databases == ["whole"]
    assert same(tables(out), from_nothing(out))
    write_minutes(tmp_path / "in", 8)
    st = database.stat()
    database.write_bytes(b"\0" * st.st_size)  # damaged, with its size and time put back
    os.utime(database, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cli("run", str(tmp_path / "in"), "--out", str(out), "--workers", "1").exit_code == 0
    assert databases == ["whole", "whole", "failed", "whole"]
    assert same(tables(out), from_nothing(out))


def test_csv_rows_are_cut_where_rows_end_not_inside_quotes():
    data = b'a,1\n"two\nlines, ""quoted""",2\nc,3\n"x\n\ny",4\n'
    assert store._split_csv_rows(data, [1, 2, 0, 1]) == [
        b"a,1\n",
        b'"two\nlines, ""quoted""",2\nc,3\n',
        b"",
        b'"x\n\ny",4\n',
    ]
    with pytest.raises(ValueError):
        store._split_csv_rows(data, [1, 1])


def test_groups_follow_doc_id_order():
    ids = sorted(f"{n * 2654435761 % 2**64:016x}" for n in range(1, 400))
    for bits in (0, 1, 3, 8):
        groups = [store._group_of(d, bits) for d in ids]
        assert groups == sorted(groups) and len(set(groups)) <= 2**bits
    assert store._group_of("manual-copy", 3) == store.OTHER > store._group_of("ffffffff", 3)
