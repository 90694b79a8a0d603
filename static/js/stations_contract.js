/* Contract form: when the service year changes, propose its period and the standard annual fee
   of the policy version in force for that year (the user may still type a smaller fee). */
(function () {
  "use strict";
  var form = document.getElementById("contract-form");
  if (!form) {
    return;
  }
  var year = form.querySelector("[name=service_year]");
  var fee = form.querySelector("[name=annual_fee]");
  var starts = form.querySelector("[name=starts_on]");
  var ends = form.querySelector("[name=ends_on]");
  if (!year || !fee) {
    return;
  }
  var proposedFee = fee.value;
  year.addEventListener("change", function () {
    var y = parseInt(year.value, 10);
    if (!y || y < 2000 || y > 2100) {
      return;
    }
    if (starts && (!starts.value || starts.dataset.proposed === starts.value)) {
      starts.value = y + "-01-01";
      starts.dataset.proposed = starts.value;
    }
    if (ends && (!ends.value || ends.dataset.proposed === ends.value)) {
      ends.value = y + "-12-31";
      ends.dataset.proposed = ends.value;
    }
    var url = form.dataset.feeUrl + "?service_year=" + encodeURIComponent(y);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.annual_fee && (!fee.value || fee.value === proposedFee)) {
          fee.value = data.annual_fee;
          proposedFee = fee.value;
        }
      })
      .catch(function () { /* keep what the user typed */ });
  });
  if (starts) { starts.dataset.proposed = starts.value; }
  if (ends) { ends.dataset.proposed = ends.value; }
})();
