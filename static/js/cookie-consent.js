// Enhances the server-rendered cookie banner: "Settings" opens the options in place and the
// footer's "Cookie settings" reopens the banner. Without JavaScript both are plain links.
(function () {
  "use strict";
  var banner = document.querySelector("[data-cookie-banner]");
  if (!banner) { return; }
  var options = banner.querySelector("[data-cookie-options]");
  var toggle = banner.querySelector("[data-cookie-options-toggle]");

  // Global Privacy Control: tell the server even where the browser sends no Sec-GPC header.
  if (navigator.globalPrivacyControl === true) {
    banner.querySelectorAll("form").forEach(function (form) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "gpc";
      input.value = "1";
      form.appendChild(input);
    });
    var marketing = banner.querySelector("input[name=marketing]");
    if (marketing) { marketing.checked = false; }
  }

  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    options.hidden = !options.hidden;
    toggle.setAttribute("aria-expanded", String(!options.hidden));
  });

  document.querySelectorAll("[data-cookie-settings]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      banner.hidden = false;
      options.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      banner.querySelector("button").focus();
    });
  });
})();
