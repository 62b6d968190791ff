// Site-wide behaviour. No inline scripts anywhere (CSP: script-src 'self').
(function () {
  "use strict";
  // Confirmation for destructive actions: <button data-confirm="...">
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
  // Expose the CSRF token for fetch() calls made by page scripts.
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.CSRF_TOKEN = meta ? meta.getAttribute("content") : "";
  window.postJSON = function (url, body, extraHeaders) {
    var headers = { "Content-Type": "application/json", "X-CSRFToken": window.CSRF_TOKEN, "Accept": "application/json" };
    Object.assign(headers, extraHeaders || {});
    return fetch(url, { method: "POST", headers: headers, credentials: "same-origin", body: JSON.stringify(body || {}) });
  };
})();
