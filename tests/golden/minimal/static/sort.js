/* Safeguarding Watch: sorting the councils tables (tables marked data-sortable).
   Without JavaScript a table stays in the order it was built in, A to Z, and its caption says
   so. With it, each column heading becomes a button: the first choice sorts the table by that
   column (most first, or lowest grade first, or A to Z), a second choice reverses the order.
   The heading sorted by carries aria-sort, and the caption names the order. A council with
   nothing in the record (an empty sort key, or a dash) always comes last. */
(function () {
  "use strict";

  /* The value a cell sorts by: text for the first column, a number for the others, or null
     where there is none. "at least 3" sorts just after an exact 3, "not known" after 0. */
  function keyOf(row, index) {
    var cell = row.cells[index];
    if (index === 0) {
      return cell.textContent.trim();
    }
    if (cell.hasAttribute("data-sort")) {
      var given = cell.getAttribute("data-sort");
      return given === "" ? null : parseFloat(given);
    }
    var text = cell.textContent.trim();
    var digits = text.replace(/,/g, "").match(/\d+/);
    var isBound = /at least|not known/.test(text);
    if (!digits) {
      return isBound ? -0.5 : null;
    }
    return parseInt(digits[0], 10) - (isBound ? 0.5 : 0);
  }

  function compare(a, b, sign) {
    if (a.key === null || b.key === null) {
      return a.key === b.key ? a.at - b.at : (a.key === null ? 1 : -1);
    }
    var order = typeof a.key === "string" ? a.key.localeCompare(b.key, "en-GB") : a.key - b.key;
    return order !== 0 ? sign * order : a.at - b.at;
  }

  function sortTable(table, heading, order) {
    var index = heading.cellIndex;
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row) {
      return { row: row, key: keyOf(row, index), at: Number(row.getAttribute("data-at")) };
    });
    var sign = order === "ascending" ? 1 : -1;
    rows.sort(function (a, b) { return compare(a, b, sign); });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      if (cell === heading) {
        cell.setAttribute("aria-sort", order);
      } else {
        cell.removeAttribute("aria-sort");
      }
    });
    var words = (heading.getAttribute("data-words") || "").split("|");
    var note = table.querySelector(".sort-note");
    if (note) {
      note.textContent = "Sorted by " + heading.getAttribute("data-name") + ": "
        + (order === heading.getAttribute("data-order") ? words[0] : words[1]);
    }
  }

  function opposite(order) {
    return order === "ascending" ? "descending" : "ascending";
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) {
      return;
    }
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, at) {
      row.setAttribute("data-at", String(at));
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (heading.firstChild) {
        button.appendChild(heading.firstChild);
      }
      heading.appendChild(button);
      button.addEventListener("click", function () {
        var current = heading.getAttribute("aria-sort");
        sortTable(table, heading, current ? opposite(current) : heading.getAttribute("data-order"));
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  Array.prototype.forEach.call(document.querySelectorAll("[data-with-script]"), function (hint) {
    hint.textContent = hint.getAttribute("data-with-script");
  });
}());
