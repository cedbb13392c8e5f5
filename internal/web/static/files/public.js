// onedoor's public pages. Every form works without this script; it adds the
// township → village pickers, the category list of the chosen kind, the location
// button and photo checks before a long upload. No inline script: the CSP forbids it.
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // The place: one <select> with an <optgroup> per township becomes two selects,
  // township then village; the original keeps the value the form sends.
  function regionPicker(orig) {
    var groups = orig.querySelectorAll("optgroup[data-town]");
    if (!groups.length) { return; }
    var town = document.createElement("select");
    var village = document.createElement("select");
    town.setAttribute("data-town-select", "");
    village.setAttribute("data-village-select", "");
    town.setAttribute("aria-label", orig.getAttribute("data-town-label"));
    village.setAttribute("aria-label", orig.getAttribute("data-village-label"));
    town.required = true;
    village.required = true;
    var choose = orig.getAttribute("data-choose");
    function option(value, text) {
      var o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      return o;
    }
    town.appendChild(option("", orig.getAttribute("data-town-label") + " · " + choose));
    var current = orig.value, currentTown = "";
    each(groups, function (g) {
      town.appendChild(option(g.getAttribute("data-town"), g.label));
      each(g.querySelectorAll("option"), function (o) {
        if (o.value === current) { currentTown = g.getAttribute("data-town"); }
      });
    });
    function fillVillages(keep) {
      while (village.firstChild) { village.removeChild(village.firstChild); }
      village.appendChild(option("", orig.getAttribute("data-village-label") + " · " + choose));
      each(groups, function (g) {
        if (g.getAttribute("data-town") !== town.value) { return; }
        each(g.querySelectorAll("option"), function (o) { village.appendChild(option(o.value, o.textContent)); });
      });
      village.value = keep || "";
      village.disabled = !town.value;
      orig.value = village.value;
    }
    town.value = currentTown;
    fillVillages(current);
    town.addEventListener("change", function () { fillVillages(""); });
    village.addEventListener("change", function () { orig.value = village.value; });
    orig.required = false;
    orig.hidden = true;
    orig.parentNode.insertBefore(town, orig);
    orig.parentNode.insertBefore(village, orig);
  }

  // The category list shows only the chosen kind's categories.
  function categoryPicker(form, sel) {
    var all = [];
    each(sel.querySelectorAll("optgroup[data-kind]"), function (g) { all.push(g); });
    function filter() {
      var checked = form.querySelector('input[name="kind"]:checked');
      var kind = checked ? checked.value : "";
      var keep = sel.value;
      each(all, function (g) { if (g.parentNode) { g.parentNode.removeChild(g); } });
      each(all, function (g) { if (!kind || g.getAttribute("data-kind") === kind) { sel.appendChild(g); } });
      sel.value = keep;
      if (sel.value !== keep) { sel.value = ""; }
    }
    each(form.querySelectorAll('input[name="kind"]'), function (r) { r.addEventListener("change", filter); });
    filter();
  }

  // The location button fills latitude and longitude from the phone's position.
  function locator(form, btn) {
    if (!navigator.geolocation) { return; }
    var status = form.querySelector("[data-locate-status]");
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var label = btn.textContent;
      btn.disabled = true;
      btn.textContent = btn.getAttribute("data-busy");
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[data-lat]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[data-lng]").value = pos.coords.longitude.toFixed(6);
        btn.disabled = false;
        btn.textContent = label;
      }, function () {
        if (status) { status.textContent = btn.getAttribute("data-failed"); }
        btn.disabled = false;
        btn.textContent = label;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // Photos are checked before the upload starts: count, each one's size, the total.
  function photoCheck(form, input) {
    var status = form.querySelector("[data-photos-status]");
    var maxN = +form.getAttribute("data-max-photos");
    var maxOne = +form.getAttribute("data-max-photo-mb") * 1048576;
    var maxAll = +form.getAttribute("data-max-total-mb") * 1048576 - 65536;
    function problem() {
      var files = input.files || [], total = 0, i;
      if (files.length > maxN) { return form.getAttribute("data-msg-count"); }
      for (i = 0; i < files.length; i++) {
        if (files[i].size > maxOne) { return form.getAttribute("data-msg-size"); }
        total += files[i].size;
      }
      if (total > maxAll) { return form.getAttribute("data-msg-total"); }
      return "";
    }
    function check() {
      var msg = problem();
      input.setCustomValidity(msg);
      if (status) { status.textContent = msg; }
    }
    input.addEventListener("change", check);
    form.addEventListener("submit", function (ev) {
      check();
      if (input.validationMessage) {
        ev.preventDefault();
        input.reportValidity();
      }
    });
  }

  each(document.querySelectorAll("form[data-public-form]"), function (form) {
    var region = form.querySelector("select[data-region-picker]");
    if (region) { regionPicker(region); }
    var cat = form.querySelector("select[data-category-picker]");
    if (cat) { categoryPicker(form, cat); }
    var btn = form.querySelector("[data-locate]");
    if (btn) { locator(form, btn); }
    var photos = form.querySelector("input[data-photos]");
    if (photos) { photoCheck(form, photos); }
  });
})();
