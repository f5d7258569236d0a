// SPDX-License-Identifier: EUPL-1.2
// Keyboard shortcuts: an addition only (every action has a normal control) and switchable
// off per user (Instellingen; WCAG 2.1.4). Active only when <body data-sneltoetsen="aan">,
// never while typing in a field. No other behaviour lives here: pages work without it.
(function () {
  "use strict";
  var body = document.body;
  if (!body || body.getAttribute("data-sneltoetsen") !== "aan") {
    return;
  }
  var pending = null;
  var opener = null;
  var help = document.getElementById("sneltoetsen-hulp");

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function openHelp() {
    if (!help) { return; }
    opener = document.activeElement;
    help.hidden = false;
    var close = help.querySelector("[data-sluit-dialoog]");
    if (close) { close.focus(); }
  }

  function closeHelp() {
    if (!help || help.hidden) { return false; }
    help.hidden = true;
    if (opener && opener.focus) { opener.focus(); }
    return true;
  }

  function moveRow(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-zaak-link]"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    var next = index < 0 ? 0 : Math.min(links.length - 1, Math.max(0, index + step));
    links[next].focus();
  }

  if (help) {
    help.addEventListener("click", function (event) {
      if (event.target.closest("[data-sluit-dialoog]")) { closeHelp(); }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && closeHelp()) { event.preventDefault(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (pending === "g") {
      pending = null;
      if (event.key === "w") { window.location.assign("/werkvoorraad"); event.preventDefault(); }
      return;
    }
    switch (event.key) {
      case "?": openHelp(); event.preventDefault(); break;
      case "g": pending = "g"; window.setTimeout(function () { pending = null; }, 1500); break;
      case "/":
        var field = document.querySelector("[data-sneltoets-filter]");
        if (field) { field.focus(); event.preventDefault(); }
        break;
      case "j": moveRow(1); event.preventDefault(); break;
      case "k": moveRow(-1); event.preventDefault(); break;
      default: break;
    }
  });
})();
