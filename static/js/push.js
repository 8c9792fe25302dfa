// Web Push on the private page (templates/signups/mine.html): shows the "tell me here"
// choice only where the browser can take notifications (a secure page with a service worker
// and PushManager), asks for permission when the person taps it, subscribes with the
// server's VAPID key and sends the subscription to the server with the page's CSRF token.
// A browser that cannot reach its push service may never answer the subscribe: after
// SLOW_MS the person is told it did not work (the subscribe still goes on, and if it does
// finish the page is updated).
(function () {
  "use strict";
  var SLOW_MS = 20000;
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
    var slow = window.setTimeout(function () { problem(section.dataset.failed); }, SLOW_MS);
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
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          throw new Error(answer.error || "failed"); // the server's words, in the page's language
        });
      }
      window.clearTimeout(slow);
      window.location.reload();
    }).catch(function (error) {
      window.clearTimeout(slow);
      var said = error && error.message;
      if (said === "denied") problem(section.dataset.denied);
      else if (said && said !== "failed" && error.name === "Error") problem(said);
      else problem(section.dataset.failed);
    });
  });
})();
