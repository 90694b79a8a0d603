// Services board: person-times per month (data from the page's json_script).
(function () {
  var el = document.getElementById("services-board-chart");
  var data = document.getElementById("services-board-data");
  if (!el || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: {},
    xAxis: { type: "category", data: rows.map(function (r) { return r[0] + "月"; }) },
    yAxis: { type: "value" },
    series: [{ type: "bar", name: "服务人次", data: rows.map(function (r) { return r[1]; }) }],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
