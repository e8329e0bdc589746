// The port's day and a flight's page keep themselves current: every N seconds while the page is
// shown and the tablet is online, htmx asks the server for the page's live part again
// (hx-trigger="live-refresh", hx-swap="none"), and this file puts in only what changed — a
// flight card, a person's row, a case's buttons — so the scroll position, a row being tapped and
// the taps still waiting on this tablet (static/js/taps.js) stay as they are. It pauses while
// the page is hidden and catches up as soon as it is shown again.
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  var lastRefresh = Date.now();
  var inFlight = false;
  // Forms saved through htmx on the page (a family's bags, a hospital's name: not taps, which
  // static/js/taps.js sends): one on its way, and when the last was answered. A refresh that
  // left before such an answer may show the page as it was before it, so it is not put in.
  var changesSent = 0;
  var changeSentAt = 0;
  var lastChangeAt = 0;

  function region() {
    return document.getElementById("flight-live") || document.getElementById("day-live");
  }

  function seconds() {
    var el = region();
    var value = el ? parseInt(el.getAttribute("data-refresh-seconds"), 10) : NaN;
    return isNaN(value) ? 15 : value;
  }

  function refresh() {
    var el = region();
    if (inFlight && Date.now() - lastRefresh > 30000) { inFlight = false; }  // an answer lost
    if (!el || !window.htmx || document.hidden || inFlight || navigator.onLine === false) { return; }
    if (document.body.getAttribute("data-copy") === "offline") { return; }
    if (window.poeTaps && (window.poeTaps.isSignedOut() || window.poeTaps.isSending())) { return; }
    if (changesSent > 0 && Date.now() - changeSentAt < 30000) { return; }  // else: an answer lost
    changesSent = 0;
    lastRefresh = Date.now();
    inFlight = true;
    window.htmx.trigger(el, "live-refresh");
  }

  // ---- putting in what changed ----------------------------------------------------------------
  function busy(el) {
    if (window.poeTaps && window.poeTaps.waitingFor(el)) { return true; }
    if (el.querySelector(".is-queued, details[open]")) { return true; }
    var active = document.activeElement;
    return !!(active && el.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  }

  function adopt(el) {
    var copy = document.importNode(el, true);
    return copy;
  }

  function redrawn(el) {
    if (window.htmx) { window.htmx.process(el); }
    el.dispatchEvent(new CustomEvent("poe:redrawn", { bubbles: true }));
  }

  function same(a, b) {
    var va = a.getAttribute("data-version");
    var vb = b.getAttribute("data-version");
    if (va !== null || vb !== null) { return va === vb; }
    return a.outerHTML === b.outerHTML;
  }

  // A row's version starts with the person's step and latest step event ("met.412.412.0"):
  // event ids only grow, so an answer older than what the row shows is never put back.
  function older(old, fresh) {
    var a = (old.getAttribute("data-version") || "").split(".");
    var b = (fresh.getAttribute("data-version") || "").split(".");
    return a.length > 1 && b.length > 1 && parseInt(b[1], 10) < parseInt(a[1], 10);
  }

  function replace(old, fresh) {
    if (same(old, fresh) || busy(old) || older(old, fresh)) { return old; }
    var copy = adopt(fresh);
    old.replaceWith(copy);
    redrawn(copy);
    return copy;
  }

  // The children with an id of ``list`` made to match ``freshItems`` (in order): new ones put in,
  // changed ones replaced, gone ones taken out — except those being worked on.
  function mergeList(list, freshItems, mergeItem, after) {
    var keep = {};
    var previous = after || null;
    freshItems.forEach(function (fresh) {
      keep[fresh.id] = true;
      var old = document.getElementById(fresh.id);
      if (!old || !list.contains(old)) {
        var copy = adopt(fresh);
        if (previous) { previous.after(copy); } else { list.insertBefore(copy, list.firstChild); }
        redrawn(copy);
        previous = copy;
        return;
      }
      previous = mergeItem(old, fresh);
    });
    Array.prototype.slice.call(list.children).forEach(function (child) {
      if (child.id && !keep[child.id] && child.matches(freshItems.selector) && !busy(child)) {
        child.remove();
      }
    });
  }

  function items(parent, selector) {
    var found = Array.prototype.slice.call(parent.querySelectorAll(selector));
    found.selector = selector.replace(/^:scope\s*>\s*/, "");
    return found;
  }

  function mergeBlock(old, fresh) {
    var heading = old.querySelector("h2");
    var freshHeading = fresh.querySelector("h2");
    if (heading && freshHeading && heading.textContent !== freshHeading.textContent) {
      heading.replaceWith(adopt(freshHeading));
    }
    var moves = old.querySelector(".case-moves-wrap");
    var freshMoves = fresh.querySelector(".case-moves-wrap");
    if (moves && freshMoves && !busy(old)) { replace(moves, freshMoves); }
    var list = old.querySelector("ul.people");
    var freshList = fresh.querySelector("ul.people");
    if (list && freshList) {
      mergeList(list, items(freshList, ":scope > li[id]"), replace, null);
    }
    return old;
  }

  function mergeFlight(live, fresh) {
    ["#flight-progress", "#live-updated"].forEach(function (selector) {
      var old = live.querySelector(selector);
      var now = fresh.querySelector(selector);
      if (old && now && old.outerHTML !== now.outerHTML) {
        var copy = adopt(now);
        old.replaceWith(copy);
        redrawn(copy);
      }
    });
    var blocks = items(fresh, ":scope > section.case-block");
    var oldBlocks = live.querySelectorAll(":scope > section.case-block");
    if (!blocks.length || !oldBlocks.length) {
      // Nobody to merge into (or nobody left): the whole list, unless someone is being tapped.
      if (Array.prototype.some.call(oldBlocks, busy)) { return; }
      var kept = Array.prototype.slice.call(live.querySelectorAll(":scope > section"));
      kept.forEach(function (el) { el.remove(); });
      Array.prototype.slice.call(fresh.querySelectorAll(":scope > section")).forEach(function (el) {
        var copy = adopt(el);
        live.appendChild(copy);
        redrawn(copy);
      });
      return;
    }
    mergeList(live, blocks, mergeBlock, live.querySelector("#flight-progress"));
    afterRedraw();
  }

  function mergeDay(live, fresh) {
    var updated = live.querySelector("#live-updated");
    var freshUpdated = fresh.querySelector("#live-updated");
    if (updated && freshUpdated) { updated.replaceWith(adopt(freshUpdated)); }
    var list = live.querySelector("ul.flight-list");
    var freshList = fresh.querySelector("ul.flight-list");
    if (!list || !freshList) {
      if (live.innerHTML !== fresh.innerHTML) {
        live.innerHTML = fresh.innerHTML;
        redrawn(live);
      }
      return;
    }
    mergeList(list, items(freshList, ":scope > li[id]"), replace, null);
  }

  // ---- after a row was redrawn: the family's message and the flight's count ---------------------
  // A row's version carries the id of the person's latest step event ("met.412.412.0"): newer
  // is larger, whichever tablet made it.
  function eventOf(el) {
    var id = parseInt((el.getAttribute("data-version") || "").split(".")[1], 10);
    return isNaN(id) ? 0 : id;
  }

  // A family's message ("Met: all 3 …", the answer to an "All N" tap) is about the family as it
  // was then (data-event: the newest step event of its people when it was said). Once a row of
  // the family shows a newer one — someone in it moved since, on this tablet or another — the
  // message is no longer true of the family and goes; that person's row says what happened.
  function dropStaleMessages() {
    document.querySelectorAll(".case-message[data-event]").forEach(function (message) {
      var block = message.parentElement && message.parentElement.closest("[data-case]");
      if (!block) { return; }
      var said = parseInt(message.getAttribute("data-event"), 10) || 0;
      var rows = block.querySelectorAll("[data-person][data-version]");
      if (Array.prototype.some.call(rows, function (row) { return eventOf(row) > said; })) {
        message.remove();
      }
    });
  }

  // "4 of 9 met · 2 cleared · 1 done": counted again here from each person's step, as the server
  // last drew it (#flight-progress data-people: id → [step, event]) or as a newer row shows it
  // (a tap's answer), with the figures each step counts in (data-figures, from
  // arrivals.queries.progress). So the count moves with the tap's answer, and the page's next
  // refresh (another tablet's taps) replaces the lot. People the "still to do" view leaves off
  // the page are still counted.
  function recount() {
    var progress = document.getElementById("flight-progress");
    var live = region();
    if (!progress || !live || !progress.hasAttribute("data-people")) { return; }
    var people, figures;
    try {
      people = JSON.parse(progress.getAttribute("data-people"));
      figures = JSON.parse(progress.getAttribute("data-figures"));
    } catch (e) { return; }
    live.querySelectorAll("[data-person][data-step]").forEach(function (row) {
      var known = people[row.getAttribute("data-person")];
      if (known && eventOf(row) > known[1]) { known[0] = row.getAttribute("data-step"); }
    });
    var counts = {};
    Object.keys(people).forEach(function (pk) {
      (figures[people[pk][0]] || []).forEach(function (name) { counts[name] = (counts[name] || 0) + 1; });
    });
    progress.querySelectorAll("[data-figure]").forEach(function (el) {
      var text = String(counts[el.getAttribute("data-figure")] || 0);
      if (el.textContent !== text) { el.textContent = text; }
    });
    progress.querySelectorAll("[data-figure-shown]").forEach(function (el) {
      el.hidden = !counts[el.getAttribute("data-figure-shown")];
    });
  }

  // Once per run of redraws (a refresh replaces many rows at once).
  var catchingUp = false;
  function afterRedraw() {
    if (catchingUp) { return; }
    catchingUp = true;
    Promise.resolve().then(function () {
      catchingUp = false;
      dropStaleMessages();
      recount();
    });
  }
  document.addEventListener("htmx:afterSettle", afterRedraw);
  document.addEventListener("poe:redrawn", afterRedraw);

  // The page's own refresh, told apart by the element that asked (htmx also tells an element's
  // nearest ancestor still on the page, here often the live region, about a request whose element
  // a swap took away).
  function isRefresh(event) {
    var config = event.detail.requestConfig;
    return !!config && config.elt === region();
  }

  function isChange(event) {
    var config = event.detail.requestConfig;
    return !!config && config.elt !== region() && String(config.verb || "get").toLowerCase() !== "get";
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    if (!isChange(event) || !event.detail.xhr) { return; }
    changesSent += 1;
    changeSentAt = Date.now();
    // Counted off when the answer is in and swapped, whatever became of the form that sent it.
    event.detail.xhr.addEventListener("loadend", function () {
      changesSent = Math.max(0, changesSent - 1);
      lastChangeAt = Date.now();
    });
  });

  ["htmx:sendError", "htmx:responseError"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (isRefresh(event)) { inFlight = false; }
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var live = region();
    if (!live || !isRefresh(event)) { return; }
    inFlight = false;
    if (!event.detail.successful || !event.detail.xhr) { return; }
    if ((window.poeTaps && window.poeTaps.answeredSince(lastRefresh)) || lastChangeAt >= lastRefresh ||
        changesSent > 0) {
      // A tap or a saved form was answered (or is on its way) while this was on its way: it may
      // show people and buttons as they were before. Ask again instead.
      lastRefresh = 0;
      return;
    }
    var parsed = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var fresh = parsed.getElementById(live.id);
    if (!fresh) { return; }
    if (live.id === "flight-live") { mergeFlight(live, fresh); } else { mergeDay(live, fresh); }
  });

  setInterval(function () {
    if (Date.now() - lastRefresh >= seconds() * 1000) { refresh(); }
  }, 1000);

  function catchUp() {
    if (!document.hidden && Date.now() - lastRefresh >= 2000) { refresh(); }
  }
  document.addEventListener("visibilitychange", catchUp);
  window.addEventListener("online", catchUp);
  document.addEventListener("poe:signed-in", function () { inFlight = false; refresh(); });
  // After a run of taps the counts and the other people's rows catch up at once.
  var drained = null;
  document.addEventListener("poe:queue-drained", function () {
    // At most one extra refresh every 5 s, however fast the taps come.
    clearTimeout(drained);
    drained = setTimeout(refresh, Math.max(300, lastRefresh + 5000 - Date.now()));
  });
}());
