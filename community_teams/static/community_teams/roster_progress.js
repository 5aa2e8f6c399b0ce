// Keeps a roster import's progress current without reloading the page; reloads
// once the work is done, to show the preview or the outcome. Without this script
// the page refreshes itself (a <noscript> refresh) and works the same.
(function () {
  "use strict";
  var box = document.getElementById("roster-progress");
  if (!box || !window.fetch) {
    return;
  }
  var bar = document.getElementById("roster-progress-bar");
  var label = box.querySelector('[data-field="label"]');
  var rows = box.querySelector('[data-field="rows"]');
  function update() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        if (progress.finished || progress.status !== box.dataset.status) {
          window.location.reload();
          return;
        }
        if (progress.percent === null) {
          bar.removeAttribute("value");
          bar.textContent = "";
        } else {
          bar.value = progress.percent;
          bar.textContent = progress.percent + "%";
        }
        if (label) {
          label.textContent = progress.label;
        }
        if (rows) {
          rows.textContent = rows.textContent.replace(/\d[\d.,]*/, String(progress.rows_read));
        }
        window.setTimeout(update, 1500);
      })
      .catch(function () { window.setTimeout(update, 5000); });
  }
  window.setTimeout(update, 1000);
})();
