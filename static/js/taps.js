// A tap is never lost. Every step, undo and whole-family move tapped on the tablet is written to
// IndexedDB with its idempotency key before it is sent, and stays there until the server has
// answered it. Offline, on a server error or after the session ended, the row shows the tap as
// waiting ("Met · waiting for network"), other people can still be tapped, and the queue is sent
// in order by itself when the network (or the user, after signing in again) is back. What the
// server refuses when a waiting tap is finally sent is said in words, on the row and in the
// banner; nothing is dropped silently. The server records a repeated key once, so sending a tap
// twice (an answer lost on the way back) changes nothing.
//
// When the session has ended the queue waits for the sign-in dialog over the page
// (static/js/signin.js, loaded first: it also keeps the CSRF token fresh). Also here: the banner
// saying how many taps wait, the service worker that keeps the flight and day pages for offline
// reading (static/js/sw.js), and forgetting those pages at sign-out.
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";

  var body = document.body;
  var userId = body.getAttribute("data-user") || "";
  var PAGES_CACHE = "poe-pages-v1";
  var RETRY_SECONDS = [2, 5, 10, 20, 30];

  // ---- the queue, in IndexedDB (in memory if the browser refuses it) ---------------------------
  var memory = { next: 1, taps: {} };
  var dbPromise = null;

  function openDb() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request;
      try { request = window.indexedDB.open("poe-taps", 1); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () {
        request.result.createObjectStore("taps", { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
      request.onblocked = function () { resolve(null); };
    });
    return dbPromise;
  }

  function store(mode, work) {
    return openDb().then(function (db) {
      if (!db) { return work(null); }
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("taps", mode);
        var result = work(tx.objectStore("taps"));
        tx.oncomplete = function () { resolve(result && result.value !== undefined ? result.value : result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function addTap(tap) {
    return store("readwrite", function (os) {
      if (!os) { tap.id = memory.next++; memory.taps[tap.id] = tap; return tap.id; }
      var box = {};
      var request = os.add(tap);
      request.onsuccess = function () { tap.id = request.result; box.value = request.result; };
      return box;
    });
  }

  function putTap(tap) {
    return store("readwrite", function (os) {
      if (!os) { memory.taps[tap.id] = tap; return; }
      os.put(tap);
    });
  }

  function deleteTap(id) {
    return store("readwrite", function (os) {
      if (!os) { delete memory.taps[id]; return; }
      os.delete(id);
    });
  }

  function allTaps() {
    return store("readonly", function (os) {
      if (!os) {
        return Object.keys(memory.taps).map(function (k) { return memory.taps[k]; });
      }
      var box = {};
      var request = os.getAll();
      request.onsuccess = function () { box.value = request.result; };
      return box;
    }).then(function (taps) {
      return (taps || []).sort(function (a, b) { return a.id - b.id; });
    });
  }

  // ---- what the page holds -------------------------------------------------------------------
  var moves = null;  // per step: label, button label, big and small moves (arrivals/queries/moves.py, moves_table)

  function stepMoves() {
    if (moves === null) {
      var el = document.getElementById("step-moves");
      try { moves = el ? JSON.parse(el.getAttribute("data-moves")) : {}; } catch (e) { moves = {}; }
    }
    return moves;
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function isOfflineCopy() { return body.getAttribute("data-copy") === "offline"; }

  // Keys the page drew that a tap has already used (a key is one tap: the next tap on the same
  // row, before the server has redrawn it, gets a fresh one).
  var usedKeys = {};

  // ---- state ---------------------------------------------------------------------------------
  var queue = [];          // this tablet's taps, all users, in order
  var sendingId = null;    // the tap on its way to the server
  // The session: its CSRF token, and the sign-in dialog over the page (static/js/signin.js).
  var session = window.poeSignIn;
  function signedOut() { return session.isSignedOut(); }
  var waitReason = "";     // "network" | "server" | "" — why the queue is not moving
  var retryTimer = null;
  var retryIndex = 0;
  var sentAfterWait = 0;   // taps recorded since the queue last had to wait, for the banner
  var answeredSinceDrain = 0;
  var lastAnswerAt = 0;

  function mine(tap) { return tap.user === userId; }
  function pending(tap) { return tap.state !== "refused"; }

  function refresh() {
    return allTaps().then(function (taps) {
      queue = taps;
      decorate();
      banner();
      return taps;
    });
  }

  // ---- tapping --------------------------------------------------------------------------------
  function container(form) {
    return form.closest("[data-person]") || form.closest("[data-case]");
  }

  // A double tap must not move the person twice: the buttons under the thumb change (Met becomes
  // CBP cleared). So a second tap on the same row is ignored while the first is on its way, and
  // the buttons the row shows after it (the server's answer, or the waiting tap's own buttons
  // when it was kept offline) come disabled for what is left of a short moment (settle). Only
  // the buttons are held, never the row: a form saved in between (the family's bags) redraws the
  // row with live buttons, and a tap on them is the user's next step, not a double tap — it is
  // recorded. (A test may widen the moment with window.poeTapsConfig.doubleTapMs.)
  var DOUBLE_TAP_MS = (window.poeTapsConfig && window.poeTapsConfig.doubleTapMs) || 500;
  var claimed = {};

  function busy(target) {
    var claim = claimed[target];
    if (claim && claim.sending) { return true; }
    return queue.some(function (t) { return t.target === target && t.id === sendingId; });
  }

  function release(target) {
    if (claimed[target]) { claimed[target].sending = false; }
  }

  // The row's new buttons stay disabled until the double-tap moment has passed, so a second
  // touch of a double tap lands on nothing rather than on the next step. Called in the same task
  // that draws the buttons: buttons that showed enabled are never disabled under a finger.
  function settle(target) {
    var claim = claimed[target];
    var el = document.getElementById(target);
    var remaining = claim ? claim.until - Date.now() : 0;
    if (!el || remaining <= 0) { return; }
    var buttons = Array.prototype.filter.call(el.querySelectorAll("button"), function (b) { return !b.disabled; });
    buttons.forEach(function (b) { b.disabled = true; });
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = false; }); }, remaining);
  }

  function allowed(from, to) {
    var table = stepMoves()[from];
    if (!table) { return false; }
    return table.big.concat(table.small).some(function (m) { return m[0] === to; });
  }

  function shownStep(el) {
    // Where the person shows as, counting the taps still waiting for them.
    var step = el.getAttribute("data-step");
    var pk = el.getAttribute("data-person");
    queue.forEach(function (tap) {
      if (!pending(tap) || !mine(tap)) { return; }
      if (tap.person === pk) { step = tap.to; }
      else if (tap.kind === "case" && tap.people.indexOf(pk) >= 0 && allowed(step, tap.to)) { step = tap.to; }
    });
    return step;
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if (form.hasAttribute("data-sign-out")) { return signingOut(event, form); }
    var kind = form.getAttribute("data-tap");
    if (!kind || !userId) { return; }
    event.preventDefault();
    event.stopPropagation();
    var button = event.submitter;
    var step = button && button.name === "step" ? button.value : "";
    var where = container(form);
    if (!where) { return; }
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { fields[name] = String(value); }
    });
    if (step) { fields.step = step; }
    tap(kind, form.getAttribute("action"), fields, where, step, button ? button.textContent.trim() : "");
  }

  function tap(kind, url, fields, where, step, label) {
    var isCase = kind === "case";
    var target = isCase ? "case-" + where.getAttribute("data-case") : where.id;
    if (busy(target)) { return; }  // a double tap: the first is on its way
    claimed[target] = { sending: true, until: Date.now() + DOUBLE_TAP_MS };
    settle(target);  // the second touch of a double tap lands on nothing
    var waitingHere = queue.some(function (t) { return pending(t) && t.target === target; });
    if (!fields.key || usedKeys[fields.key] || waitingHere || isOfflineCopy()) { fields.key = newKey(); }
    usedKeys[fields.key] = true;
    var record = {
      user: userId,
      kind: kind,
      url: url,
      fields: fields,
      target: target,
      person: isCase ? null : where.getAttribute("data-person"),
      people: [],
      to: step,
      label: label,
      who: isCase ? "case " + (where.getAttribute("data-case-number") || "") : (where.getAttribute("data-name") || ""),
      at: Date.now(),
      state: "queued",
      waited: waitReason !== "" || signedOut() || navigator.onLine === false,
    };
    if (kind === "undo") {
      var undoForm = where.querySelector("form[data-tap=undo]");
      record.to = undoForm ? undoForm.getAttribute("data-undo-to") : "";
    }
    if (isCase) {
      var block = document.getElementById(target);
      record.who = block ? (block.querySelector("h2 a, .result-case") || {}).textContent || "the case" : "the case";
      (block ? block.querySelectorAll("[data-person]") : []).forEach(function (row) {
        if (allowed(shownStep(row), step)) { record.people.push(row.getAttribute("data-person")); }
      });
    }
    addTap(record).then(function () {
      queue.push(record);
      decorate();
      settle(target);  // the waiting tap's own buttons, drawn just now
      banner();
      pump();
    });
  }

  // ---- sending, in order ----------------------------------------------------------------------
  function pump() {
    if (sendingId !== null || signedOut() || !userId) { return; }
    var next = queue.filter(function (t) { return mine(t) && t.state === "queued"; })[0];
    if (!next) {
      waitReason = "";
      banner();
      if (answeredSinceDrain) {
        // Everything is in: the page's counts ("4 of 9 met") catch up now (static/js/live.js).
        answeredSinceDrain = 0;
        body.dispatchEvent(new CustomEvent("poe:queue-drained", { bubbles: true }));
      }
      return;
    }
    if (navigator.onLine === false) { return wait("network"); }
    sendingId = next.id;
    decorate();
    banner();
    var payload = new URLSearchParams();
    Object.keys(next.fields).forEach(function (name) { payload.append(name, next.fields[name]); });
    var headers = { "HX-Request": "true", "X-CSRFToken": session.csrfToken() };
    fetch(next.url, { method: "POST", body: payload, headers: headers, credentials: "same-origin" })
      .then(function (response) { return answered(next, response); },
            function () { sendingId = null; wait("network"); });
  }

  function wait(reason) {
    waitReason = reason;
    queue.forEach(function (t) {
      release(t.target);
      // Every tap held up now is a replay when it goes: a refusal then is said in the banner.
      if (mine(t) && t.state === "queued" && !t.waited) { t.waited = true; putTap(t); }
    });
    decorate();
    banner();
    clearTimeout(retryTimer);
    var seconds = RETRY_SECONDS[Math.min(retryIndex, RETRY_SECONDS.length - 1)];
    retryIndex += 1;
    retryTimer = setTimeout(function () { waitReason = waitReason === "network" && navigator.onLine === false ? "network" : ""; pump(); }, seconds * 1000);
  }

  function answered(tap, response) {
    var status = response.status;
    lastAnswerAt = Date.now();
    release(tap.target);
    if (status === 401 || (response.redirected && /\/accounts\/login\//.test(response.url))) {
      sendingId = null;
      var needs = response.headers.get("X-POE-Second-Factor") || "";
      return response.text().then(function (text) { session.signedOut(text, needs); });
    }
    if (status === 403 && response.headers.get("X-POE-CSRF-Failed") && (tap.renewed || 0) < 2) {
      // The page's token had expired (a long idle, a sign-in in another tab): a fresh one, and
      // the same tap again — twice at most, then it is a refusal like any other.
      sendingId = null;
      tap.renewed = (tap.renewed || 0) + 1;
      return session.renewToken().then(function (state) {
        if (state && state.authenticated) { pump(); } else { session.signedOut("", state && state.second_factor); }
      });
    }
    if (status >= 500 || status === 0) {
      sendingId = null;
      return wait("server");
    }
    return response.text().then(function (html) {
      sendingId = null;
      release(tap.target);
      retryIndex = 0;
      if (waitReason) { waitReason = ""; }
      var outcome = { outcome: response.ok ? "recorded" : "refused", message: "" };
      try { outcome = JSON.parse(response.headers.get("X-POE-Tap") || "null") || outcome; } catch (e) { /* keep */ }
      if (!response.ok) { outcome.message = refusalWords(status, html); }
      var where = document.getElementById(tap.target);
      if (where && response.ok && window.htmx) {
        window.htmx.swap(where, html, { swapStyle: "outerHTML" });
        settle(tap.target);  // in the task that drew them: never enabled, then taken away
      }
      var done;
      if (outcome.outcome === "refused" && (tap.waited || !where || !response.ok)) {
        tap.state = "refused";
        tap.message = outcome.message;
        done = putTap(tap);
      } else {
        done = deleteTap(tap.id);
      }
      if (tap.waited && outcome.outcome !== "refused") { sentAfterWait += 1; }
      answeredSinceDrain += 1;
      return done.then(refresh).then(pump);
    });
  }

  function refusalWords(status, text) {
    var plain = (text || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
    if (status === 404) { return "This person or case is not at a port you can see any more."; }
    if (status === 403) { return plain.length < 200 && plain ? plain : "You may not record arrival steps at this port."; }
    return plain.length < 300 && plain ? plain : "The server refused this tap (HTTP " + status + ").";
  }

  function waitingCount() {
    return queue.filter(function (t) { return mine(t) && pending(t); }).length;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function signingOut(event, form) {
    var count = waitingCount();
    if (count && !window.confirm(plural(count, "tap has", "taps have") + " not reached the server yet. " +
        "They stay on this tablet and are sent when you sign in here again. Sign out anyway?")) {
      event.preventDefault();
      return;
    }
    forgetPages();
  }

  function forgetPages() {
    if (window.caches) { window.caches.delete(PAGES_CACHE); }
  }

  // ---- drawing waiting taps on the page ---------------------------------------------------------
  function stateWords(tap) {
    if (tap.id === sendingId) { return "sending…"; }
    if (signedOut()) { return "waiting for you to sign in"; }
    if (waitReason === "server") { return "waiting for the server"; }
    return "waiting for network";
  }

  function button(text, classes, onClick) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "button " + classes;
    el.textContent = text;
    el.addEventListener("click", onClick);
    return el;
  }

  function decorate() {
    document.querySelectorAll("[data-person]").forEach(decorateRow);
    document.querySelectorAll("[data-case]").forEach(function (block) {
      if (block.hasAttribute("data-person")) { return; }
      decorateCase(block);
    });
  }

  function decorateRow(row) {
    var pk = row.getAttribute("data-person");
    var mineHere = queue.filter(function (t) {
      return mine(t) && pending(t) && (t.person === pk || (t.kind === "case" && t.people.indexOf(pk) >= 0));
    });
    var status = row.querySelector(":scope > .tap-status");
    var extra = row.querySelector(".queued-moves");
    var actions = row.querySelector(".person-actions");
    var serverForms = row.querySelectorAll(".person-moves, .person-undo");
    var badge = row.querySelector(".step-badge");
    if (!mineHere.length) {
      row.classList.remove("is-queued");
      if (status) { status.remove(); }
      if (extra) { extra.remove(); }
      serverForms.forEach(function (f) { f.hidden = false; });
      if (badge && badge.hasAttribute("data-server-label")) {
        badge.textContent = badge.getAttribute("data-server-label");
        badge.className = badge.getAttribute("data-server-class");
        badge.removeAttribute("data-server-label");
      }
      return;
    }
    var step = shownStep(row);
    var last = mineHere[mineHere.length - 1];
    var table = stepMoves()[step] || { label: last.label || step, big: [], small: [] };
    row.classList.add("is-queued");
    if (badge) {
      if (!badge.hasAttribute("data-server-label")) {
        badge.setAttribute("data-server-label", badge.textContent);
        badge.setAttribute("data-server-class", badge.className);
      }
      badge.textContent = table.label;
      badge.className = badge.getAttribute("data-server-class").replace(/\bstep-(?!badge\b)[a-z_]+/g, "") + " step-" + step + " is-queued";
    }
    if (!status) {
      status = document.createElement("p");
      status.className = "tap-status";
      var anchor = row.querySelector(".person-actions") || null;
      row.insertBefore(status, anchor);
    }
    var waitingWords = mineHere.length > 1 ? " (" + mineHere.length + " taps)" : "";
    status.textContent = table.label + " · " + stateWords(last) + waitingWords;
    serverForms.forEach(function (f) { f.hidden = true; });
    if (!actions) { return; }
    if (extra) { extra.remove(); }
    extra = document.createElement("div");
    extra.className = "queued-moves";
    var sending = mineHere.some(function (t) { return t.id === sendingId; });
    var url = row.getAttribute("data-step-url");
    if (url && !sending) {
      table.big.forEach(function (move, i) {
        extra.appendChild(button(move[1], "step-button" + (i === 0 ? " button-primary" : ""), function () {
          chained(row, url, move[0], move[1]);
        }));
      });
      table.small.forEach(function (move) {
        extra.appendChild(button(move[1], "step-exception", function () { chained(row, url, move[0], move[1]); }));
      });
    }
    if (last.kind !== "case" && last.id !== sendingId && last.state === "queued") {
      extra.appendChild(button("Cancel " + (last.label || "tap"), "button-undo", function () {
        if (last.id === sendingId) { return; }
        deleteTap(last.id).then(refresh);
      }));
    }
    actions.insertBefore(extra, actions.firstChild);
    settle(row.id);
  }

  function chained(row, url, step, label) {
    var fields = { step: step, view: row.getAttribute("data-view") || "flight" };
    if (row.getAttribute("data-flight")) { fields.flight = row.getAttribute("data-flight"); }
    tap("person", url, fields, row, step, label);
  }

  function decorateCase(block) {
    var target = "case-" + block.getAttribute("data-case");
    var waiting = queue.filter(function (t) { return mine(t) && pending(t) && t.target === target; });
    var status = block.querySelector(".case-tap-status");
    var form = block.querySelector(".case-moves");
    if (!waiting.length) {
      if (status) { status.remove(); }
      if (form) { form.hidden = false; }
      return;
    }
    var last = waiting[waiting.length - 1];
    if (!status) {
      status = document.createElement("p");
      status.className = "tap-status case-tap-status";
      var wrap = block.querySelector(".case-moves-wrap");
      if (wrap) { wrap.appendChild(status); } else { block.insertBefore(status, block.firstChild); }
    }
    status.textContent = (last.label || "All") + " · " + stateWords(last);
    if (form) { form.hidden = true; }
  }

  // ---- the banner -----------------------------------------------------------------------------------
  var allSentUntil = 0;

  function banner() {
    var el = document.getElementById("tap-banner");
    if (!el) { return; }
    var waiting = queue.filter(function (t) { return mine(t) && pending(t); });
    var others = queue.filter(function (t) { return !mine(t) && pending(t); });
    var refused = queue.filter(function (t) { return mine(t) && t.state === "refused"; });
    var offline = navigator.onLine === false;
    el.textContent = "";
    el.classList.remove("is-offline", "is-problem");
    var lines = [];
    if (waiting.length) {
      var n = plural(waiting.length, "tap waits", "taps wait");
      var one = waiting.length === 1;
      if (signedOut()) {
        lines.push(["Signed out: " + n + " on this tablet until you sign in again.", "signin"]);
      } else if (offline || waitReason === "network") {
        lines.push(["No network: " + n + " on this tablet and " + (one ? "is" : "are") +
                    " sent by " + (one ? "itself" : "themselves") + " when the network is back.", "retry"]);
      } else if (waitReason === "server") {
        lines.push(["The server did not answer: " + n + " on this tablet; trying again.", "retry"]);
      } else {
        n = plural(waiting.length, "tap", "taps");
        lines.push(["Sending " + n + "…", ""]);
      }
    } else if (offline) {
      lines.push(["No network: taps you make are kept on this tablet and sent when it is back.", ""]);
    } else if (sentAfterWait) {
      allSentUntil = Date.now() + 6000;
      lines.push(["Back online: " + plural(sentAfterWait, "waiting tap was", "waiting taps were") + " recorded.", ""]);
      sentAfterWait = 0;
      setTimeout(banner, 6100);
    } else if (Date.now() < allSentUntil) {
      lines.push([el.getAttribute("data-last") || "Back online: the waiting taps were recorded.", ""]);
    }
    if (others.length) {
      lines.push([plural(others.length, "tap", "taps") + " made here by someone else wait until they sign in on this tablet again.", ""]);
    }
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.className = "tap-banner-line";
      p.textContent = line[0] + " ";
      if (line[1] === "signin") {
        p.appendChild(button("Sign in", "button-small", function () { session.open(""); }));
      } else if (line[1] === "retry" && !offline) {
        p.appendChild(button("Send now", "button-small", function () { clearTimeout(retryTimer); retryIndex = 0; waitReason = ""; pump(); }));
      }
      el.appendChild(p);
    });
    if (lines.length) { el.setAttribute("data-last", lines[0][0]); }
    if (refused.length) {
      var list = document.createElement("ul");
      list.className = "tap-refusals";
      refused.forEach(function (t) {
        var li = document.createElement("li");
        li.textContent = "Not recorded — " + (t.label || t.to) + " for " + (t.who || "someone") + ": " + (t.message || "refused by the server") + " ";
        li.appendChild(button("Dismiss", "button-small", function () { deleteTap(t.id).then(refresh); }));
        list.appendChild(li);
      });
      el.appendChild(list);
    }
    if (offline || waiting.length) { el.classList.add("is-offline"); }
    if (refused.length) { el.classList.add("is-problem"); }
    el.hidden = !el.childNodes.length;
    body.classList.toggle("has-tap-banner", !el.hidden);
  }

  // ---- the service worker: the flight and day pages kept for offline reading ---------------------
  function registerWorker() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var assets = [];
      document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href], link[rel=manifest][href]").forEach(function (el) {
        assets.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      if (!registration.active) { return; }
      registration.active.postMessage({ type: "keep", urls: assets });
      if (!navigator.serviceWorker.controller && !isOfflineCopy()) {
        // This page was opened before the worker was in charge: have it kept too.
        registration.active.postMessage({ type: "keep-page", url: location.pathname + location.search });
      }
    }).catch(function () { /* offline reading is a help, not a need */ });
  }

  // ---- start ----------------------------------------------------------------------------------
  function start() {
    if (!userId) {
      forgetPages();  // the sign-in page: a signed-out tablet keeps no one's pages
      return;
    }
    var copy = document.getElementById("offline-copy");
    if (copy && isOfflineCopy()) { copy.hidden = false; }
    document.addEventListener("submit", onSubmit, true);
    window.addEventListener("online", function () { retryIndex = 0; waitReason = ""; banner(); pump(); });
    // The session ended under a tap or a refresh (static/js/signin.js opens its dialog): the
    // queue waits, and says so. Signed in again: it is sent — after the other listeners (the
    // page asking for its fresh copy first, as it did before the dialog had a file of its own).
    document.addEventListener("poe:signed-out", function () {
      queue.forEach(function (t) { release(t.target); });
      decorate();
      banner();
    });
    document.addEventListener("poe:signed-in", function () {
      retryIndex = 0;
      banner();
      Promise.resolve().then(pump);
    });
    window.addEventListener("offline", function () { banner(); decorate(); });
    window.addEventListener("pageshow", function (event) { if (event.persisted) { refresh().then(pump); } });
    // Rows redrawn by the page refreshing itself or by an answer get their waiting taps back.
    document.addEventListener("htmx:afterSettle", decorate);
    document.addEventListener("poe:redrawn", decorate);
    refresh().then(pump);
    registerWorker();
  }

  window.poeTaps = {
    isSending: function () { return sendingId !== null; },
    answeredSince: function (time) { return lastAnswerAt >= time; },
    waitingFor: function (el) { return el.classList.contains("is-queued") || (sendingId !== null && queue.some(function (t) { return t.id === sendingId && t.target === el.id; })); },
    isSignedOut: signedOut,
    waitingCount: function () { return waitingCount(); },
  };

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
