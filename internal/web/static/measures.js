// Questionnaires: show an adaptive question (C-SSRS Q3-5) as soon as the
// answer it depends on is chosen. Without this file the server shows it
// after "Continue".
"use strict";
(function () {
  var form = document.querySelector(".msr-form");
  if (!form) return;
  var dependents = form.querySelectorAll("fieldset[data-show-if]");
  if (!dependents.length) return;
  function update() {
    dependents.forEach(function (fs) {
      var chosen = form.querySelector('input[name="' + fs.getAttribute("data-show-if") + '"]:checked');
      var show = chosen && parseInt(chosen.value, 10) >= parseInt(fs.getAttribute("data-show-at"), 10);
      fs.hidden = !show;
      fs.querySelectorAll("input").forEach(function (i) { i.disabled = !show; });
    });
  }
  form.addEventListener("change", update);
  update();
  var cont = form.querySelector(".msr-continue");
  if (cont) cont.hidden = true;
})();
