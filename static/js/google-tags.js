// Google tags for visitors who opted in. The page only includes this file after consent;
// Consent Mode v2 starts fully denied and is then updated to exactly what was allowed.
(function () {
  "use strict";
  var el = document.currentScript;
  var gaId = el.getAttribute("data-ga-id") || "";
  var adsId = el.getAttribute("data-ads-id") || "";
  var conversion = el.getAttribute("data-conversion") || "";
  // Lifetimes the cookie list and the policy state (the Ads conversion cookie: 30 days).
  var maxAge = {};
  maxAge[gaId] = parseInt(el.getAttribute("data-ga-cookie-max-age"), 10);
  maxAge[adsId] = parseInt(el.getAttribute("data-ads-cookie-max-age"), 10);
  window.dataLayer = window.dataLayer || [];
  function gtag() { window.dataLayer.push(arguments); }
  gtag("consent", "default", {
    ad_storage: "denied",
    ad_user_data: "denied",
    ad_personalization: "denied",
    analytics_storage: "denied",
    wait_for_update: 500
  });
  var ads = adsId ? "granted" : "denied";
  gtag("consent", "update", {
    analytics_storage: gaId ? "granted" : "denied",
    ad_storage: ads,
    ad_user_data: ads,
    ad_personalization: "denied"
  });
  var ids = [gaId, adsId].filter(Boolean);
  if (!ids.length) { return; }
  var script = document.createElement("script");
  script.async = true;
  script.src = "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(ids[0]);
  document.head.appendChild(script);
  gtag("js", new Date());
  ids.forEach(function (id) {
    // Host-only cookies (so withdrawal can delete them), shortened IP, no Google signals.
    gtag("config", id, {
      anonymize_ip: true,
      cookie_domain: "none",
      cookie_expires: maxAge[id],
      allow_google_signals: false,
      allow_ad_personalization_signals: false
    });
  });
  // Rendered only on a conversion page (signup completed) and only with marketing consent.
  if (conversion) { gtag("event", "conversion", { send_to: conversion }); }
})();
