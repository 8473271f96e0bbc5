/* The search page: runs Pagefind's static index in the browser.
   A file of its own, so that a strict Content-Security-Policy fits; Pagefind runs its index
   through WebAssembly, so the policy needs: script-src 'self' 'wasm-unsafe-eval'.
   Every address is taken from the page itself, so the site works under any base path.
   A ?q= query in the address starts a search, and each search updates it. */
(function () {
  "use strict";
  var form = document.getElementById("search");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list) {
    return;
  }
  var MAX_RESULTS = 20;
  var bundle = new URL(form.getAttribute("data-bundle"), window.location.href).href;
  var loading = null;
  var latest = 0;

  function pagefind() {
    if (!loading) {
      loading = import(bundle).then(function (module) {
        return module.init().then(function () { return module; });
      });
    }
    return loading;
  }

  function say(text) {
    status.textContent = text;
  }

  /* Pagefind marks the words found with <mark>; everything else is shown as text. */
  function excerptNodes(excerpt) {
    var parts = excerpt.split(/(<mark>|<\/mark>)/);
    var nodes = [];
    var marked = false;
    var parser = new DOMParser();
    parts.forEach(function (part) {
      if (part === "<mark>" || part === "</mark>") {
        marked = part === "<mark>";
        return;
      }
      // Parsed as inert text of a body (so leading spaces stay); markup would only be dropped.
      var text = parser.parseFromString("<body>" + part, "text/html").body.textContent;
      if (!text) {
        return;
      }
      var node = document.createTextNode(text);
      if (marked) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
      }
      nodes.push(node);
    });
    return nodes;
  }

  function show(query, results) {
    list.replaceChildren();
    results.forEach(function (result) {
      var item = document.createElement("li");
      var title = document.createElement("a");
      title.href = result.url;
      title.textContent = (result.meta && result.meta.title) || result.url;
      var excerpt = document.createElement("p");
      excerptNodes(result.excerpt || "").forEach(function (node) { excerpt.appendChild(node); });
      item.appendChild(title);
      item.appendChild(excerpt);
      list.appendChild(item);
    });
  }

  function search(query) {
    var ticket = ++latest;
    query = query.trim();
    if (!query) {
      list.replaceChildren();
      say("");
      return;
    }
    say("Searching…");
    pagefind()
      .then(function (module) { return module.search(query); })
      .then(function (found) {
        var shown = found.results.slice(0, MAX_RESULTS);
        return Promise.all(shown.map(function (r) { return r.data(); })).then(function (data) {
          return { total: found.results.length, data: data };
        });
      })
      .then(function (answer) {
        if (ticket !== latest) {
          return;
        }
        show(query, answer.data);
        var noun = answer.total === 1 ? "result" : "results";
        var more = answer.total > answer.data.length ? ", the first " + answer.data.length + " shown" : "";
        say(answer.total + " " + noun + " for “" + query + "”" + more + ".");
      })
      .catch(function () {
        if (ticket === latest) {
          say("Search could not run in this browser. Browse the list of councils instead.");
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url.href);
    search(input.value);
  });
  var pause = null;
  input.addEventListener("input", function () {
    window.clearTimeout(pause);
    pause = window.setTimeout(function () { search(input.value); }, 250);
  });

  form.hidden = false;
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
