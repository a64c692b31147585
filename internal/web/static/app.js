// holdspace's small enhancements. Every page works without this file.
"use strict";
(function () {
  // Move focus to a form's error summary so a screen reader announces it.
  var summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
})();
