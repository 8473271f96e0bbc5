/* The search page: looks words up in the site's static index (search-index/, built by
   site_builder/render/search.py) with nothing but fetch and JSON, so any static host serves
   it and a strict Content-Security-Policy (script-src 'self') fits.
   Every address is taken from the page itself, so the site works under any base path.
   A ?q= query in the address starts a search, and each search updates it.
   Results are built with DOM nodes and textContent only: no text from the index is ever
   parsed as HTML. */
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
  var PREFIX_FACTOR = 0.5;  // a word that only begins with what was typed counts for less
  var stopWords = new Set();  // the words the index leaves out, from its meta.json
  var indexUrl = new URL(form.getAttribute("data-index"), window.location.href);
  var siteRoot = new URL("../", indexUrl);
  var files = new Map();
  var latest = 0;

  function fetchJson(name) {
    if (!files.has(name)) {
      files.set(name, fetch(new URL(name, indexUrl)).then(function (response) {
        if (!response.ok) {
          throw new Error(name + ": " + response.status);
        }
        return response.json();
      }));
    }
    return files.get(name);
  }

  /* As words() in render/search.py: lower case, accents dropped, letters and digits only. */
  function words(text) {
    var folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return (folded.match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) { return !stopWords.has(w); });
  }

  function termKey(term) {
    return term.slice(0, 2).replace(/[^a-z0-9]/g, "_");
  }

  /* For one word typed: each document holding a term that starts with it, and its score. */
  function scoresFor(word, meta) {
    var keys = meta.terms.filter(function (key) {
      return word.length > 1 ? key === termKey(word) : key.charAt(0) === termKey(word);
    });
    return Promise.all(keys.map(function (key) { return fetchJson("terms-" + key + ".json"); }))
      .then(function (shards) {
        var scores = new Map();
        shards.forEach(function (terms) {
          Object.keys(terms).forEach(function (term) {
            if (term.slice(0, word.length) !== word) {
              return;
            }
            var postings = terms[term];
            var rarity = Math.log(1 + meta.documents / (postings.length / 2));
            var factor = term === word ? 1 : PREFIX_FACTOR;
            for (var i = 0; i < postings.length; i += 2) {
              var score = postings[i + 1] * rarity * factor;
              scores.set(postings[i], Math.max(scores.get(postings[i]) || 0, score));
            }
          });
        });
        return scores;
      });
  }

  /* Documents that hold every word typed, best first (ties in address order). */
  function rank(perWord) {
    var total = new Map(perWord[0]);
    perWord.slice(1).forEach(function (scores) {
      total.forEach(function (score, doc) {
        if (scores.has(doc)) {
          total.set(doc, score + scores.get(doc));
        } else {
          total.delete(doc);
        }
      });
    });
    return Array.from(total.keys()).sort(function (a, b) {
      return total.get(b) - total.get(a) || a - b;
    });
  }

  function documents(found, meta) {
    return Promise.all(found.map(function (doc) {
      var file = Math.floor(doc / meta.documents_per_file);
      return fetchJson("documents-" + file + ".json").then(function (docs) {
        return docs[doc % meta.documents_per_file];
      });
    }));
  }

  /* The text with each word that begins with a word searched for in a <mark>. */
  function marked(text, searched) {
    var fragment = document.createDocumentFragment();
    text.split(/([\p{L}\p{N}]+)/u).forEach(function (part) {
      var hit = part && searched.some(function (word) {
        var folded = words(part)[0];
        return folded !== undefined && folded.slice(0, word.length) === word;
      });
      var node = document.createTextNode(part);
      if (hit) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
      }
      fragment.appendChild(node);
    });
    return fragment;
  }

  function show(results, searched) {
    list.replaceChildren();
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(result[0], siteRoot).pathname;
      link.textContent = result[1];
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = " · " + result[2];
      var excerpt = document.createElement("p");
      excerpt.appendChild(marked(result[3], searched));
      item.append(link, kind, excerpt);
      list.appendChild(item);
    });
  }

  function search(query) {
    var ticket = ++latest;
    query = query.trim();
    var searched = [];
    if (!query) {
      list.replaceChildren();
      say("");
      return;
    }
    say("Searching…");
    fetchJson("meta.json")
      .then(function (meta) {
        stopWords = new Set(meta.stop_words);
        searched = words(query);
        return Promise.all(searched.map(function (word) { return scoresFor(word, meta); }))
          .then(function (perWord) {
            var found = perWord.length ? rank(perWord) : [];
            return documents(found.slice(0, MAX_RESULTS), meta).then(function (shown) {
              return { total: found.length, shown: shown };
            });
          });
      })
      .then(function (answer) {
        if (ticket !== latest) {
          return;
        }
        show(answer.shown, searched);
        var noun = answer.total === 1 ? "result" : "results";
        var more = answer.total > answer.shown.length ? ", the first " + answer.shown.length + " shown" : "";
        say(answer.total + " " + noun + " for “" + query + "”" + more + ".");
      })
      .catch(function () {
        if (ticket === latest) {
          say("Search could not run in this browser. Browse the list of councils instead.");
        }
      });
  }

  function say(text) {
    status.textContent = text;
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
