// The intake questionnaire: show a follow-up question only when the answer
// it follows makes it relevant. Without this script every follow-up is
// shown, its label saying when it applies ("If yes:").
"use strict";
(function () {
  var form = document.querySelector("form.intake");
  if (!form) return;
  form.classList.add("js");
  var followUps = form.querySelectorAll("[data-ask-path]");

  function answer(name) {
    var els = form.querySelectorAll("[name]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.name !== name) continue;
      if (el.type === "radio") {
        if (el.checked) return el.value;
      } else {
        return el.value;
      }
    }
    return "";
  }

  function update() {
    for (var i = 0; i < followUps.length; i++) {
      var el = followUps[i];
      var wanted = (el.getAttribute("data-ask-answers") || "").split(" ");
      var relevant = wanted.indexOf(answer(el.getAttribute("data-ask-path"))) >= 0;
      // A question with an error stays in view so the message is seen.
      el.hidden = !relevant && !el.classList.contains("invalid");
    }
  }

  form.addEventListener("change", update);
  update();
})();
