// Desktop hand-off page: poll for photos arriving from the phone and list them live.
(function () {
  "use strict";
  var status = document.getElementById("handoff-status");
  var list = document.getElementById("handoff-arrivals");
  if (!status || !list) { return; }
  var url = status.getAttribute("data-arrivals-url");
  var seen = {};
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.images.forEach(function (image) {
          if (seen[image.id]) { return; }
          seen[image.id] = true;
          var item = document.createElement("li");
          item.textContent = "Photo received (taken " + new Date(image.captured_at).toLocaleString("en-AU") + ")";
          list.appendChild(item);
        });
        var count = data.images.length;
        if (count) {
          status.textContent = count + (count === 1 ? " photo" : " photos") + " received.";
        } else if (data.expired) {
          status.textContent = "The link has expired. Make a new one if you need it.";
        } else if (data.opened) {
          status.textContent = "The phone has opened capture. Waiting for photos…";
        }
        if (!data.expired || !count) { window.setTimeout(tick, 3000); }
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  tick();
})();
