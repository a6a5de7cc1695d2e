/* The service worker of "Meine Gesprächspartner": keeps the attendee's schedule on the phone, so
 * it opens without a network (venues' Wi-Fi fails).
 *
 * Served by matchmaking/views/offline.py at /events/my-partners-worker.js (scope /events/). It
 * answers for two kinds of request only and lets every other one go to the network untouched:
 *  - a schedule page (/events/<id>/my-partners/, /events/my-partners/): network first, the kept
 *    copy when the network fails, takes too long or answers with a server error; a login page or
 *    404 in its place (logged out, no longer registered) throws the kept copy away;
 *  - a file under /static/ that the page asked to keep: from the cache when its name carries
 *    its content's hash (production), else network first with the kept copy offline.
 * The page (static/js/my-partners.js) tells the worker which page and files to keep: the page was
 * loaded before the worker controlled it. Logging out deletes the cache
 * (static/js/offline-cleanup.js).
 */
"use strict";

// Bump the number when what is kept changes shape; older caches are deleted on activation.
const CACHE = "kag-my-partners-v1";
// How long a schedule page may take before the kept copy is shown (it is still stored when it
// arrives later).
const NETWORK_TIMEOUT_MS = 4000;
const SCHEDULE = /^\/events\/(\d+\/)?my-partners\/$/;
// Where the installed page starts (the manifest's start_url): online it leads to the schedule of
// the day; offline it shows the schedule kept last.
const TODAY = "/events/my-partners/";

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("kag-my-partners-") && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function isSchedule(url) {
  return url.origin === self.location.origin && SCHEDULE.test(url.pathname);
}

function isStatic(url) {
  return url.origin === self.location.origin && url.pathname.startsWith("/static/");
}

// In production a static file's name carries a hash of its content (site.0123456789ab.css):
// such a file never changes. Without one (development) a file may change under its name.
function isVersioned(url) {
  return /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/.test(url.pathname);
}

// Only a full page of the schedule is kept: not a redirect to the login page, nor a 404.
function keepable(request, response) {
  return (
    response.ok &&
    response.status === 200 &&
    !response.redirected &&
    isSchedule(new URL(response.url || request.url))
  );
}

// A schedule page is kept only once the page asked for it (`asked`: only the attendee's own
// plan does, never the one of someone else that staff or a company owner look at); after that,
// each visit online updates the copy.
async function store(request, response, asked) {
  const cache = await caches.open(CACHE);
  if (keepable(request, response)) {
    if (asked || (await cache.match(request, { ignoreVary: true }))) {
      await cache.put(request, response);
    }
  } else if (
    response.type === "opaqueredirect" ||
    response.redirected ||
    response.status === 403 ||
    response.status === 404
  ) {
    // Logged out (the login page instead) or no longer allowed: the copy on the phone goes too.
    // A server error leaves it.
    await cache.delete(request, { ignoreVary: true });
  }
}

async function schedule(event) {
  const request = event.request;
  const fromNetwork = fetch(request);
  // Registered first, so the copy is taken before the page reads the body.
  event.waitUntil(
    fromNetwork.then((response) => store(request, response.clone(), false)).catch(() => undefined),
  );
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS));
  try {
    const response = await Promise.race([fromNetwork, timeout]);
    // A server error (an overloaded venue proxy, a deployment) shows the kept copy if there is one.
    if (response && response.status < 500) {
      return response;
    }
  } catch (error) {
    // Offline: the kept copy below.
  }
  const kept =
    (await caches.match(request, { ignoreVary: true, cacheName: CACHE })) ||
    (new URL(request.url).pathname === TODAY ? await lastKeptSchedule() : undefined);
  if (kept) {
    // The network may still answer after the timeout; it then updates the copy for next time.
    return kept;
  }
  return fromNetwork;
}

async function lastKeptSchedule() {
  const cache = await caches.open(CACHE);
  const schedules = (await cache.keys()).filter((request) => isSchedule(new URL(request.url)));
  if (!schedules.length) {
    return undefined;
  }
  return cache.match(schedules[schedules.length - 1], { ignoreVary: true });
}

async function staticFile(request) {
  const kept = await caches.match(request, { ignoreVary: true, cacheName: CACHE });
  if (kept && isVersioned(new URL(request.url))) {
    return kept;
  }
  try {
    const response = await fetch(request);
    if (kept && response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    if (kept) {
      return kept;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (request.mode === "navigate" && isSchedule(url)) {
    event.respondWith(schedule(event));
  } else if (isStatic(url)) {
    event.respondWith(staticFile(request));
  }
});

// From the page: {keep: [urls]} stores the schedule page and the files it needs (fetched afresh,
// the browser's own cache answering a current ETag with 304).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (Array.isArray(data.keep)) {
    event.waitUntil(keep(data.keep));
  }
});

async function keep(urls) {
  const cache = await caches.open(CACHE);
  const wanted = urls
    .map((href) => new URL(href, self.location.origin))
    .filter((url) => isSchedule(url) || isStatic(url));
  const files = new Set(wanted.filter(isStatic).map((url) => url.href));
  // Files of an earlier release (other hashes in their names) are no longer needed.
  for (const request of await cache.keys()) {
    if (isStatic(new URL(request.url)) && !files.has(request.url)) {
      await cache.delete(request);
    }
  }
  await Promise.all(
    wanted.map(async (url) => {
      if (isStatic(url) && isVersioned(url) && (await cache.match(url.href))) {
        return;
      }
      try {
        const response = await fetch(url.href, { credentials: "same-origin" });
        if (isStatic(url)) {
          if (response.ok) {
            await cache.put(url.href, response);
          }
        } else {
          await store(new Request(url.href), response, true);
        }
      } catch (error) {
        // Offline right now: kept the next time the page is opened online.
      }
    }),
  );
}
