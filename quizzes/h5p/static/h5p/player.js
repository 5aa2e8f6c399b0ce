/*
 * Plays the H5P activities of a lesson and forwards their results to the server.
 *
 * Each activity block holds a <div data-h5p-player> and a JSON configuration
 * (see quizzes.h5p.selectors.h5p_activity_panel). The H5P player (h5p-standalone)
 * is loaded once, only on lessons that have an activity. Statements the player
 * emits join a queue in localStorage (per learner) and are sent in order, as
 * many as are waiting in one request, to the activity's statements address;
 * when the phone is offline they wait and are sent when it is back online or on
 * the next lesson with an activity. Every statement gets an id here, so a resend
 * is stored only once.
 */
(function () {
  'use strict';

  if (window.lmsH5P) {
    return;
  }
  window.lmsH5P = { players: [] };

  var FORWARDED_VERBS = {
    'http://adlnet.gov/expapi/verbs/answered': true,
    'http://adlnet.gov/expapi/verbs/completed': true,
    'http://adlnet.gov/expapi/verbs/attempted': true
  };
  var OUTBOX_PREFIX = 'lms.h5p.outbox.';
  var RETRY_MS = 30000;
  var MAX_BATCH = 50;
  var MAX_BATCH_CHARS = 60000;
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

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
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

  function showStatus(url, text) {
    players.forEach(function (player) {
      if (player.config.statementsUrl === url) {
        player.status.textContent = text;
      }
    });
  }

  function playerFor(statement) {
    var id = (statement.object && statement.object.id) || '';
    for (var i = 0; i < players.length; i++) {
      var iri = players[i].config.player.xAPIObjectIRI;
      if (id === iri || id.indexOf(iri + '?subContentId=') === 0) {
        return players[i];
      }
    }
    return null;
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
          window.setTimeout(flush, RETRY_MS);
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
        if (message) {
          showStatus(url, message);
        }
        flush();
      });
    }, function () {
      sending = false;
      showStatus(url, player.config.strings.offline);
      window.setTimeout(flush, RETRY_MS);
    });
  }

  function forward(event) {
    var statement = event.data && event.data.statement;
    if (!statement || !statement.verb || !FORWARDED_VERBS[statement.verb.id]) {
      return;
    }
    var player = playerFor(statement);
    if (!player || !player.config.statementsUrl) {
      return;
    }
    statement = JSON.parse(JSON.stringify(statement));
    statement.id = statement.id || uuid4();
    statement.timestamp = statement.timestamp || new Date().toISOString();
    var learner = player.config.learner;
    var items = readOutbox(learner);
    items.push({ url: player.config.statementsUrl, statement: statement });
    writeOutbox(learner, items);
    if (statement.verb.id !== 'http://adlnet.gov/expapi/verbs/attempted') {
      player.status.textContent = player.config.strings.sending;
    }
    flush();
  }

  function start(element, index) {
    var config = JSON.parse(document.getElementById(element.getAttribute('data-h5p-config')).textContent);
    var section = element.closest('section') || element.parentNode;
    var player = {
      element: element,
      config: config,
      status: section.querySelector('[data-h5p-status]')
    };
    players.push(player);
    // Two blocks may show the same activity: each player needs its own id.
    config.player.id = config.player.id + '-' + index;
    return new window.H5PStandalone.H5P(element, config.player).catch(function (error) {
      player.status.textContent = config.strings.loadFailed;
      throw error;
    });
  }

  async function main() {
    var elements = document.querySelectorAll('[data-h5p-player]');
    if (!elements.length) {
      return;
    }
    if (!window.H5PStandalone) {
      await loadScript(elements[0].getAttribute('data-h5p-bundle'));
    }
    var listening = false;
    // h5p-standalone needs one player to finish loading before the next starts.
    for (var i = 0; i < elements.length; i++) {
      try {
        await start(elements[i], i);
      } catch (error) {
        continue;
      }
      if (!listening && window.H5P && window.H5P.externalDispatcher) {
        window.H5P.externalDispatcher.on('xAPI', forward);
        listening = true;
      }
    }
    window.lmsH5P.ready = true;
    flush();
  }

  window.addEventListener('online', flush);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
})();
