"""The review pages: static HTML checked as files, then clicked in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from tests.helpers import ABT_PDF, SEED, cli, db_rows

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Flags for Chromium as root on a machine with no network (see the env notes in the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    """An output folder (seed text, อบต. text-layer PDF, a corrupt PDF) with its review pages."""
    base = tmp_path_factory.mktemp("review")
    inputs = base / "ใน โฟลเดอร์"
    inputs.mkdir()
    for src in (SEED, ABT_PDF):
        shutil.copy(src, inputs / src.name)
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    out = base / "out"
    assert cli("run", str(inputs), "--out", str(out), "--workers", "1").exit_code == 2
    con = duckdb.connect(str(out / "minutes.duckdb"), read_only=True)
    [(row_id,)] = con.execute(
        "select row_id from budgets where amount_thb = 1200000 and doc_id in "
        "(select doc_id from documents where kind = 'text_pdf')"
    ).fetchall()
    con.close()
    assert (
        cli("correct", str(out), "budgets", row_id, "purpose", "ขุดลอกคลองส่งน้ำ หมู่ 1").exit_code == 0
    )
    result = cli("review", str(out))
    assert result.exit_code == 0, result.output
    return out


class Elements(HTMLParser):
    """Every element's tag and attributes, to check the pages without a browser."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def with_class(self, name: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.found if name in (a.get("class") or "").split()]


def test_index_lists_every_document_with_a_link(reviewed: Path):
    html = (reviewed / "review" / "index.html").read_text(encoding="utf-8")
    docs = db_rows(reviewed, "select doc_id, status from documents")
    assert len(docs) == 3
    links = {a["href"] for tag, a in Elements(html).found if tag == "a"}
    for doc_id, _ in docs:
        assert f"{doc_id}.html" in links
        assert (reviewed / "review" / f"{doc_id}.html").exists()
    assert "failed" in html and "broken.pdf" in html
    assert "corrupt" in html or "truncated" in html  # the failed document's error is shown


def test_document_page_has_a_box_per_line_and_a_row_per_value(reviewed: Path):
    [(doc_id,)] = db_rows(reviewed, "select doc_id from documents where kind = 'text_pdf'")
    page = Elements((reviewed / "review" / f"{doc_id}.html").read_text(encoding="utf-8"))
    boxes = {a["id"] for a in page.with_class("line")}
    lines = db_rows(reviewed, f"select page, line from lines where doc_id = '{doc_id}'")
    assert boxes == {f"L{p}-{n}" for p, n in lines}
    images = [a["src"] for tag, a in page.found if tag == "img"]
    assert (
        len(images)
        == db_rows(reviewed, f"select pages from documents where doc_id = '{doc_id}'")[0][0]
    )
    assert all((reviewed / "review" / src).stat().st_size > 10_000 for src in images)
    rows = {a["id"]: a for a in page.with_class("row")}
    for row_id, p, n in db_rows(
        reviewed, f"select row_id, page, line from budgets where doc_id = '{doc_id}'"
    ):
        assert rows[row_id]["data-page"] == str(p) and rows[row_id]["data-line"] == str(n)
    corrected = page.with_class("corrected")
    assert len(corrected) == 1 and "budget" in corrected[0]["id"]


def test_plain_text_is_shown_as_numbered_lines(reviewed: Path):
    [(doc_id, n)] = db_rows(
        reviewed,
        "select doc_id, count(*) from lines where doc_id in "
        "(select doc_id from documents where kind = 'text') group by 1",
    )
    page = Elements((reviewed / "review" / f"{doc_id}.html").read_text(encoding="utf-8"))
    assert len([a for tag, a in page.found if tag == "li" and a.get("data-line")]) == n
    assert not [a for tag, a in page.found if tag == "img"]


def test_a_missing_source_is_said_and_lines_shown_as_text(reviewed: Path, tmp_path: Path):
    out = Path(shutil.copytree(reviewed, tmp_path / "out"))
    shutil.rmtree(out / "review")
    [(doc_id, source)] = db_rows(
        out, "select doc_id, source from documents where kind = 'text_pdf'"
    )
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(source, moved / Path(source).name)
    try:
        assert cli("review", str(out), "--doc", doc_id).exit_code == 0
        html = (out / "review" / f"{doc_id}.html").read_text(encoding="utf-8")
        assert "--source-root" in html and "<img" not in html
        assert cli("review", str(out), "--doc", doc_id, "--source-root", str(moved)).exit_code == 0
        html = (out / "review" / f"{doc_id}.html").read_text(encoding="utf-8")
        assert "<img" in html
        # the index still lists every document
        index = (out / "review" / "index.html").read_text(encoding="utf-8")
        assert index.count('.html">') == 3
    finally:
        shutil.move(moved / Path(source).name, source)


def test_text_is_escaped(tmp_path: Path):
    minutes = SEED.read_text(encoding="utf-8").replace(
        "รับทราบ", "รับทราบ <script>alert('x')</script> & <b>", 1
    )
    src = tmp_path / "minutes.txt"
    src.write_text(minutes, encoding="utf-8")
    out = tmp_path / "out"
    assert cli("run", str(src), "--out", str(out), "--workers", "1").exit_code == 0
    assert cli("review", str(out)).exit_code == 0
    [page] = [p for p in (out / "review").glob("*.html") if p.name != "index.html"]
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


# --- in Chromium ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make test` installs it (make browser)")
        pytest.skip("chromium is not installed (make browser)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_clicking_a_budget_row_highlights_its_line(reviewed: Path, chromium):
    [(doc_id,)] = db_rows(reviewed, "select doc_id from documents where kind = 'text_pdf'")
    budgets = db_rows(
        reviewed,
        f"select row_id, page, line, text from budgets where doc_id = '{doc_id}' order by page, line",
    )
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    page.goto((reviewed / "review" / f"{doc_id}.html").as_uri())
    for row_id, p, n, text in budgets:
        row = page.locator(f'tr[id="{row_id}"]')
        row.click()
        lit = page.locator(".line.hl")
        assert lit.count() == 1
        assert lit.get_attribute("id") == f"L{p}-{n}"
        # the highlighted box is the line the amount was read from, and it is in view
        digits = re.search(r"[\d,]+", text).group().replace(",", "")
        title = lit.get_attribute("title") or ""
        assert digits in title.replace(",", ""), (text, title)
        box = lit.bounding_box()
        assert box and 0 <= box["y"] <= 1000 and box["height"] > 5
        assert "selected" in (row.get_attribute("class") or "")
    screenshots = reviewed.parent / "screenshots"
    screenshots.mkdir(exist_ok=True)
    page.screenshot(path=str(screenshots / "budget-click.png"))
    # the other way round: a click on a line selects the rows read from it
    row_id, p, n, _ = budgets[0]
    page.locator(f"#L{p}-{n}").click(force=True)
    assert row_id in [
        page.locator("tr.row.selected").nth(i).get_attribute("id")
        for i in range(page.locator("tr.row.selected").count())
    ]
    page.close()


@pytest.mark.browser
def test_a_link_to_a_row_opens_with_it_selected(reviewed: Path, chromium):
    [(doc_id, row_id, p, n)] = db_rows(
        reviewed,
        "select doc_id, row_id, page, line from resolutions where doc_id in "
        "(select doc_id from documents where kind = 'text') order by page, line limit 1",
    )
    page = chromium.new_page()
    page.goto((reviewed / "review" / f"{doc_id}.html").as_uri() + "#" + row_id)
    assert page.locator(".line.hl").get_attribute("id") == f"L{p}-{n}"
    # the row is in view, below the sticky index of tables rather than under it
    row = page.locator(f'tr[id="{row_id}"]').bounding_box()
    nav = page.locator(".tables nav").bounding_box()
    assert row and nav and nav["y"] + nav["height"] <= row["y"] < page.viewport_size["height"]
    # flagged values stand out: the corrected row has its own background colour
    page.goto((reviewed / "review" / "index.html").as_uri())
    page.locator("a", has_text="minutes-text.pdf").click()
    corrected = page.locator("tr.corrected")
    normal = page.locator("table[data-table=budgets] tr.row:not(.flagged)")
    colour = "el => getComputedStyle(el).backgroundColor"
    assert corrected.evaluate(colour) != normal.first.evaluate(colour)
    page.close()
