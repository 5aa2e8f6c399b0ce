/*
 * Loaded by the H5P player inside its frame after H5P's own scripts and before
 * the content starts, so that nothing the content says is missed:
 * - every xAPI statement goes to the lesson page;
 * - H5P saves resume state with its own jQuery to an address the frame has no
 *   session for: those saves go to the lesson page, which sends them with its
 *   own session and CSRF token; a read answers "nothing saved" (the saved state
 *   came with the frame's options).
 */
(function () {
  'use strict';

  var frame = window.lmsH5PFrame;
  var H5P = window.H5P;
  if (!frame || !H5P || !H5P.externalDispatcher || !H5P.jQuery) {
    return;
  }
  var STATE_PREFIX = 'lms-state:/';

  H5P.externalDispatcher.on('xAPI', function (event) {
    if (event && event.data && event.data.statement) {
      frame.send({ type: 'xapi', statement: JSON.parse(JSON.stringify(event.data.statement)) });
    }
  });

  H5P.jQuery.ajaxTransport('+*', function (options, originalOptions) {
    if (String(options.url).indexOf(STATE_PREFIX) !== 0) {
      return undefined;
    }
    return {
      send: function (headers, complete) {
        var parts = options.url.slice(STATE_PREFIX.length).split('/');
        var reply = { success: true };
        if (options.type === 'POST') {
          var data = originalOptions.data || {};
          frame.send({
            type: 'state',
            dataType: decodeURIComponent(parts[0] || ''),
            subContentId: decodeURIComponent(parts[1] || '0'),
            data: String(data.data),
            preload: Number(data.preload) === 1,
            invalidate: Number(data.invalidate) === 1
          });
        } else {
          reply.data = false;
        }
        complete(200, 'success', { text: JSON.stringify(reply) });
      },
      abort: function () {}
    };
  });
})();
