// Mötesplats service worker. Hand-written, no build step, nothing from other hosts.
// `/sw.js` (kiosk.web.pwa) puts one line before this file: SHELL = {version, precache, queue,
// languages, default}. A new deployment has a new version, so the browser installs a new
// worker, which keeps the new app shell and deletes the old one.
//
// - app shell (CSS, scripts, icons, the offline page in six languages): kept at install;
// - static files: from the cache first, the network only for what is not there;
// - the board, activity pages and signup forms: from the network first, a copy kept; when
//   the network fails (or is slower than NETWORK_WAIT_MS) the copy is shown, marked with
//   the time it was saved so the page can say "you are offline, saved HH:MM";
// - private and volunteers' pages are never kept.
/* global SHELL, MotesplatsQueue */
"use strict";
importScripts(SHELL.queue);

var SHELL_CACHE = "motesplats-shell-" + SHELL.version;
var PAGES_CACHE = "motesplats-pages";
var PAGES_KEPT = 60;
var NETWORK_WAIT_MS = 6000;
var KEPT_PAGES = [/^\/$/, /^\/a\/[^/]+$/, /^\/a\/[^/]+\/[^/]+\/signup$/, /^\/organisations(\/[^/]+)?$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE)
    .then(function (cache) { return cache.addAll(SHELL.precache); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("motesplats-shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function language(url) {
  var asked = url.searchParams.get("lang");
  var wanted = [asked].concat(self.navigator.languages || []);
  for (var i = 0; i < wanted.length; i++) {
    var code = (wanted[i] || "").replace("-", "_");
    for (var j = 0; j < SHELL.languages.length; j++) {
      var known = SHELL.languages[j];
      if (code === known || code.split("_")[0] === known) return known;
    }
  }
  return SHELL.default;
}

function offlinePage(url) {
  return caches.match("/offline/" + language(url)).then(function (page) {
    return page || Response.error();
  });
}

// A kept page, with the moment it was saved written on its <html> element.
function keptPage(request) {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      return hit || cache.match(request.url, { ignoreSearch: true });
    });
  }).then(function (hit) {
    if (!hit) return null;
    var saved = hit.headers.get("X-Saved-At") || "";
    return hit.text().then(function (body) {
      var headers = new Headers(hit.headers);
      headers.delete("Content-Length");
      return new Response(body.replace("<html ", '<html data-saved-at="' + saved + '" '),
        { status: 200, headers: headers });
    });
  });
}

function keep(request, response) {
  return response.text().then(function (body) {
    var headers = new Headers(response.headers);
    // When the server made the page (its Date header; the device's clock only without one).
    var made = new Date(response.headers.get("Date") || Date.now());
    headers.set("X-Saved-At", (isNaN(made) ? new Date() : made).toISOString());
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.delete(request.url)
        .then(function () { return cache.put(request.url, new Response(body, { status: 200, headers: headers })); })
        .then(function () { return cache.keys(); })
        .then(function (keys) {  // oldest first: forget the pages not opened for longest
          return Promise.all(keys.slice(0, Math.max(0, keys.length - PAGES_KEPT)).map(function (k) { return cache.delete(k); }));
        });
    });
  });
}

function worthKeeping(response) {
  var rules = response.headers.get("Cache-Control") || "";
  return response.status === 200 && response.type === "basic" && !/no-store|private/.test(rules);
}

function networkFirst(event, url) {
  return new Promise(function (resolve) {
    var answered = false;
    function answer(response) { if (!answered && response) { answered = true; resolve(response); } }
    var network = fetch(event.request).then(function (response) {
      if (worthKeeping(response)) event.waitUntil(keep(event.request, response.clone()));
      answer(response);
    });
    network.catch(function () {
      keptPage(event.request).then(function (kept) { return kept || offlinePage(url); }).then(answer);
    });
    setTimeout(function () { keptPage(event.request).then(answer); }, NETWORK_WAIT_MS);
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.status === 200 && response.type === "basic") {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }, function () {  // offline, and this version is not kept: an older one is better than none
      return caches.match(request, { ignoreSearch: true }).then(function (older) { return older || Response.error(); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (request.mode === "navigate") {
    var kept = KEPT_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
    if (kept) event.respondWith(networkFirst(event, url));
    else event.respondWith(fetch(request).catch(function () { return offlinePage(url); }));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/offline/") === 0) {
    event.respondWith(cacheFirst(request));
  }
});

// Background Sync: send signups made offline once the phone is online again. Rejecting
// while some still wait makes the browser try again later, with its own backoff.
self.addEventListener("sync", function (event) {
  if (event.tag !== MotesplatsQueue.SYNC_TAG) return;
  event.waitUntil(MotesplatsQueue.flush().then(function (left) {
    if (left > 0) throw new Error(left + " signups still wait");
  }));
});
