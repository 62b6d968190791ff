// Moderator controls: reorder entries, pitch timer, add/open/close rounds, finalise, reveal.
(function () {
  "use strict";
  var root = document.getElementById("moderator");
  if (!root) { return; }
  var api = root.getAttribute("data-api");
  var contestId = parseInt(root.getAttribute("data-contest-id"), 10);
  var message = document.getElementById("mod-message");

  function show(text, kind) {
    message.hidden = false;
    message.className = "flash flash-" + (kind || "info");
    message.textContent = text;
  }
  function call(method, path, body) {
    var options = { method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.CSRF_TOKEN, "Accept": "application/json" } };
    if (body !== undefined) { options.body = JSON.stringify(body); }
    return fetch(api + path, options).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error((data.error && data.error.message) || ("HTTP " + r.status)); }
        return data;
      });
    });
  }
  function reloadAfter(promise) {
    promise.then(function () { window.location.reload(); }).catch(function (e) { show(e.message, "error"); });
  }
  var entries = document.getElementById("mod-entries");
  if (entries) {
    entries.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) { return; }
      var li = button.closest("li");
      var action = button.getAttribute("data-action");
      if (action === "pitch") {
        call("POST", "/pitch", { entry_id: parseInt(li.getAttribute("data-entry-id"), 10) })
          .then(function () { show(li.querySelector(".entry-title").textContent); })
          .catch(function (e) { show(e.message, "error"); });
        return;
      }
      if (action === "up" && li.previousElementSibling) { entries.insertBefore(li, li.previousElementSibling); }
      if (action === "down" && li.nextElementSibling) { entries.insertBefore(li.nextElementSibling, li); }
      var ids = Array.prototype.map.call(entries.children, function (x) { return parseInt(x.getAttribute("data-entry-id"), 10); });
      call("PUT", "/entries/order", { entry_ids: ids }).catch(function (e) { show(e.message, "error"); });
    });
  }
  var stop = document.getElementById("stop-pitch");
  if (stop) { stop.addEventListener("click", function () { call("POST", "/pitch", { entry_id: null }).catch(function (e) { show(e.message, "error"); }); }); }
  document.querySelectorAll("tr[data-round-id] button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.closest("tr").getAttribute("data-round-id");
      var action = button.getAttribute("data-action");
      if (action === "close" && !window.confirm(root.getAttribute("data-confirm-close"))) { return; }
      reloadAfter(call("POST", "/rounds/" + id + "/" + action));
    });
  });
  var form = document.getElementById("new-round");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var method = data.get("method");
    var body = { title: data.get("title"), method: method, eligibility: data.getAll("eligibility") };
    if (method === "approval") { body.max_choices = parseInt(data.get("max_choices"), 10); }
    reloadAfter(call("POST", "/rounds", body));
  });
  var finalize = document.getElementById("finalize");
  if (finalize) {
    finalize.addEventListener("click", function () {
      // With score sheets missing the API refuses (409) unless the moderator ticked the confirmation.
      var confirmIncomplete = document.getElementById("confirm-incomplete");
      var body = { confirm_incomplete_scores: Boolean(confirmIncomplete && confirmIncomplete.checked) };
      if (window.confirm(root.getAttribute("data-confirm-finalize"))) { reloadAfter(call("POST", "/finalize", body)); }
    });
  }
  var reveal = document.getElementById("reveal");
  if (reveal) { reveal.addEventListener("click", function () { reloadAfter(call("POST", "/reveal")); }); }
  // Live vote counts next to the open round.
  if (window.io) {
    window.Contest.live(contestId, "moderator", api + "/state", {
      state: function () {},
      tally: function (t) {
        var cell = document.querySelector('[data-round-count="' + t.round_id + '"]');
        if (cell) { cell.textContent = String(t.total); }
      }
    });
  }
})();
