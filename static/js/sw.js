// SofaDoc's service worker: shows push messages (session reminders, new messages) and opens the
// message when one is clicked. It caches nothing.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "SofaDoc", {
    body: data.body || "",
    data: { url: data.url || "/messages/" },
    icon: "/static/img/favicon.svg"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/messages/";
  // Only paths on this site: a push never opens another address.
  if (url.charAt(0) !== "/" || url.charAt(1) === "/") { url = "/messages/"; }
  event.waitUntil(self.clients.openWindow(url));
});
