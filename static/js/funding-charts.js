/* Charts of the city-wide spending page. Data comes from the json_script element
   #funding-chart-data (funding.selectors.overview_chart_data); no inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("funding-chart-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var yuan = function (v) { return (v / 10000).toFixed(1) + " 万元"; };

  var byDistrict = document.getElementById("funding-by-district");
  if (byDistrict) {
    var chart = echarts.init(byDistrict);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: yuan },
      legend: { type: "scroll", top: 0 },
      grid: { left: 70, right: 16, top: 48, bottom: 48 },
      xAxis: { type: "category", data: data.districts, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return v / 10000 + "万"; } } },
      series: data.categories.map(function (name, i) {
        return { name: name, type: "bar", stack: "spend", emphasis: { focus: "series" }, data: data.series[i] };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var byYear = document.getElementById("funding-by-year");
  if (byYear) {
    var trend = echarts.init(byYear);
    trend.setOption({
      tooltip: { trigger: "axis", valueFormatter: yuan },
      legend: { top: 0 },
      grid: { left: 80, right: 16, top: 48, bottom: 32 },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return v / 10000 + "万"; } } },
      series: [
        { name: "项目经费", type: "line", data: data.year_fee },
        { name: "实际支出", type: "bar", data: data.year_actual },
        { name: "人员经费支出", type: "bar", data: data.year_personnel }
      ]
    });
    window.addEventListener("resize", function () { trend.resize(); });
  }
})();
