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
// - private and volunteers' pages are never kept;
// - on the kiosk, every page it can show (the board in every language and filter, every
//   activity page, the signup forms, the directory, help: /kiosk/pages.json) is fetched and
//   kept in a cache of its own when the board changes, so the kiosk stays whole when its
//   server does not answer. Those fetches send no cookie, so they never change the kiosk's
//   language.
/* global SHELL, MotesplatsQueue */
"use strict";
importScripts(SHELL.queue);

var SHELL_CACHE = "motesplats-shell-" + SHELL.version;
var PAGES_CACHE = "motesplats-pages";
var PAGES_KEPT = 60;
var KIOSK_CACHE = "motesplats-kiosk";
var KIOSK_KEPT = 1200;
var KIOSK_VERSION = "/__kiosk-version";
var NETWORK_WAIT_MS = 6000;
var KEPT_PAGES = [/^\/$/, /^\/a\/[^/]+$/, /^\/a\/[^/]+\/[^/]+\/signup$/, /^\/organisations(\/[^/]+)?$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE)
    .then(function (cache) { return cache.addAll(SHELL.precache); })
    .then(function () { return self.skipWaiting(); })
    .catch(function (error) {
      // A shell file did not come (a busy or restarting server): leave no half-filled
      // cache behind; the browser tries this worker again at the next page load.
      return caches.delete(SHELL_CACHE).then(function () { throw error; });
    }));
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
// Only the very page asked for (language and filters included: a Swedish unfiltered board
// is not what someone who tapped "العربية" or "women" wants); a plain address may fall back
// to a kept copy with a query.
function keptPage(request) {
  var plain = new URL(request.url).search === "";
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      return hit || caches.open(KIOSK_CACHE).then(function (kiosk) { return kiosk.match(request.url); });
    }).then(function (hit) {
      return hit || (plain ? cache.match(request.url, { ignoreSearch: true }) : undefined);
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

// A copy of a page to keep, marked with when the server made it (its Date header; the
// device's clock only without one).
function savedCopy(response) {
  return response.text().then(function (body) {
    var headers = new Headers(response.headers);
    var made = new Date(response.headers.get("Date") || Date.now());
    headers.set("X-Saved-At", (isNaN(made) ? new Date() : made).toISOString());
    return new Response(body, { status: 200, headers: headers });
  });
}

function keep(request, response) {
  return savedCopy(response).then(function (copy) {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.delete(request.url)
        .then(function () { return cache.put(request.url, copy); })
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

// The kiosk's pages, fetched one after another (the server serves people first) when the
// list's version differs from the one kept last time.
function warmKiosk(list, version) {
  return caches.open(KIOSK_CACHE).then(function (cache) {
    return cache.match(KIOSK_VERSION).then(function (hit) { return hit ? hit.text() : ""; })
      .then(function (have) {
        if (have === version) return;
        return list.slice(0, KIOSK_KEPT).reduce(function (previous, path) {
          return previous.then(function () {
            var url = new URL(path, self.location.origin);
            if (url.origin !== self.location.origin) return;
            return fetch(url.href, { credentials: "omit" }).then(function (response) {
              if (worthKeeping(response)) {
                return savedCopy(response).then(function (copy) { return cache.put(url.href, copy); });
              }
            }).catch(function () { /* the server went away meanwhile: keep what we have */ });
          });
        }, Promise.resolve()).then(function () {
          return cache.put(KIOSK_VERSION, new Response(version));
        });
      });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "kiosk-warm" && Array.isArray(data.pages)) {
    event.waitUntil(warmKiosk(data.pages, String(data.version || "")));
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

// Web Push (kiosk.messaging.web_push): the same message an SMS would carry, in the person's
// language. One notification per message key (`tag`), so a message sent twice shows once;
// touching it opens the private page.
var RTL_LANGUAGES = ["ar", "fa_AF", "fa"];
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  if (!data.body) return;
  var lang = String(data.lang || "");
  event.waitUntil(self.registration.showNotification("Mötesplats", {
    body: String(data.body).slice(0, 500),
    tag: String(data.tag || ""),
    lang: lang.replace("_", "-"),
    dir: RTL_LANGUAGES.indexOf(lang) >= 0 ? "rtl" : "ltr",
    icon: "/static/icons/icon-192.png",
    data: { url: String(data.url || "/") }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.openWindow(target.href));
});
