// Organiser check-in: scan ticket QR codes with the camera (BarcodeDetector) and post the token
// to the check-in API. Without BarcodeDetector the text field (USB scanner / keyboard) still works.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box) { return; }
  var video = document.getElementById("scanner-video");
  var toggle = document.getElementById("scanner-toggle");
  var result = document.getElementById("checkin-result");
  var count = document.getElementById("checkin-count");
  var help = box.querySelector(".scanner-help");
  var stream = null, detector = null, busy = false, lastToken = "", lastAt = 0;

  function show(kind, text) {
    result.textContent = "";
    var div = document.createElement("div");
    div.className = "flash flash-" + kind;
    div.textContent = text;
    result.appendChild(div);
  }

  function send(token) {
    busy = true;
    window.postJSON(box.getAttribute("data-api"), { token: token }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (r) {
      if (r.ok) {
        show("success", box.getAttribute("data-msg-ok").replace("{name}", r.body.display_name));
        if (count) { count.textContent = String(parseInt(count.textContent, 10) + 1); }
      } else {
        show("error", (r.body.error && r.body.error.message) || box.getAttribute("data-msg-error"));
      }
    }).catch(function () {
      show("error", box.getAttribute("data-msg-error"));
    }).then(function () { busy = false; });
  }

  function scan() {
    if (!stream) { return; }
    if (!busy && video.readyState >= 2) {
      detector.detect(video).then(function (codes) {
        var now = Date.now();
        if (codes.length && (codes[0].rawValue !== lastToken || now - lastAt > 4000)) {
          lastToken = codes[0].rawValue; lastAt = now;
          send(lastToken);
        }
      }).catch(function () {});
    }
    window.requestAnimationFrame(scan);
  }

  function start() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; video.play();
      toggle.textContent = box.getAttribute("data-msg-stop");
      scan();
    }).catch(function () { show("error", box.getAttribute("data-msg-unsupported")); });
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null; video.hidden = true;
    toggle.textContent = box.getAttribute("data-msg-start");
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    toggle.hidden = false;
    toggle.addEventListener("click", function () { if (stream) { stop(); } else { start(); } });
  } else if (help) {
    help.textContent = box.getAttribute("data-msg-unsupported");
  }
})();
