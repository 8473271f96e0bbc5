/* Safeguarding Watch: optional enhancement of the councils tables.
   Without JavaScript every column heading links to a copy of the table sorted by that
   column (shown with the CSS :target selector). With it, choosing the heading of the
   column a table is already sorted by reverses the order. No inline code is needed. */
(function () {
  "use strict";

  function reverse(heading, table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).reverse();
    rows.forEach(function (row) { body.appendChild(row); });
    var order = heading.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    heading.setAttribute("aria-sort", order);
    var note = table.querySelector(".sort-note");
    if (note) {
      if (!note.hasAttribute("data-first")) {
        note.setAttribute("data-first", note.textContent);
      }
      var reversed = note.getAttribute("data-reversed") !== "true";
      note.setAttribute("data-reversed", String(reversed));
      note.textContent = note.getAttribute("data-first") + (reversed ? " (reversed)" : "");
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var link = target.closest("th[aria-sort] a.sort");
    if (!link) {
      return;
    }
    var heading = link.closest("th");
    var table = heading.closest("table");
    if (!table || !table.tBodies.length) {
      return;
    }
    event.preventDefault();
    reverse(heading, table);
  });
}());
