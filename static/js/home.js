/* Home page chart: stations and contracts in force per district (ECharts). The data sits in a
   <script type="application/json"> block written by json_script; no inline script (CSP).
   Clicking a district opens the station list filtered to it. */
(function () {
  "use strict";
  var el = document.getElementById("district-chart");
  if (!el || typeof echarts === "undefined") return;
  var source = document.getElementById(el.dataset.source);
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var names = data.districts.map(function (d) { return d.name; });
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var narrow = el.clientWidth < 500;
  chart.setOption({
    color: ["#1d4e89", "#e8a33d"],
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: "category",
      data: names,
      axisLabel: { interval: 0, rotate: narrow ? 45 : 0 }
    },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.labels.stations, type: "bar", barMaxWidth: 36, data: data.districts.map(function (d) { return d.stations; }) },
      { name: data.labels.contracts, type: "bar", barMaxWidth: 36, data: data.districts.map(function (d) { return d.contracts; }) }
    ]
  });
  chart.on("click", function (params) {
    var district = data.districts[params.dataIndex];
    if (district && district.url) window.location.href = district.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
