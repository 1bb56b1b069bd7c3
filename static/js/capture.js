// The capture page: find the patient, take or choose photos, send each one with its own
// Idempotency-Key so a retry after a dropped connection can never store a photo twice.
(function () {
  "use strict";
  var root = document.getElementById("capture");
  if (!root) { return; }
  var NIL = "00000000-0000-0000-0000-000000000000";
  var EXIF_HEAD = 512 * 1024;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = { patient: null, photos: [], sending: false };

  function $(id) { return document.getElementById(id); }
  function url(template, id) { return root.dataset[template].replace(NIL, id); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function formatDate(iso) {
    if (!iso) { return "unknown"; }
    var parts = iso.split("-");
    return parts[2] + "/" + parts[1] + "/" + parts[0];
  }

  // Where the patient's facility asks for it, nothing is sent until the wristband is
  // given (the server refuses a blank or a mismatch too; this only says so sooner).
  function wristbandNeeded() {
    return Boolean(state.patient && state.patient.requires_wristband_scan);
  }

  function updateSend() {
    var missing = wristbandNeeded() && !$("id_wristband").value.trim();
    var hint = $("send-hint");
    $("send-photos").disabled = state.sending || missing;
    hint.textContent = missing ?
      "Scan or type the wristband (Confirm the wristband, above) before sending." : "";
    hint.hidden = !missing;
  }

  function askForWristband() {
    var needed = wristbandNeeded();
    $("wristband-step").hidden = !needed;
    $("id_wristband").required = needed;
    $("wristband-problem").textContent = "";
    updateSend();
  }

  // 1. Patient: typed MRN or name, or a wristband barcode read by the camera.
  function choosePatient(patient) {
    state.patient = patient;
    var chosen = $("patient-chosen");
    chosen.textContent = "Patient: " + patient.family_name.toUpperCase() + ", " +
      patient.given_names + " · MRN " + patient.mrn + " · born " +
      formatDate(patient.date_of_birth);
    chosen.hidden = false;
    $("patient-results").textContent = "";
    $("patient-status").textContent = "Patient selected. Check the name and MRN.";
    askForWristband();
  }

  function showResults(patients) {
    var list = $("patient-results");
    list.textContent = "";
    patients.forEach(function (patient) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "patient-choice";
      button.textContent = "Select " + patient.family_name.toUpperCase() + ", " +
        patient.given_names + " (MRN " + patient.mrn + ", born " +
        formatDate(patient.date_of_birth) + ")";
      button.addEventListener("click", function () { choosePatient(patient); });
      item.appendChild(button);
      list.appendChild(item);
    });
    $("patient-status").textContent = patients.length ?
      patients.length + " patient(s) found on your wards." :
      "No patient on your wards matches. Check the MRN.";
  }

  function searchPatients(term) {
    $("patient-status").textContent = "Searching…";
    fetch(root.dataset.patientsUrl + "?search=" + encodeURIComponent(term), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("search failed"); }
      return response.json();
    }).then(function (page) { showResults(page.results); }, function () {
      $("patient-status").textContent = "The search did not work. Try again.";
    });
  }

  // Opened from a hand-off link: the patient is fixed; searching is not offered.
  var bound = document.getElementById("bound-patient");
  if (bound) {
    choosePatient(JSON.parse(bound.textContent));
    $("patient-search").hidden = true;
  }

  $("patient-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var term = $("patient-q").value.trim();
    if (term) { searchPatients(term); }
  });

  var scanning = null;
  function stopScanning() {
    if (scanning) { scanning.getTracks().forEach(function (t) { t.stop(); }); }
    scanning = null;
    $("scanner").hidden = true;
  }

  function scanWristband() {
    var detector = new window.BarcodeDetector();
    var video = $("scanner-video");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        scanning = stream;
        video.srcObject = stream;
        $("scanner").hidden = false;
        return video.play();
      }).then(function look() {
        if (!scanning) { return; }
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stopScanning();
            var scanned = codes[0].rawValue.trim();
            $("id_wristband").value = scanned;
            $("wristband-problem").textContent = "";
            updateSend();
            // With a patient already chosen the scan confirms them; otherwise it finds them.
            if (!state.patient) {
              $("patient-q").value = scanned;
              searchPatients(scanned);
            }
          } else {
            window.setTimeout(look, 250);
          }
        }, function () { window.setTimeout(look, 500); });
      }).catch(function () {
        stopScanning();
        $("patient-status").textContent = "The camera is not available: type the MRN.";
      });
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    ["scan-wristband", "scan-band"].forEach(function (id) {
      $(id).hidden = false;
      $(id).addEventListener("click", scanWristband);
    });
  }
  $("scanner-stop").addEventListener("click", stopScanning);

  $("id_wristband").addEventListener("input", function () {
    $("wristband-problem").textContent = "";
    updateSend();
  });
  // A keyboard-wedge barcode reader types the code and then Enter: that must confirm
  // the wristband, not send the photos before the nurse has looked.
  $("id_wristband").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }
  });

  // 2. Photos: each gets a row, its own key, and EXIF prefill read by the server.
  function prefill(photo) {
    var body = new FormData();
    body.append("head", photo.file.slice(0, EXIF_HEAD), photo.file.name);
    fetch(root.dataset.exifUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" }
    }).then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (hints) {
        var when = photo.row.querySelector(".photo-when");
        var device = photo.row.querySelector(".photo-device");
        if (hints.captured_at && !when.value) { when.value = hints.captured_at; }
        if (hints.device && !device.value) { device.value = hints.device; }
      }, function () { return null; });
  }

  // The camera input hands the photo straight to the page; a chosen file stays on the
  // phone. The receipt says which, so nobody hunts for a copy that does not exist.
  function addPhotos(files, source) {
    Array.prototype.forEach.call(files, function (file) {
      var row = $("photo-row").content.firstElementChild.cloneNode(true);
      var index = state.photos.length;
      var photo = { file: file, key: newKey(), row: row, done: false, source: source };
      row.querySelector(".photo-name").textContent = file.name + " · " +
        Math.round(file.size / 1024) + " KB";
      [["photo-when", "when"], ["photo-device", "device"]].forEach(function (pair) {
        var id = pair[1] + "-" + index;
        row.querySelector("." + pair[0]).id = id;
        row.querySelector("." + pair[0] + "-label").htmlFor = id;
      });
      row.querySelector(".photo-remove").addEventListener("click", function () {
        if (photo.done) { return; }
        state.photos = state.photos.filter(function (p) { return p !== photo; });
        row.remove();
      });
      state.photos.push(photo);
      $("photo-list").appendChild(row);
      prefill(photo);
    });
  }

  ["take-photo", "choose-photo"].forEach(function (id) {
    $(id).addEventListener("change", function (event) {
      addPhotos(event.target.files, id === "take-photo" ? "camera" : "file");
      event.target.value = "";
    });
  });

  // 3. Send: one request per photo, with progress; the receipt only after the commit.
  function details() {
    var form = $("capture-details");
    var data = new FormData(form);
    var purposes = data.getAll("consent_purposes");
    data.delete("consent_purposes");
    data.append("consent_purposes", purposes.join(","));
    return data;
  }

  function explain(body) {
    var lines = [body.detail || "The photo was not stored."];
    Object.keys(body).forEach(function (field) {
      if (field !== "detail" && field !== "existing_id" && Array.isArray(body[field]) &&
          body[field].join(" ") !== body.detail) {
        lines.push(field.replace(/_/g, " ") + ": " + body[field].join(" "));
      }
    });
    return lines.join(" ");
  }

  function showReceipt(photo, receipt) {
    var query = "?partial=1&source=" + encodeURIComponent(photo.source);
    fetch(url("receiptUrl", receipt.id) + query, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        photo.row.querySelector(".photo-receipt").innerHTML = html;
        photo.row.querySelector(".photo-remove").hidden = true;
        photo.row.classList.add("photo-stored");
      });
  }

  function send(photo) {
    return new Promise(function (resolve) {
      var status = photo.row.querySelector(".photo-status");
      var progress = photo.row.querySelector(".photo-progress");
      var body = details();
      var when = photo.row.querySelector(".photo-when").value;
      if (when) { body.append("captured_at", when); }
      body.append("device", photo.row.querySelector(".photo-device").value);
      body.append("file", photo.file, photo.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url("uploadUrl", state.patient.id));
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Idempotency-Key", photo.key);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          progress.value = Math.round(100 * event.loaded / event.total);
        }
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status === 200 || xhr.status === 201) {
          photo.done = true;
          status.textContent = "Stored.";
          showReceipt(photo, answer);
        } else if (xhr.status === 409 && answer.existing_id) {
          // A duplicate of a stored photo; any other 409 (a phone bound to another
          // patient by a hand-off) is explained like every refusal below.
          photo.done = true;
          status.textContent = "Already in this patient's record (record " +
            answer.existing_id + "). Nothing new was stored.";
        } else {
          status.textContent = explain(answer);
          status.classList.add("error");
          // Said beside the wristband too, where the nurse will correct it.
          if (answer.wristband) {
            $("wristband-problem").textContent = answer.wristband.join(" ");
          }
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        status.textContent = "The connection dropped. Tap Send again: the photo will " +
          "not be stored twice.";
        status.classList.add("error");
        resolve();
      });
      status.classList.remove("error");
      status.textContent = "Sending…";
      progress.hidden = false;
      progress.value = 0;
      xhr.send(body);
    });
  }

  $("capture-details").addEventListener("submit", function (event) {
    event.preventDefault();
    var problem = $("capture-problem");
    var waiting = state.photos.filter(function (p) { return !p.done; });
    problem.textContent = "";
    if (!state.patient) { problem.textContent = "Find and select the patient first."; return; }
    if (!waiting.length) { problem.textContent = "Take or choose a photo first."; return; }
    if (wristbandNeeded() && !$("id_wristband").value.trim()) {
      problem.textContent = "Scan or type the wristband first.";
      return;
    }
    state.sending = true;
    updateSend();
    waiting.reduce(function (chain, photo) {
      return chain.then(function () { return send(photo); });
    }, Promise.resolve()).then(function () {
      state.sending = false;
      updateSend();
    });
  });
}());
