// The run of show (templates/matchmaking/staff/live.html) and the big screen
// (templates/matchmaking/screen.html). Without this script the pages show the end time of the
// round or break, every page of names stacked, and the screen does not follow by itself.
(() => {
  "use strict";
  const PAGE_SECONDS = 10;
  const POLL_SECONDS = 3;
  // Server clock minus this device's clock, from the Date header of each poll.
  let clockOffset = 0;
  let timers = [];

  function remaining(end) {
    const seconds = Math.max(0, Math.round((end - (Date.now() + clockOffset)) / 1000));
    const minutes = Math.floor(seconds / 60);
    return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function startCountdowns(root) {
    const time = root.querySelector("[data-countdown]");
    const left = root.querySelector("[data-countdown-left]");
    if (!time || !left) return;
    const end = Date.parse(time.getAttribute("datetime"));
    if (Number.isNaN(end)) return;
    const tick = () => { left.textContent = remaining(end); };
    tick();
    left.hidden = false;
    timers.push(setInterval(tick, 1000));
  }

  function startPages(root) {
    const pages = Array.from(root.querySelectorAll("[data-screen-page]"));
    if (pages.length === 0) return;
    document.body.classList.add("screen-paged");
    if (pages.length < 2) return;
    let shown = 0;
    const show = () => pages.forEach((page, i) => { page.hidden = i !== shown; });
    show();
    timers.push(setInterval(() => { shown = (shown + 1) % pages.length; show(); }, PAGE_SECONDS * 1000));
  }

  function start(root) {
    timers.forEach(clearInterval);
    timers = [];
    startCountdowns(root);
    startPages(root);
  }

  async function poll() {
    const screen = document.getElementById("screen");
    if (!screen) return;
    try {
      const response = await fetch(screen.dataset.screenState, {
        headers: { "If-None-Match": screen.dataset.screenEtag },
        cache: "no-store",
      });
      const date = Date.parse(response.headers.get("Date") || "");
      if (!Number.isNaN(date)) clockOffset = date - Date.now();
      const etag = response.headers.get("ETag");
      if (response.status === 200 && etag && etag !== screen.dataset.screenEtag) {
        const page = await fetch(window.location.href, { cache: "no-store" });
        if (page.ok) {
          const html = new DOMParser().parseFromString(await page.text(), "text/html");
          const fresh = html.getElementById("screen");
          if (fresh) {
            screen.replaceWith(fresh);
            start(fresh);
          }
        }
      }
    } catch (error) {
      // The room's network hiccups: try again at the next poll.
    }
    setTimeout(poll, POLL_SECONDS * 1000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    start(document);
    if (document.getElementById("screen")) setTimeout(poll, POLL_SECONDS * 1000);
  });
})();
