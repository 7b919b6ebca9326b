// Copy buttons: <button data-copy="ID" data-copied="message" hidden> copies the text of the
// read-only input #ID and says so in [data-copy-status="ID"]. Without JavaScript the button
// stays hidden and the address can still be selected and copied by hand.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
    if (!field) return;
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      var done = function () { if (status) status.textContent = button.dataset.copied; };
      var byHand = function () {
        field.focus();
        field.select();
        if (document.execCommand("copy")) done();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, byHand);
      } else {
        byHand();
      }
    });
  });
})();
