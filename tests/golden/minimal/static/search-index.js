/* Reads the site's static search index (search-index/, built by site_builder/render/search.py)
   with nothing but fetch and JSON, fetching only the files a query needs: meta.json, the
   postings files of the words typed, the words of near lengths when a word is not found (one
   typo is forgiven), and the document files of the results shown.
   Words become terms as in render/search_terms.py: folded, stop words left out, stemmed. */
(function (root) {
  "use strict";
  var S = root.SafeguardingWatchSearch;
  var KEY_LENGTH = 2;
  var PREFIX_FACTOR = 0.5;  // a term that only begins with what was typed counts for less
  var TYPO_FACTOR = 0.5;  // so does a word one typo away from it
  var WORD = /[\p{L}\p{N}]+/gu;

  /* As all_words() in render/search_terms.py: lower case, accents dropped, letters and digits. */
  function foldedWords(text) {
    var folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return folded.match(WORD) || [];
  }

  function codePoints(text) {
    return Array.from(text);
  }

  /* As term_key(): the first `length` characters, each outside a-z and 0-9 made "_". */
  function termKey(term, length) {
    return codePoints(term).slice(0, length).map(function (c) {
      return /^[a-z0-9]$/.test(c) ? c : "_";
    }).join("");
  }

  /* A word with one letter added, dropped, changed, or two side by side swapped. */
  function isOneTypoFrom(typed, word) {
    var a = codePoints(typed);
    var b = codePoints(word);
    if (Math.abs(a.length - b.length) > 1 || typed === word) {
      return false;
    }
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) {
      i++;
    }
    var rest = function (x, y) { return a.slice(x).join("") === b.slice(y).join(""); };
    if (a.length === b.length) {
      return rest(i + 1, i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2, i + 2));
    }
    return a.length > b.length ? rest(i + 1, i) : rest(i, i + 1);
  }

  function Index(metaUrl) {
    this.url = new URL(metaUrl, root.location.href);
    this.files = new Map();
    this.meta = null;
  }

  Index.prototype.fetchJson = function (name) {
    if (!this.files.has(name)) {
      var url = new URL(name, this.url);
      this.files.set(name, root.fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error(name + ": " + response.status);
        }
        return response.json();
      }));
    }
    return this.files.get(name);
  };

  /* meta.json, read once: what the other files are, and the groups of documents. */
  Index.prototype.load = function () {
    var index = this;
    return this.fetchJson("meta.json").then(function (meta) {
      if (!index.meta) {
        index.meta = meta;
        index.stopWords = new Set(meta.stop_words);
        index.shards = meta.shards;
        index.shardSet = new Set(meta.shards);
        index.split = new Set(meta.split);
        index.firsts = meta.groups.filter(function (_, i) { return i % 3 === 0; });
      }
      return meta;
    });
  };

  /* The words of a query, stop words left out. */
  Index.prototype.words = function (text) {
    var stopWords = this.stopWords;
    return foldedWords(text).filter(function (w) { return !stopWords.has(w); });
  };

  /* [kind, council] of a document: a collection name and a council slug ("" for none). */
  Index.prototype.placeOf = function (doc) {
    var low = 0;
    var high = this.firsts.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (this.firsts[middle] <= doc) { low = middle; } else { high = middle - 1; }
    }
    var council = this.meta.groups[low * 3 + 2];
    return [this.meta.kinds[this.meta.groups[low * 3 + 1]],
            council < 0 ? null : this.meta.councils[council]];
  };

  /* The postings file of a term, as render/search_shards.py split them. */
  Index.prototype.shardOf = function (term) {
    var length = KEY_LENGTH;
    while (this.split.has(termKey(term, length)) && codePoints(term).length > length) {
      length++;
    }
    return termKey(term, length);
  };

  /* The postings files that may hold terms beginning with `prefix`. */
  Index.prototype.shardsFor = function (prefix) {
    var whole = termKey(prefix, Infinity);
    var split = this.split;
    return this.shards.filter(function (key) {
      return key.startsWith(whole) ||
        (whole.startsWith(key) && key.length >= KEY_LENGTH && !split.has(key));
    });
  };

  Index.prototype.fetchShards = function (keys) {
    var index = this;
    var unique = Array.from(new Set(keys)).filter(function (k) { return index.shardSet.has(k); });
    return Promise.all(unique.map(function (k) { return index.fetchJson("terms-" + k + ".json"); }));
  };

  /* Adds the postings of `term` to `scores` (document -> best score), times `factor`. */
  Index.prototype.score = function (postings, factor, scores) {
    var rarity = Math.log(1 + this.meta.documents / (postings.length / 2));
    var doc = 0;
    for (var i = 0; i < postings.length; i += 2) {
      doc += postings[i];
      var score = postings[i + 1] * rarity * factor;
      scores.set(doc, Math.max(scores.get(doc) || 0, score));
    }
  };

  /* For one word typed: {scores, terms (the index terms it matched), readAs (the words
     of the index it was taken for, when only a typo away from them)}. */
  Index.prototype.lookUp = function (word) {
    var index = this;
    var stem = S.stem(word);
    var found = { scores: new Map(), terms: new Set(), readAs: [] };
    // A word of one letter ("Baby P") is taken whole; a longer one may be the start of a word.
    var isWhole = codePoints(word).length < KEY_LENGTH;
    var keys = [this.shardOf(stem)].concat(isWhole ? [] : this.shardsFor(word));
    return this.fetchShards(keys).then(function (shards) {
      shards.forEach(function (terms) {
        Object.keys(terms).forEach(function (term) {
          var exact = term === stem;
          // Typed in part ("eastboro"): the terms that begin with it. A whole word typed
          // ("inspected") finds its own stem, not the longer words that begin like it.
          if (exact || (!isWhole && term.startsWith(word))) {
            index.score(terms[term], exact ? 1 : PREFIX_FACTOR, found.scores);
            found.terms.add(term);
          }
        });
      });
      var typo = found.terms.size === 0 && /^\p{L}+$/u.test(word) &&
        codePoints(word).length >= index.meta.typo_shortest;
      return typo ? index.lookUpTypo(word, found) : found;
    });
  };

  /* The words of the index one typo away from `word`, and their postings. */
  Index.prototype.lookUpTypo = function (word, found) {
    var index = this;
    var length = codePoints(word).length;
    var names = [length - 1, length, length + 1].filter(function (n) {
      return index.meta.word_lengths.indexOf(n) >= 0;
    });
    return Promise.all(names.map(function (n) { return index.fetchJson("words-" + n + ".json"); }))
      .then(function (lists) {
        found.readAs = [].concat.apply([], lists).filter(function (w) {
          return isOneTypoFrom(word, w);
        }).sort();
        var stems = new Set(found.readAs.map(S.stem));
        return index.fetchShards(Array.from(stems, function (s) { return index.shardOf(s); }))
          .then(function (shards) {
            shards.forEach(function (terms) {
              stems.forEach(function (term) {
                if (Object.prototype.hasOwnProperty.call(terms, term)) {
                  index.score(terms[term], TYPO_FACTOR, found.scores);
                  found.terms.add(term);
                }
              });
            });
            return found;
          });
      });
  };

  /* {numbers: the documents holding every word, best first and in the filter's kind and
     council, perWord: each word's lookUp}. */
  Index.prototype.search = function (query, filter) {
    var index = this;
    return this.load().then(function () {
      var searched = index.words(query);
      return Promise.all(searched.map(function (w) { return index.lookUp(w); }));
    }).then(function (perWord) {
      var total = perWord.length ? new Map(perWord[0].scores) : new Map();
      perWord.slice(1).forEach(function (one) {
        total.forEach(function (score, doc) {
          if (one.scores.has(doc)) {
            total.set(doc, score + one.scores.get(doc));
          } else {
            total.delete(doc);
          }
        });
      });
      var numbers = Array.from(total.keys()).filter(function (doc) {
        var place = index.placeOf(doc);
        return (!filter.kind || place[0][0] === filter.kind) &&
          (!filter.council || (place[1] !== null && place[1][0] === filter.council));
      });
      numbers.sort(function (a, b) { return total.get(b) - total.get(a) || a - b; });
      return { numbers: numbers, perWord: perWord };
    });
  };

  /* The documents of these numbers, in order: [address, title, passages]. */
  Index.prototype.documents = function (numbers) {
    var index = this;
    var size = this.meta.documents_per_file;
    return Promise.all(numbers.map(function (doc) {
      return index.fetchJson("documents-" + Math.floor(doc / size) + ".json")
        .then(function (docs) { return docs[doc % size]; });
    }));
  };

  S.Index = Index;
  S.foldedWords = foldedWords;
  S.termKey = termKey;
  S.isOneTypoFrom = isOneTypoFrom;
})(window);
