// The account and practice menus scroll sideways on phones: show the current page's entry.
(function () {
  var current = document.querySelector(".account-nav [aria-current]");
  if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "center" });
})();
