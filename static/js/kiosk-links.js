// On the kiosk no tap leaves the board: a link to another host (a map, a web site, a share
// link) opens a dialog with its QR code, "scan with your phone"; a phone number is shown
// large, to call from one's own phone. Phones are untouched: they follow links as usual.
// The kiosk browser's managed policy (install.sh --kiosk) blocks other hosts as well.
(function () {
  "use strict";
  var dialog = document.querySelector("[data-elsewhere]");
  if (!dialog || !(window.motesplats && window.motesplats.kiosk)) return;
  var qr = dialog.querySelector("[data-elsewhere-qr]");
  var target = dialog.querySelector("[data-elsewhere-target]");
  var webText = dialog.querySelector("[data-elsewhere-web]");
  var telText = dialog.querySelector("[data-elsewhere-tel]");

  function show(url) {
    var tel = url.protocol === "tel:";
    var shown = tel ? decodeURIComponent(url.pathname) : url.href;
    webText.hidden = tel;
    telText.hidden = !tel;
    target.textContent = shown;
    target.classList.toggle("phone-number", tel);
    var drawable = tel || url.protocol === "https:" || url.protocol === "http:";
    qr.hidden = !drawable;
    if (drawable) qr.src = "/qr.svg?to=" + encodeURIComponent(url.href);
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
  }

  function close() {
    if (dialog.close) dialog.close(); else dialog.removeAttribute("open");
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href]");
    if (!link) return;
    var url;
    try { url = new URL(link.getAttribute("href"), location.href); } catch (err) { return; }
    if (url.origin === location.origin && (url.protocol === "http:" || url.protocol === "https:")) return;
    e.preventDefault();
    show(url);
  }, true);

  dialog.addEventListener("click", function (e) {
    if (e.target === dialog || (e.target.closest && e.target.closest("[data-elsewhere-close]"))) close();
  });
})();
