// ThaiMinutes review: a click on a row highlights the line(s) it came from on the page image;
// a click on a line highlights the rows read from it. No server, no library.
(function () {
  "use strict";

  function clear() {
    document.querySelectorAll(".hl").forEach((el) => el.classList.remove("hl"));
    document.querySelectorAll("tr.selected").forEach((el) => el.classList.remove("selected"));
  }

  function linesOf(row) {
    const page = row.dataset.page;
    const first = Number(row.dataset.line);
    const last = Number(row.dataset.last || row.dataset.line);
    const found = [];
    for (let n = first; n <= last; n += 1) {
      const el = document.getElementById("L" + page + "-" + n);
      if (el) found.push(el);
    }
    return found;
  }

  function selectRow(row, scrollRow) {
    clear();
    row.classList.add("selected");
    const lines = linesOf(row);
    lines.forEach((el) => el.classList.add("hl"));
    if (lines.length) lines[0].scrollIntoView({ block: "center" });
    if (scrollRow) row.scrollIntoView({ block: "center" });
    history.replaceState(null, "", "#" + encodeURIComponent(row.id));
  }

  function selectLine(line) {
    clear();
    line.classList.add("hl");
    const page = Number(line.dataset.page);
    const n = Number(line.dataset.line);
    const rows = Array.from(document.querySelectorAll("tr.row[data-page]")).filter(
      (row) =>
        Number(row.dataset.page) === page &&
        Number(row.dataset.line) <= n &&
        n <= Number(row.dataset.last || row.dataset.line)
    );
    rows.forEach((row) => row.classList.add("selected"));
    if (rows.length) rows[0].scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr.row[data-page]");
    if (row) return selectRow(row, false);
    const line = event.target.closest(".line[data-page]");
    if (line) selectLine(line);
  });

  // A link to <doc>.html#<row_id> opens with that row selected (once fonts and layout are
  // final, so the scroll lands where it should); #flagged selects the first flagged row.
  window.addEventListener("load", () => {
    const wanted = decodeURIComponent(location.hash.slice(1));
    const target = wanted && document.getElementById(wanted);
    if (target && target.matches("tr.row[data-page]")) selectRow(target, true);
    else if (wanted === "flagged") {
      const first = document.querySelector("tr.row.flagged[data-page]");
      if (first) selectRow(first, true);
    }
  });
})();
