// Keeps a bulk issue's progress current without reloading the page; the page
// reloads once when issuing finishes, to show the download and any failures.
(function () {
  "use strict";
  var box = document.getElementById("bulk-progress");
  if (!box || !window.fetch) {
    return;
  }
  var bar = document.getElementById("bulk-progress-bar");
  function update() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        bar.value = progress.percent;
        bar.textContent = progress.percent + "%";
        ["processed", "issued", "existing", "failed"].forEach(function (name) {
          var field = box.querySelector('[data-field="' + name + '"]');
          if (field) {
            field.textContent = progress[name];
          }
        });
        if (progress.status === "done") {
          window.location.reload();
        } else {
          window.setTimeout(update, 2000);
        }
      })
      .catch(function () { window.setTimeout(update, 5000); });
  }
  window.setTimeout(update, 2000);
})();
