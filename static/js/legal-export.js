// Polls an export bundle's status and shows its progress until it is ready or failed.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) { return; }
  var bar = document.getElementById("export-bar");
  var url = box.getAttribute("data-status-url");

  function label(status) {
    return status.charAt(0).toUpperCase() + status.slice(1);
  }

  function show(data) {
    ["status", "progress", "images_done", "images_total"].forEach(function (name) {
      var el = box.querySelector('[data-field="' + name + '"]');
      if (el) { el.textContent = name === "status" ? label(data.status) : data[name]; }
    });
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    if (data.status === "ready") {
      box.querySelector("[data-ready]").hidden = false;
    }
    return data.status === "queued" || data.status === "building";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (show(data)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  poll();
})();
