/* Signature boxes (cases/widgets/signature.html): sign with a finger on a canvas; the drawing is
   sent as a PNG data URL in the hidden input beside it. Uses the vendored signature_pad
   (static/js/vendor/signature_pad-5.1.4.umd.min.js, loaded first). No inline script, no eval:
   it runs under the site's strict Content-Security-Policy. */
(function () {
  "use strict";

  function setUp(box) {
    var canvas = box.querySelector("canvas");
    var input = box.querySelector("input[type=hidden]");
    var state = box.querySelector("[data-signature-state]");
    var pad = new window.SignaturePad(canvas, {
      penColor: "#111827",
      minWidth: 1,
      maxWidth: 2.8,
    });

    function show() {
      var signed = !pad.isEmpty();
      box.classList.toggle("is-signed", signed);
      state.textContent = signed ? "Signed." : "Not signed yet.";
    }

    function keep() {
      input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
      show();
    }

    // The canvas is drawn at the screen's pixel density; turning the tablet redraws the strokes.
    function fit() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      if (strokes.length) {
        pad.fromData(strokes);
      }
      keep();
    }

    pad.addEventListener("endStroke", keep);
    box.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      keep();
      canvas.focus();
    });
    window.addEventListener("resize", fit);
    var form = box.closest("form");
    if (form) {
      form.addEventListener("submit", keep);
    }
    fit();
  }

  function start() {
    document.querySelectorAll("[data-signature]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
