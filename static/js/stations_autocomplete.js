/* Search boxes for dropdowns too long to render (stations.filtersets.ScopedChoiceWidget).

   The server renders such a <select data-autocomplete="URL"> with only the empty and the
   chosen option. This script hides it and puts a search box with a <datalist> in its place:
   typing asks URL?q=… (and &district=… when data-narrow-by names a field of the same form)
   for a few matching rows the user may see, and picking one sets the hidden select, which
   is what the form submits. Without JavaScript the select still keeps or clears the choice. */
(function () {
  "use strict";

  var DELAY_MS = 250;
  var counter = 0;

  function enhance(select) {
    if (select.dataset.autocompleteReady) {
      return;
    }
    select.dataset.autocompleteReady = "1";
    counter += 1;
    var form = select.form;
    var listId = "ac-list-" + counter;
    var input = document.createElement("input");
    input.type = "search";
    input.className = select.className.replace(/\bform-select\b/, "form-control");
    input.id = select.id ? select.id + "-search" : "ac-input-" + counter;
    input.setAttribute("list", listId);
    input.setAttribute("autocomplete", "off");
    input.placeholder = select.dataset.placeholder || "输入名称或代码搜索";
    var datalist = document.createElement("datalist");
    datalist.id = listId;

    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    if (label) {
      label.setAttribute("for", input.id);
    }
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) {
      input.value = chosen.text;
    }
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(input, select.nextSibling);
    select.parentNode.insertBefore(datalist, input.nextSibling);

    var found = {}; // suggestion text -> id
    var timer = null;
    var asked = "";

    function choose(id, text) {
      var option = Array.prototype.find.call(select.options, function (o) {
        return o.value === String(id);
      });
      if (!option) {
        option = new Option(text, String(id));
        select.add(option);
      }
      select.value = String(id);
    }

    function clearChoice() {
      select.value = "";
    }

    function match() {
      var text = input.value.trim();
      if (!text) {
        clearChoice();
        return true;
      }
      if (Object.prototype.hasOwnProperty.call(found, text)) {
        choose(found[text], text);
        return true;
      }
      var current = select.options[select.selectedIndex];
      if (current && current.value && current.text === text) {
        return true;
      }
      clearChoice();
      return false;
    }

    function ask() {
      var text = input.value.trim();
      var url = select.dataset.autocomplete + "?q=" + encodeURIComponent(text);
      var narrowBy = select.dataset.narrowBy;
      if (narrowBy && form && form.elements[narrowBy] && form.elements[narrowBy].value) {
        url += "&" + narrowBy + "=" + encodeURIComponent(form.elements[narrowBy].value);
      }
      if (url === asked) {
        return;
      }
      asked = url;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (url !== asked) {
            return; // an answer to an older question
          }
          found = {};
          datalist.replaceChildren();
          (data.results || []).forEach(function (row) {
            found[row.text] = row.id;
            var option = document.createElement("option");
            option.value = row.text;
            datalist.appendChild(option);
          });
          match();
        })
        .catch(function () { /* keep what is there */ });
    }

    input.addEventListener("input", function () {
      if (match() && input.value.trim()) {
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      if (!input.value.trim()) {
        ask();
      }
    });
    input.addEventListener("change", match);
    if (form) {
      form.addEventListener("submit", function () {
        if (!match()) {
          var ids = Object.keys(found);
          if (ids.length === 1) {
            choose(found[ids[0]], ids[0]);
          }
        }
      });
    }
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-autocomplete]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  } else {
    enhanceAll();
  }
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
})();
