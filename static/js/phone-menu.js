// The phone menu (header.html) is a <details>, so it opens without JavaScript too. Here its
// summary becomes a real button that tells whether the menu is open (aria-expanded) and
// controls the links; Escape or a tap outside closes it.
(function () {
  "use strict";
  var menu = document.querySelector("details[data-phone-menu]");
  if (!menu) return;
  var summary = menu.querySelector("summary");
  var links = menu.querySelector("nav");
  var button = document.createElement("button");
  button.type = "button";
  button.className = summary.className;
  while (summary.firstChild) button.appendChild(summary.firstChild);
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", links.id);
  var wrapper = document.createElement("div");
  wrapper.className = menu.className;
  links.hidden = true;
  wrapper.appendChild(button);
  wrapper.appendChild(links);
  menu.replaceWith(wrapper);

  function toggle(open) {
    button.setAttribute("aria-expanded", String(open));
    links.hidden = !open;
  }
  button.addEventListener("click", function () {
    toggle(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !links.hidden) {
      toggle(false);
      button.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!links.hidden && !wrapper.contains(event.target)) toggle(false);
  });
})();
