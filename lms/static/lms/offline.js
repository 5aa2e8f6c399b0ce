// Learning without signal: registers the one service worker of the site (sw.js),
// keeps courses in the phone's cache, and holds every write made offline in one
// outbox, for any app of the site.
//
// The outbox: window.lmsOutbox
//   lmsOutbox.add({ kind, url, body, json, page, id }) -> Promise<item>
//     Keeps a write on the phone (IndexedDB, so it survives closing the tab and
//     restarting the phone) under `id` (a UUID the caller made, for example a
//     visit's own client id) or a new one, item.id, and sends it at once when
//     there is signal. `body` is a list of [name, value] pairs (sent as a form) or,
//     with `json: true`, any value (sent as application/json). `kind` names what it
//     is ("lesson-complete", "visit"…); `page` the address it was made on.
//   lmsOutbox.send()          sends what waits; also runs on "online" and on every page
//   lmsOutbox.items(kind)     what the phone keeps (of one kind, or all)
//   lmsOutbox.onAnswer(kind, callback)  callback(item) once the server has answered
// Every send carries the header X-Outbox-Id: item.id (and X-CSRFToken). The server
// does the write once per id and answers a resend with its first answer, as JSON
// { ok, message, url } (courses/outbox.py; without `ok` the HTTP status decides,
// and any JSON reply is kept on item.answer); the message is shown on the phone once
// ("Graded: 8/10 right — passed", or why it was refused) and the item is dropped.
// Until then the item waits: no signal, a server error or a signed-out session
// leave it for the next try, in order, from one tab at a time.
//
// Forms: <form data-offline-kind="…" data-offline-queued="text"> submitted without
// signal join the outbox instead of failing (data-offline-next: the page to open
// next); with data-offline-always they always go through it. A form with
// data-offline-sheet opens that kept page instead when there is no signal; any other
// form says there is no signal rather than showing the browser's error page.
// Text comes from data-* attributes the templates translate, so it works offline.
(() => {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.indexedDB) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" });

  const COURSE_CACHE = "lms-course-";
  const META = "/__offline/course";
  const VIDEOS = "/__offline/videos";
  const status = document.getElementById("outbox-status");
  const text = (name) => (status && status.dataset[name]) || "";

  // The outbox -------------------------------------------------------------
  function store(mode, work) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open("lms-offline", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("outbox", { keyPath: "id" });
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const tx = db.transaction("outbox", mode);
        const result = work(tx.objectStore("outbox"));
        tx.oncomplete = () => { db.close(); resolve(result && result.result); };
        tx.onerror = () => { db.close(); reject(tx.error); };
      };
    });
  }
  const all = async () => ((await store("readonly", (s) => s.getAll())) || [])
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const put = (item) => store("readwrite", (s) => s.put(item));
  const drop = (id) => store("readwrite", (s) => s.delete(id));
  const listeners = [];

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function sendOne(item) {
    const headers = { "X-Outbox-Id": item.id, Accept: "application/json" };
    const token = csrfToken();
    if (token) headers["X-CSRFToken"] = token;
    let body;
    if (item.json) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(item.body);
    } else {
      // The session's current token, not the one the page had when it was kept.
      const fields = token ? item.body.filter(([name]) => name !== "csrfmiddlewaretoken") : item.body;
      body = new URLSearchParams(fields);
    }
    let response;
    try {
      response = await fetch(item.url, { method: "POST", body, headers, credentials: "same-origin" });
    } catch (error) {
      return false; // Still no signal: try again later.
    }
    // Signed out meanwhile: keep it until the learner signs in again.
    if (response.redirected && new URL(response.url).pathname.startsWith("/accounts/")) return false;
    let answer = null;
    if ((response.headers.get("Content-Type") || "").startsWith("application/json")) {
      answer = await response.json().catch(() => null);
    }
    if (!answer) {
      if (response.status >= 500 || response.status === 429) return false;
      answer = { ok: false, message: text("refused"), url: "" };
    }
    const ok = typeof answer.ok === "boolean" ? answer.ok : response.ok;
    if (item.kind === "lesson-complete" && !ok) completedForget(item.url);
    item.state = ok ? "done" : "refused";
    item.answer = answer;
    item.status = response.status;
    item.message = answer.message || "";
    item.answerUrl = answer.url || "";
    item.answeredAt = new Date().toISOString();
    await put(item);
    for (const [kind, callback] of listeners) if (kind === item.kind) callback(item);
    return true;
  }

  async function send() {
    if (!navigator.onLine) return;
    const run = async () => {
      for (const item of await all()) {
        if (item.state !== "waiting") continue;
        if (!(await sendOne(item))) return; // In order: the rest waits too.
      }
    };
    // One tab sends; another waits and then finds nothing left waiting.
    if (navigator.locks) await navigator.locks.request("lms-outbox", run);
    else await run();
    show();
  }

  async function add({ kind, url, body, json = false, page = location.pathname, id = newId() }) {
    const item = {
      id, kind, url: new URL(url, location.href).href, body, json, page,
      state: "waiting", createdAt: new Date().toISOString(),
    };
    await put(item);
    await send();
    show();
    return item;
  }

  // What waits, and each answer once, in #outbox-status; forms whose write waits
  // say so instead of offering to do it again.
  async function show() {
    const items = await all();
    const waiting = items.filter((item) => item.state === "waiting");
    const lines = [];
    if (waiting.length) lines.push([text("waiting").replace("{n}", waiting.length), "waiting"]);
    for (const item of items) {
      if (item.state === "waiting") continue;
      if (item.shown) {
        await drop(item.id);
        continue;
      }
      if (item.message) lines.push([item.message, item.state]);
      item.shown = true;
      await put(item);
    }
    if (status) {
      status.replaceChildren(...lines.map(([line, state]) => {
        const p = document.createElement("p");
        p.className = `outbox-${state}`;
        p.textContent = line;
        return p;
      }));
      status.hidden = !lines.length;
    }
    const urls = new Set(waiting.map((item) => item.url));
    for (const element of document.querySelectorAll("form[data-offline-kind], [data-outbox-url]")) {
      const url = element.dataset.outboxUrl || element.action;
      if (urls.has(new URL(url, location.href).href)) queuedNote(element);
    }
  }

  function queuedNote(element) {
    const note = document.createElement("p");
    note.className = "message message-info offline-queued";
    note.setAttribute("role", "status");
    note.textContent = element.dataset.offlineQueued || text("waiting").replace("{n}", 1);
    element.replaceWith(note);
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    const queued = form.dataset.offlineKind && (form.dataset.offlineAlways !== undefined || !navigator.onLine);
    if (!queued) {
      if (navigator.onLine) return;
      event.preventDefault();
      if (form.dataset.offlineSheet) location.assign(form.dataset.offlineSheet);
      else if (status) {
        status.replaceChildren(Object.assign(document.createElement("p"), { textContent: text("noSignal") }));
        status.hidden = false;
      }
      return;
    }
    event.preventDefault();
    // A second tap while the first is being kept would queue the answers twice.
    if (form.dataset.outboxBusy) return;
    form.dataset.outboxBusy = "1";
    if (form.dataset.offlineKind === "lesson-complete") completedKeep([form.action]);
    const item = await add({
      kind: form.dataset.offlineKind,
      url: form.action,
      body: [...new FormData(form).entries()],
    });
    if (navigator.onLine) {
      // With signal the answer comes at once: open what it points to.
      const sent = (await all()).find((kept) => kept.id === item.id);
      if (sent && sent.state !== "waiting" && sent.answerUrl) {
        location.assign(sent.answerUrl);
        return;
      }
    }
    queuedNote(form);
    if (form.dataset.offlineNext) location.assign(form.dataset.offlineNext);
  });
  window.addEventListener("online", send);
  window.lmsOutbox = {
    add, send, items: async (kind) => (await all()).filter((item) => !kind || item.kind === kind),
    onAnswer: (kind, callback) => listeners.push([kind, callback]),
  };

  // Lessons that unlock in order ---------------------------------------------
  // The phone remembers which lessons are completed: as the server last said
  // (data-lessons-completed on each lesson page) and as completed on the phone
  // since. A lesson kept while still locked (data-opens-after: the completions
  // it waits for) opens once those are all remembered; the server checks the
  // order again when the completions arrive, and one it refuses is forgotten.
  const COMPLETED = "lms-lessons-completed";
  const completed = () => new Set(JSON.parse(localStorage.getItem(COMPLETED) || "[]"));
  const path = (url) => new URL(url, location.href).pathname;
  function completedKeep(urls) {
    const known = completed();
    const before = known.size;
    for (const url of urls) known.add(path(url));
    if (known.size !== before) localStorage.setItem(COMPLETED, JSON.stringify([...known]));
  }
  function completedForget(url) {
    const known = completed();
    if (known.delete(path(url))) localStorage.setItem(COMPLETED, JSON.stringify([...known]));
  }
  for (const lesson of document.querySelectorAll("[data-lessons-completed]")) {
    completedKeep(lesson.dataset.lessonsCompleted.split(" ").filter(Boolean));
    if (lesson.dataset.opensAfter === undefined) continue;
    const known = completed();
    if (lesson.dataset.opensAfter.split(" ").every((url) => known.has(path(url)))) {
      lesson.hidden = false;
      for (const lock of document.querySelectorAll("[data-offline-locked]")) lock.hidden = true;
    }
  }

  // Downloaded courses ------------------------------------------------------
  async function courseBytes(cache) {
    let total = 0;
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      total += (await response.blob()).size;
    }
    return total;
  }

  function formatBytes(bytes) {
    const mb = bytes / (1024 * 1024);
    return mb >= 1 ? `${mb.toFixed(1).replace(".", ",")} MB` : `${Math.ceil(bytes / 1024)} KB`;
  }

  async function keepFile(cache, url, seen) {
    const absolute = new URL(url, location.href);
    if (absolute.origin !== location.origin || seen.has(absolute.href)) return null;
    seen.add(absolute.href);
    // Kept, not read: the server does not move the learner's resume point.
    const response = await fetch(absolute, { credentials: "same-origin", headers: { "X-Offline-Keep": "1" } });
    if (!response.ok) return null;
    await cache.put(absolute, response.clone());
    return response;
  }

  async function keepPage(cache, url, seen) {
    const response = await keepFile(cache, url, seen);
    if (!response) {
      if (seen.has(new URL(url, location.href).href)) return;
      throw new Error(url);
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const assets = [
      ...[...page.querySelectorAll("img[src]")].map((img) => img.getAttribute("src")),
      ...[...page.querySelectorAll("link[rel=stylesheet][href]")].map((link) => link.getAttribute("href")),
      ...[...page.querySelectorAll("script[src]")].map((script) => script.getAttribute("src")),
    ];
    for (const asset of assets) await keepFile(cache, asset, seen);
    // Pages a page opens without signal (a quiz to answer offline).
    for (const element of page.querySelectorAll("[data-offline-keep]")) {
      await keepPage(cache, element.dataset.offlineKeep, seen);
    }
  }

  async function courseShow(box) {
    const name = COURSE_CACHE + box.dataset.courseId;
    const kept = (await caches.keys()).includes(name);
    const line = box.querySelector(".offline-course-status");
    box.querySelector(".offline-course-download").hidden = kept;
    box.querySelector(".offline-course-remove").hidden = !kept;
    const videos = box.querySelector(".offline-course-videos");
    if (kept) {
      const cache = await caches.open(name);
      const withVideos = await cache.match(VIDEOS);
      line.textContent = box.dataset[withVideos ? "keptVideos" : "kept"]
        .replace("{size}", formatBytes(await courseBytes(cache)));
      videos.hidden = true;
      return;
    }
    line.textContent = "";
    if (!navigator.onLine) return;
    try {
      const listing = await (await fetch(box.dataset.listUrl, { credentials: "same-origin" })).json();
      const bytes = (listing.videos || []).reduce((sum, video) => sum + video.size, 0);
      videos.hidden = !bytes;
      videos.querySelector(".offline-course-videos-size").textContent = formatBytes(bytes);
    } catch (error) {
      videos.hidden = true;
    }
  }

  async function courseDownload(box) {
    const line = box.querySelector(".offline-course-status");
    line.textContent = box.dataset.working;
    const name = COURSE_CACHE + box.dataset.courseId;
    const withVideos = box.querySelector(".offline-course-videos input").checked;
    try {
      const listing = await (await fetch(box.dataset.listUrl, { credentials: "same-origin" })).json();
      const cache = await caches.open(name);
      const seen = new Set();
      for (const url of listing.pages) await keepPage(cache, url, seen);
      if (withVideos) {
        for (const video of listing.videos || []) {
          if (!(await keepFile(cache, video.url, seen)) && !seen.has(new URL(video.url, location.href).href)) {
            throw new Error(video.url);
          }
        }
        await cache.put(VIDEOS, new Response("1"));
      }
      await cache.put(META, new Response(JSON.stringify(listing.course), {
        headers: { "Content-Type": "application/json" },
      }));
    } catch (error) {
      await caches.delete(name);
      line.textContent = box.dataset.failed;
      return;
    }
    courseShow(box);
  }

  for (const box of document.querySelectorAll("[data-offline-course]")) {
    box.hidden = false;
    box.querySelector(".offline-course-download").addEventListener("click", () => courseDownload(box));
    box.querySelector(".offline-course-remove").addEventListener("click", async () => {
      await caches.delete(COURSE_CACHE + box.dataset.courseId);
      courseShow(box);
    });
    courseShow(box);
  }

  // The offline page lists what the phone keeps.
  async function offlineList(list) {
    for (const name of await caches.keys()) {
      if (!name.startsWith(COURSE_CACHE)) continue;
      const meta = await (await caches.open(name)).match(META);
      if (!meta) continue;
      const course = await meta.json();
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = course.url;
      link.textContent = course.title;
      item.append(link);
      const lessons = document.createElement("ol");
      for (const lesson of course.lessons) {
        const sub = document.createElement("a");
        sub.href = lesson.url;
        sub.textContent = lesson.title;
        const row = document.createElement("li");
        row.append(sub);
        lessons.append(row);
      }
      if (lessons.children.length) item.append(lessons);
      list.append(item);
    }
    const empty = document.getElementById("offline-empty");
    if (empty) empty.hidden = list.children.length > 0;
  }
  const list = document.getElementById("offline-list");
  if (list) offlineList(list);

  show();
  send();
})();
