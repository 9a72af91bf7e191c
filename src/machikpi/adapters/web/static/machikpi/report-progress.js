// The page of a report document being built (staff/report_document.html): asks the
// document's status.json every few seconds, shows the progress, and reloads the page
// when the document is done or failed. Without script the page has a link to reload it.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var seconds = Number(box.getAttribute("data-seconds")) || 2;
  var bar = document.getElementById("progress");
  var percent = document.getElementById("progress-percent");
  var step = document.getElementById("progress-step");
  function ask() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        bar.value = s.progress;
        bar.textContent = s.progress + "%";
        percent.textContent = s.progress + "%";
        step.textContent = s.step || s.status_label;
      })
      .catch(function () { /* the next round asks again */ })
      .then(function () { window.setTimeout(ask, seconds * 1000); });
  }
  window.setTimeout(ask, seconds * 1000);
}());
