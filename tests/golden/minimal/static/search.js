/* The search page: a query, a kind of record and a council go to the static index
   (search-index.js); the results come twenty at a time, each with the passage of its record
   that matched and the matched words marked. A "Show more results" button reaches every one.
   Every address is taken from the page itself, so the site works under any base path.
   ?q=, ?kind= and ?council= in the address start a search, and each search updates them.
   Results are built with DOM nodes and textContent only: no text from the index is ever
   parsed as HTML. */
(function () {
  "use strict";
  var S = window.SafeguardingWatchSearch;
  var form = document.getElementById("search");
  var input = document.getElementById("search-query");
  var kindChoice = document.getElementById("search-kind");
  var councilChoice = document.getElementById("search-council");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!S || !S.Index || !form || !input || !kindChoice || !councilChoice || !status || !list ||
      !more) {
    return;
  }
  var PAGE_SIZE = 20;
  var EXCERPT_WORDS = 30;
  var LEAD_WORDS = 6;  // words shown before the first one matched
  var index = new S.Index(form.getAttribute("data-index"));
  var siteRoot = new URL("../", index.url);
  var latest = 0;
  var current = null;  // {query, answer, shown, hitOf}
  var pause = null;  // the search of what is being typed, due once typing pauses

  /* Which word of the query a word of the text matched (its index), or -1. */
  function matcher(perWord) {
    var wordOfTerm = new Map();
    perWord.forEach(function (one, i) {
      one.terms.forEach(function (term) {
        if (!wordOfTerm.has(term)) {
          wordOfTerm.set(term, i);
        }
      });
    });
    var known = new Map();  // token -> its answer: a record's words repeat, stemming costs
    return function (token) {
      if (!known.has(token)) {
        var folded = S.foldedWords(token);
        var term = folded.length === 1 && !index.stopWords.has(folded[0]) && S.stem(folded[0]);
        var found = term ? wordOfTerm.get(term) : undefined;
        known.set(token, found === undefined ? -1 : found);
      }
      return known.get(token);
    };
  }

  /* Text with the words matched in <mark>: a fragment of text nodes and marks. */
  function marked(parts, hitOf) {
    var fragment = document.createDocumentFragment();
    parts.forEach(function (part) {
      var node = document.createTextNode(part);
      if (/^[\p{L}\p{N}]+$/u.test(part) && hitOf(part) >= 0) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
      }
      fragment.appendChild(node);
    });
    return fragment;
  }

  function split(text) {
    return text.split(/([\p{L}\p{N}]+)/u).filter(function (part) { return part !== ""; });
  }

  /* The passage of a record that holds the most of the words searched (then the most
     matches, then the first), as [text before, ...parts, text after]. */
  function excerpt(passages, hitOf) {
    var best = null;
    passages.forEach(function (passage) {
      var parts = split(passage);
      var wordAt = [];
      parts.forEach(function (part, i) {
        if (/^[\p{L}\p{N}]/u.test(part)) {
          wordAt.push(i);
        }
      });
      var hits = wordAt.map(function (i) { return hitOf(parts[i]); });
      hits.forEach(function (hit, start) {
        if (hit < 0) {
          return;
        }
        var span = hits.slice(start, start + EXCERPT_WORDS).filter(function (h) { return h >= 0; });
        var score = [new Set(span).size, span.length];
        if (!best || score[0] > best.score[0] ||
            (score[0] === best.score[0] && score[1] > best.score[1])) {
          best = { score: score, parts: parts, wordAt: wordAt, first: start };
        }
      });
      if (!best && passage === passages[0]) {
        best = { score: [0, 0], parts: parts, wordAt: wordAt, first: 0 };
      }
    });
    if (!best || !best.wordAt.length) {
      return best ? best.parts : [];
    }
    var lead = best.score[0] ? LEAD_WORDS : 0;
    var from = Math.max(0, Math.min(best.first - lead, best.wordAt.length - EXCERPT_WORDS));
    var to = Math.min(best.wordAt.length, from + EXCERPT_WORDS);
    var shown = best.parts.slice(from ? best.wordAt[from] : 0,
                                 to < best.wordAt.length ? best.wordAt[to - 1] + 1 : undefined);
    return (from ? ["…"] : []).concat(shown, to < best.wordAt.length ? ["…"] : []);
  }

  function resultItem(doc, number, hitOf) {
    var place = index.placeOf(number);
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = new URL(doc[0], siteRoot).pathname;
    link.appendChild(marked(split(doc[1]), hitOf));
    var kind = document.createElement("span");
    kind.className = "search-kind";
    kind.textContent = " · " + place[0][1] + (place[1] ? " · " + place[1][1] : "");
    var passage = document.createElement("p");
    passage.appendChild(marked(excerpt(doc[2], hitOf), hitOf));
    item.append(link, kind, passage);
    return item;
  }

  function say(text) {
    status.textContent = text;
  }

  function summary(search) {
    var total = search.answer.numbers.length;
    var words = [];
    search.answer.perWord.forEach(function (one) {
      if (one.readAs.length) {
        words.push(one.readAs.slice(0, 3).map(function (w) { return "“" + w + "”"; }).join(" or "));
      }
    });
    var text = total + (total === 1 ? " result" : " results") + " for “" + search.query + "”";
    if (words.length) {
      text += ", read as " + words.join(" and ");
    }
    var filters = [kindChoice, councilChoice].filter(function (c) { return c.value; })
      .map(function (c) { return c.options[c.selectedIndex].text; });
    if (filters.length) {
      text += " (" + filters.join(", ") + ")";
    }
    return text + (search.shown < total ? ", the first " + search.shown + " shown." : ".");
  }

  /* Shows the next page of results; focus goes to the first new one when asked. */
  function showMore(search, focus) {
    var numbers = search.answer.numbers.slice(search.shown, search.shown + PAGE_SIZE);
    return index.documents(numbers).then(function (docs) {
      if (search !== current) {
        return;
      }
      var first = null;
      docs.forEach(function (doc, i) {
        var item = resultItem(doc, numbers[i], search.hitOf);
        list.appendChild(item);
        first = first || item.querySelector("a");
      });
      search.shown += docs.length;
      more.hidden = search.shown >= search.answer.numbers.length;
      say(summary(search));
      if (focus && first) {
        first.focus();
      }
    });
  }

  function search(query) {
    window.clearTimeout(pause);  // a search typed and then submitted runs once
    var ticket = ++latest;
    query = query.trim();
    current = null;
    more.hidden = true;
    if (!query) {
      list.replaceChildren();
      say("");
      return;
    }
    say("Searching…");
    index.search(query, { kind: kindChoice.value, council: councilChoice.value })
      .then(function (answer) {
        if (ticket !== latest) {
          return null;
        }
        list.replaceChildren();
        current = { query: query, answer: answer, shown: 0, hitOf: matcher(answer.perWord) };
        return showMore(current, false);
      })
      .catch(function () {
        if (ticket === latest) {
          say("Search could not run in this browser. Browse the list of councils instead.");
        }
      });
  }

  function addOptions(select, choices) {
    choices.forEach(function (choice) {
      var option = document.createElement("option");
      option.value = choice[0];
      option.textContent = choice[1];
      select.appendChild(option);
    });
  }

  function rememberInAddress() {
    var url = new URL(window.location.href);
    [["q", input], ["kind", kindChoice], ["council", councilChoice]].forEach(function (field) {
      if (field[1].value) {
        url.searchParams.set(field[0], field[1].value);
      } else {
        url.searchParams.delete(field[0]);
      }
    });
    window.history.replaceState(null, "", url.href);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    rememberInAddress();
    search(input.value);
  });
  [kindChoice, councilChoice].forEach(function (select) {
    select.addEventListener("change", function () {
      rememberInAddress();
      search(input.value);
    });
  });
  input.addEventListener("input", function () {
    window.clearTimeout(pause);
    pause = window.setTimeout(function () { search(input.value); }, 250);
  });
  more.addEventListener("click", function () {
    if (current) {
      showMore(current, true);
    }
  });

  form.hidden = false;
  var asked = new URLSearchParams(window.location.search);
  input.value = asked.get("q") || "";
  index.load().then(function (meta) {
    addOptions(kindChoice, meta.kinds);
    addOptions(councilChoice, meta.councils);
    [[kindChoice, "kind"], [councilChoice, "council"]].forEach(function (field) {
      field[0].value = asked.get(field[1]) || "";
      if (field[0].selectedIndex < 0) {  // an unknown kind or council: all of them
        field[0].selectedIndex = 0;
      }
    });
    if (input.value) {
      search(input.value);
    }
  }).catch(function () {
    say("Search could not run in this browser. Browse the list of councils instead.");
  });
})();
