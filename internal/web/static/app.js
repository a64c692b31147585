// holdspace's small enhancements. Every page works without this file.
"use strict";
(function () {
  // Move focus to a form's error summary so a screen reader announces it.
  var summary = document.querySelector(".form-errors");
  if (summary) summary.focus();

  // Warn two minutes before an idle staff session ends, and let the person
  // stay signed in. Without this script the session still ends on time.
  var idle = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
  if (!idle || typeof HTMLDialogElement === "undefined") return;
  var warnBefore = Math.min(120, Math.floor(idle / 3));
  var dialog = null, timer = null, endTimer = null, endsAt = 0;

  function schedule() {
    clearTimeout(timer);
    clearTimeout(endTimer);
    endsAt = Date.now() + idle * 1000;
    timer = setTimeout(warn, (idle - warnBefore) * 1000);
    endTimer = setTimeout(ended, idle * 1000);
  }
  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "idle";
    dialog.setAttribute("aria-labelledby", "idle-title");
    dialog.innerHTML = '<h2 id="idle-title">Still there?</h2>' +
      '<p>For the privacy of client records you will be signed out in <strong class="idle-left"></strong> unless you carry on.</p>' +
      '<div class="actions"><button type="button" class="idle-stay">Stay signed in</button></div>';
    document.body.appendChild(dialog);
    dialog.querySelector(".idle-stay").addEventListener("click", stay);
  }
  function warn() {
    if (!dialog) build();
    tick();
    if (!dialog.open) dialog.showModal();
  }
  function tick() {
    if (!dialog || !dialog.open && Date.now() >= endsAt) return;
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    dialog.querySelector(".idle-left").textContent = left >= 60 ? Math.ceil(left / 60) + " minutes" : left + " seconds";
    if (left > 0) setTimeout(tick, 1000);
  }
  function stay() {
    fetch("/session/keepalive", { method: "POST", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 204) { dialog.close(); schedule(); } else { ended(); }
      })
      .catch(function () { /* offline: leave the warning up */ });
  }
  function ended() {
    window.location.assign("/signin?next=" + encodeURIComponent(window.location.pathname));
  }
  schedule();
})();
