/* Talent figures: certified social workers by district and level, and honours.
   Data comes from the json_script block "talent-figures-data". No inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("talent-figures-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);

  var levelsEl = document.getElementById("talent-levels-chart");
  if (levelsEl) {
    var series = data.levels.map(function (level) {
      return { name: level.name, type: "bar", stack: "people", data: level.values };
    });
    series.push({ name: data.uncertified.name, type: "bar", stack: "people",
                  data: data.uncertified.values, itemStyle: { color: "#ced4da" } });
    var levels = echarts.init(levelsEl);
    levels.setOption({
      title: { text: data.labels.levels, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 60 },
      xAxis: { type: "category", data: data.districts, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: series
    });
    window.addEventListener("resize", function () { levels.resize(); });
  }

  var honoursEl = document.getElementById("talent-honours-chart");
  if (honoursEl) {
    // Horizontal bars: the level·kind names are long and a pie's labels overlap.
    var honours = echarts.init(honoursEl);
    var rows = data.honours.slice().reverse();
    honours.setOption({
      title: { text: data.labels.honours, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 10, right: 30, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (h) { return h.name; }) },
      series: [{ type: "bar", data: rows.map(function (h) { return h.value; }),
                 label: { show: true, position: "right" } }]
    });
    window.addEventListener("resize", function () { honours.resize(); });
  }
})();
