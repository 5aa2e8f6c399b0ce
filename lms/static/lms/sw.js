// One worker for the whole site: pages a learner downloaded open without signal,
// everything else falls back to the offline page. Writes made offline are kept by
// offline.js in an IndexedDB outbox, not here, so one queue serves every kind.
const SHELL = "lms-shell-v1";
const OFFLINE_URL = "/offline/";

async function cacheShell() {
  const cache = await caches.open(SHELL);
  const response = await fetch(OFFLINE_URL, { credentials: "same-origin" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put(OFFLINE_URL, response);
  // The offline page's own stylesheet and script, whatever their hashed names.
  const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
  // One missing file must not stop the worker from installing.
  await Promise.allSettled(assets.map((asset) => cache.add(asset)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function keepFresh(request, response) {
  // A page the learner downloaded is refreshed whenever it is read with signal.
  for (const name of await caches.keys()) {
    if (!name.startsWith("lms-course-") && name !== SHELL) continue;
    const cache = await caches.open(name);
    if (await cache.match(request, { ignoreVary: true })) {
      await cache.put(request, response);
      return;
    }
  }
  if (new URL(request.url).pathname.startsWith("/static/")) {
    await (await caches.open(SHELL)).put(request, response);
  }
}

// A video kept on the phone is played in ranges, as the server would send them.
async function ranged(request, kept) {
  const blob = await kept.blob();
  const match = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("Range"));
  let start = match && match[1] ? Number(match[1]) : 0;
  let end = match && match[2] ? Number(match[2]) : blob.size - 1;
  if (match && !match[1] && match[2]) {
    start = Math.max(blob.size - Number(match[2]), 0);
    end = blob.size - 1;
  }
  end = Math.min(end, blob.size - 1);
  if (!match || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${blob.size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": kept.headers.get("Content-Type") || blob.type,
      "Content-Range": `bytes ${start}-${end}/${blob.size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

async function fromNetwork(event) {
  const { request } = event;
  try {
    const response = await fetch(request);
    if (response.status === 200 && response.type === "basic") {
      event.waitUntil(keepFresh(request, response.clone()));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { ignoreVary: true });
    if (kept) return request.headers.has("Range") ? ranged(request, kept) : kept;
    if (request.mode === "navigate") {
      const fallback = await caches.match(OFFLINE_URL);
      if (fallback) return fallback;
    }
    throw error;
  }
}

// Learners' forms (the admin's go to the network untouched).
const LEARNER_WRITES = ["/learning/", "/quizzes/", "/certificates/"];

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === "POST" && event.request.mode === "navigate"
      && LEARNER_WRITES.some((prefix) => url.pathname.startsWith(prefix))) {
    // The phone believed it had signal, so offline.js let the form go: when it
    // does not get through, the offline page answers, not the browser's error.
    event.respondWith(fetch(event.request).catch(async () => {
      const fallback = await caches.match(OFFLINE_URL);
      return fallback || Response.error();
    }));
    return;
  }
  if (event.request.method !== "GET") return;
  // Network first everywhere: progress and results change, and with signal the
  // learner sees them as they are now.
  event.respondWith(fromNetwork(event));
});
