// Keeps the arrival board live: asks htmx to refresh the board body every N seconds while the
// tab is visible, pauses while it is hidden, and catches up at once when it is shown again.
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  var lastRefresh = Date.now();

  function body() { return document.getElementById("board-body"); }

  function seconds() {
    var el = body();
    var value = el ? parseInt(el.getAttribute("data-refresh-seconds"), 10) : NaN;
    return isNaN(value) ? 30 : value;
  }

  function refresh() {
    var el = body();
    if (!el || !window.htmx || document.hidden) { return; }
    lastRefresh = Date.now();
    window.htmx.trigger(el, "board-refresh");
  }

  setInterval(function () {
    if (Date.now() - lastRefresh >= seconds() * 1000) { refresh(); }
  }, 1000);

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && Date.now() - lastRefresh >= seconds() * 1000) { refresh(); }
  });
}());
