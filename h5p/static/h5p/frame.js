/*
 * Runs inside an H5P activity's sandboxed frame: starts the player (h5p-standalone)
 * with the options the frame document holds, and tells the lesson page what
 * happens, by postMessage only: "ready" or "failed", the height the content
 * needs ("resize"), and, from frame-hooks.js, xAPI statements and resume state.
 * The lesson page checks each message and talks to the server itself.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('h5p-frame-config').textContent);
  var container = document.getElementById('h5p-container');
  var lastHeight = 0;

  function send(message) {
    window.parent.postMessage(message, config.parentOrigin);
  }

  // The content's whole height, what overflows its boxes included (H5P's
  // buttons and feedback often do).
  function reportHeight() {
    var height = Math.ceil(Math.max(container.scrollHeight, container.getBoundingClientRect().height));
    if (height !== lastHeight) {
      lastHeight = height;
      send({ type: 'resize', height: height });
    }
  }

  window.lmsH5PFrame = { send: send, config: config };

  // The frame loads with the lesson page and may be done before the page
  // listens: the page asks, and hears again how the player is.
  var state = null;
  window.addEventListener('message', function (event) {
    if (event.source === window.parent && event.data && event.data.type === 'hello' && state) {
      send({ type: state });
      lastHeight = 0;
      reportHeight();
    }
  });

  if (!window.H5PStandalone) {
    state = 'failed';
    send({ type: 'failed' });
    return;
  }
  new window.H5PStandalone.H5P(container, config.player).then(function () {
    state = 'ready';
    send({ type: 'ready' });
    reportHeight();
    // Animations and overflowing parts change the height without resizing any
    // box an observer would watch: look a few times a second (a message is sent
    // only on a change).
    window.setInterval(reportHeight, 250);
  }, function (error) {
    // For whoever opens the browser's console; the page shows a retry button.
    window.console.error('H5P player failed to start', error);
    state = 'failed';
    send({ type: 'failed' });
  });
})();
