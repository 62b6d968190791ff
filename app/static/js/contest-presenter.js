// Presenter screen (big screen): current pitch + timer, join QR, live bar chart, results reveal.
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root) { return; }
  var contestId = parseInt(root.getAttribute("data-contest-id"), 10);
  var stateUrl = root.getAttribute("data-state-url");
  var chart = document.getElementById("bar-chart");
  var entries = [];
  var pitch = null;
  var timerId = null;

  function label(name) { return root.getAttribute("data-label-" + name) || ""; }
  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }

  function ensureBars() {
    if (chart.childElementCount === entries.length) { return; }
    chart.textContent = "";
    entries.forEach(function (e) {
      var row = document.createElement("div");
      row.className = "bar-row";
      row.setAttribute("data-entry-id", e.id);
      var name = document.createElement("span"); name.className = "bar-label"; name.textContent = e.title;
      var track = document.createElement("span"); track.className = "bar-track";
      var bar = document.createElement("span"); bar.className = "bar";
      track.appendChild(bar);
      var count = document.createElement("span"); count.className = "bar-count"; count.textContent = "0";
      row.appendChild(name); row.appendChild(track); row.appendChild(count);
      chart.appendChild(row);
    });
  }
  function drawTally(t) {
    ensureBars();
    var counts = (t && t.counts) || {};
    var max = 1;
    Object.keys(counts).forEach(function (k) { max = Math.max(max, counts[k]); });
    entries.forEach(function (e) {
      var row = chart.querySelector('[data-entry-id="' + e.id + '"]');
      if (!row) { return; }
      var n = counts[String(e.id)] || 0;
      // CSSOM (allowed by the CSP, unlike style="" attributes): the bar scales with --share.
      row.querySelector(".bar").style.setProperty("--share", String(n / max));
      row.querySelector(".bar-count").textContent = String(n);
    });
    text("tally-total", t ? String(t.total) : "0");
    text("tally-version", t ? String(t.version) : "0");
    text("round-status", t ? (t.status === "open" ? label("open") : label("closed")) : label("none"));
  }
  function drawPitch(p) {
    pitch = p;
    var entry = entries.filter(function (e) { return p && e.id === p.entry_id; })[0];
    text("pitch-title", entry ? entry.title : label("no-pitch"));
    if (timerId) { clearInterval(timerId); timerId = null; }
    function tick() {
      if (!pitch || !pitch.started_at) { text("pitch-timer", "--:--"); return; }
      var left = Math.max(0, Math.round(pitch.seconds - (Date.now() - Date.parse(pitch.started_at)) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      text("pitch-timer", m + ":" + (s < 10 ? "0" : "") + s);
      var timer = document.getElementById("pitch-timer");
      if (timer) { timer.classList.toggle("timer-over", left === 0); }
    }
    tick();
    if (p && p.started_at) { timerId = setInterval(tick, 250); }
  }
  function showReveal() {
    window.Contest.getJSON("/api/v1/contests/" + contestId + "/results").then(function (data) {
      var list = document.getElementById("reveal-list");
      var w = data.formula || {};
      list.textContent = "";
      data.results.forEach(function (r) {
        var tr = document.createElement("tr");
        var cells = [String(r.rank), r.title,
          ((w.judges || 0) * (r.judge_score || 0)).toFixed(1),
          ((w.votes || 0) * (r.vote_share || 0)).toFixed(1),
          ((w.likes || 0) * (r.like_share || 0)).toFixed(1),
          r.total.toFixed(2)];
        cells.forEach(function (value, i) {
          var td = document.createElement(i === 1 ? "th" : "td");
          td.textContent = value;
          tr.appendChild(td);
        });
        list.appendChild(tr);
      });
      var sheets = document.getElementById("reveal-sheets");
      if (sheets && data.score_sheets) {  // "judges' part based on k of n score sheets"
        sheets.textContent = sheets.getAttribute("data-template")
          .replace("{done}", String(data.score_sheets.done)).replace("{expected}", String(data.score_sheets.expected));
        sheets.hidden = false;
      }
      document.getElementById("reveal").hidden = false;
      root.classList.add("is-revealed");  // the ranking takes the screen; the live chart steps aside
    }).catch(function () {});
  }
  function showClosed(revealed) {
    // Finalised: nobody can vote any more, so the pitch and the join code leave the screen and
    // it says that the results will be announced (until they are revealed).
    var grid = document.getElementById("presenter-grid");
    if (grid) { grid.parentNode.removeChild(grid); }
    document.getElementById("presenter-closed").hidden = !!revealed;
  }
  function onState(state) {
    entries = state.entries;
    if (state.contest.status === "finalized") { showClosed(state.contest.revealed); }
    chart.textContent = "";
    text("round-title", state.round ? state.round.title : label("none"));
    drawTally(state.tally);
    drawPitch(state.pitch);
    if (state.contest.revealed) { showReveal(); }
  }
  window.Contest.live(contestId, "viewer", stateUrl, {
    state: onState, tally: drawTally, pitch: drawPitch, reveal: showReveal,
    connection: function (up) { text("connection", up ? "" : label("offline")); }
  });
  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); } else { root.requestFullscreen(); }
  });
})();
