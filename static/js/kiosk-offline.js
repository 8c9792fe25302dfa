// On the kiosk: ask the service worker to keep every page the kiosk can show
// (/kiosk/pages.json), so that it stays whole when its own server does not answer. The
// worker fetches them only when the list's version changed since the last time.
(function () {
  "use strict";
  if (!(window.motesplats && window.motesplats.kiosk) || !navigator.serviceWorker) return;
  function warm() {
    var worker = navigator.serviceWorker.controller;
    if (!worker) return;
    fetch("/kiosk/pages.json", { cache: "no-store", credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (list) { worker.postMessage({ type: "kiosk-warm", pages: list.pages, version: list.version }); })
      .catch(function () { /* the server does not answer: what is kept stays */ });
  }
  navigator.serviceWorker.ready.then(function () {
    if (navigator.serviceWorker.controller) warm();
    else navigator.serviceWorker.addEventListener("controllerchange", warm);
  });
  setInterval(warm, 5 * 60 * 1000);
})();
