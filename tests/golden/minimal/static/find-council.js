/* Safeguarding Watch: the "Find your council" form of the home page.
   Without JavaScript the form leads to the list of every council, A to Z. With it, the form
   opens the page of the council whose name was typed (in full, without words such as
   "Council", or the start of just one council's name), and otherwise searches the site for
   the words. It never moves on while the reader types: only when the form is sent. */
(function () {
  "use strict";

  var form = document.querySelector("form.find-council");
  var input = form && form.querySelector("input[list]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!list) {
    return;
  }
  var options = Array.prototype.slice.call(list.querySelectorAll("option[data-href]"));

  function plain(text) {
    return text.toLowerCase().replace(/&/g, " and ").replace(/[^a-z0-9]+/g, " ").trim();
  }

  var EXTRA = /^(the |london borough of |royal borough of |city of |county of )|( (city|county|borough|metropolitan borough|district|metropolitan district))? council$/g;

  function only(found) {
    return found.length === 1 ? found[0] : null;
  }

  /* The one council the words name, or null. */
  function councilNamed(typed) {
    var wanted = plain(typed);
    if (!wanted) {
      return null;
    }
    var names = options.map(function (option) { return { option: option, name: plain(option.value) }; });
    var exact = names.filter(function (n) {
      return n.name === wanted || n.name.replace(EXTRA, "") === wanted;
    });
    var starts = names.filter(function (n) { return n.name.indexOf(wanted) === 0; });
    var found = only(exact) || only(starts);
    return found ? found.option : null;
  }

  form.addEventListener("submit", function (event) {
    var words = input.value.trim();
    if (!words) {
      return;  /* nothing typed: the list of every council */
    }
    event.preventDefault();
    var council = councilNamed(words);
    var target = council
      ? council.getAttribute("data-href")
      : form.getAttribute("data-search") + "?q=" + encodeURIComponent(words);
    window.location.assign(new URL(target, window.location.href).href);
  });
}());
