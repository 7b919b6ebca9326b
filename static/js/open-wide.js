// Sections marked data-open-wide (e.g. the directory's filters) start folded on phones, where
// they would fill the first screen, and open on wider screens. Without JavaScript they are
// folded unless a filter is active, and a tap opens them.
(function () {
  if (!window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.open = true;
  });
})();
