// Desktop hand-off page: poll for photos arriving from the phone and list them live,
// until the link has expired and no photo can still come through it.
(function () {
  "use strict";
  var status = document.getElementById("handoff-status");
  var list = document.getElementById("handoff-arrivals");
  var renew = document.getElementById("handoff-renew");
  if (!status || !list) { return; }
  var url = status.getAttribute("data-arrivals-url");
  var EXPIRED = "This link has expired; make a new one.";
  var seen = {};

  function photos(count) {
    return count + (count === 1 ? " photo" : " photos") + " received.";
  }

  function show(data) {
    data.images.forEach(function (image) {
      if (seen[image.id]) { return; }
      seen[image.id] = true;
      var item = document.createElement("li");
      // The time comes formatted on the facility's clock, not this PC's.
      item.textContent = "Photo received (taken " + image.captured_at_local + ")";
      list.appendChild(item);
    });
    var count = data.images.length;
    if (data.expired) {
      status.textContent = count ? photos(count) + " " + EXPIRED : EXPIRED;
      if (renew) { renew.hidden = false; }
      // A dead code left on screen would only be scanned and refused.
      document.querySelectorAll("[data-handoff-live]").forEach(function (el) {
        el.remove();
      });
    } else if (count) {
      status.textContent = photos(count);
    } else if (data.opened) {
      status.textContent = "The phone has opened capture. Waiting for photos…";
    }
  }

  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        show(data);
        // Stop once nothing more can arrive: the link expired (and any upload it let
        // start has had time to finish).
        if (!data.finished) { window.setTimeout(tick, 3000); }
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  tick();
})();
