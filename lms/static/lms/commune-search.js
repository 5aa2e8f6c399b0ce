/*
 * Suggests communes while a person types one on the profile page; the page's
 * <datalist data-commune-search> names the address to ask and the two fields.
 */
(function () {
  'use strict';
  var list = document.querySelector('[data-commune-search]');
  if (!list || !window.fetch) {
    return;
  }
  var input = document.getElementById(list.getAttribute('data-commune-input'));
  var code = document.getElementById(list.getAttribute('data-commune-code'));
  if (!input || !code) {
    return;
  }
  var url = list.getAttribute('data-commune-search');
  var codes = {};
  var timer;
  input.addEventListener('input', function () {
    code.value = codes[input.value] || '';
    clearTimeout(timer);
    if (code.value || input.value.trim().length < 2) {
      return;
    }
    timer = setTimeout(function () {
      fetch(url + '?q=' + encodeURIComponent(input.value))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          list.textContent = '';
          data.results.forEach(function (commune) {
            codes[commune.name] = commune.code;
            var option = document.createElement('option');
            option.value = commune.name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 250);
  });
})();
