// The hall's big screen: asks its data address every few seconds (data-refresh) and
// draws it — the month's figures, today's intake, the warnings and deadlines now, the
// map of the regions below coloured by the chosen figure (ECharts registerMap over
// the outlines the administrator uploaded), and today's intake as a masked ticker.
// A revoked token stops the screen with a message; a lost connection says so and
// keeps trying.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) { return; }
  var words = root.dataset;
  var refresh = (parseInt(root.dataset.refresh, 10) || 15) * 1000;
  var chart = null, mapKey = "", mapName = "", mapReady = false, last = null;
  var $ = function (sel) { return root.querySelector(sel); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function fill(box, nodes) {
    box.textContent = "";
    nodes.forEach(function (n) { box.appendChild(n); });
  }
  function status(text) { $("[data-testid=screen-status]").textContent = text || ""; }

  function drawNumbers(d) {
    $("[data-testid=screen-period]").textContent = d.period;
    $("[data-testid=screen-updated]").textContent = d.updated;
    $("[data-testid=screen-today]").textContent = d.today;
    fill($("[data-testid=screen-headline]"), d.headline.map(function (h) {
      var c = el("div", "screen-card");
      c.setAttribute("data-figure", h.id);
      c.title = h.def || "";
      c.appendChild(el("div", "k", h.name));
      c.appendChild(el("div", "n", h.text));
      if (h.ring) { c.appendChild(el("div", "r mood-" + (h.mood || "flat"), words.wRing + " " + h.ring)); }
      return c;
    }));
    fill($("[data-testid=screen-warnings]"), d.warnings.map(function (h) {
      var c = el("div", "screen-warn " + h.id.replace("warn_", "warn-"));
      c.setAttribute("data-figure", h.id);
      c.appendChild(el("div", "n", h.text));
      c.appendChild(el("div", "k", h.name));
      return c;
    }));
    fill($("[data-testid=screen-deadlines]"), d.deadline.map(function (h) {
      var c = el("div", "screen-deadline " + h.id);
      c.setAttribute("data-figure", h.id);
      c.appendChild(el("div", "n", h.text));
      c.appendChild(el("div", "k", h.name));
      return c;
    }));
    $("[data-testid=screen-figure]").textContent = "· " + d.figure.name;
    var areas = (d.areas || []).slice().sort(function (a, b) { return b.value - a.value; });
    fill($("[data-testid=screen-areas]"), areas.slice(0, 8).map(function (a) {
      var li = el("li");
      li.appendChild(el("span", "", a.name));
      li.appendChild(el("b", "", a.text));
      return li;
    }));
    var items = (d.ticker || []).map(function (t) {
      var li = el("li");
      li.appendChild(el("span", "lv lv-" + (t.level || "none")));
      li.appendChild(el("span", "no", "#" + t.number));
      li.appendChild(el("span", "at", t.time));
      li.appendChild(el("span", "", t.region + " · " + t.category + " · " + t.title));
      return li;
    });
    var list = $("[data-testid=screen-ticker]");
    if (!items.length) {
      list.classList.remove("running");
      fill(list, [el("li", "screen-empty", words.wEmptyTicker)]);
      return;
    }
    // The list runs twice over, so the strip is full from the first moment and the
    // loop has no seam; its speed stays the same however many cases there are.
    var copies = items.map(function (li) { var c = li.cloneNode(true); c.setAttribute("aria-hidden", "true"); return c; });
    fill(list, items.concat(copies));
    list.style.animationDuration = Math.max(20, items.length * 6) + "s";
    list.classList.add("running");
  }

  function drawMap(d) {
    if (!window.echarts) { return; }
    var box = document.getElementById("screen-map");
    if (!chart) { chart = echarts.init(box, null, { renderer: "canvas" }); }
    if (!mapReady) {
      chart.setOption({ title: { text: words.wNoMap, left: "center", top: "middle", textStyle: { color: "#6f8fb3", fontSize: 24 } } }, true);
      box.setAttribute("data-drawn", "nomap");
      return;
    }
    var values = (d.areas || []).filter(function (a) { return !a.empty; }).map(function (a) { return a.value; });
    var max = values.length ? Math.max.apply(null, values) : 1;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + d.figure.name + "：" + (p.data ? p.data.text : "—"); } },
      visualMap: { min: 0, max: max || 1, left: 10, bottom: 10, calculable: false, text: [String(max || 0), "0"],
        textStyle: { color: "#9cc2ea", fontSize: 16 }, inRange: { color: ["#12375f", "#1f6fd1", "#5fd0ff", "#ffd166"] } },
      series: [{
        type: "map", map: mapName, roam: false, aspectScale: 0.85, layoutCenter: ["50%", "50%"], layoutSize: "95%",
        label: { show: true, color: "#f2f7ff", fontSize: 20, formatter: function (p) { return p.name + "\n" + (p.data ? p.data.text : ""); } },
        itemStyle: { borderColor: "#7fd4ff", borderWidth: 1.5, areaColor: "#12375f" },
        emphasis: { label: { color: "#061428" }, itemStyle: { areaColor: "#ffd166" } },
        data: (d.areas || []).map(function (a) { return { name: a.name, value: a.empty ? null : a.value, text: a.text }; })
      }]
    }, true);
    box.setAttribute("data-drawn", "true");
  }

  function loadMap(d) {
    if (d.map_key === mapKey) { drawMap(d); return Promise.resolve(); }
    return fetch(root.dataset.map, { credentials: "omit", cache: "no-store" }).then(function (r) {
      if (!r.ok) { throw r; }
      return r.json();
    }).then(function (geo) {
      mapKey = d.map_key;
      mapName = "screen-" + mapKey;
      mapReady = geo.features && geo.features.length > 0;
      if (mapReady && window.echarts) { echarts.registerMap(mapName, geo); }
      drawMap(d);
    });
  }

  function tick() {
    fetch(root.dataset.source, { credentials: "omit", cache: "no-store" }).then(function (r) {
      if (r.status === 403) {
        status(words.wRefused);
        root.setAttribute("data-refused", "true");
        return null;
      }
      if (!r.ok) { throw r; }
      return r.json();
    }).then(function (d) {
      if (!d) { return; }
      status("");
      last = d;
      drawNumbers(d);
      root.setAttribute("data-loaded", d.updated);
      return loadMap(d);
    }).catch(function () { status(words.wLost); }).then(function () {
      if (root.getAttribute("data-refused") !== "true") { setTimeout(tick, refresh); }
    });
  }
  window.addEventListener("resize", function () { if (chart) { chart.resize(); } });
  tick();
})();
