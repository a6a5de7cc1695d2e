/* "Meine Gesprächspartner" on the phone, also without a network:
 *  - registers the service worker (static/js/my-partners-worker.js) and asks it to keep this page
 *    and the files it loads, again whenever the rounds changed (an htmx poll swapped them) or the
 *    network is back;
 *  - marks the round whose time it is by the phone's clock, from the rounds' <time datetime>,
 *    with a countdown to its end: the page kept on the phone follows the evening offline too;
 *  - says when the phone is offline.
 * The texts come from the page (data-label-* on .my-partners), in the page's language.
 */
(function () {
  "use strict";

  const root = document.querySelector(".my-partners[data-worker]");
  if (!root) {
    return;
  }

  function keepThisPage() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    const files = Array.from(
      document.querySelectorAll("link[rel='stylesheet'][href], script[src], link[rel='icon'][href]"),
    ).map((element) => element.href || element.src);
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) {
        registration.active.postMessage({ keep: [window.location.href, ...files] });
      }
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(root.dataset.worker)
      .then(keepThisPage)
      .catch(() => undefined);
  }

  // --- the running round by the clock --------------------------------------------------------

  function times(section) {
    const found = section.querySelectorAll(".my-round-time time[datetime]");
    if (found.length < 2) {
      return null;
    }
    return { start: new Date(found[0].dateTime), end: new Date(found[1].dateTime) };
  }

  function countdown(milliseconds) {
    const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return (root.dataset.labelEndsIn || "{time}").replace("{time}", `${minutes}:${rest}`);
  }

  function setState(section, state) {
    section.classList.toggle("my-round-running", state === "running");
    section.classList.toggle("my-round-played", state === "played");
    const badge = section.querySelector(".my-round-state");
    if (badge && badge.dataset.state !== state) {
      badge.dataset.state = state;
      badge.textContent = "";
      if (state === "running") {
        const now = document.createElement("span");
        now.className = "badge text-bg-warning";
        now.textContent = root.dataset.labelNow || "";
        badge.append(now);
      } else if (state === "played") {
        const over = document.createElement("span");
        over.className = "my-round-done";
        over.textContent = root.dataset.labelOver || "";
        badge.append(over);
      }
    }
  }

  function follow() {
    const container = document.getElementById("my-rounds");
    if (!container) {
      return;
    }
    const sections = Array.from(container.querySelectorAll(".my-round"));
    const now = new Date();
    // The round staff marked (in the page as it came from the server) stays the running one
    // until its time is over; then the clock decides.
    const marked = sections.find(
      (section) => section.dataset.marked === "true" && times(section) && times(section).end > now,
    );
    let changed = false;
    for (const section of sections) {
      const span = times(section);
      if (!span) {
        continue;
      }
      let state = "coming";
      if (marked) {
        const markedSpan = times(marked);
        if (section === marked) {
          state = "running";
        } else if (span.start < markedSpan.start) {
          state = "played";
        }
      } else if (span.end <= now) {
        state = "played";
      } else if (span.start <= now) {
        state = "running";
      }
      const before = section.classList.contains("my-round-running")
        ? "running"
        : section.classList.contains("my-round-played")
          ? "played"
          : "coming";
      if (before !== state) {
        changed = true;
      }
      setState(section, state);
      const clock = section.querySelector(".my-round-countdown");
      if (clock) {
        const counting = state === "running" && span.start <= now;
        clock.hidden = !counting;
        if (counting) {
          clock.textContent = countdown(span.end - now);
        }
      }
    }
    if (changed) {
      // The order the server uses: the running round first, then those to come, then those played.
      const rank = (section) =>
        section.classList.contains("my-round-running")
          ? 0
          : section.classList.contains("my-round-played")
            ? 2
            : 1;
      const number = (section) => Number(section.dataset.round || 0);
      sections
        .slice()
        .sort((a, b) => rank(a) - rank(b) || number(a) - number(b))
        .forEach((section) => container.append(section));
    }
  }

  follow();
  window.setInterval(follow, 1000);

  // --- offline and back -----------------------------------------------------------------------

  const notice = document.getElementById("my-partners-offline");
  function showConnection() {
    if (notice) {
      notice.hidden = navigator.onLine;
    }
  }
  showConnection();
  window.addEventListener("offline", showConnection);
  window.addEventListener("online", () => {
    showConnection();
    keepThisPage();
    // Ask for the rounds at once rather than at the next poll.
    const container = document.getElementById("my-rounds");
    if (container && window.htmx && container.dataset.hxTrigger) {
      window.htmx.trigger(container, "kag:online");
    }
  });
  // An htmx poll brought new rounds: mark them by the clock and keep the page as it is now.
  document.body.addEventListener("htmx:afterSettle", () => {
    follow();
    keepThisPage();
  });
})();
