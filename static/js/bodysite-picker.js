// Body-site picker: filter the coded list as you type; tap a spot on the diagram to choose.
(function () {
  "use strict";
  document.querySelectorAll("[data-bodysite-picker]").forEach(function (picker) {
    var select = picker.querySelector("[data-bodysite-select]");
    var search = picker.querySelector("[data-bodysite-search]");
    var chosen = picker.querySelector("[data-bodysite-chosen]");
    var form = picker.closest("form");
    var view = form ? form.querySelector("[name=view]") : null;
    var sensitive = form ? form.querySelector("[name=sensitivity]") : null;

    function show() {
      var option = select.options[select.selectedIndex];
      chosen.textContent = option && option.value ? "Chosen: " + option.text : "";
      picker.querySelectorAll(".spot").forEach(function (spot) {
        spot.classList.toggle("chosen", spot.getAttribute("data-code") === select.value);
      });
      // Intimate regions are proposed as sensitive; the user can still change it.
      if (sensitive && option && option.getAttribute("data-sensitive") === "1" && !sensitive.value) {
        sensitive.value = "intimate";
      }
    }
    function choose(spot) {
      select.value = spot.getAttribute("data-code");
      var map = spot.closest("svg");
      if (view && map) { view.value = map.getAttribute("data-view"); }
      show();
    }
    search.addEventListener("input", function () {
      var needle = search.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || !option.value || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
        if (match && option.value && !first) { first = option; }
      });
      if (needle && first) { select.value = first.value; show(); }
    });
    select.addEventListener("change", show);
    picker.querySelectorAll(".spot").forEach(function (spot) {
      spot.addEventListener("click", function () { choose(spot); });
      spot.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(spot); }
      });
    });
    show();
  });
})();
