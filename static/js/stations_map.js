/* Map of Guangzhou's districts on the station list (ECharts + the vendored Guangzhou map).
   Data comes from the JSON endpoint in data-url (the user's scope, the list's filters);
   clicking a district reloads the list filtered to it. No inline script (CSP). */
(function () {
  "use strict";
  var el = document.getElementById("station-map");
  if (!el || typeof echarts === "undefined") {
    return;
  }
  var metricSelect = document.getElementById("map-metric");
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var payload = null;

  function listUrl(districtId) {
    var base = el.dataset.listUrl || "?";
    var url = new URL(base, window.location.href);
    url.searchParams.set("district", districtId);
    url.searchParams.set("view", "map");
    url.searchParams.delete("page");
    return url.pathname + url.search + "#list";
  }

  function render() {
    if (!payload) {
      return;
    }
    var metric = metricSelect ? metricSelect.value : "stations";
    var label = metric;
    payload.metrics.forEach(function (m) {
      if (m.key === metric) {
        label = m.label;
      }
    });
    var selected = el.dataset.selected || "";
    var max = 0;
    var data = payload.districts.map(function (d) {
      max = Math.max(max, d[metric]);
      return {
        name: d.name,
        value: d[metric],
        districtId: d.id,
        stations: d.stations,
        contracts: d.contracts_in_force,
        selected: String(d.id) === selected
      };
    });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (!p.data) {
            return p.name + "<br>" + (el.dataset.empty || "");
          }
          var lines = [p.name];
          payload.metrics.forEach(function (m) {
            var v = m.key === "stations" ? p.data.stations : p.data.contracts;
            lines.push(m.label + "：" + v);
          });
          return lines.join("<br>");
        }
      },
      visualMap: {
        min: 0,
        max: Math.max(max, 1),
        left: "left",
        bottom: 10,
        text: [String(Math.max(max, 1)), "0"],
        calculable: true,
        inRange: { color: ["#e8f0fa", "#8fb3dd", "#1d4e89"] }
      },
      series: [{
        name: label,
        type: "map",
        map: payload.map || "广州",
        roam: false,
        layoutCenter: ["50%", "50%"],
        layoutSize: "95%",
        selectedMode: "single",
        label: { show: true, fontSize: 11 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#f0b429" } },
        select: { itemStyle: { areaColor: "#f0b429" } },
        data: data
      }]
    }, true);
  }

  chart.showLoading();
  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) {
        throw new Error(String(r.status));
      }
      return r.json();
    })
    .then(function (json) {
      payload = json;
      chart.hideLoading();
      render();
    })
    .catch(function () {
      chart.hideLoading();
      el.textContent = el.dataset.empty || "";
    });

  chart.on("click", function (p) {
    if (p.data && p.data.districtId) {
      window.location.href = listUrl(p.data.districtId);
    }
  });
  if (metricSelect) {
    metricSelect.addEventListener("change", render);
  }
  window.addEventListener("resize", function () {
    chart.resize();
  });
})();
