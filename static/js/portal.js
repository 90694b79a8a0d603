/* Behaviour shared by every page. The CSP forbids inline scripts: pages use data attributes
   that this file wires up, and page scripts live in static/js/. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  function wire(root) {
    // <form data-confirm="确定吗？">: ask before submitting.
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.confirmWired) return;
      form.dataset.confirmWired = "1";
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    // <select data-autosubmit>: submit the form when the choice changes (filters).
    root.querySelectorAll("[data-autosubmit]").forEach(function (field) {
      if (field.dataset.autosubmitWired) return;
      field.dataset.autosubmitWired = "1";
      field.addEventListener("change", function () {
        if (field.form) field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
      });
    });
    // <button data-portal-back>: go back in history, or home when there is none.
    root.querySelectorAll("[data-portal-back]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (window.history.length > 1) {
          window.history.back();
        } else {
          window.location.href = "/";
        }
      });
    });
  }

  onReady(function () {
    wire(document);
    // Close the phone menu when a link in it is followed.
    var sidebar = document.getElementById("portal-sidebar");
    if (sidebar && window.bootstrap) {
      sidebar.querySelectorAll("a.nav-link").forEach(function (link) {
        link.addEventListener("click", function () {
          var drawer = window.bootstrap.Offcanvas.getInstance(sidebar);
          if (drawer) drawer.hide();
        });
      });
    }
  });

  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:load", function (event) {
    wire(event.target);
  });
})();
