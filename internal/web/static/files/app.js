// onedoor's page script. Pages work without it; it adds confirmations and gives
// fetch() calls the CSRF token. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  // Forms marked data-confirm ask before they change anything.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  // ---- The phone's tab bar ----

  // On a phone the navigation is a tab bar that scrolls sideways: it opens with the
  // current tab in view, and data-more says on which sides more tabs lie (the CSS
  // shows a fade and an arrow there).
  function tabBar() {
    var nav = document.querySelector(".sidenav");
    var ul = nav && nav.querySelector("ul");
    if (!ul) { return; }
    function update() {
      var more = [];
      if (ul.scrollLeft > 2) { more.push("left"); }
      if (ul.scrollLeft + ul.clientWidth < ul.scrollWidth - 2) { more.push("right"); }
      nav.setAttribute("data-more", more.join(" "));
    }
    var active = ul.querySelector("a.active");
    if (active && ul.scrollWidth > ul.clientWidth) {
      ul.scrollLeft = active.offsetLeft - ul.offsetLeft - (ul.clientWidth - active.offsetWidth) / 2;
    }
    ul.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
    // Reading the bar's width above already drew it without data-more: had the arrows
    // their fade then, each page would open with the arrow still transparent. They
    // show at once, and fade only on later scrolls.
    window.requestAnimationFrame(function () { nav.setAttribute("data-live", ""); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tabBar);
  } else {
    tabBar();
  }

  // ---- Case intake desk ----

  // A category <select> shows only the kind chosen in its form's kind <select>.
  function filterCategories(form) {
    var src = form.querySelector("[data-kind-source]");
    var dst = form.querySelector("[data-kind-target]");
    if (!src || !dst) { return; }
    var kind = src.value;
    Array.prototype.forEach.call(dst.querySelectorAll("optgroup[data-kind]"), function (g) {
      var show = !kind || g.getAttribute("data-kind") === kind;
      g.hidden = !show;
      g.disabled = !show;
    });
    var sel = dst.options[dst.selectedIndex];
    if (sel && sel.parentNode.disabled) { dst.value = ""; }
  }

  // A grid <select> offers only the grids inside the chosen region.
  function filterGrids(form) {
    var src = form.querySelector("[data-region-source]");
    var dst = form.querySelector("[data-region-target]");
    if (!src || !dst) { return; }
    var opt = src.options[src.selectedIndex];
    var path = opt ? opt.getAttribute("data-path") || "" : "";
    Array.prototype.forEach.call(dst.options, function (o) {
      var p = o.getAttribute("data-path");
      if (p === null) { return; }
      var show = path !== "" && p.indexOf(path) === 0;
      o.hidden = !show;
      o.disabled = !show;
    });
    if (dst.selectedOptions.length && dst.selectedOptions[0].disabled) { dst.value = ""; }
  }

  // The department pickers show only when "accept and assign" is chosen.
  function showThen(form) {
    var box = form.querySelector("[data-then-show]");
    if (!box) { return; }
    var checked = form.querySelector('input[name="then"]:checked');
    box.hidden = !checked || checked.value !== box.getAttribute("data-then-show");
  }

  // Party rows after the first stay folded until the clerk asks for one.
  function partyRows(form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll("[data-party-row]"));
    var btn = form.querySelector("[data-add-party]");
    if (!btn || rows.length < 2) { return; }
    var empty = function (row) {
      return Array.prototype.every.call(row.querySelectorAll("input"), function (i) { return i.type === "checkbox" ? !i.checked : !i.value; }) &&
        !row.querySelector(".field-error");
    };
    for (var i = rows.length - 1; i > 0; i--) {
      if (!empty(rows[i])) { break; }
      rows[i].hidden = true;
    }
    var update = function () { btn.hidden = !rows.some(function (r) { return r.hidden; }); };
    btn.addEventListener("click", function () {
      var next = rows.filter(function (r) { return r.hidden; })[0];
      if (next) {
        next.hidden = false;
        var first = next.querySelector("input");
        if (first) { first.focus(); }
      }
      update();
    });
    update();
  }

  // While the clerk types a party's ID number or phone, the address, or the title and
  // description, the panel shows that person's earlier cases, the open cases at the
  // same address, and open cases alike in words (a repeat complaint to merge).
  function priorLookup(form) {
    var url = form.getAttribute("data-prior-url");
    var body = form.querySelector("[data-prior-body]");
    var panel = form.querySelector("[data-prior-panel]");
    if (!url || !body) { return; }
    var timer = null, last = "", seq = 0;
    var ready = {
      id_number: function (v) { v = v.replace(/\s/g, ""); return v.length === 15 || v.length === 18 ? v : ""; },
      phone: function (v) { v = v.replace(/[\s-]/g, ""); return /^\d{11}$/.test(v) ? v : ""; },
      address: function (v) { v = v.trim(); return v.length >= 4 ? v : ""; },
      text: function (v) { v = v.trim(); return v.length >= 6 ? v : ""; }
    };
    var lookup = function (input) {
      var q = new URLSearchParams();
      var row = input.closest("[data-party-row]");
      if (row) {
        ["id_number", "phone"].forEach(function (k) {
          var el = row.querySelector('[data-prior="' + k + '"]');
          var v = el ? ready[k](el.value) : "";
          if (v) { q.set(k, v); }
        });
      }
      var addr = form.querySelector('[data-prior="address"]');
      var a = addr ? ready.address(addr.value) : "";
      if (a) { q.set("address", a); }
      // The title and description typed so far: open cases alike in words.
      var text = Array.prototype.map.call(form.querySelectorAll('[data-prior="text"]'), function (el) { return el.value; }).join(" ");
      text = ready.text(text);
      if (text) { q.set("text", text.slice(0, 300)); }
      var qs = q.toString();
      if (!qs || qs === last) { return; }
      last = qs;
      var mine = ++seq;
      if (panel) { panel.classList.add("loading"); }
      window.fetch(url + "?" + qs, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (resp) { return resp.ok ? resp.text() : null; })
        .then(function (html) {
          if (mine !== seq || html === null) { return; }
          body.innerHTML = html;
        })
        .catch(function () {})
        .then(function () { if (mine === seq && panel) { panel.classList.remove("loading"); } });
    };
    form.addEventListener("input", function (ev) {
      var t = ev.target;
      if (!t.hasAttribute || !t.hasAttribute("data-prior")) { return; }
      var kind = t.getAttribute("data-prior");
      if (!ready[kind](t.value)) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { lookup(t); }, 300);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if (form.querySelector("[data-kind-source]")) {
      filterCategories(form);
      form.querySelector("[data-kind-source]").addEventListener("change", function () { filterCategories(form); });
    }
    if (form.querySelector("[data-region-source]")) {
      filterGrids(form);
      form.querySelector("[data-region-source]").addEventListener("change", function () { filterGrids(form); });
    }
    if (form.querySelector("[data-then-show]")) {
      showThen(form);
      form.addEventListener("change", function (ev) {
        if (ev.target.name === "then") { showThen(form); }
      });
    }
    if (form.hasAttribute("data-intake")) {
      partyRows(form);
      priorLookup(form);
    }
  });

  // A print button ([data-print]) prints the page: the monthly report on A4.
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) { window.print(); }
  });

  // A long list's export ([data-export-job]) runs as a job: the page starts it
  // (POST /api/v1/exports with the link's filters), shows the rows written as they
  // grow, and offers the file when it is ready. Without script the link downloads
  // the file directly.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-export-job]");
    var box = document.querySelector("[data-testid=export-progress]");
    if (!a || !box) { return; }
    e.preventDefault();
    var say = function (text) { box.hidden = false; box.textContent = text; };
    var fill = function (tpl, job) {
      return tpl.replace("{rows}", (job.rows || 0).toLocaleString("zh-CN"))
        .replace("{total}", job.total >= 0 ? job.total.toLocaleString("zh-CN") : "…");
    };
    var answer = function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.error && j.error.message || box.dataset.failed); }
        return j;
      });
    };
    var follow = function (job) {
      if (job.state === "done") {
        say(fill(box.dataset.done, job) + " ");
        var link = document.createElement("a");
        link.href = job.file_url;
        link.textContent = box.dataset.download;
        link.setAttribute("data-testid", "export-download");
        link.setAttribute("download", "");
        box.appendChild(link);
        return;
      }
      if (job.state === "failed") { say(job.error || box.dataset.failed); return; }
      say(job.total < 0 ? box.dataset.counting : fill(box.dataset.progress, job));
      window.setTimeout(function () {
        onedoor.fetch(job.status_url, { headers: { "Accept": "application/json" } }).then(answer).then(follow)
          .catch(function (err) { say(err.message); });
      }, 1000);
    };
    say(box.dataset.starting);
    onedoor.fetch("/api/v1/exports?" + a.getAttribute("href").split("?")[1], { method: "POST", headers: { "Accept": "application/json" } })
      .then(answer).then(follow).catch(function (err) { say(err.message); });
  });

  // onedoor.fetch is fetch with the session's CSRF token on state changes.
  window.onedoor = {
    fetch: function (url, opts) {
      opts = opts || {};
      opts.credentials = "same-origin";
      opts.headers = Object.assign({ "X-CSRF-Token": csrf }, opts.headers || {});
      return window.fetch(url, opts);
    }
  };

  // ---- A page that follows work in progress ----

  // An element with data-reload-after="N" reloads its page after N seconds: the
  // imports page while an import runs (its progress is in the store).
  var reload = document.querySelector("[data-reload-after]");
  if (reload) {
    var secs = parseInt(reload.getAttribute("data-reload-after"), 10) || 3;
    window.setTimeout(function () { window.location.reload(); }, secs * 1000);
  }
})();
