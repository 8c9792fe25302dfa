// Signups kept on the phone until the server has them. A signup form's submit is sent with
// fetch; if there is no network the signup waits in IndexedDB (available over plain HTTP
// too) and is sent again on the `online` event, on the next page load, every half minute
// while the page is open, and by the service worker's Background Sync where there is one.
// Each signup carries an idempotency key made here, so the server stores it once however
// often it arrives. The service worker loads this file too (importScripts), for `flush`.
(function (scope) {
  "use strict";
  var DB = "motesplats";
  var STORE = "signups";
  var SYNC_TAG = "motesplats-signups";
  var KEEP_DONE_MS = 14 * 24 * 3600 * 1000;  // a sent signup's link stays listed two weeks

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function objects(mode) {
    var opening = indexedDB.open(DB, 1);
    opening.onupgradeneeded = function () { opening.result.createObjectStore(STORE, { keyPath: "key" }); };
    return done(opening).then(function (db) {
      var transaction = db.transaction(STORE, mode);
      transaction.oncomplete = transaction.onabort = function () { db.close(); };
      return transaction.objectStore(STORE);
    });
  }

  function put(entry) { return objects("readwrite").then(function (s) { return done(s.put(entry)); }); }
  function remove(key) { return objects("readwrite").then(function (s) { return done(s.delete(key)); }); }
  function all() {
    return objects("readonly").then(function (s) { return done(s.getAll()); });
  }

  // 144 random bits as URL-safe base64: crypto.getRandomValues works without HTTPS.
  function newKey() {
    var bytes = scope.crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  }

  // One attempt. Resolves with the server's answer ({ok, url} or {ok: false, problems,
  // retry}); rejects when the server could not be reached or failed, so it is tried again.
  function send(entry) {
    return fetch(entry.action, {
      method: "POST",
      body: new URLSearchParams(entry.fields),
      credentials: "same-origin",
      headers: { "X-Motesplats-Request": "signup", "Accept": "application/json" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.status >= 500 || (!json && response.status !== 404)) throw new Error(response.status);
      if (!json) return { ok: false, problems: [], retry: false };  // the activity is gone
      return response.json();
    });
  }

  // Sends every waiting signup, oldest first. Resolves with how many still wait.
  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = all().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state === "waiting"; })
        .sort(function (a, b) { return a.created - b.created; });
      var left = 0;
      return waiting.reduce(function (previous, entry) {
        return previous.then(function () {
          return send(entry).then(function (answer) {
            if (!answer.ok && answer.retry) { left += 1; return null; }
            entry.state = answer.ok ? "sent" : "refused";
            entry.url = answer.url || null;
            entry.problems = answer.problems || [];
            entry.fields = null;  // the name and phone leave the phone's storage once answered
            entry.answered = Date.now();
            return put(entry);
          }, function () { left += 1; });
        });
      }, Promise.resolve()).then(function () { return left; });
    });
    var reset = function () { flushing = null; };
    flushing.then(reset, reset);
    return flushing;
  }

  scope.MotesplatsQueue = { put: put, remove: remove, all: all, send: send, flush: flush, newKey: newKey, SYNC_TAG: SYNC_TAG };
  if (!scope.document || !scope.indexedDB || !scope.fetch) return;  // the service worker, or an old browser

  // ---- on the pages ----
  var document = scope.document;
  var section = document.querySelector("[data-queue]");

  function fill(template, value) { return (template || "%(what)s").replace("%(what)s", value); }

  function render() {
    if (!section) return Promise.resolve();
    return all().then(function (entries) {
      var now = Date.now();
      entries = entries.filter(function (e) {
        if (e.state !== "waiting" && now - (e.answered || 0) > KEEP_DONE_MS) { remove(e.key); return false; }
        return true;
      });
      var list = section.querySelector("ul");
      list.textContent = "";
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "queue-" + entry.state;
        item.setAttribute("data-key", entry.key);
        var text = document.createElement("span");
        var template = section.getAttribute("data-" + entry.state);
        var what = entry.what + (entry.state === "refused" && entry.problems.length ? " – " + entry.problems.join(" ") : "");
        text.textContent = fill(template, what);
        item.appendChild(text);
        if (entry.url) {
          var link = document.createElement("a");
          link.href = entry.url;
          link.className = "chip";
          link.textContent = section.getAttribute("data-open");
          item.appendChild(link);
        }
        if (entry.state !== "waiting") {
          var close = document.createElement("button");
          close.type = "button";
          close.className = "chip";
          close.textContent = section.getAttribute("data-dismiss");
          close.addEventListener("click", function () { remove(entry.key).then(render); });
          item.appendChild(close);
        }
        list.appendChild(item);
      });
      section.hidden = entries.length === 0;
    }).catch(function () { /* storage switched off: nothing to show */ });
  }

  function askBackgroundSync() {
    if (!scope.isSecureContext || !navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(SYNC_TAG);
    }).catch(function () { /* the page's own retries remain */ });
  }

  // The form this page shows, if any: after an offline submit it waits for its own answer.
  var form = document.querySelector("form[data-signup-form]");
  var pendingKey = null;

  function retry() {
    return flush().then(function () {
      return render().then(function () {
        if (!pendingKey) return;
        return all().then(function (entries) {
          entries.forEach(function (e) {
            if (e.key === pendingKey && e.state === "sent" && e.url) scope.location.assign(e.url);
          });
        });
      });
    }).catch(function () { /* storage switched off */ });
  }

  function showProblems(problems) {
    var box = document.querySelector(".problems");
    if (!box) {
      box = document.createElement("div");
      box.className = "problems";
      box.setAttribute("role", "alert");
      box.appendChild(document.createElement("ul"));
      form.parentNode.insertBefore(box, form);
    }
    var list = box.querySelector("ul");
    list.textContent = "";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p;
      list.appendChild(item);
    });
    box.scrollIntoView({ block: "center" });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var keyField = form.querySelector("input[name=idempotency_key]");
      if (!keyField) {
        keyField = document.createElement("input");
        keyField.type = "hidden";
        keyField.name = "idempotency_key";
        form.appendChild(keyField);
      }
      if (!keyField.value) keyField.value = newKey();
      var fields = {};
      new FormData(form).forEach(function (value, name) { fields[name] = value; });
      var entry = {
        key: keyField.value,
        action: form.action || scope.location.href,
        fields: fields,
        what: form.getAttribute("data-what") || document.title,
        created: Date.now(),
        state: "waiting"
      };
      button.disabled = true;
      send(entry).then(function (answer) {
        if (answer.ok) { scope.location.assign(answer.url); return; }
        button.disabled = false;
        showProblems(answer.problems.length ? answer.problems : [form.getAttribute("data-network-error")]);
      }, function () {
        // No answer: keep it on the phone. If the server did get it, the replay finds it.
        put(entry).then(function () {
          pendingKey = entry.key;
          form.hidden = true;
          var note = document.querySelector("[data-queued-note]");
          if (note) { note.hidden = false; note.scrollIntoView({ block: "center" }); }
          askBackgroundSync();
          render();
        }, function () {
          button.disabled = false;
          showProblems([form.getAttribute("data-network-error")]);
        });
      });
    });
  }

  scope.addEventListener("online", retry);
  setInterval(function () { all().then(function (entries) {
    if (entries.some(function (e) { return e.state === "waiting"; })) retry();
  }).catch(function () {}); }, 30000);
  retry();
})(self);
