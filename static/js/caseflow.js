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
      // The page's own search box (the call screen's) before the one in the menu.
      var search = document.querySelector("main [data-shortcut-search]") || document.querySelector("[data-shortcut-search]");
      if (search) {
        event.preventDefault();
        focusSearch(search);
      }
    }
  });

  // In a narrow window the menu, and its search box, is folded away: unfold it first.
  function focusSearch(search) {
    var menu = search.closest(".collapse");
    if (menu && search.offsetParent === null && window.bootstrap) {
      menu.addEventListener("shown.bs.collapse", function () { focusSearch(search); }, { once: true });
      window.bootstrap.Collapse.getOrCreateInstance(menu).show();
      return;
    }
    search.focus();
    search.select();
  }

  // Autosave: a form with data-autosave-url sends its fields to the server a
  // moment after the advisor stops typing, and once more when the page is left.
  // The server keeps one draft per advisor and form; see intake/drafts.py.
  function autosave(form) {
    var url = form.dataset.autosaveUrl;
    var status = form.querySelector("[data-autosave-status]");
    var lastSent = new URLSearchParams(new FormData(form)).toString();
    var timer = null;
    var stopped = false;

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
          // 410: the case was anonymised; the server says why, and no later save will be kept.
          if (response.status === 410) return response.text().then(refusedForGood);
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (text) { if (status && text) status.textContent = text; })
        .catch(function () {
          lastSent = null; // try again on the next change
          if (status) status.textContent = status.dataset.failed || "";
        });
    }

    function refusedForGood(text) {
      stopped = true;
      if (status) status.textContent = text;
      return "";
    }

    form.addEventListener("input", function () {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(send, 800);
    });
    form.addEventListener("change", function () {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(send, 300);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); });
    // Leaving the page: a beacon survives the unload where fetch may not.
    window.addEventListener("pagehide", function () {
      if (!stopped && changed() !== null) navigator.sendBeacon(url, new FormData(form));
    });
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(autosave);

  // A failed save: the error summary (templates/partials/error_summary.html) takes the focus,
  // so that it is read first and the cursor is not left in a search box. Its links go to the
  // field itself, also when the field is folded away or is a group of radio buttons.
  function fieldFor(link) {
    var byId = document.getElementById(link.hash.slice(1));
    if (byId) return byId;
    var name = link.dataset.fieldName;
    return name ? document.querySelector('[name="' + CSS.escape(name) + '"]:not([disabled])') : null;
  }

  function errorSummary(summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && fieldFor(link);
      if (!field) return;
      event.preventDefault();
      var folded = field.closest("details");
      if (folded) folded.open = true;
      field.focus();
    });
  }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) errorSummary(summary);

  // Idle sign-out: the server ends the session after the idle time (caseflow/accounts/security.py);
  // a minute before, a warning offers to stay signed in. Typing and clicking count as
  // activity; the page's own polling (marked data-passive) does not. At the end the page
  // goes to the sign-in page, and leaving it sends the half-typed call as a draft.
  function sessionWatch(box) {
    var idle = parseInt(box.dataset.idleSeconds, 10) * 1000;
    var lastActive = Date.now();
    var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

    function active() { lastActive = Date.now(); box.classList.add("d-none"); }
    function tick() {
      var quiet = Date.now() - lastActive;
      if (quiet >= idle) {
        window.location.assign(box.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search));
        return;
      }
      if (quiet >= idle - 60000) box.classList.remove("d-none");
      setTimeout(tick, 1000);
    }
    box.querySelector("button").addEventListener("click", function () {
      fetch(box.dataset.extendUrl, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
        .then(function (response) { if (response.ok) active(); });
    });
    ["input", "change", "submit"].forEach(function (name) { document.addEventListener(name, active, true); });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (!event.detail.elt.closest("[data-passive]")) active();
    });
    tick();
  }

  var warning = document.getElementById("session-warning");
  if (warning) sessionWatch(warning);
})();
