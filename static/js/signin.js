// The session ending under the page, and signing in again over it without leaving it. When a
// request answers that the session has ended (401 with X-POE-Signed-Out, from a tap sent by
// static/js/taps.js or any htmx request — the page refreshing itself, a form saving itself),
// the sign-in dialog opens over the page; the taps waiting on the tablet stay there and the
// page stays where it was. For an account with a second factor whose session still needs it
// (X-POE-Second-Factor), the dialog asks for the authenticator app's code, after the password
// or alone. A CSRF failure after a long idle (403 with X-POE-CSRF-Failed) fetches a fresh token
// first, and opens the dialog only if the session has ended too.
//
// What the others hear: "poe:signed-out" when the dialog opens (taps.js holds its queue and says
// so), "poe:signed-in" when it closed signed in (taps.js sends the queue, live.js catches up,
// autosave.js saves again). Someone else signing in from the dialog gets their own page.
// Loaded before taps.js, which asks it for the token and the state (window.poeSignIn).
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";

  var body = document.body;
  var userId = body.getAttribute("data-user") || "";
  var signedOut = false;
  // What the sign-in dialog asks for: "password", "code" (the second factor, after the password
  // or when only it has lapsed) or "setup" (no authenticator app yet: the sign-in page does it).
  var signInStep = "password";

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function setCsrfToken(token) {
    if (!token) { return; }
    var headers = {};
    try { headers = JSON.parse(body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    headers["X-CSRFToken"] = token;
    body.setAttribute("hx-headers", JSON.stringify(headers));
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
  }

  function renewToken() {
    return fetch(body.getAttribute("data-session-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) { setCsrfToken(state.csrf_token); return state; },
            function () { return null; });
  }

  // The session has ended (or its second factor lapsed): taps.js holds its queue and says so on
  // the rows and in the banner (poe:signed-out), and the dialog opens over the page.
  function signOutSeen(message, needs) {
    signedOut = true;
    signInStep = needs || "password";
    body.dispatchEvent(new CustomEvent("poe:signed-out", { bubbles: true }));
    openSignIn(message);
  }

  // Show the dialog's step: the password (with the username), the code, or the way to set up
  // the app; the field to type in next is returned.
  function showStep(step) {
    signInStep = step;
    var passwordStep = document.getElementById("signin-password-step");
    var codeStep = document.getElementById("signin-code-step");
    var link = document.getElementById("signin-page-link");
    var submit = document.querySelector("#signin-form button[type=submit]");
    if (!passwordStep || !codeStep) { return null; }
    passwordStep.hidden = step !== "password";
    codeStep.hidden = step !== "code";
    if (submit) { submit.hidden = step === "setup"; }
    if (link) {
      if (!link.hasAttribute("data-signin-href")) { link.setAttribute("data-signin-href", link.getAttribute("href")); }
      link.setAttribute("href", link.getAttribute(step === "setup" ? "data-setup-href" : "data-signin-href"));
      link.textContent = step === "setup" ? "Set up the app" : "Sign-in page";
    }
    var code = codeStep.querySelector("input");
    if (step === "code") { code.value = ""; return code; }
    if (step === "setup") { return link; }
    var password = passwordStep.querySelector("input[type=password]");
    var username = passwordStep.querySelector("input[name$=username]");
    return (username && !username.value) ? username : password || username;
  }

  function openSignIn(message) {
    var dialog = document.getElementById("signin-dialog");
    var template = document.getElementById("signin-template");
    if (!dialog && template) {
      body.appendChild(document.importNode(template.content, true));
      dialog = document.getElementById("signin-dialog");
    }
    if (!dialog) { return; }
    var why = document.getElementById("signin-why");
    if (why && message) { why.textContent = message; }
    var waiting = document.getElementById("signin-waiting");
    var count = window.poeTaps ? window.poeTaps.waitingCount() : 0;
    if (waiting) {
      waiting.hidden = false;
      waiting.textContent = count
        ? plural(count, "tap is", "taps are") + " kept on this tablet and will be sent as soon as you are signed in. The page stays as it is."
        : "The page stays as it is: sign in and go on where you were.";
    }
    if (!dialog.open) {
      if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    }
    var next = showStep(signInStep);
    if (next) { next.focus(); }
  }

  function signIn(event) {
    var form = event.target;
    if (!form || form.id !== "signin-form") { return; }
    event.preventDefault();
    var errors = document.getElementById("signin-errors");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var send = function () {
      return fetch(form.getAttribute("action"), {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" },
      });
    };
    send().then(function (response) {
      if (response.status === 403 && response.headers.get("X-POE-CSRF-Failed")) {
        return renewToken().then(send);  // the token had expired too: once more with a fresh one
      }
      return response;
    }).then(function (response) {
      return response.json().then(function (state) { return { status: response.status, state: state }; },
                                  function () { return { status: response.status, state: null }; });
    }).then(function (answer) {
      button.disabled = false;
      var state = answer.state;
      if (state && state.csrf_token) { setCsrfToken(state.csrf_token); }
      if (state && state.authenticated) {
        form.querySelector("input[type=password]").value = "";
        errors.hidden = true;
        if (String(state.user) !== userId) {
          // Someone else signed in: their page, not this one. The taps already waiting stay on
          // the tablet for the person who made them.
          window.location.reload();
          return;
        }
        document.getElementById("signin-dialog").close();
        signedOut = false;
        // The waiting taps go now (static/js/taps.js), the page catches up (static/js/live.js),
        // a form saves again (static/js/autosave.js).
        body.dispatchEvent(new CustomEvent("poe:signed-in", { bubbles: true }));
        return;
      }
      if (state && (state.second_factor === "code" || state.second_factor === "setup")) {
        // The password was right (or only the code had lapsed): now the code, on this dialog.
        form.querySelector("input[type=password]").value = "";
        var why = document.getElementById("signin-why");
        if (why) {
          why.textContent = state.second_factor === "code"
            ? "Type the code your authenticator app shows for POE Ops, or a recovery code."
            : "Your account needs an authenticator app first: set it up, then sign in again here.";
        }
        var field = showStep(state.second_factor);
        if (!(state.errors && state.errors.length)) {
          errors.hidden = true;
          if (field) { field.focus(); }
          return;
        }
      } else if (state && !state.authenticated && signInStep !== "password") {
        // The session ended before the code was typed: the password again.
        showStep("password");
      }
      var words = state && state.errors && state.errors.length ? state.errors :
        answer.status === 429 || answer.status === 403
          ? ["Too many failed sign-ins: this account is locked on this tablet for a while. Ask your officer."]
          : ["Could not sign in just now. Check the network and try again."];
      errors.textContent = "";
      words.forEach(function (text) {
        var p = document.createElement("p");
        p.textContent = text;
        errors.appendChild(p);
      });
      errors.hidden = false;
      if (signInStep === "code") { document.querySelector("#signin-code-step input").focus(); }
    }, function () {
      button.disabled = false;
      errors.textContent = "No network: sign in again when it is back. Your taps stay on this tablet.";
      errors.hidden = false;
    });
  }

  // htmx requests other than taps (the page refreshing itself, a form saving itself).
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr) { return; }
    if (xhr.status === 401 && xhr.getResponseHeader("X-POE-Signed-Out")) {
      signOutSeen(xhr.responseText, xhr.getResponseHeader("X-POE-Second-Factor"));
    } else if (xhr.status === 403 && xhr.getResponseHeader("X-POE-CSRF-Failed")) {
      renewToken().then(function (state) {
        if (!state || !state.authenticated) { signOutSeen("", state && state.second_factor); return; }
        var announcer = document.getElementById("announcer");
        if (announcer && !/refresh/.test(event.detail.requestConfig && event.detail.requestConfig.triggeringEvent ? event.detail.requestConfig.triggeringEvent.type : "")) {
          announcer.textContent = "";
          var p = document.createElement("p");
          p.className = "refusal";
          p.setAttribute("role", "alert");
          p.textContent = "Nothing was saved: the page had expired. It has been renewed — please do it again.";
          announcer.appendChild(p);
        }
      });
    }
  });

  window.poeSignIn = {
    csrfToken: csrfToken,
    renewToken: renewToken,
    isSignedOut: function () { return signedOut; },
    // A tap was answered with "signed out": ``message`` (the answer's words) shown in the dialog.
    signedOut: signOutSeen,
    open: openSignIn,
  };

  function start() {
    if (userId) { document.addEventListener("submit", signIn); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
