// While a submission is processed: poll its status and show the progress; reload when it ends.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var id = box.getAttribute("data-submission");
  var status = document.getElementById("progress-status");
  var stage = document.getElementById("progress-stage");
  var count = document.getElementById("progress-count");
  var bar = document.getElementById("progress-bar");

  function poll() {
    fetch("/api/v1/submissions/" + encodeURIComponent(id), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
        var p = data.progress;
        status.textContent = data.status;
        stage.textContent = p.stage || data.status;
        count.textContent = p.pages_done + " / " + p.pages_total;
        bar.max = Math.max(1, p.pages_total);
        bar.value = p.pages_done;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
