// Caseflow's own behaviour: keyboard shortcuts and the autosave of call forms.
// No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  // Ctrl+S (Cmd+S) saves the form that has a [data-shortcut-save] button;
  // Ctrl+K, or "/" outside a text field, jumps to the search box.
  document.addEventListener("keydown", function (event) {
    var withModifier = event.ctrlKey || event.metaKey;
    var key = event.key.toLowerCase();
    if (withModifier && key === "s") {
      var save = document.querySelector("[data-shortcut-save]");
      if (save && save.form) {
        event.preventDefault();
        save.form.requestSubmit(save);
      }
      return;
    }
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if ((withModifier && key === "k") || (key === "/" && !typing && !withModifier)) {
      var search = document.querySelector("[data-shortcut-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
  });

  // Autosave: a form with data-autosave-url sends its fields to the server a
  // moment after the advisor stops typing, and once more when the page is left.
  // The server keeps one draft per advisor and form; see intake/drafts.py.
  function autosave(form) {
    var url = form.dataset.autosaveUrl;
    var status = form.querySelector("[data-autosave-status]");
    var lastSent = new URLSearchParams(new FormData(form)).toString();
    var timer = null;

    function changed() {
      var now = new URLSearchParams(new FormData(form)).toString();
      return now !== lastSent ? now : null;
    }

    function send() {
      var body = changed();
      if (body === null) return;
      lastSent = body;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (text) { if (status && text) status.textContent = text; })
        .catch(function () {
          lastSent = null; // try again on the next change
          if (status) status.textContent = status.dataset.failed || "";
        });
    }

    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(send, 800);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(send, 300);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); });
    // Leaving the page: a beacon survives the unload where fetch may not.
    window.addEventListener("pagehide", function () {
      if (changed() !== null) navigator.sendBeacon(url, new FormData(form));
    });
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(autosave);
})();
