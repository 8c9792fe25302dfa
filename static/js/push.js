// Web Push on the private page (templates/signups/mine.html): shows the "tell me here"
// choice only where the browser can take notifications (a secure page with a service worker
// and PushManager), asks for permission when the person taps it, subscribes with the
// server's VAPID key and sends the subscription to the server with the page's CSRF token.
(function () {
  "use strict";
  var section = document.querySelector(".push-choice");
  if (!section) return;
  var button = section.querySelector(".push-on");
  if (!button) return; // already on: the server shows the "no more" form, no script needed
  var capable = window.isSecureContext && "serviceWorker" in navigator &&
    "PushManager" in window && "Notification" in window;
  if (!capable || Notification.permission === "denied") return;
  section.hidden = false;

  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function problem(text) {
    var line = section.querySelector(".push-problem");
    line.textContent = text;
    line.hidden = false;
    button.disabled = false;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission().then(function (answer) {
      if (answer !== "granted") throw new Error("denied");
      return navigator.serviceWorker.register("/sw.js").then(function () {
        return navigator.serviceWorker.ready;
      });
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(section.dataset.key)
      });
    }).then(function (subscription) {
      var form = new FormData();
      form.append("csrf_token", section.dataset.csrf);
      form.append("subscription", JSON.stringify(subscription));
      return fetch(section.dataset.url, { method: "POST", body: form, credentials: "same-origin" });
    }).then(function (response) {
      if (!response.ok) return response.json().then(function (answer) { throw new Error(answer.error); });
      window.location.reload();
    }).catch(function (error) {
      problem(error && error.message === "denied" ? section.dataset.denied : section.dataset.failed);
    });
  });
})();
