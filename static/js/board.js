// Mötesplats board: the clock, dimming finished activities, updating the board in place
// when its data changes, saying so when the server cannot be reached, and on the kiosk
// itself: back to the home board after a while without a touch, no text selection, no
// zoom, no context menu. Where the browser allows a service worker (https, or localhost on
// the kiosk) it registers one (static/js/sw.js); a page that worker served from its cache
// says since when. No framework, no network other than this server.
(function () {
  "use strict";
  var html = document.documentElement;
  var body = document.body;
  var lang = html.lang || "sv";
  var zone = body.getAttribute("data-tz") || undefined;  // the municipality's, not the device's
  var version = null;

  // The kiosk is the browser on the server's own screen, which opens http://localhost:8080/,
  // or any browser told so once with ?kiosk=1 (undone with ?kiosk=0). Phones reach the
  // server by its LAN address or name and keep pinch zoom and text selection.
  var params = new URLSearchParams(location.search);
  try {
    if (params.get("kiosk") === "1") localStorage.setItem("motesplats-kiosk", "1");
    if (params.get("kiosk") === "0") localStorage.removeItem("motesplats-kiosk");
  } catch (e) { /* storage may be off */ }
  var kiosk = location.hostname === "localhost" ||
    (function () { try { return localStorage.getItem("motesplats-kiosk") === "1"; } catch (e) { return false; } })();

  function hhmm(date) {
    try {
      return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hour12: false,
        numberingSystem: "latn", timeZone: zone });
    } catch (e) {
      return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
    }
  }

  function tick() {
    var now = new Date();
    var clock = document.querySelector("[data-clock]");
    if (clock) clock.textContent = hhmm(now);
    document.querySelectorAll(".card[data-end]").forEach(function (card) {
      card.classList.toggle("ended", new Date(card.getAttribute("data-end")) < now);
    });
  }

  // Replace the parts of the page that carry data, without a reload flash.
  function refresh() {
    return fetch(location.href, { cache: "no-cache", credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        ["main", ".filters", "[data-offline]"].forEach(function (selector) {
          var old = document.querySelector(selector);
          var replacement = fresh.querySelector(selector);
          if (old && replacement) old.replaceWith(replacement);
        });
        tick();
      });
  }

  // Set by the service worker on a page it kept: when it was saved.
  var savedAt = html.getAttribute("data-saved-at");

  function savedText() {
    var saved = new Date(savedAt);
    if (isNaN(saved)) return null;
    var when = hhmm(saved);
    if (saved.toDateString() !== new Date().toDateString()) {
      try {
        when = saved.toLocaleDateString(lang, { weekday: "long", day: "numeric", month: "long",
          numberingSystem: "latn", timeZone: zone }) + " " + when;
      } catch (e) { /* the time alone */ }
    }
    var text = (kiosk && body.getAttribute("data-saved-text-kiosk")) || body.getAttribute("data-saved-text");
    return (text || "%(time)s").replace("%(time)s", when);
  }

  function setOffline(isOffline) {
    if (!isOffline && savedAt) { location.reload(); return; }  // back online: the fresh page
    var banner = document.querySelector("[data-offline]");
    if (banner) banner.hidden = !isOffline;
  }

  if (savedAt) {
    var banner = document.querySelector("[data-offline]");
    var text = savedText();
    if (banner && text) {
      banner.textContent = text;
      banner.hidden = false;
    }
    // "online" only means a network is there (a hall's Wi-Fi without internet, or a
    // browser's own bookkeeping): reload only once this server really answers.
    window.addEventListener("online", function () {
      fetch("/api/board-version", { cache: "no-store" })
        .then(function (r) { if (r.ok) setOffline(false); })
        .catch(function () { /* still offline */ });
    });
  }

  if (window.isSecureContext && "serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the pages work without */ });
  }

  // News of the board, by long polling /api/board-version. Asked without a token it
  // answers at once; asked with ?since=<token> the server answers when the token changes
  // (a volunteer saved, someone signed up, midnight) or after `wait` seconds. After an
  // answer the board asks again at once with the new token (after `again_in` seconds when
  // the server had no room to wait; after 2 s when it answered at once without news, never
  // a tight loop); after a network error after 5 s, doubling up to 30 s, with the offline
  // bar shown meanwhile. The version moves on only once the fresh board is on screen.
  var waitMs = 25000;
  var backoff = 0;
  var timer = null;

  function ask(since) {
    var url = "/api/board-version" + (since ? "?since=" + encodeURIComponent(since) : "");
    var controller = window.AbortController ? new AbortController() : null;
    var limit = controller ? setTimeout(function () { controller.abort(); }, waitMs + 10000) : null;
    return fetch(url, { cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        clearTimeout(limit);
        setOffline(false);
        if (data.wait > 0) waitMs = data.wait * 1000;
        data.changed = !!version && data.version !== version;
        if (!data.changed) { version = data.version; return data; }
        return refresh().then(function () { version = data.version; return data; });
      }, function (error) { clearTimeout(limit); throw error; });
  }

  function listen(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var started = Date.now();
      ask(version).then(function (data) {
        backoff = 0;
        var quick = Date.now() - started < 2000;
        listen(data.again_in > 0 ? data.again_in * 1000 : (data.changed || !quick) ? 0 : 2000);
      }, function () {
        setOffline(true);
        backoff = Math.min(backoff ? backoff * 2 : 5000, 30000);
        listen(backoff);
      });
    }, delay);
  }

  // One question answered at once (the "is the server back?" check, also for tests).
  function poll() {
    ask(null).catch(function () { setOffline(true); });
  }

  function startKiosk() {
    html.classList.add("kiosk");
    // No pinch zoom: board.css (.kiosk body, touch-action: pan-x pan-y) and the kiosk's
    // Chromium (--disable-pinch) see to it. Not the viewport tag: desktop Chromium ignores
    // user-scalable=no, and axe (WCAG 1.4.4) rightly refuses it on any page.
    document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    var idleMs = (parseInt(body.getAttribute("data-idle"), 10) || 90) * 1000;
    var home = body.getAttribute("data-home") || "/";
    var timer = null;
    function atHome() { return location.pathname + location.search === home; }
    function arm() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (atHome()) { window.scrollTo(0, 0); var m = document.querySelector("main"); if (m) m.scrollTop = 0; arm(); }
        else location.assign(home);
      }, idleMs);
    }
    ["pointerdown", "touchstart", "keydown", "wheel"].forEach(function (name) {
      document.addEventListener(name, arm, { passive: true });
    });
    arm();
  }

  // Number steppers on the signup form (big + and − for touch screens).
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-step]");
    if (button) {
      var input = document.getElementById(button.getAttribute("data-for"));
      var next = (parseInt(input.value, 10) || 0) + parseInt(button.getAttribute("data-step"), 10);
      input.value = Math.max(0, Math.min(next, parseInt(input.max, 10) || 99));
    }
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });

  // Phones: the language bar is one row that scrolls sideways (board.css); the chosen
  // language is scrolled into it (only sideways: the page keeps its own scroll position).
  var langbar = document.querySelector(".langbar");
  var chosen = langbar && langbar.querySelector('[aria-current="true"]');
  if (chosen && langbar.scrollWidth > langbar.clientWidth) {
    var bar = langbar.getBoundingClientRect();
    var pill = chosen.getBoundingClientRect();
    if (pill.left < bar.left || pill.right > bar.right) {
      langbar.scrollLeft += pill.left - bar.left - (bar.width - pill.width) / 2;
    }
  }

  // A private signup page's "undo the cancellation" lasts a minute: gone when its time is up
  // (the server refuses it after that anyway).
  Array.prototype.forEach.call(document.querySelectorAll("[data-expires-in]"), function (box) {
    var seconds = parseInt(box.getAttribute("data-expires-in"), 10) || 0;
    setTimeout(function () { box.hidden = true; }, seconds * 1000);
  });

  // Volunteers' form: the "new place…" fields appear only when "new…" is chosen.
  Array.prototype.forEach.call(document.querySelectorAll(".new-fields[data-for]"), function (box) {
    var select = document.getElementById(box.getAttribute("data-for"));
    if (!select) return;
    function sync() { box.hidden = select.value !== "__new__"; }
    select.addEventListener("change", sync);
    sync();
  });

  tick();
  setInterval(tick, 15000);
  if (kiosk) startKiosk();
  if (body.classList.contains("board")) listen(0);
  window.motesplats = { poll: poll, refresh: refresh, kiosk: kiosk,
    version: function () { return version; } };
})();
