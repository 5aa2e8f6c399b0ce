/*
 * First script of the H5P frame. The frame is sandboxed with no origin of its
 * own, so the browser refuses it localStorage and sessionStorage; H5P reads them
 * as it starts. It gets storage that lasts as long as the frame instead (the
 * lesson page keeps what must last: results waiting to be sent, resume state).
 */
(function () {
  'use strict';

  function memoryStorage() {
    var items = {};
    return {
      getItem: function (key) {
        return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null;
      },
      setItem: function (key, value) {
        items[key] = String(value);
      },
      removeItem: function (key) {
        delete items[key];
      },
      clear: function () {
        items = {};
      },
      key: function (index) {
        return Object.keys(items)[index] || null;
      },
      get length() {
        return Object.keys(items).length;
      }
    };
  }

  ['localStorage', 'sessionStorage'].forEach(function (name) {
    var usable = false;
    try {
      usable = !!window[name];
    } catch (error) {
      usable = false;
    }
    if (!usable) {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });
})();
