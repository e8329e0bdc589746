// The incident form saves itself (htmx posts it a second after the last keystroke). This file
// only says so honestly: "Saving…" while a save is on its way, "Not saved" when the connection
// dropped, and a new save as soon as the tablet is back online. A file, not an inline script:
// the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";

  function form() { return document.getElementById("incident-form"); }

  function say(text, problem) {
    var status = document.getElementById("autosave-status");
    if (!status) { return; }
    status.textContent = "";
    var span = document.createElement("span");
    span.className = problem ? "field-error" : "muted";
    span.textContent = text;
    status.appendChild(span);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target === form()) { say("Saving…", false); }
  });

  function failed(event) {
    if (event.target !== form()) { return; }
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 401) {
      // The sign-in dialog opens over the form (static/js/signin.js); it saves again after.
      say("Not saved: you were signed out. Sign in again — what you typed stays here and is saved then.", true);
      return;
    }
    say("Not saved: no connection. Keep typing — it saves again when the connection is back.", true);
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  function saveAgain() {
    var el = form();
    if (el && window.htmx) { window.htmx.trigger(el, "change"); }
  }
  window.addEventListener("online", saveAgain);
  document.addEventListener("poe:signed-in", saveAgain);
}());
