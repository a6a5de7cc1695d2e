/*
 * Suggestions while typing comma-separated terms (offers and needs of a company).
 *
 * Each input names a <datalist> (list="…") that the server fills with the most used terms. As the
 * person types, the last term (after the last comma) is looked up at the datalist's
 * data-suggest-url, and the options become "what is typed so far, suggestion" so that the
 * browser's own suggestion list (accessible, works on phones) completes the last term only.
 */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var MIN_CHARS = 2;

  function splitLast(value) {
    var at = value.lastIndexOf(",");
    if (at === -1) {
      return { prefix: "", term: value.trim() };
    }
    return { prefix: value.slice(0, at + 1).trimEnd() + " ", term: value.slice(at + 1).trim() };
  }

  function alreadyTyped(prefix) {
    var seen = {};
    prefix.split(",").forEach(function (part) {
      var term = part.trim().toLowerCase();
      if (term) {
        seen[term] = true;
      }
    });
    return seen;
  }

  function fill(datalist, prefix, names) {
    var seen = alreadyTyped(prefix);
    datalist.replaceChildren();
    names.forEach(function (name) {
      if (seen[name.toLowerCase()]) {
        return;
      }
      var option = document.createElement("option");
      option.value = prefix + name;
      datalist.appendChild(option);
    });
  }

  function setUp(input) {
    var datalist = document.getElementById(input.getAttribute("list"));
    if (!datalist) {
      return;
    }
    var url = datalist.getAttribute("data-suggest-url");
    var popular = Array.prototype.map.call(datalist.options, function (option) {
      return option.value;
    });
    var timer = null;
    var latest = 0;

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var parts = splitLast(input.value);
      if (!url || parts.term.length < MIN_CHARS) {
        fill(datalist, parts.prefix, popular);
        return;
      }
      timer = window.setTimeout(function () {
        var request = ++latest;
        fetch(url + "?q=" + encodeURIComponent(parts.term), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.ok ? response.json() : { tags: [] };
          })
          .then(function (data) {
            if (request !== latest) {
              return; // an answer to an older keystroke
            }
            fill(
              datalist,
              parts.prefix,
              (data.tags || []).map(function (tag) {
                return tag.name;
              })
            );
          })
          .catch(function () {
            fill(datalist, parts.prefix, popular);
          });
      }, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-tag-input]").forEach(setUp);
  });
})();
