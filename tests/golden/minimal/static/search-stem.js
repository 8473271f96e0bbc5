/* The Snowball English stemmer ("Porter2"), as Snowball 3.1 defines it, written for this site:
   the search page reduces each word typed exactly as site_builder/render/search_terms.py
   reduced the words of the index (with the snowballstemmer package), so "inspected" finds
   "inspection". tests/test_search.py runs both on every word of the default site and more.
   A word here is already folded: lower case, letters and digits only, no apostrophe.
   It works on an array of code points, as Python counts letters. */
(function (root) {
  "use strict";

  // Whole words the algorithm treats apart: each with its stem.
  var EXCEPTIONS = new Map([
    ["andes", "andes"], ["atlas", "atlas"], ["bias", "bias"], ["cosmos", "cosmos"],
    ["early", "earli"], ["gently", "gentl"], ["howe", "howe"], ["idly", "idl"],
    ["news", "news"], ["only", "onli"], ["singly", "singl"], ["skies", "sky"],
    ["skis", "ski"], ["sky", "sky"], ["ugly", "ugli"]
  ]);
  // Word beginnings whose first region starts right after them.
  var REGION_PREFIXES = ["arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past",
                         "univers"];
  // Step 2 and step 3: suffix -> replacement, tried longest first. "" deletes.
  var STEP2 = sortedLongestFirst([
    ["anci", "ance"], ["enci", "ence"], ["ogi", "og"], ["li", ""], ["bli", "ble"],
    ["abli", "able"], ["alli", "al"], ["fulli", "ful"], ["lessli", "less"], ["ousli", "ous"],
    ["entli", "ent"], ["aliti", "al"], ["biliti", "ble"], ["iviti", "ive"], ["tional", "tion"],
    ["ational", "ate"], ["alism", "al"], ["ation", "ate"], ["ization", "ize"], ["izer", "ize"],
    ["ator", "ate"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"], ["ogist", "og"]
  ]);
  var STEP3 = sortedLongestFirst([
    ["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"],
    ["tional", "tion"], ["ational", "ate"], ["ful", ""], ["ness", ""]
  ]);
  var STEP4 = sortedLongestFirst([
    ["ic"], ["ance"], ["ence"], ["able"], ["ible"], ["ate"], ["ive"], ["ize"], ["iti"], ["al"],
    ["ism"], ["ion"], ["er"], ["ous"], ["ant"], ["ent"], ["ment"], ["ement"]
  ]);
  var STEP1B = ["eedly", "ingly", "edly", "eed", "ing", "ed"];  // longest first
  var ING_WHOLE = ["even", "cann", "inn", "earr", "herr", "out"];  // "inning" stays itself
  var DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];

  function sortedLongestFirst(rules) {
    return rules.slice().sort(function (a, b) { return b[0].length - a[0].length; });
  }

  function isVowel(c) {
    return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y";
  }

  function isVowelWXY(c) {
    return isVowel(c) || c === "w" || c === "x" || c === "Y";
  }

  function stem(word) {
    if (EXCEPTIONS.has(word)) {
      return EXCEPTIONS.get(word);
    }
    var w = Array.from(word);
    if (w.length < 3) {
      return word;
    }
    var yFound = markConsonantY(w);
    var regions = markRegions(w);
    var r = { w: w, p1: regions[0], p2: regions[1] };
    step1a(r);
    step1b(r);
    step1c(r);
    replaceSuffix(r, STEP2, function (suffix, at) {
      if (suffix === "ogi") {
        return at > 0 && r.w[at - 1] === "l";
      }
      if (suffix === "li") {
        return at > 0 && "cdeghkmnrt".indexOf(r.w[at - 1]) >= 0;
      }
      return true;
    }, 1);
    replaceSuffix(r, STEP3, function (suffix, at) {
      return suffix !== "ative" || r.p2 <= at;
    }, 1);
    replaceSuffix(r, STEP4, function (suffix, at) {
      return suffix !== "ion" || (at > 0 && (r.w[at - 1] === "s" || r.w[at - 1] === "t"));
    }, 2);
    step5(r);
    var result = r.w.join("");
    return yFound ? result.replace(/Y/g, "y") : result;
  }

  /* A y that begins the word or follows a vowel is a consonant: written Y until the end. */
  function markConsonantY(w) {
    var found = false;
    if (w[0] === "y") {
      w[0] = "Y";
      found = true;
    }
    for (var i = 0; i + 1 < w.length; i++) {
      if (isVowel(w[i]) && w[i + 1] === "y") {
        w[i + 1] = "Y";
        found = true;
      }
    }
    return found;
  }

  /* [p1, p2]: where the regions R1 and R2 begin (the word's length where one is empty). */
  function markRegions(w) {
    var p1 = -1;
    var joined = w.join("");
    REGION_PREFIXES.forEach(function (prefix) {
      if (joined.slice(0, prefix.length) === prefix) {
        p1 = Array.from(prefix).length;
      }
    });
    if (p1 < 0) {
      p1 = afterVowelAndConsonant(w, 0);
    }
    if (p1 < 0) {
      return [w.length, w.length];
    }
    var p2 = afterVowelAndConsonant(w, p1);
    return [p1, p2 < 0 ? w.length : p2];
  }

  /* The position after the first non-vowel that follows a vowel, from `from` on; -1 if none. */
  function afterVowelAndConsonant(w, from) {
    var i = from;
    while (i < w.length && !isVowel(w[i])) {
      i++;
    }
    i++;
    while (i < w.length && isVowel(w[i])) {
      i++;
    }
    return i < w.length ? i + 1 : -1;
  }

  function endsWith(w, suffix) {
    if (suffix.length > w.length) {
      return false;
    }
    for (var i = 0; i < suffix.length; i++) {
      if (w[w.length - suffix.length + i] !== suffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  function setEnd(r, at, text) {
    r.w.length = at;
    Array.prototype.push.apply(r.w, Array.from(text));
  }

  function hasVowelBefore(w, end) {
    for (var i = 0; i < end; i++) {
      if (isVowel(w[i])) {
        return true;
      }
    }
    return false;
  }

  /* A short syllable ends at position `at`. */
  function isShortSyllable(w, at) {
    if (at >= 3 && !isVowelWXY(w[at - 1]) && isVowel(w[at - 2]) && !isVowel(w[at - 3])) {
      return true;
    }
    if (at === 2 && !isVowel(w[1]) && isVowel(w[0])) {
      return true;
    }
    return at >= 4 && w.slice(at - 4, at).join("") === "past";
  }

  function step1a(r) {
    var w = r.w;
    var n = w.length;
    if (endsWith(w, "sses")) {
      setEnd(r, n - 2, "");
    } else if (endsWith(w, "ied") || endsWith(w, "ies")) {
      setEnd(r, n - 3, n - 3 >= 2 ? "i" : "ie");
    } else if (endsWith(w, "ss") || endsWith(w, "us")) {
      return;
    } else if (endsWith(w, "s") && hasVowelBefore(w, n - 2)) {
      setEnd(r, n - 1, "");
    }
  }

  function step1b(r) {
    var w = r.w;
    var suffix = STEP1B.find(function (s) { return endsWith(w, s); });
    if (suffix === undefined) {
      return;
    }
    var at = w.length - suffix.length;
    var before = w.slice(0, at).join("");
    if (suffix === "eed" || suffix === "eedly") {
      if (r.p1 <= at && before !== "proc" && before !== "exc" && before !== "succ") {
        setEnd(r, at, "ee");
      }
      return;
    }
    if (suffix === "ing") {
      if (at === 2 && w[1] === "y" && !isVowel(w[0])) {  // dying -> die
        setEnd(r, 1, "ie");
        return;
      }
      if (ING_WHOLE.indexOf(before) >= 0) {
        return;
      }
    }
    if (!hasVowelBefore(w, at)) {
      return;
    }
    setEnd(r, at, "");
    if (endsWith(w, "at") || endsWith(w, "bl") || endsWith(w, "iz")) {
      setEnd(r, at, "e");
    } else if (DOUBLES.some(function (d) { return endsWith(w, d); })) {
      if (!(at === 3 && "aeo".indexOf(w[0]) >= 0)) {
        setEnd(r, at - 1, "");
      }
    } else if (at === r.p1 && isShortSyllable(w, at)) {
      setEnd(r, at, "e");
    }
  }

  function step1c(r) {
    var w = r.w;
    var n = w.length;
    if (n >= 3 && (w[n - 1] === "y" || w[n - 1] === "Y") && !isVowel(w[n - 2])) {
      setEnd(r, n - 1, "i");
    }
  }

  /* The longest of the rules' suffixes the word ends with, replaced where it lies in region
     R1 (region 1) or R2 (region 2) and `allowed` says so. */
  function replaceSuffix(r, rules, allowed, region) {
    var rule = rules.find(function (x) { return endsWith(r.w, x[0]); });
    if (rule === undefined) {
      return;
    }
    var at = r.w.length - rule[0].length;
    if ((region === 1 ? r.p1 : r.p2) <= at && allowed(rule[0], at)) {
      setEnd(r, at, rule[1] || "");
    }
  }

  function step5(r) {
    var w = r.w;
    var at = w.length - 1;
    if (w[at] === "e") {
      if (r.p2 <= at || (r.p1 <= at && !isShortSyllable(w, at))) {
        setEnd(r, at, "");
      }
    } else if (w[at] === "l" && r.p2 <= at && w[at - 1] === "l") {
      setEnd(r, at, "");
    }
  }

  root.SafeguardingWatchSearch = root.SafeguardingWatchSearch || {};
  root.SafeguardingWatchSearch.stem = stem;
})(window);
