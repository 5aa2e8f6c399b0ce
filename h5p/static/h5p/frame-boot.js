/*
 * First script of the H5P frame. The frame is sandboxed with no origin of its
 * own, so the browser refuses it localStorage and sessionStorage; H5P reads them
 * as it starts. It gets storage that lasts as long as the frame instead (the
 * lesson page keeps what must last: results waiting to be sent, resume state).
 * It also reads each library.json once however often the player asks.
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

  // The player reads its main library's library.json three times as it starts,
  // one after another; on a phone each read went back over the network. Every
  // read of a library.json after the first is answered with the first's answer.
  var networkFetch = window.fetch;
  var libraryReads = {};
  window.fetch = function (input, init) {
    var read = typeof input === 'string' && /\/library\.json$/.test(input)
      && !(init && init.method && init.method !== 'GET');
    if (!read) {
      return networkFetch.apply(window, arguments);
    }
    if (!libraryReads[input]) {
      libraryReads[input] = networkFetch.call(window, input, init);
      libraryReads[input].catch(function () {
        delete libraryReads[input];
      });
    }
    return libraryReads[input].then(function (response) {
      return response.clone();
    });
  };

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
