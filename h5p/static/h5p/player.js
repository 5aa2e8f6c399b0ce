/*
 * The lesson page's side of its H5P activities.
 *
 * Each activity plays in its own frame, sandboxed with no origin of its own
 * (<iframe sandbox="allow-scripts" data-h5p-frame>), or on a host of its own that
 * no cookie of the site reaches (H5P_FRAME_ORIGIN): the package's scripts reach
 * neither the site's cookies nor this page. The frame talks to this page only by
 * postMessage; a message is taken only from the frame it claims to come from and
 * only in the shape and size expected:
 * - "ready" / "failed": the loading message gives way to the activity, or to a
 *   retry button;
 * - "resize": the height the content needs;
 * - "xapi": a statement about this activity, which joins a queue in
 *   localStorage (per learner) and is sent in order, as many as are waiting in
 *   one request, to the activity's statements address; offline, statements
 *   wait and are sent when the phone is back online or on the next lesson with
 *   an activity. Every statement gets an id here, so a resend is stored once;
 * - "state": the resume state to save.
 * This page sends what it takes with its own session and CSRF token.
 */
(function () {
  'use strict';

  if (window.lmsH5P) {
    return;
  }
  window.lmsH5P = { players: [], ready: false };

  var FORWARDED_VERBS = {
    'http://adlnet.gov/expapi/verbs/answered': true,
    'http://adlnet.gov/expapi/verbs/completed': true,
    'http://adlnet.gov/expapi/verbs/attempted': true
  };
  var OUTBOX_PREFIX = 'lms.h5p.outbox.';
  var RETRY_MS = 30000;
  var LOAD_TIMEOUT_MS = 45000;
  var MAX_BATCH = 50;
  var MAX_BATCH_CHARS = 60000;
  // As the server takes them: a statement of 64 KB, a saved state of 256 KB.
  var MAX_STATEMENT_CHARS = 64 * 1024;
  var MAX_STATE_CHARS = 256 * 1024;
  var MAX_HEIGHT = 20000;
  var STATE_KEY = /^[A-Za-z0-9_-]{1,64}$/;
  var players = window.lmsH5P.players;
  var sending = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join('');
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
  }

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  function outboxKey(learner) {
    return OUTBOX_PREFIX + learner;
  }

  function readOutbox(learner) {
    try {
      return JSON.parse(localStorage.getItem(outboxKey(learner)) || '[]');
    } catch (error) {
      return [];
    }
  }

  function writeOutbox(learner, items) {
    try {
      if (items.length) {
        localStorage.setItem(outboxKey(learner), JSON.stringify(items));
      } else {
        localStorage.removeItem(outboxKey(learner));
      }
    } catch (error) {
      // Private browsing or a full storage: the statement is sent now or lost.
    }
  }

  function eachPlayerOf(url, action) {
    players.forEach(function (player) {
      if (player.config.statementsUrl === url) {
        action(player);
      }
    });
  }

  // The server's last word on an activity stays shown until it has a new one:
  // a send that tells nothing new (a part's answer) puts it back.
  function showStatus(url, text) {
    eachPlayerOf(url, function (player) {
      player.word = text || player.word;
      player.status.textContent = player.word;
    });
  }

  // For a while only (offline, too many sent): the last word comes back after.
  function showNotice(url, text) {
    eachPlayerOf(url, function (player) {
      player.status.textContent = text;
    });
  }

  function anyPlayer() {
    for (var i = 0; i < players.length; i++) {
      if (players[i].config.statementsUrl) {
        return players[i];
      }
    }
    return null;
  }

  // The statements at the head of the queue that go to the same address, as
  // many as one request may carry (the server takes up to 50 and 64 KB).
  function nextBatch(items) {
    var batch = [];
    var size = 2;
    for (var i = 0; i < items.length && batch.length < MAX_BATCH; i++) {
      if (items[i].url !== items[0].url) {
        break;
      }
      size += JSON.stringify(items[i].statement).length + 1;
      if (batch.length && size > MAX_BATCH_CHARS) {
        break;
      }
      batch.push(items[i]);
    }
    return batch;
  }

  // Sends the learner's waiting statements in order, a batch per request; stops
  // when the network does not carry one, so they keep their order for later.
  function flush() {
    var player = anyPlayer();
    if (!player || sending) {
      return;
    }
    var learner = player.config.learner;
    var batch = nextBatch(readOutbox(learner));
    if (!batch.length) {
      return;
    }
    sending = true;
    var url = batch[0].url;
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': player.config.csrfToken },
      body: JSON.stringify(batch.map(function (item) { return item.statement; }))
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        sending = false;
        if (response.status >= 500 || response.status === 429 || response.status === 408) {
          // Too many sent: the server says when it takes them again.
          var wait = Number(response.headers.get('Retry-After')) * 1000;
          if (response.status === 429 && data.error) {
            showNotice(url, data.error);
          }
          window.setTimeout(flush, Math.max(wait || 0, RETRY_MS));
          return;
        }
        // Accepted or refused for good (the server said why): either way these
        // are done with, and the learner sees the last word on them.
        var done = {};
        batch.forEach(function (item) {
          done[item.statement.id] = true;
        });
        writeOutbox(learner, readOutbox(learner).filter(function (item) {
          return !done[item.statement.id];
        }));
        var message = '';
        if (response.ok) {
          (data.results || []).forEach(function (result) {
            if (result.status === 200 && result.message) {
              message = result.message;
            } else if (result.status !== 200) {
              message = player.config.strings.failed.replace('%(reason)s', result.error);
            }
          });
        } else {
          message = player.config.strings.failed.replace('%(reason)s', data.error || response.status);
        }
        showStatus(url, message);
        flush();
      });
    }, function () {
      sending = false;
      showNotice(url, player.config.strings.offline);
      window.setTimeout(flush, RETRY_MS);
    });
  }

  // A statement the frame sent, if it is one this page forwards: an xAPI
  // statement about this very activity (or one of its parts), of a size the
  // server takes.
  function checkedStatement(player, statement) {
    if (!isObject(statement) || !isObject(statement.verb) || !FORWARDED_VERBS[statement.verb.id]) {
      return null;
    }
    var text;
    try {
      text = JSON.stringify(statement);
    } catch (error) {
      return null;
    }
    if (text.length > MAX_STATEMENT_CHARS) {
      return null;
    }
    var iri = player.config.iri;
    var id = isObject(statement.object) ? statement.object.id : null;
    if (typeof id !== 'string' || (id !== iri && id.indexOf(iri + '?subContentId=') !== 0)) {
      return null;
    }
    statement = JSON.parse(text);
    if (typeof statement.id !== 'string' || !statement.id) {
      statement.id = uuid4();
    }
    if (typeof statement.timestamp !== 'string') {
      statement.timestamp = new Date().toISOString();
    }
    return statement;
  }

  function forward(player, statement) {
    if (!player.config.statementsUrl) {
      return;
    }
    var learner = player.config.learner;
    var items = readOutbox(learner);
    items.push({ url: player.config.statementsUrl, statement: statement });
    writeOutbox(learner, items);
    if (statement.verb.id !== 'http://adlnet.gov/expapi/verbs/attempted') {
      player.status.textContent = player.config.strings.sending;
    }
    flush();
  }

  function saveState(player, message) {
    if (!player.config.stateUrl
      || !STATE_KEY.test(String(message.dataType)) || !STATE_KEY.test(String(message.subContentId))
      || typeof message.data !== 'string' || message.data.length > MAX_STATE_CHARS) {
      return;
    }
    var url = player.config.stateUrl
      .replace(':dataType', encodeURIComponent(message.dataType))
      .replace(':subContentId', encodeURIComponent(message.subContentId));
    var body = new URLSearchParams();
    body.set('data', message.data);
    body.set('preload', message.preload === true ? '1' : '0');
    body.set('invalidate', message.invalidate === true ? '1' : '0');
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': player.config.csrfToken },
      body: body
    }).catch(function () {
      // Offline: H5P saves the state again at its next interval.
    });
  }

  function settle(player) {
    if (player.timer) {
      window.clearTimeout(player.timer);
      player.timer = null;
    }
    window.lmsH5P.ready = players.every(function (each) {
      return each.settled;
    });
  }

  function showLoaded(player) {
    player.settled = true;
    player.loading.hidden = true;
    player.failed.hidden = true;
    settle(player);
  }

  function showFailed(player) {
    player.settled = true;
    player.loading.hidden = true;
    player.failed.hidden = false;
    player.frame.hidden = true;
    settle(player);
  }

  // The frame starts loading with the page (its address is in the HTML); a retry
  // loads it again.
  function load(player, again) {
    player.settled = false;
    window.lmsH5P.ready = false;
    player.loading.hidden = false;
    player.failed.hidden = true;
    // Shown while it loads: H5P measures the room it has as it starts.
    player.frame.hidden = false;
    player.timer = window.setTimeout(function () {
      showFailed(player);
    }, LOAD_TIMEOUT_MS);
    if (again || !player.frame.getAttribute('src')) {
      player.frame.src = player.config.frame;
    }
  }

  // A frame that started before this script ran may have said "ready" to
  // nobody: it says again how it is when asked.
  function greet(player) {
    var origin = player.config.frameOrigin === 'null' ? '*' : player.config.frameOrigin;
    player.frame.contentWindow.postMessage({ type: 'hello' }, origin);
  }

  function receive(event) {
    var player = null;
    for (var i = 0; i < players.length; i++) {
      if (players[i].frame.contentWindow === event.source) {
        player = players[i];
        break;
      }
    }
    // Only our frames: their sandbox gives them the opaque origin "null", or
    // they come from the frames' own host (H5P_FRAME_ORIGIN).
    if (!player || event.origin !== player.config.frameOrigin || !isObject(event.data)) {
      return;
    }
    var message = event.data;
    if (message.type === 'ready') {
      showLoaded(player);
    } else if (message.type === 'failed') {
      showFailed(player);
    } else if (message.type === 'resize') {
      var height = Number(message.height);
      if (isFinite(height) && height > 0 && height <= MAX_HEIGHT) {
        player.frame.style.height = Math.ceil(height) + 'px';
      }
    } else if (message.type === 'xapi') {
      var statement = checkedStatement(player, message.statement);
      if (statement) {
        forward(player, statement);
      }
    } else if (message.type === 'state') {
      saveState(player, message);
    }
  }

  function start(element) {
    var config = JSON.parse(document.getElementById(element.getAttribute('data-h5p-config')).textContent);
    var section = element.closest('section') || element.parentNode;
    var player = {
      config: config,
      frame: element.querySelector('[data-h5p-frame]'),
      loading: element.querySelector('[data-h5p-loading]'),
      failed: element.querySelector('[data-h5p-failed]'),
      status: section.querySelector('[data-h5p-status]'),
      settled: false,
      timer: null
    };
    // The server's word on the activity as the page came.
    player.word = player.status.textContent;
    players.push(player);
    element.querySelector('[data-h5p-retry]').addEventListener('click', function () {
      load(player, true);
    });
    load(player, false);
    greet(player);
  }

  function main() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-h5p-player]'), start);
    flush();
  }

  window.addEventListener('message', receive);
  window.addEventListener('online', flush);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
})();
