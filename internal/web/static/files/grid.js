// onedoor — the grid worker's report form. The form works without this script; it
// adds the location button, photo previews, and shrinks large phone photos before
// they are sent, so six of them fit the upload limit. No inline script: the CSP
// forbids it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-grid-report]");
  if (!form) { return; }

  // ---- Location: fill lat/lng from the phone's position ----
  var geo = form.querySelector("[data-geolocate]");
  var lat = form.querySelector("[data-geo-lat]");
  var lng = form.querySelector("[data-geo-lng]");
  var status = form.querySelector("[data-geo-status]");
  if (geo && lat && lng && navigator.geolocation) {
    geo.hidden = false;
    geo.addEventListener("click", function () {
      if (status) { status.textContent = geo.getAttribute("data-geo-busy") || ""; }
      geo.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        if (status) { status.textContent = ""; }
        geo.disabled = false;
      }, function () {
        if (status) { status.textContent = geo.getAttribute("data-geo-failed") || ""; }
        geo.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // ---- Photos: previews, the count, and large photos shrunk ----
  var input = form.querySelector("[data-grid-photos]");
  var previews = form.querySelector("[data-grid-previews]");
  var submit = form.querySelector("button.primary");
  if (!input) { return; }
  var max = parseInt(input.getAttribute("data-max"), 10) || 6;
  var shrinkOver = 1024 * 1024; // bytes: smaller photos are sent as taken
  var longSide = 1600;          // px of the shrunk photo's longer side
  var urls = [];

  function showPreviews(files) {
    if (!previews) { return; }
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    previews.textContent = "";
    Array.prototype.forEach.call(files, function (f) {
      var img = document.createElement("img");
      var u = URL.createObjectURL(f);
      urls.push(u);
      img.src = u;
      img.alt = f.name;
      img.className = "grid-preview";
      previews.appendChild(img);
    });
  }

  // shrink resolves to a smaller JPEG of file, or to file itself when it is small,
  // not a photo the browser can draw, or would not get smaller.
  function shrink(file) {
    return new Promise(function (resolve) {
      if (file.size <= shrinkOver || !/^image\/(jpeg|png|webp)$/.test(file.type) || !window.HTMLCanvasElement) {
        resolve(file);
        return;
      }
      var img = new Image();
      var u = URL.createObjectURL(file);
      img.onload = function () {
        URL.revokeObjectURL(u);
        var scale = Math.min(1, longSide / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          try {
            resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
          } catch (e) {
            resolve(file);
          }
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(u); resolve(file); };
      img.src = u;
    });
  }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files || []);
    input.setCustomValidity(files.length > max ? (input.getAttribute("data-too-many") || "") : "");
    showPreviews(files);
    if (!files.some(function (f) { return f.size > shrinkOver; }) || typeof DataTransfer === "undefined") { return; }
    if (submit) { submit.disabled = true; }
    Promise.all(files.map(shrink)).then(function (out) {
      try {
        var dt = new DataTransfer();
        out.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      } catch (e) { /* the originals are sent */ }
    }).then(function () {
      if (submit) { submit.disabled = false; }
    });
  });
})();
