/*
 * Plays the H5P activities of a lesson and forwards their results to the server.
 *
 * Each activity block holds a <div data-h5p-player> and a JSON configuration
 * (see quizzes.h5p.selectors.h5p_activity_panel). The H5P player (h5p-standalone)
 * is loaded once, only on lessons that have an activity. Statements the player
 * emits are sent one at a time, in order, to the activity's statements address;
 * when the phone is offline they wait in localStorage (per learner) and are sent
 * again when it is back online or on the next lesson with an activity. Every
 * statement gets an id here, so a resend is stored only once.
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

  // Sends the learner's waiting statements in order; stops at the first one the
  // network does not carry, so they keep their order for the next try.
  function flush() {
    var player = anyPlayer();
    if (!player || sending) {
      return;
    }
    var learner = player.config.learner;
    var items = readOutbox(learner);
    if (!items.length) {
      return;
    }
    sending = true;
    var item = items[0];
    fetch(item.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': player.config.csrfToken },
      body: JSON.stringify(item.statement)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        sending = false;
        if (response.status >= 500 || response.status === 429 || response.status === 408) {
          window.setTimeout(flush, RETRY_MS);
          return;
        }
        // Accepted, or refused for good (the server said why): either way it is
        // done with; the refusal is shown to the learner.
        writeOutbox(learner, readOutbox(learner).filter(function (other) {
          return other.statement.id !== item.statement.id;
        }));
        if (response.ok) {
          if (data.message) {
            showStatus(item.url, data.message);
          }
        } else {
          showStatus(item.url, player.config.strings.failed.replace('%(reason)s', data.error || response.status));
        }
        flush();
      });
    }, function () {
      sending = false;
      showStatus(item.url, player.config.strings.offline);
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
