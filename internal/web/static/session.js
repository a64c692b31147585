// The live dosing-session record: keep the page current while clinicians
// record into it from several tablets. Every form on the page works
// without this file (plain POST, then the page again), and a "Refresh"
// link reloads it by hand.
//
// Every few seconds the script asks the server for the record's version
// number. When it has moved, it fetches the page and swaps the parts marked
// data-part (alerts, vitals, doses, timeline, chart...) for their new
// content, but leaves alone any part in which the person is typing, so
// nothing they have started is lost. The "next reading due" countdown is
// counted down between polls.
"use strict";
(function () {
  var root = document.querySelector("[data-session-live]");
  if (!root || !window.fetch || !window.DOMParser) return;
  var changesURL = root.getAttribute("data-changes-url");
  var version = root.getAttribute("data-version");
  var every = 8000;
  var status = document.querySelector("[data-live-status]");
  var busy = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  // A part is left alone while someone works in it: focus inside, or a
  // field whose value differs from what the page was sent with.
  function inUse(part) {
    if (part.contains(document.activeElement) && document.activeElement !== part) return true;
    var fields = part.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "hidden" || f.type === "submit") continue;
      if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked !== f.defaultChecked) return true;
      } else if (f.tagName === "SELECT") {
        for (var j = 0; j < f.options.length; j++) {
          if (f.options[j].selected !== f.options[j].defaultSelected) return true;
        }
      } else if (f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function partNames(scope) {
    var out = [];
    var parts = scope.querySelectorAll("[data-part]");
    for (var i = 0; i < parts.length; i++) out.push(parts[i].getAttribute("data-part"));
    return out.join(" ");
  }

  function swap(doc) {
    var parts = document.querySelectorAll("[data-part]");
    var held = 0;
    // The record's layout follows the session's phase: once someone else
    // gives the first dose or discharges, parts appear, go and change
    // order. Swapping part by part would leave this page in the old
    // phase, so take the whole record, unless someone is typing in it.
    var fresh = doc.querySelector("[data-session-live]");
    if (fresh && partNames(root) !== partNames(fresh)) {
      if (inUse(root)) return 1;
      root.innerHTML = fresh.innerHTML;
      return 0;
    }
    for (var i = 0; i < parts.length; i++) {
      var name = parts[i].getAttribute("data-part");
      var fresh = doc.querySelector('[data-part="' + name + '"]');
      if (!fresh) continue;
      if (inUse(parts[i])) { held++; continue; }
      if (parts[i].innerHTML !== fresh.innerHTML) {
        parts[i].innerHTML = fresh.innerHTML;
        parts[i].className = fresh.className;
      }
    }
    return held;
  }

  function refresh(newVersion) {
    return fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var held = swap(doc);
        var fresh = doc.querySelector("[data-session-live]");
        if (held === 0) {
          version = newVersion || (fresh && fresh.getAttribute("data-version")) || version;
          say("Up to date with what others have recorded.");
        } else {
          // Try the held parts again next time, once the person is done.
          say("New entries from others are waiting: they appear when you finish the form you are in, or use Refresh.");
        }
        countdown();
      });
  }

  // Polling must not keep an unattended tablet signed in: each request
  // counts as activity on the server. So the script polls only while
  // someone has touched the page within the idle limit, never while the
  // "Still there?" warning is up, and signs out when that warning runs
  // out, so the page that follows asks for the password again.
  var idle = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
  var lastTouch = Date.now(), warnedAt = 0, signedOut = false;
  ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
    window.addEventListener(name, function () { lastTouch = Date.now(); }, { passive: true, capture: true });
  });
  function idleWarning() {
    var d = document.querySelector("dialog.idle");
    return !!(d && d.open);
  }
  function unattended() {
    return idle > 0 && Date.now() - lastTouch > idle * 1000 / 2;
  }
  if (idle) {
    setInterval(function () {
      if (!idleWarning()) { warnedAt = 0; return; }
      if (!warnedAt) warnedAt = Date.now();
      var warnFor = Math.min(120, Math.floor(idle / 3));
      if (!signedOut && Date.now() - warnedAt >= (warnFor - 3) * 1000) {
        signedOut = true;
        fetch("/signout", { method: "POST", credentials: "same-origin", keepalive: true }).catch(function () {});
      }
    }, 1000);
  }

  function poll() {
    if (busy || document.hidden || signedOut || idleWarning()) return;
    if (unattended()) {
      say("Live updates paused while no one uses this tablet. Touch the page or use Refresh.");
      return;
    }
    busy = true;
    fetch(changesURL + "?since=" + encodeURIComponent(version), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .then(function (d) {
        if (String(d.version) !== String(version)) return refresh(String(d.version));
      })
      .catch(function () {
        say("Live updates paused: holdspace could not be reached. Use Refresh to try again.");
      })
      .then(function () { busy = false; });
  }

  // "Next reading due at 10:45 (in 6 min)", counted from the time the
  // server gave, so the tablet's own clock only measures the minutes.
  var loadedAt = Date.now();
  var serverNow = Date.parse(root.getAttribute("data-now") || "") || loadedAt;
  function countdown() {
    var now = serverNow + (Date.now() - loadedAt);
    var els = document.querySelectorAll("[data-due]");
    for (var i = 0; i < els.length; i++) {
      var due = Date.parse(els[i].getAttribute("data-due"));
      if (!due) continue;
      var min = Math.round((due - now) / 60000);
      var text, late = false;
      if (min > 0) text = "in " + min + " min";
      else if (min === 0) text = "due now";
      else { text = "overdue by " + (-min) + " min"; late = true; }
      var out = els[i].querySelector("[data-due-text]");
      if (out && out.textContent !== text) out.textContent = text;
      els[i].classList.toggle("overdue", late);
    }
  }

  setInterval(poll, every);
  setInterval(countdown, 15000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  say("Live: entries from others appear on their own.");
})();
