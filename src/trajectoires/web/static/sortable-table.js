// Sortable tables: each header holds a button; clicking it sorts the rows by
// that column (data-value of the cell, else its text) and updates aria-sort.
(function () {
  "use strict";
  const collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });

  function cellValue(row, index) {
    const cell = row.children[index];
    return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
  }

  function compare(type, a, b) {
    if (type === "number") {
      // missing values (empty) always go last
      if (a === "" && b === "") { return 0; }
      if (a === "") { return 1; }
      if (b === "") { return -1; }
      return Number(a) - Number(b);
    }
    return collator.compare(a, b);
  }

  function sortBy(table, header, index, type) {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort(function (r1, r2) {
      const a = cellValue(r1, index);
      const b = cellValue(r2, index);
      if (type === "number" && (a === "" || b === "")) { return compare(type, a, b); }
      const result = compare(type, a, b);
      return ascending ? result : -result;
    });
    body.append(...rows);
    for (const th of table.tHead.rows[0].cells) { th.removeAttribute("aria-sort"); }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  for (const table of document.querySelectorAll("table[data-sortable]")) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach(function (header, index) {
      const button = header.querySelector("button[data-sort]");
      if (!button) { return; }
      button.addEventListener("click", function () {
        sortBy(table, header, index, button.dataset.sort);
      });
    });
  }
})();
