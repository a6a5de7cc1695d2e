"""An attendee's schedule on a phone at a venue whose Wi-Fi fails: opened once online, the
service worker keeps it; offline, a reload still shows their tables and partners with the running
round marked by the clock; back online, a swap by staff shows at once; logging out deletes what
the phone kept. axe checks the page online and offline; screenshots of the offline page go to
/tmp/shots."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core.signals import request_started
from django.utils import timezone
from playwright.sync_api import expect

from matchmaking.models import Seat, SeatingPlan
from matchmaking.services import seating
from tests.browser.axe import assert_accessible
from tests.browser.helpers import screenshot
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.matchmaking.seating_helpers import attendees, speed_dating_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_375 = {"width": 375, "height": 740}
CACHE = "kag-my-partners-v1"


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()


def wait_until(page, expression: str, what: str, seconds: float = 10) -> None:
    """Poll a JavaScript expression (wait_for_function evaluates a string: the CSP refuses it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def kept_page_names(page) -> list[str]:
    return page.evaluate(
        f"caches.open('{CACHE}').then((cache) => cache.keys())"
        ".then((requests) => requests.map((request) => new URL(request.url).pathname))"
    )


def partner_in_round(plan, registration, round_no: int) -> str:
    mine = Seat.objects.get(plan=plan, round=round_no, registration=registration)
    other = Seat.objects.filter(plan=plan, round=round_no, table=mine.table).exclude(
        registration=registration
    )
    return other.get().registration.name


def swap_my_partner(event, plan, me, round_no: int, staff) -> str:
    """Staff swap the attendee's partner of the round with someone at another table; the name of
    the new partner (the first swap the plan allows)."""
    mine = Seat.objects.get(plan=plan, round=round_no, registration=me)
    partner = (
        Seat.objects.filter(plan=plan, round=round_no, table=mine.table)
        .exclude(registration=me)
        .get()
    )
    for other in Seat.objects.filter(plan=plan, round=round_no).exclude(table=mine.table):
        plan.refresh_from_db()
        try:
            seating.swap(
                event=event,
                round_no=round_no,
                first=partner.registration_id,
                second=other.registration_id,
                expected_version=plan.version,
                by=staff,
            )
        except seating.SeatingError:
            continue
        return other.registration.name
    raise AssertionError("no swap allowed")


def test_the_schedule_opens_offline_and_follows_the_plan_when_back_online(
    browser, live_server, site_pages, towns
):
    # The speed dating began three minutes ago: round 1 (8 minutes) runs by the clock.
    starts_at = timezone.now() - timedelta(hours=1, minutes=3)
    event = speed_dating_event(rounds=3, table_size=2, starts_at=starts_at)
    people = attendees(event, 8)
    staff = StaffFactory(email="team@kag.example")
    plan = seating.generate_plan(
        event=event, source=SeatingPlan.Source.REGISTRATIONS, expected_version=None, by=staff
    )
    plan = seating.publish(event=event, expected_version=plan.version, by=staff)
    me = people[2]
    schedule_url = f"/events/{event.pk}/my-partners/"
    context = browser.new_context(locale="de-DE", viewport=PHONE_375, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )

    log_in(page, me.person.email, schedule_url)
    expect(page).to_have_url(re.compile(rf"{schedule_url}$"))
    wait_until(
        page,
        "navigator.serviceWorker.ready.then((registration) => !!registration.active)",
        "the service worker",
    )
    wait_until(
        page,
        f"caches.open('{CACHE}').then((cache) => cache.match(location.href)).then((r) => !!r)",
        "the schedule kept by the worker",
    )
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)").endswith("/events/")
    first_partner = partner_in_round(plan, me, 1)
    running = page.locator(".my-round").first
    expect(running).to_have_class(re.compile("my-round-running"))
    expect(running.locator(".my-round-countdown")).to_have_text(
        re.compile(r"(noch \d+:\d\d Min\.|ends in \d+:\d\d min)")
    )
    expect(running).to_contain_text(first_partner)
    expect(page.locator("#my-partners-offline")).to_be_hidden()
    assert_accessible(page)

    # The venue's Wi-Fi goes: a reload still shows the plan, with the running round by the clock.
    context.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text(re.compile("Meine Gesprächspartner"))
    expect(page.locator("#my-partners-offline")).to_be_visible()
    running = page.locator(".my-round").first
    expect(running).to_have_class(re.compile("my-round-running"))
    expect(running).to_contain_text(first_partner)
    expect(running.locator(".my-round-countdown")).to_be_visible()
    expect(page.locator(".my-round-table").first).to_have_text(re.compile(r"(Tisch|Table) \d+"))
    assert page.locator(".my-round").count() == 3
    assert_accessible(page)
    screenshot(page, "schedule-offline-375")
    # Ten minutes later, still offline: round 1 is over and round 2 runs, by the phone's clock.
    page.clock.install()
    page.reload()
    page.clock.fast_forward("10:00")
    expect(page.locator(".my-round").first).to_have_attribute("data-round", "2")
    expect(page.locator(".my-round").first).to_have_class(re.compile("my-round-running"))
    expect(page.locator(".my-round[data-round='1']")).to_have_class(re.compile("my-round-played"))
    expect(page.locator(".my-round[data-round='1'] .my-round-countdown")).to_be_hidden()
    expect(page.locator(".my-round[data-round='2'] .my-round-countdown")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "schedule-offline-375-round-2")
    # The installed page's start shows the schedule kept last while offline.
    page.goto("/events/my-partners/")
    expect(page.locator(".my-round[data-round='1']")).to_contain_text(first_partner)

    # Still offline, staff swap the attendee's partner in round 2. When the network is back, the
    # page asks for its rounds at once (no reload) and the copy on the phone has the swap too.
    page.goto(schedule_url)
    new_partner = swap_my_partner(event, plan, me, 2, staff)
    round_2 = page.locator(".my-round[data-round='2']")
    expect(round_2).not_to_contain_text(new_partner)
    context.set_offline(False)
    expect(round_2).to_contain_text(new_partner)
    expect(page.locator("#my-partners-offline")).to_be_hidden()
    wait_until(
        page,
        f"caches.open('{CACHE}').then((c) => c.match(location.href)).then((r) => r && r.text())"
        f".then((html) => !!html && html.includes({new_partner!r}))",
        "the kept copy with the swap",
    )
    context.set_offline(True)
    page.reload()
    expect(round_2).to_contain_text(new_partner)
    context.set_offline(False)
    # Online, a reload shows the plan from the server, and the worker renews its copy with a
    # revalidation (If-None-Match: 304 while nothing changed since the reload). After that,
    # following an unchanged plan costs a 204 per poll and no fetch of the page.
    asked: list[tuple[str, bool]] = []

    def record(sender, environ, **kwargs) -> None:
        asked.append((environ["PATH_INFO"], "HTTP_IF_NONE_MATCH" in environ))

    request_started.connect(record)
    try:
        page.reload()
        expect(round_2).to_contain_text(new_partner)
        deadline = time.monotonic() + 10
        while [path for path, _ in asked].count(schedule_url) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        # The reload and the worker's copy (and the one asked for when the network came back),
        # all revalidations; the worker's script is checked for a new release as well.
        page.wait_for_timeout(300)
        pages = [entry for entry in asked if entry[0] == schedule_url]
        assert len(pages) >= 2
        assert all(revalidation for _path, revalidation in pages)
        asked.clear()
        for _poll in range(3):
            with page.expect_response(re.compile(r"/my-partners/rounds/")) as poll:
                page.clock.fast_forward("00:21")
            assert poll.value.status == 204
        page.wait_for_timeout(500)
    finally:
        request_started.disconnect(record)
    assert asked == [(f"/events/{event.pk}/my-partners/rounds/", False)] * 3

    # Logging out deletes the plan kept on the phone.
    page.goto(schedule_url)
    assert schedule_url in kept_page_names(page)
    # The menu is folded on the phone (its animation runs on the faked clock): the logout form is
    # sent as its button sends it.
    with page.expect_navigation():
        page.locator("header form[action='/accounts/logout/']").evaluate(
            "(form) => form.requestSubmit()"
        )
    expect(page.locator("header a[href^='/accounts/login/']")).to_have_count(1)
    wait_until(page, "caches.keys().then((names) => names.length === 0)", "the kept plan deleted")
    context.close()
    assert not csp_violations, "\n".join(csp_violations)
