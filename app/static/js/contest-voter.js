// Voter page (phone first): entries, vote buttons, receipt, likes. Ballots go over the page's
// socket (HTTP POST as the fallback), with an Idempotency-Key; a retry of the same choice returns
// the same receipt.
(function () {
  "use strict";
  var root = document.getElementById("voter");
  if (!root) { return; }
  var contestId = parseInt(root.getAttribute("data-contest-id"), 10);
  var stateUrl = root.getAttribute("data-state-url");
  var ballotUrl = root.getAttribute("data-ballot-url");
  var likeUrl = root.getAttribute("data-like-url");
  var list = document.getElementById("voter-entries");
  var receipt = document.getElementById("receipt");
  var banner = document.getElementById("round-banner");
  var sendBox = document.getElementById("voter-send");
  var sendButton = document.getElementById("send-approval");
  var count = document.getElementById("vote-count");
  var current = null;     // the state
  var pending = null;     // {choices, key}: kept until acknowledged, so a retry reuses the key
  var selected = [];

  function label(name) { return root.getAttribute("data-label-" + name) || ""; }
  function sameChoices(a, b) { return a.slice().sort().join(",") === b.slice().sort().join(","); }

  // A ballot goes over the socket the page already holds (acknowledged once it is committed);
  // over HTTP when the socket is down, drops before the answer, or gives none within
  // ACK_GIVE_UP_MS. While the socket stays connected the page keeps waiting (checking every
  // ACK_CHECK_MS): under load a late answer is normal, and a second copy over HTTP would only add
  // to the load. Both carry the same Idempotency-Key, so a ballot sent both ways is counted once
  // and gets one receipt.
  var ACK_CHECK_MS = 4000;
  var ACK_GIVE_UP_MS = 20000;
  function accepted(body) {
    pending = null;
    current.my_ballot = { receipt: body.receipt, choices: body.choices };
    render();
  }
  function refused(error) {
    receipt.textContent = (error && error.message) || label("error");
    pending = null;
  }
  function sendHttp(url, choices, key, tries) {
    window.postJSON(url, { choices: choices }, { "Idempotency-Key": key }).then(function (r) {
      if (r.status === 503 && tries > 0) {
        return window.Contest.wait(window.Contest.retryDelay(parseFloat(r.headers.get("Retry-After"))))
          .then(function () { sendHttp(url, choices, key, tries - 1); });
      }
      return r.json().then(function (body) { if (r.ok) { accepted(body); } else { refused(body.error); } });
    }).catch(function () { receipt.textContent = label("error"); });  // same key on the next tap
  }
  function send(choices) {
    if (!current || !current.round) { return; }
    if (!pending || !sameChoices(pending.choices, choices)) {
      pending = { choices: choices, key: window.Contest.newKey() };
    }
    var key = pending.key;
    var url = ballotUrl.replace("/rounds/0/", "/rounds/" + current.round.id + "/");
    receipt.textContent = "…";
    var socket = conn && conn.socket;
    if (!socket || !socket.connected) { sendHttp(url, choices, key, 3); return; }
    var answered = false;
    var started = Date.now();
    var timer = null;
    function fallback() {
      if (answered) { return; }
      answered = true;
      clearTimeout(timer);
      socket.off("disconnect", fallback);
      sendHttp(url, choices, key, 3);
    }
    function check() {
      if (answered) { return; }
      if (!socket.connected || Date.now() - started >= ACK_GIVE_UP_MS) { fallback(); return; }
      timer = setTimeout(check, ACK_CHECK_MS);
    }
    timer = setTimeout(check, ACK_CHECK_MS);
    socket.once("disconnect", fallback);   // an answer never comes over a socket that dropped
    socket.emit("vote", { contest_id: contestId, round_id: current.round.id, choices: choices, idempotency_key: key },
      function (answer) {
        if (answered) { return; }
        answered = true;
        clearTimeout(timer);
        socket.off("disconnect", fallback);
        if (answer && answer.ok) { accepted(answer); return; }
        var error = answer && answer.error;
        if (error && (error.code === "busy" || error.code === "unauthorized" || error.code === "server_error")) {
          var delay = error.code === "busy" ? window.Contest.retryDelay(error.retry_after) : 0;
          setTimeout(function () { sendHttp(url, choices, key, 3); }, delay);
          return;
        }
        refused(error);
      });
  }

  function like(entryId, liked) {
    var url = likeUrl.replace("/entries/0/", "/entries/" + entryId + "/");
    var options = { method: liked ? "DELETE" : "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": window.CSRF_TOKEN, "Accept": "application/json" } };
    fetch(url, options).then(function (r) { return r.json(); }).then(function (body) {
      if (body.error) { receipt.textContent = body.error.message; return; }
      current.liked = current.liked.filter(function (id) { return id !== entryId; });
      if (body.liked) { current.liked.push(entryId); }
      current.likes[String(entryId)] = body.likes;
      render();
    }).catch(function () {});
  }

  // How many votes are in (not per entry: the results are the presenter's to show). The server
  // sends phones the tally at most once a second while ballots keep coming, and at once when
  // they pause.
  function showCount() {
    var t = current.tally;
    var shown = current.round && current.round.status !== "draft" && t && t.round_id === current.round.id;
    count.hidden = !shown;
    if (shown) { count.textContent = label("count").replace("{n}", (t.total || 0).toLocaleString()); }
  }

  function render() {
    showCount();
    var round = current.round;
    var open = round && round.status === "open";
    var approval = open && round.method === "approval";
    var mine = current.my_ballot ? current.my_ballot.choices : [];
    if (!round) { banner.textContent = label("waiting"); }
    else if (!open) { banner.textContent = round.title + " — " + label("closed"); }
    else if (!current.eligible) { banner.textContent = round.title + " — " + label("ineligible"); }
    else if (approval) { banner.textContent = round.title + " — " + label("choose").replace("{n}", round.max_choices); }
    else { banner.textContent = round.title; }
    list.textContent = "";
    current.entries.forEach(function (e) {
      var li = document.createElement("li");
      li.className = "voter-entry" + (mine.indexOf(e.id) >= 0 ? " chosen" : "");
      var title = document.createElement("span"); title.className = "entry-title"; title.textContent = e.title;
      li.appendChild(title);
      var orgName = (document.documentElement.lang === "en" && e.org_en) ? e.org_en : e.org;
      if (e.title !== e.org && e.title !== e.org_en) {   // an entry invited without a solution is named after its startup
        var org = document.createElement("span"); org.className = "entry-org"; org.textContent = orgName;
        li.appendChild(org);
      }
      var name = e.title;
      if (open && current.eligible) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "button vote-button";
        b.setAttribute("data-entry-id", e.id);
        b.setAttribute("aria-label", label("vote-for").replace("{entry}", name));   // not a row of identical "Vote"s
        if (approval) {
          var on = selected.indexOf(e.id) >= 0;
          if (on) {   // the tick is decoration: aria-pressed says it is chosen
            var tick = document.createElement("span"); tick.setAttribute("aria-hidden", "true"); tick.textContent = "✓ ";
            b.appendChild(tick);
          }
          b.appendChild(document.createTextNode(label("vote")));
          b.setAttribute("aria-pressed", on ? "true" : "false");
          b.addEventListener("click", function () {
            var i = selected.indexOf(e.id);
            if (i >= 0) { selected.splice(i, 1); } else if (selected.length < round.max_choices) { selected.push(e.id); }
            render();
          });
        } else {
          b.textContent = label("vote");
          b.addEventListener("click", function () { send([e.id]); });
        }
        li.appendChild(b);
      }
      var liked = current.liked.indexOf(e.id) >= 0;
      var l = document.createElement("button");
      l.type = "button"; l.className = "button secondary like-button";
      l.setAttribute("aria-pressed", liked ? "true" : "false");
      // "Like 3" on screen; "Like 3 for <entry>" read out (the visible text starts the name, WCAG 2.5.3)
      l.textContent = (liked ? label("liked") : label("like")) + " " + (current.likes[String(e.id)] || 0);
      var forEntry = document.createElement("span"); forEntry.className = "visually-hidden";
      forEntry.textContent = " " + label("like-for").replace("{entry}", name);
      l.appendChild(forEntry);
      l.addEventListener("click", function () { like(e.id, liked); });
      li.appendChild(l);
      list.appendChild(li);
    });
    sendBox.hidden = !(approval && current.eligible);
    sendButton.textContent = label("send");
    sendButton.disabled = selected.length === 0;
    if (current.my_ballot) { receipt.textContent = label("voted") + " " + current.my_ballot.receipt; }
    else if (receipt.textContent === "…") { receipt.textContent = ""; }
  }
  sendButton.addEventListener("click", function () { if (selected.length) { send(selected.slice()); } });

  var conn = window.Contest.live(contestId, "viewer", stateUrl, {
    paced: true,
    state: function (state) {
      var roundChanged = !current || !state.round || !current.round || current.round.id !== state.round.id;
      current = state;
      if (roundChanged) { selected = state.my_ballot ? state.my_ballot.choices.slice() : []; }
      render();
    },
    tally: function () { showCount(); }
  });
})();
