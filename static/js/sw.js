// The tablet's service worker, served at /sw.js (poe_ops.views.app.service_worker) so that it
// controls every page. It keeps the last copy of each port day and flight page the tablet opened,
// and shows it when there is no network, marked as a copy (the page then says "as of HH:MM").
// Nothing else is kept: no case pages, no searches, nothing posted — taps wait in IndexedDB
// (static/js/taps.js), not here. Static files (styles, scripts, icons) are kept so that a kept
// page still looks and works as it should. The pages are forgotten at sign-out.
"use strict";

var PAGES = "poe-pages-v1";
var ASSETS = "poe-assets-v1";
var KEPT_PAGE = /^\/ports\/[A-Z0-9]{3}\/(today|flights\/\d+)\/$/;
var NETWORK_WAIT_MS = 8000;  // a slow airport network: after this, the kept copy is shown

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== PAGES && name !== ASSETS;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(ASSETS).then(function (cache) {
      return Promise.all(data.urls.filter(function (url) {
        return typeof url === "string" && url.indexOf("/static/") === 0;
      }).map(function (url) {
        return cache.match(url).then(function (found) { return found || cache.add(url); });
      }));
    }).catch(function () { /* offline: next time */ }));
  } else if (data.type === "keep-page" && typeof data.url === "string") {
    // A page opened before this worker controlled it (the first one after installing).
    var url = new URL(data.url, self.location.origin);
    if (url.origin === self.location.origin && KEPT_PAGE.test(url.pathname)) {
      event.waitUntil(fetch(url.pathname + url.search, { credentials: "same-origin" }).then(function (response) {
        return keep(url, response);
      }).catch(function () { /* offline: next time */ }));
    }
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  }
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow network")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

function markedAsCopy(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.set("X-POE-Copy", "offline");
    return new Response(html.replace('data-copy="live"', 'data-copy="offline"'), {
      status: 200,
      headers: headers,
    });
  });
}

function notKept(url) {
  var html = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>No network · POE Ops</title><link rel="stylesheet" href="/static/css/poe.css"></head>' +
    '<body><main id="main" class="page"><section class="panel error-panel">' +
    "<h1>No network</h1><p>This page was not opened on this tablet while it was online, so there " +
    "is no copy of it here. The port's day and the flights you opened are kept: go back to them." +
    '</p><p><a class="button" href="/">Go to my start page</a></p></section></main></body></html>';
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function keep(url, response) {
  // Only the page itself, for a signed-in user: not the sign-in page it may redirect to.
  var signedOut = response.redirected && new URL(response.url).pathname.indexOf("/accounts/login/") === 0;
  if (!response.ok || signedOut || response.type !== "basic") { return Promise.resolve(); }
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) { return cache.put(url.pathname + url.search, copy); });
}

function keptPage(request) {
  var url = new URL(request.url);
  var network = fetch(request).then(function (response) {
    keep(url, response);
    return response;
  });
  return withTimeout(network, NETWORK_WAIT_MS).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(url.pathname + url.search);
    }).then(function (found) {
      if (found) { return markedAsCopy(found); }
      return network.catch(function () { return notKept(url); });
    });
  });
}

function asset(request) {
  // From the network while there is one (hashed names in production make that the browser's
  // own cache anyway), kept for when there is none.
  return caches.open(ASSETS).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) { cache.put(request, response.clone()); }
      return response;
    }, function () {
      return cache.match(request).then(function (found) { return found || Response.error(); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && KEPT_PAGE.test(url.pathname)) {
    event.respondWith(keptPage(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return notKept(url); }));
  }
});
