/* Heat map of inspection findings by area x district. Data comes from the page's
   json_script element (CSP forbids inline scripts). */
(function () {
  "use strict";
  var holder = document.getElementById("inspections-heatmap");
  var source = document.getElementById("inspections-heat-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { position: "top" },
    grid: { left: 160, right: 20, top: 20, bottom: 90 },
    xAxis: { type: "category", data: data.districts, axisLabel: { rotate: 45 }, splitArea: { show: true } },
    yAxis: { type: "category", data: data.areas, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, data.max), calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ type: "heatmap", data: data.cells, label: { show: true, color: "#212529", fontWeight: "bold" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
