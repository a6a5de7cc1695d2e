/*
 * Suggest existing tags as you type, so "Spannzange" is not entered a fifth time as "Spann-Zange".
 *
 * Contract: any <input data-tag-suggest="/companies/tags/suggest/"> (a text input; several tags
 * may be typed into one field, separated by commas or semicolons). The script adds a <datalist>
 * to it and fills it from the endpoint's JSON: {"tags": [{"name": "Spannzange", "key": "spannzang"}]}.
 * Without JavaScript the field is a plain text field and works the same, just without suggestions.
 */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var SEPARATORS = /[,;\n]/;
  var cache = new Map();

  function lastPart(value) {
    var parts = value.split(SEPARATORS);
    return parts[parts.length - 1].trim();
  }

  function head(value) {
    // What the person typed before the tag they are typing now, kept in every suggestion.
    var match = value.match(/^([\s\S]*[,;\n])\s*/);
    return match ? match[1] + " " : "";
  }

  function fetchTags(url, text) {
    var key = text.toLowerCase();
    if (cache.has(key)) {
      return Promise.resolve(cache.get(key));
    }
    var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(text);
    return fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { tags: [] };
      })
      .then(function (data) {
        var tags = Array.isArray(data.tags) ? data.tags : [];
        cache.set(key, tags);
        return tags;
      })
      .catch(function () {
        return [];
      });
  }

  function attach(input, index) {
    var url = input.getAttribute("data-tag-suggest");
    if (!url) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = (input.id || "tag-input-" + index) + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null;

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var value = input.value;
        var text = lastPart(value);
        if (text.length < 2) {
          list.replaceChildren();
          return;
        }
        fetchTags(url, text).then(function (tags) {
          if (input.value !== value) {
            return; // the person typed on; a newer request fills the list
          }
          var prefix = head(value);
          list.replaceChildren.apply(
            list,
            tags.map(function (tag) {
              var option = document.createElement("option");
              option.value = prefix + tag.name;
              return option;
            })
          );
        });
      }, DELAY_MS);
    });
  }

  function init() {
    document.querySelectorAll("input[data-tag-suggest]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
