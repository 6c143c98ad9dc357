// The consent form: the text to read to the parent follows the chosen purpose, the text
// version sent with the form is the one on screen, and only the recipients that the purpose
// is for can be chosen. The server checks both again (consent/forms.py, consent_give).
(function () {
  "use strict";

  var texts = document.querySelector("[data-purpose-texts]");
  if (!texts) return;
  var form = texts.closest("form");
  var purpose = form.querySelector("select[name=purpose]");
  var recipient = form.querySelector("select[name=recipient]");
  var version = texts.querySelector("input[name=purpose_version]");
  var none = texts.querySelector("[data-purpose-text-none]");

  function show() {
    var shown = null;
    texts.querySelectorAll("[data-purpose-text]").forEach(function (figure) {
      var chosen = figure.dataset.purposeText === purpose.value;
      figure.hidden = !chosen;
      if (chosen) shown = figure;
    });
    none.hidden = shown !== null;
    version.value = shown ? shown.dataset.version : "";
    onlyFittingRecipients(shown && shown.dataset.recipients ? shown.dataset.recipients.split(" ") : null);
  }

  // fitting: the recipient codes the purpose is for, or null when it is for anyone.
  function onlyFittingRecipients(fitting) {
    Array.prototype.forEach.call(recipient.options, function (option) {
      var fits = option.value === "" || fitting === null || fitting.indexOf(option.value) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    if (recipient.selectedIndex > 0 && recipient.options[recipient.selectedIndex].disabled) recipient.value = "";
  }

  purpose.addEventListener("change", show);
  show();
})();
