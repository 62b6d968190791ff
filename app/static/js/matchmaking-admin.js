// Matchmaking admin: poll the progress of the latest index rebuild (no inline script: CSP).
(function () {
  "use strict";
  var box = document.getElementById("reindex");
  if (!box) return;
  var bar = document.getElementById("mm-progress");
  var text = document.getElementById("mm-progress-text");
  var url = box.getAttribute("data-progress-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var run = data.run;
        if (!run) return;
        bar.max = Math.max(run.total, 1);
        bar.value = run.done;
        text.textContent = run.status + " " + run.done + "/" + run.total;
        if (run.status === "queued" || run.status === "running") setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
