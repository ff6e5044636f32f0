// The store page's camera scan (progressive enhancement): where the browser can read codes itself
// (BarcodeDetector) and has a camera, show the camera button; a code read fills the field and sends the form,
// as a USB scanner would. Elsewhere nothing changes: the field and the scanner do the work. No library.
(function () {
  "use strict";
  var box = document.getElementById("camera");
  var form = document.getElementById("scan-form");
  if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var field = form.querySelector("input[name=q]");
  var video = document.getElementById("camera-view");
  var status = document.getElementById("camera-status");
  var start = document.getElementById("camera-start");
  box.hidden = false;

  function say(name) { status.textContent = box.dataset[name] || ""; }

  function stop(stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }

  function watch(detector, stream) {
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        stop(stream);
        field.value = codes[0].rawValue;
        form.submit();
        return;
      }
      window.setTimeout(function () { watch(detector, stream); }, 250);
    }, function () { stop(stream); say("refused"); });
  }

  start.addEventListener("click", function () {
    say("starting");
    window.BarcodeDetector.getSupportedFormats().then(function (supported) {
      var wanted = ["qr_code", "code_128"].filter(function (f) { return supported.indexOf(f) >= 0; });
      if (!wanted.length) { throw new Error("no format"); }
      var detector = new window.BarcodeDetector({ formats: wanted });
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () { say("aim"); watch(detector, stream); });
      });
    }).catch(function () { say("refused"); });
  });
}());
