// The plan upload form: say 「読み取り中…」 while the server reads the document (no other script on the page).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("plan-upload");
  var status = document.getElementById("reading-status");
  if (!form || !status) return;
  form.addEventListener("submit", function () {
    status.hidden = false;
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.setAttribute("aria-disabled", "true"); }
  });
});
