// Remembers the browser's IANA time zone in a first-party cookie so the server can show
// times in the visitor's zone (strictly necessary for showing bookable times correctly).
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var current = document.cookie.split("; ").filter(function (c) { return c.indexOf("sofadoc_tz=") === 0; })[0];
  var value = encodeURIComponent(zone);
  if (current !== "sofadoc_tz=" + value) {
    document.cookie = "sofadoc_tz=" + value + "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  var field = document.querySelector('input[name="time_zone"][type="hidden"]');
  if (field && !field.value) { field.value = zone; }
})();
