// onedoor's page script. Pages work without it; it adds confirmations and gives
// fetch() calls the CSRF token. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  // Forms marked data-confirm ask before they change anything.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  // onedoor.fetch is fetch with the session's CSRF token on state changes.
  window.onedoor = {
    fetch: function (url, opts) {
      opts = opts || {};
      opts.credentials = "same-origin";
      opts.headers = Object.assign({ "X-CSRF-Token": csrf }, opts.headers || {});
      return window.fetch(url, opts);
    }
  };
})();
