/* Role assignment form: show only the anchor field (district, street/town, institution or
   station) the chosen role needs, and clear the others so the form posts what it shows.
   The role <select> carries the role -> anchor map in data-anchor-map (portal/forms/users.py).
   Without JavaScript every anchor field shows and the server names the one required.
   A long anchor list is a search box (stations_autocomplete.js) inside the same wrapper. */
(function () {
  "use strict";

  function wire(form) {
    var role = form.querySelector("select[data-anchor-map]");
    if (!role || role.dataset.anchorWired) return;
    role.dataset.anchorWired = "1";
    var map = JSON.parse(role.dataset.anchorMap || "{}");
    var none = form.querySelector("[data-anchor-none]");

    function update() {
      var needed = role.value ? map[role.value] || "" : null;
      form.querySelectorAll("[data-anchor-field]").forEach(function (wrapper) {
        var show = needed !== null && wrapper.dataset.anchorField === needed;
        wrapper.hidden = !show;
        if (!show) {
          // The select and, for a long list, its search box (stations_autocomplete.js).
          wrapper.querySelectorAll("select, input").forEach(function (input) {
            input.value = "";
          });
        }
      });
      if (none) none.hidden = needed !== "";
    }

    role.addEventListener("change", update);
    update();
  }

  function wireAll(root) {
    root.querySelectorAll("form[data-role-form]").forEach(wire);
  }

  if (document.readyState !== "loading") {
    wireAll(document);
  } else {
    document.addEventListener("DOMContentLoaded", function () { wireAll(document); });
  }
  document.addEventListener("htmx:load", function (event) { wireAll(event.target); });
})();
