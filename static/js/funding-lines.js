/* Budget and spending forms: show the running total and the personnel part while typing.
   Sums are done in whole fen (integers), so the page never shows a float artefact; the
   server checks again exactly. */
(function () {
  "use strict";
  var table = document.querySelector("table.funding-lines");
  if (!table) return;
  var totalCell = table.querySelector("[data-funding-total]");
  var personnelCell = table.querySelector("[data-funding-personnel]");
  var fee = table.dataset.fee ? Math.round(parseFloat(table.dataset.fee) * 100) : null;

  function fen(text) {
    var clean = (text || "").replace(/[,，\s]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(clean)) return null;
    var parts = clean.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }
  function show(n) {
    var s = String(Math.abs(n)).padStart(3, "0");
    var yuan = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (n < 0 ? "-" : "") + yuan + "." + s.slice(-2);
  }
  function update() {
    var total = 0, personnel = 0, bad = false;
    table.querySelectorAll("input[data-category]").forEach(function (input) {
      if (!input.value.trim()) return;
      var v = fen(input.value);
      if (v === null) { bad = true; return; }
      total += v;
      if (input.dataset.personnel === "1") personnel += v;
    });
    totalCell.textContent = bad ? "—" : show(total);
    var text = "人员经费 " + show(personnel);
    if (total > 0) text += "（占合计 " + (personnel * 100 / total).toFixed(2) + "%）";
    if (fee !== null && !bad && total !== fee) text += "；与项目经费相差 " + show(total - fee);
    personnelCell.textContent = text;
  }
  table.addEventListener("input", update);
  update();
})();
