// Web push per device: registers the service worker (/sw.js), subscribes with the site's VAPID
// key and sends the subscription to the server; "off" unsubscribes and tells the server.
(function () {
  "use strict";
  var el = document.currentScript;
  var on = document.querySelector("[data-push-on]");
  var off = document.querySelector("[data-push-off]");
  var status = document.querySelector("[data-push-status]");
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !on) { return; }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    });
  }
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function show(subscription) {
    status.hidden = false;
    if (Notification.permission === "denied") {
      status.textContent = el.getAttribute("data-denied-text");
      on.hidden = off.hidden = true;
      return;
    }
    status.textContent = el.getAttribute(subscription ? "data-on-text" : "data-off-text");
    on.hidden = !!subscription;
    off.hidden = !subscription;
  }

  navigator.serviceWorker.register(el.getAttribute("data-worker"), { scope: "/" }).then(function (reg) {
    reg.pushManager.getSubscription().then(show);
    on.addEventListener("click", function () {
      reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(el.getAttribute("data-key")) })
        .then(function (subscription) {
          return post(el.getAttribute("data-subscribe"), subscription.toJSON()).then(function (response) {
            if (!response.ok) { subscription.unsubscribe(); throw new Error("refused"); }
            window.location.reload();
          });
        })
        .catch(function () { show(null); });
    });
    off.addEventListener("click", function () {
      reg.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) { return show(null); }
        post(el.getAttribute("data-unsubscribe"), { endpoint: subscription.endpoint }).then(function () {
          subscription.unsubscribe().then(function () { window.location.reload(); });
        });
      });
    });
  });
})();
