// Zoom for the image page's preview: buttons, + / - / 0 keys, double-click to toggle.
// The frame scrolls, so once zoomed the arrow keys and touch pan the image.
(function () {
  "use strict";
  var frame = document.getElementById("zoom-frame");
  var image = document.getElementById("zoom-image");
  var label = document.getElementById("zoom-level");
  if (!frame || !image) { return; }
  var STEPS = [1, 1.5, 2, 3, 4, 6, 8];
  var step = 0;

  function apply() {
    var scale = STEPS[step];
    image.style.width = (scale * 100) + "%";
    image.style.maxWidth = "none";
    frame.classList.toggle("zoomed", scale > 1);
    frame.setAttribute("data-scale", String(scale));
    if (label) { label.textContent = Math.round(scale * 100) + "%"; }
  }

  function zoom(direction) {
    if (direction === "in") { step = Math.min(step + 1, STEPS.length - 1); }
    else if (direction === "out") { step = Math.max(step - 1, 0); }
    else { step = 0; }
    apply();
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () { zoom(button.getAttribute("data-zoom")); });
  });
  frame.addEventListener("keydown", function (event) {
    if (event.key === "+" || event.key === "=") { zoom("in"); event.preventDefault(); }
    else if (event.key === "-") { zoom("out"); event.preventDefault(); }
    else if (event.key === "0") { zoom("reset"); event.preventDefault(); }
  });
  image.addEventListener("dblclick", function () { zoom(step === 0 ? "in" : "reset"); });
})();
