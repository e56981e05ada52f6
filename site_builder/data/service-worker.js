/* The course's service worker (issue 17), written into each language's site folder as sw.js by
   site_builder/offline.py, which puts the list of files to keep below. Our own code: no library.

   - After one visit, the course's client pages and assets are kept on this device (the
     precache list: every page a client reads and the styles and scripts, each with a hash of its
     content). With Data Saver on, only the styles and scripts; pages are kept as they are opened.
   - Pages and assets come from the device first; anything else (handouts, the search index,
     facilitator pages) from the network first, and from the device when the network is off.
     A handout the client opened is kept, so it opens offline too.
   - A rebuilt site has a new list, so a new sw.js: the browser installs it, and it fetches only
     the files whose hash changed and drops the files that are gone.
   Nothing about the reader is stored; the caches hold only the course's own public files. */
"use strict";

const PRECACHE = /* precache */[];
const OFFLINE_PAGE = /* offline page */"";
const SCOPE = new URL(self.registration.scope);
const NAME = "course:" + SCOPE.pathname;
const PAGES = NAME + ":precache";
const RUNTIME = NAME + ":runtime";
const ENTRIES = new Map(PRECACHE.map((entry) => {
  const url = new URL(entry.url, SCOPE);
  return [url.href, url.href + "?course-revision=" + entry.revision];
}));
function saveData() {
  return Boolean(self.navigator.connection && self.navigator.connection.saveData);
}

// "ready": every file is kept; "partial": Data Saver is on (pages are kept as they are opened);
// "saving": the files are still being fetched.
async function status() {
  const cache = await caches.open(PAGES);
  const kept = new Set((await cache.keys()).map((request) => request.url));
  const light = saveData();
  const missing = PRECACHE.filter((entry) => !(light && entry.page) &&
    !kept.has(ENTRIES.get(new URL(entry.url, SCOPE).href)));
  return missing.length ? "saving" : light ? "partial" : "ready";
}

async function tell() {
  const message = { type: "course-offline", state: await status() };
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

async function keep() {
  const cache = await caches.open(PAGES);
  const light = saveData();
  for (const entry of PRECACHE) {
    if (light && entry.page) continue;
    const key = ENTRIES.get(new URL(entry.url, SCOPE).href);
    if (await cache.match(key)) continue;
    try {
      const response = await fetch(new URL(entry.url, SCOPE), { cache: "no-cache" });
      if (response.ok) await cache.put(key, response);
    } catch (error) {
      // Offline or gone: the next visit fetches what is missing.
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(keep().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const wanted = new Set(ENTRIES.values());
    const cache = await caches.open(PAGES);
    for (const request of await cache.keys()) {
      if (!wanted.has(request.url)) await cache.delete(request);
    }
    for (const name of await caches.keys()) {
      if (name.startsWith(NAME + ":") && name !== PAGES && name !== RUNTIME) await caches.delete(name);
    }
    await self.clients.claim();
    await tell();
    if ((await status()) === "saving") {  // some files could not be fetched at install
      await keep();
      await tell();
    }
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "course-offline-status" && event.source) {
    event.waitUntil(status().then((state) => {
      event.source.postMessage({ type: "course-offline", state });
    }));
  }
});

function precached(url, navigate) {
  const clean = new URL(url.href);
  clean.hash = "";
  if (navigate) clean.search = "";  // a page opened from search (?h=word) is the same page
  return ENTRIES.get(clean.href);
}

async function respond(request) {
  const url = new URL(request.url);
  const navigate = request.mode === "navigate";
  const key = precached(url, navigate);
  if (key) {
    const hit = await caches.match(key, { cacheName: PAGES });
    if (hit) return hit;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.status === 200 && !request.headers.has("range")) {
      const runtime = await caches.open(RUNTIME);
      await runtime.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: RUNTIME, ignoreSearch: navigate }) ||
      (key && await caches.match(key, { cacheName: PAGES }));
    if (kept) return kept;
    if (navigate) {
      return new Response(OFFLINE_PAGE, { headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  event.respondWith(respond(request));
});
