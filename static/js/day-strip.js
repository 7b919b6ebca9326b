// The practice page's day strip: picking a day (or a date in the strip) shows its free times
// from slots.json in place, instead of loading the whole page again. Without JavaScript, or if
// the request fails, the day's link renders that day on the server.
(function () {
  "use strict";
  var panel = document.querySelector("[data-day-strip]");
  if (!panel || !window.fetch || !window.URLSearchParams) return;
  var data = panel.dataset;
  var times = panel.querySelector("[data-times]");
  var heading = panel.querySelector("[data-day-heading]");
  var picker = panel.querySelector(".day-picker");
  var clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit", minute: "2-digit", timeZone: data.zone
  });
  var asked = 0;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function render(slots) {
    if (!slots.length) {
      return element("p", { "class": "muted" }, data.empty);
    }
    var list = element("ul", { "class": "slots" });
    slots.forEach(function (start) {
      var link = element("a", {
        "class": "slot", rel: "nofollow", href: data.bookUrl + "?start=" + encodeURIComponent(start)
      });
      link.appendChild(element("time", { datetime: start }, clock.format(new Date(start))));
      link.appendChild(element("span", { "class": "visually-hidden" }, " " + data.bookLabel));
      var item = element("li", {});
      item.appendChild(link);
      list.appendChild(item);
    });
    return list;
  }

  function show(day) {
    var query = new URLSearchParams({ type: data.type, start: day.dataset.day, days: "1", tz: data.zone });
    var mine = ++asked;
    panel.setAttribute("aria-busy", "true");
    fetch(data.slotsUrl + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("slots.json answered " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (mine !== asked) return;  // a later pick is on its way
        times.replaceChildren(render(answer.slots));
        heading.textContent = day.dataset.label;
        panel.querySelectorAll(".strip-day[aria-current]").forEach(function (current) {
          current.removeAttribute("aria-current");
        });
        day.setAttribute("aria-current", "true");
        if (picker) picker.elements.day.value = day.dataset.day;
        history.replaceState(null, "", day.href);
        panel.removeAttribute("aria-busy");
      })
      .catch(function () { window.location.assign(day.href); });
  }

  panel.addEventListener("click", function (event) {
    var day = event.target.closest("a[data-day]");
    if (!day || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    show(day);
  });
  // A date inside the strip with free times is shown in place; any other loads its own page.
  if (picker) {
    picker.addEventListener("submit", function (event) {
      var day = panel.querySelector('a[data-day="' + picker.elements.day.value + '"]');
      if (!day) return;
      event.preventDefault();
      show(day);
    });
  }
})();
