/* Safeguarding Watch: filters the timeline in place by kind of event and by council.
   Without JavaScript the form stays hidden and the links above it do the same through
   pages: a timeline page per kind, and each council's timeline on its own page.
   The choice is kept in the address (?kind=...&council=...), so a filtered view can be
   shared. No inline code is needed, and no text is ever parsed as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("timeline-filter");
  var status = document.getElementById("timeline-status");
  if (!form || !status) {
    return;
  }
  var kind = document.getElementById("timeline-kind");
  var council = document.getElementById("timeline-council");
  var items = Array.prototype.slice.call(document.querySelectorAll(".timeline li[data-kind]"));
  var years = Array.prototype.slice.call(document.querySelectorAll(".timeline-year"));

  function choose(select, value) {
    if (select && value && select.querySelector("option[value=\"" + CSS.escape(value) + "\"]")) {
      select.value = value;
    }
  }

  function apply() {
    var wantedKind = kind ? kind.value : "";
    var wantedCouncil = council ? council.value : "";
    var shown = 0;
    items.forEach(function (item) {
      var matches = (!wantedKind || item.getAttribute("data-kind") === wantedKind)
        && (!wantedCouncil || item.getAttribute("data-council") === wantedCouncil);
      item.hidden = !matches;
      if (matches) {
        shown += 1;
      }
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector("li[data-kind]:not([hidden])");
    });
    var noun = items.length === 1 ? " event" : " events";
    status.textContent = shown === items.length
      ? items.length + noun + "."
      : "Showing " + shown + " of " + items.length + noun + ".";
    var params = new URLSearchParams(window.location.search);
    [["kind", wantedKind], ["council", wantedCouncil]].forEach(function (pair) {
      if (pair[1]) {
        params.set(pair[0], pair[1]);
      } else {
        params.delete(pair[0]);
      }
    });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  var given = new URLSearchParams(window.location.search);
  choose(kind, given.get("kind"));
  choose(council, given.get("council"));
  [kind, council].forEach(function (select) {
    if (select) {
      select.addEventListener("change", apply);
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
