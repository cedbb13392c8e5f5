// The dashboard's charts (ECharts, vendored): intake and endings by day, and intake by
// channel. The numbers come from the page (data-chart); a click on a bar or a slice
// opens the case list holding its cases, as every number on the page does.
(function () {
  "use strict";
  var days = document.getElementById("chart-days");
  if (!days || !window.echarts) { return; }
  var data = JSON.parse(days.getAttribute("data-chart") || "{}");
  var navy = "#123a6b", red = "#b3261e";
  var byDay = echarts.init(days);
  byDay.setOption({
    animation: false,
    color: [navy, "#1e7b34"],
    tooltip: { trigger: "axis" },
    legend: { data: [data.intake_name, data.ended_name], top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: { type: "category", data: data.days || [] },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.intake_name, type: "bar", data: data.intake || [] },
      { name: data.ended_name, type: "line", data: data.ended || [], symbolSize: 5 }
    ]
  });
  byDay.on("click", function (p) {
    var links = p.seriesIndex === 0 ? data.intake_links : data.ended_links;
    if (links && links[p.dataIndex]) { window.location.href = links[p.dataIndex]; }
  });
  var charts = [byDay];
  var ch = document.getElementById("chart-channels");
  if (ch && data.channel_names) {
    var pie = echarts.init(ch);
    pie.setOption({
      animation: false,
      color: [navy, red, "#1f6fd1", "#ef7d00", "#1e7b34", "#7a4fa0", "#5f6b7a", "#c59a00", "#2a9d8f"],
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b} {c}" },
        data: data.channel_names.map(function (n, i) { return { name: n, value: data.channel_data[i] }; }) }]
    });
    pie.on("click", function (p) {
      var link = data.channel_links[p.dataIndex];
      if (link) { window.location.href = link; }
    });
    charts.push(pie);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  days.setAttribute("data-drawn", "true");
})();
