// Mötesplats board: the clock, dimming finished activities, reloading when the board
// changes, and saying so when the server cannot be reached. No framework, no network
// other than this server.
(function () {
  "use strict";
  var clock = document.querySelector("[data-clock]");
  var offline = document.querySelector("[data-offline]");
  var offlineSince = document.querySelector("[data-offline-since]");
  var lang = document.documentElement.lang || "sv";
  var version = null;
  var lostAt = null;

  function hhmm(date) {
    try {
      return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hour12: false, numberingSystem: "latn" });
    } catch (e) {
      return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
    }
  }

  function tick() {
    var now = new Date();
    if (clock) clock.textContent = hhmm(now);
    document.querySelectorAll(".card[data-end]").forEach(function (card) {
      card.classList.toggle("ended", new Date(card.getAttribute("data-end")) < now);
    });
  }

  function poll() {
    fetch("/api/board-version", { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        if (lostAt) { lostAt = null; offline.hidden = true; }
        if (version && data.version !== version) { location.reload(); }
        version = data.version;
      })
      .catch(function () {
        if (!lostAt) {
          lostAt = new Date();
          offlineSince.textContent = hhmm(lostAt);
        }
        offline.hidden = false;
      });
  }

  tick();
  setInterval(tick, 15000);
  if (document.body.classList.contains("board")) {
    poll();
    setInterval(poll, 30000);
  }
})();
