// Shared by the contest screens: state over HTTP, live updates over Socket.IO, and resync.
(function () {
  "use strict";
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  // live(contestId, role, stateUrl, handlers): handlers.state(state), .tally(t), .round(r), .pitch(p), .reveal()
  function live(contestId, role, stateUrl, handlers) {
    var lastVersion = -1;
    function applyState(state) {
      if (state.tally) { lastVersion = state.tally.version; }
      handlers.state(state);
    }
    function resync() { return getJSON(stateUrl).then(applyState).catch(function () {}); }
    var socket = window.io("/contests", { transports: ["websocket", "polling"] });
    socket.on("connect", function () {
      if (handlers.connection) { handlers.connection(true); }
      socket.emit("join", { contest_id: contestId, role: role }, function (answer) {
        if (answer && answer.state) { applyState(answer.state); } else { resync(); }
      });
    });
    socket.on("disconnect", function () { if (handlers.connection) { handlers.connection(false); } });
    socket.on("tally", function (t) {
      if (t.version < lastVersion && t.status === "open") { return; }  // an older update arrived late
      lastVersion = t.version;
      if (handlers.tally) { handlers.tally(t); }
    });
    socket.on("round", function () { resync(); });
    socket.on("pitch", function (p) { if (handlers.pitch) { handlers.pitch(p); } });
    socket.on("reveal", function () { if (handlers.reveal) { handlers.reveal(); } else { resync(); } });
    resync();
    // A viewer that missed broadcasts (Redis or network down) catches up over HTTP.
    setInterval(function () { if (!socket.connected) { resync(); } }, 5000);
    return { socket: socket, resync: resync };
  }
  window.Contest = { getJSON: getJSON, newKey: newKey, live: live };
})();
