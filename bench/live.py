"""The live evening (issue 11, point 4): every attendee's phone polls its schedule fragment every
20 s while staff mark the next round and re-plan through the staff seat-plan page.

250 phones, each with its own session, open "Meine Gesprächspartner" once and then poll the
fragment URL the page names (with the state it shows) at evenly spread moments: 12.5 polls a
second in all. At `mark_at` seconds staff mark the next round (a POST of the round form, as the
page sends it) and all 250 open the full page at once, as people do when a round begins; at
`replan_at` staff re-plan the rounds to come. Reported: failed requests, p50/p99 of the polls and
of the burst, and how long after the mark each phone showed the new round.
"""

from __future__ import annotations

import html
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from .load import Response, percentile, request

_ALERT = re.compile(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', re.S)
_POLL = re.compile(r'data-hx-get="([^"]*my-partners/rounds/[^"]*)"')


class FormReader(HTMLParser):
    """The fields a browser would send with the form whose action contains `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.inside = not self.found and self.action in (attributes.get("action") or "")
            self.found = self.found or self.inside
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"radio", "checkbox"}:
                if "checked" in attributes:
                    self.fields[name] = attributes.get("value") or "on"
            else:
                self.fields[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            if self._first_option is None:
                self._first_option = value
                self.fields.setdefault(self._select, value)
            if "selected" in attributes:
                self.fields[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(page: bytes, action: str) -> dict[str, str]:
    reader = FormReader(action)
    reader.feed(page.decode("utf-8", "replace"))
    if not reader.found:
        raise RuntimeError(f"no form with action {action!r} on the page")
    return reader.fields


def poll_path(page: bytes) -> str | None:
    match = _POLL.search(page.decode("utf-8", "replace"))
    return html.unescape(match.group(1)) if match else None


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@dataclass
class Phone:
    number: int
    cookies: dict[str, str]
    path: str = ""
    seen_at: float | None = None  # when its screen changed after staff marked the round
    polls_to_see: int = 0  # polls after the mark before the one that showed it
    poll_starts: list[float] = field(default_factory=list)


@dataclass
class Sample:
    started: float
    seconds: float
    status: int


@dataclass
class LiveReport:
    phones: int
    polls: list[Sample] = field(default_factory=list)
    burst: list[Sample] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    mark_seconds: float = 0.0
    replan_seconds: float = 0.0
    staff_page_seconds: float = 0.0
    seen: list[float] = field(default_factory=list)
    not_seen: int = 0
    needed_second_poll: int = 0
    marked_round: int = 0
    interval: float = 20.0
    burst_window: tuple[float, float] = (0.0, 0.0)
    staff_messages: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        poll_ms = [s.seconds * 1000 for s in self.polls]
        burst_ms = [s.seconds * 1000 for s in self.burst]
        first, last = self.burst_window
        quiet_ms = [s.seconds * 1000 for s in self.polls if not first - 1 <= s.started <= last]
        return {
            "phones": self.phones,
            "polls": len(self.polls),
            "poll_rate": round(len(self.polls) / self._span(), 2) if self.polls else 0,
            "poll_p50_ms": round(statistics.median(poll_ms), 1) if poll_ms else None,
            "poll_p99_ms": round(percentile(poll_ms, 0.99), 1) if poll_ms else None,
            "poll_p99_outside_burst_ms": round(percentile(quiet_ms, 0.99), 1) if quiet_ms else None,
            "burst_pages": len(self.burst),
            "burst_p50_ms": round(statistics.median(burst_ms), 1) if burst_ms else None,
            "burst_p99_ms": round(percentile(burst_ms, 0.99), 1) if burst_ms else None,
            "errors": self.errors,
            "error_examples": self.error_examples[:5],
            "marked_round": self.marked_round,
            "staff_page_s": round(self.staff_page_seconds, 2),
            "staff_mark_s": round(self.mark_seconds, 2),
            "staff_replan_s": round(self.replan_seconds, 2),
            "seen_within_interval": sum(1 for s in self.seen if s <= self.interval),
            "seen_max_s": round(max(self.seen), 2) if self.seen else None,
            "not_seen": self.not_seen,
            "needed_second_poll": self.needed_second_poll,
            "staff_messages": self.staff_messages,
        }

    def _span(self) -> float:
        starts = [s.started for s in self.polls]
        return max(max(starts) - min(starts), 1.0)


class LiveEvening:
    def __init__(
        self,
        *,
        base: str,
        headers: dict[str, str],
        event_id: int,
        attendee_sessions: list[str],
        staff_session: str,
        interval: float = 20.0,
        duration: float = 60.0,
        mark_at: float = 15.0,
        replan_at: float = 30.0,
        say=print,
    ) -> None:
        self.base = base
        self.headers = headers
        self.event_id = event_id
        self.phones = [
            Phone(number=n, cookies={"sessionid": key}) for n, key in enumerate(attendee_sessions)
        ]
        self.staff_cookies = {"sessionid": staff_session}
        self.interval, self.duration = interval, duration
        self.mark_at, self.replan_at = mark_at, replan_at
        self.say = say
        self.report = LiveReport(phones=len(self.phones), interval=interval)
        self.lock = threading.Lock()
        self.mark_started: float | None = None
        self.mark_done: float | None = None

    # --- HTTP ----------------------------------------------------------------------------------

    def _get(self, path: str, cookies: dict[str, str], extra: dict | None = None) -> Response:
        headers = {**self.headers, "Cookie": cookie_header(cookies), **(extra or {})}
        answer = request(self.base, path, headers)
        cookies.update(answer.cookies)
        return answer

    def _error(self, what: str) -> None:
        with self.lock:
            self.report.errors += 1
            if len(self.report.error_examples) < 10:
                self.report.error_examples.append(what)

    def page_path(self) -> str:
        return f"/events/{self.event_id}/my-partners/"

    # --- steps ---------------------------------------------------------------------------------

    def open_pages(self) -> None:
        """Every phone opens its page once (taking its CSRF cookie and poll URL)."""

        def open_one(phone: Phone) -> None:
            answer = self._get(self.page_path(), phone.cookies)
            phone.path = poll_path(answer.body) or ""
            if answer.status != 200 or not phone.path:
                self._error(f"page for phone {phone.number}: {answer.status}, no poll URL")

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(open_one, self.phones))

    def poll(self, phone: Phone, started_run: float) -> None:
        if not phone.path:
            return
        started = time.perf_counter()
        try:
            answer = self._get(phone.path, phone.cookies, {"HX-Request": "true"})
        except OSError as error:
            self._error(f"poll: {error}")
            return
        sample = Sample(started - started_run, answer.seconds, answer.status)
        with self.lock:
            self.report.polls.append(sample)
        if answer.status >= 400:
            self._error(f"poll: {answer.status}")
            return
        if answer.status == 200:
            phone.path = poll_path(answer.body) or phone.path
            # A new fragment once staff began to mark the round: the phone shows the new round
            # (an answer may arrive before staff even see their redirect).
            if self.mark_started is not None and phone.seen_at is None:
                phone.seen_at = time.perf_counter()
                phone.polls_to_see = sum(1 for at in phone.poll_starts if at >= self.mark_started)
        phone.poll_starts.append(started)

    def staff_post(self, action: str, change=None, on_send=None) -> float:
        """Open the seat-plan page as staff and send one of its forms; seconds of the POST."""
        page_path = f"/staff/events/{self.event_id}/seating/"
        started = time.perf_counter()
        page = self._get(page_path, self.staff_cookies)
        self.report.staff_page_seconds = max(
            self.report.staff_page_seconds, time.perf_counter() - started
        )
        if page.status != 200:
            raise RuntimeError(f"staff seat-plan page answered {page.status}")
        fields = form_fields(page.body, f"/seating/{action}/")
        fields.update(change(fields) if callable(change) else (change or {}))
        body = urlencode(fields).encode()
        origin = "https://" + self.headers["Host"]
        headers = {
            **self.headers,
            "Cookie": cookie_header(self.staff_cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + page_path,
        }
        if on_send:
            on_send()
        started = time.perf_counter()
        answer = request(self.base, f"{page_path}{action}/", headers, method="POST", body=body)
        seconds = time.perf_counter() - started
        self.staff_cookies.update(answer.cookies)
        if answer.status != 302:
            raise RuntimeError(f"staff POST {action} answered {answer.status}")
        location = answer.headers.get("location", "")
        after = self._get(location or page_path, self.staff_cookies)
        shown = [
            html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for text in _ALERT.findall(after.body.decode("utf-8", "replace"))
        ]
        self.report.staff_messages += [f"{action}: {text}" for text in shown]
        if b"alert-danger" in after.body:
            raise RuntimeError(f"staff POST {action} was refused: {shown}")
        return seconds

    def burst(self, started_run: float) -> None:
        """All phones open the full page at the same moment."""
        gate = threading.Barrier(len(self.phones))

        def open_one(phone: Phone) -> None:
            cookies = dict(phone.cookies)  # a second tab: the phone's poll goes on as before
            gate.wait()
            started = time.perf_counter()
            try:
                answer = self._get(self.page_path(), cookies)
            except OSError as error:
                self._error(f"burst: {error}")
                return
            with self.lock:
                self.report.burst.append(
                    Sample(started - started_run, answer.seconds, answer.status)
                )
            if answer.status >= 400:
                self._error(f"burst: {answer.status}")

        threads = [threading.Thread(target=open_one, args=(p,), daemon=True) for p in self.phones]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def run(self) -> LiveReport:
        self.say(f"  live evening: {len(self.phones)} phones open their page")
        self.open_pages()
        count = len(self.phones)
        started_run = time.perf_counter()
        # Each phone's polls at its own phase: count/interval polls a second in all.
        schedule = sorted(
            (started_run + (n * self.interval / count) + k * self.interval, n)
            for n in range(count)
            for k in range(int(self.duration / self.interval) + 1)
            if n * self.interval / count + k * self.interval < self.duration
        )
        pool = ThreadPoolExecutor(max_workers=64)
        staff = threading.Thread(target=self._staff, args=(started_run,), daemon=True)
        staff.start()
        self.say(
            f"  live evening: polling for {self.duration:.0f} s "
            f"({count / self.interval:.1f} polls/s), staff mark the next round at "
            f"{self.mark_at:.0f} s and re-plan at {self.replan_at:.0f} s"
        )
        for due, number in schedule:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(self.poll, self.phones[number], started_run)
        pool.shutdown(wait=True)
        staff.join()
        for phone in self.phones:
            if phone.seen_at is None or self.mark_done is None:
                self.report.not_seen += 1
                continue
            self.report.seen.append(max(0.0, phone.seen_at - self.mark_done))
            if phone.polls_to_see > 0:
                self.report.needed_second_poll += 1
        return self.report

    def _staff(self, started_run: float) -> None:
        time.sleep(max(0.0, started_run + self.mark_at - time.perf_counter()))
        try:

            def next_round(fields: dict[str, str]) -> dict[str, str]:
                self.report.marked_round = int(fields.get("round") or 0) + 1
                return {"round": str(self.report.marked_round)}

            def sending() -> None:
                self.mark_started = time.perf_counter()

            self.report.mark_seconds = self.staff_post("round", next_round, sending)
            self.mark_done = time.perf_counter()
            first = self.mark_done - started_run
            self.burst(started_run)
            self.report.burst_window = (first, time.perf_counter() - started_run)
            time.sleep(max(0.0, started_run + self.replan_at - time.perf_counter()))
            self.report.replan_seconds = self.staff_post("replan")
        except (RuntimeError, OSError) as error:
            self._error(f"staff: {error}")
