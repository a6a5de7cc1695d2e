/* On every page of someone not logged in (the page after logging out, or after the session ran
 * out): the schedule kept on this phone for offline use (static/js/my-partners-worker.js) is a
 * person's own plan, so it is deleted. */
(function () {
  "use strict";

  if (!("caches" in window)) {
    return;
  }
  caches
    .keys()
    .then((names) =>
      Promise.all(
        names.filter((name) => name.startsWith("kag-my-partners-")).map((name) => caches.delete(name)),
      ),
    )
    .catch(() => undefined);
})();
