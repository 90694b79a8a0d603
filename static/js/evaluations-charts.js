/* Evaluation charts (ECharts): the grade distribution per district on the results page and
   a station's total over time. Data comes from json_script blocks; no inline script (CSP). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  function data(el) {
    var source = document.getElementById(el.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }
  var colours = ["#2e7d32", "#1d4e89", "#e8a33d", "#c62828"];
  var grades = document.getElementById("evaluations-grade-chart");
  if (grades) {
    var g = data(grades);
    if (g && g.districts.length) {
      grades.style.height = "360px";
      var chart = echarts.init(grades);
      chart.setOption({
        color: colours,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: g.districts, axisLabel: { interval: 0, rotate: g.districts.length > 8 ? 40 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: g.grades.map(function (s) { return { name: s.label, type: "bar", stack: "grades", barMaxWidth: 40, data: s.counts }; })
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }
  var trend = document.getElementById("evaluations-trend-chart");
  if (trend) {
    var t = data(trend);
    if (t && t.totals.length) {
      trend.style.height = "260px";
      var line = echarts.init(trend);
      line.setOption({
        color: ["#1d4e89"],
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: t.labels },
        yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 10)); }, max: 100 },
        series: [{ type: "line", data: t.totals, label: { show: true } }]
      });
      window.addEventListener("resize", function () { line.resize(); });
    }
  }
})();
