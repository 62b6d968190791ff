// Shared by the contest screens: live updates over Socket.IO, state over HTTP only when needed.
//
// One state per connect: the `join` acknowledgement carries the whole state; the page fetches
// GET .../state only when the join gave none or the socket has not joined within JOIN_WAIT_MS.
// A `round` event carries the contest's shared state, so a thousand screens apply it at once
// without fetching. A fetch that must happen waits a small random delay first, and a 503 is
// retried after its Retry-After plus jitter. The server re-sends each round's tally every few
// seconds (a heartbeat); a screen that hears nothing for SILENCE_MS resyncs over HTTP.
(function () {
  "use strict";
  var JOIN_WAIT_MS = 3000;
  var SILENCE_MS = 10000;
  var SPREAD_MS = 1500;

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function retryDelay(seconds) { var s = seconds > 0 ? seconds : 2; return s * 1000 * (1 + Math.random()); }

  function getJSON(url, tries) {
    tries = tries === undefined ? 5 : tries;
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 503 && tries > 0) {
          return wait(retryDelay(parseFloat(r.headers.get("Retry-After")))).then(function () { return getJSON(url, tries - 1); });
        }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      });
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function eligibleFor(round, modes) {
    return !!(round && round.status === "open" && (round.eligibility || []).some(function (m) { return modes.indexOf(m) >= 0; }));
  }

  // live(contestId, role, stateUrl, handlers): handlers.state(state), .tally(t), .pitch(p), .reveal(), .connection(up);
  // handlers.paced: this page shows only the vote count, so the server may pace its tallies (the phones)
  function live(contestId, role, stateUrl, handlers) {
    var lastVersion = -1;
    var current = null;
    var joined = false;
    var lastHeard = Date.now();
    var pendingResync = null;

    function applyState(state) {
      current = state;
      lastVersion = state.tally ? state.tally.version : -1;
      lastHeard = Date.now();
      handlers.state(state);
    }
    function resync() { return getJSON(stateUrl).then(applyState).catch(function () {}); }
    function resyncSoon() {   // spread the fetches of many screens over SPREAD_MS
      if (pendingResync) { return; }
      pendingResync = setTimeout(function () { pendingResync = null; resync(); }, Math.random() * SPREAD_MS);
    }
    function applyShared(shared) {   // a `round` event: the shared state; this voter's own part is kept
      var mine = current || {};
      var sameRound = !!(mine.round && shared.round && mine.round.id === shared.round.id);
      var modes = mine.qualifies || [];
      var merged = {};
      Object.keys(shared).forEach(function (k) { merged[k] = shared[k]; });
      merged.my_ballot = sameRound ? mine.my_ballot : null;
      merged.liked = mine.liked || [];
      merged.qualifies = modes;
      merged.eligible = eligibleFor(shared.round, modes);
      applyState(merged);
    }

    var socket = window.io("/contests", { transports: ["websocket", "polling"] });
    function join() {
      var ask = { contest_id: contestId, role: role };
      if (handlers.paced) { ask.tally = "paced"; }
      socket.emit("join", ask, function (answer) {
        if (answer && answer.state) { joined = true; applyState(answer.state); return; }
        if (answer && answer.error && answer.error.code === "busy") {
          setTimeout(join, retryDelay(answer.error.retry_after));
          return;
        }
        resyncSoon();
      });
    }
    socket.on("connect", function () {
      if (handlers.connection) { handlers.connection(true); }
      join();
    });
    socket.on("disconnect", function () { if (handlers.connection) { handlers.connection(false); } });
    // A server with no database connection free refuses the connect with {code: "busy"}; the
    // client does not retry a refusal by itself, so connect again after Retry-After plus jitter.
    socket.on("connect_error", function (err) {
      if (err && err.data && err.data.code === "busy") {
        setTimeout(function () { socket.connect(); }, retryDelay(err.data.retry_after));
      }
    });
    socket.on("tally", function (t) {
      lastHeard = Date.now();
      if (!current) { return; }
      var shownRound = current.round ? current.round.id : null;
      if ((t.round_id || null) !== shownRound) { resyncSoon(); return; }   // the heartbeat says we missed a round
      if (t.round_id === undefined || t.round_id === null) { return; }
      if (t.version < lastVersion && t.status === "open") { return; }  // an older update arrived late
      lastVersion = t.version;
      current.tally = t;
      if (current.round && t.status && current.round.status !== t.status) {   // closed meanwhile
        current.round.status = t.status;
        current.eligible = current.eligible && t.status === "open";
        handlers.state(current);
        return;
      }
      if (handlers.tally) { handlers.tally(t); }
    });
    socket.on("round", function (payload) {
      lastHeard = Date.now();
      if (payload && payload.entries) { applyShared(payload); } else { resyncSoon(); }
    });
    socket.on("pitch", function (p) { if (handlers.pitch) { handlers.pitch(p); } });
    socket.on("reveal", function () { if (handlers.reveal) { handlers.reveal(); } else { resyncSoon(); } });
    setTimeout(function () { if (!joined) { resync(); } }, JOIN_WAIT_MS);
    // A screen that missed broadcasts (Redis or the network down) catches up over HTTP.
    setInterval(function () {
      if (!socket.connected || Date.now() - lastHeard > SILENCE_MS) { lastHeard = Date.now(); resyncSoon(); }
    }, 5000);
    return { socket: socket, resync: resync, state: function () { return current; } };
  }
  window.Contest = { getJSON: getJSON, newKey: newKey, live: live, retryDelay: retryDelay, wait: wait };
})();
