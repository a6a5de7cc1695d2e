"""The evening live: a staff member on a phone starts round 1, a walk-in is checked in and
slotted in by re-planning the rounds to come, round 2 starts in one tap; the projector's big
screen at 1920 × 1080 follows within 5 s. axe checks both pages; screenshots go to /tmp/shots."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Registration
from matchmaking.models import SeatingPlan
from matchmaking.services import seating
from tests.browser.axe import assert_accessible
from tests.browser.helpers import screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, StaffFactory
from tests.matchmaking.seating_helpers import attendees, speed_dating_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 375, "height": 740}
PROJECTOR = {"width": 1920, "height": 1080}


def test_staff_run_the_evening_from_a_phone_and_the_big_screen_follows(
    page, browser, live_server, site_pages, towns
):
    staff = StaffFactory(email="karla@kag.example", display_name="Karla Gebhardt")
    event = speed_dating_event(rounds=4, starts_at=timezone.now() - timedelta(minutes=30))
    attendees(event, 30, checked_in=30)
    seating.generate_plan(
        event=event, source=seating.default_source(event), expected_version=None, by=staff
    )
    live_url = f"/staff/events/{event.pk}/live/"

    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"/accounts/login/?next={live_url}")
    page.locator("input[name='login']").fill(staff.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"{live_url}$"))
    assert_accessible(page)

    # The big-screen link, opened on the projector.
    page.locator(f"form[action='{live_url}screen-link/'] button").click()
    screen_link = page.locator(".live-screen-link").get_attribute("href")
    assert screen_link
    projector = browser.new_context(locale="de-DE", viewport=PROJECTOR)
    screen = projector.new_page()
    # The link names SITE_URL; here the live server serves it.
    screen.goto(live_server.url + re.sub(r"^https?://[^/]+", "", screen_link))
    expect(screen.locator(".screen-person").first).to_be_visible()
    assert_accessible(screen)

    # Round 1.
    page.locator(f"form[action='{live_url}start/'] button").first.click()
    expect(page.locator(".live-phase")).to_contain_text(re.compile(r"(Runde|Round) 1"))
    expect(page.locator("[data-countdown-left]")).to_have_text(re.compile(r"^[78]:\d\d$"))
    expect(page.locator(".live-last-change")).to_contain_text("Karla Gebhardt")
    assert_accessible(page)

    # A walk-in at the door: checked in on the check-in page, then back to the run of show.
    CompanyFactory(published=True, name="Rennsteig Werkzeugbau")
    page.locator(f".live-now ~ section a[href='/staff/events/{event.pk}/checkin/']").click()
    page.locator(f"main a[href='/staff/events/{event.pk}/checkin/walk-in/']").click()
    page.locator("input[name='name']").fill("Wanda Späth")
    page.locator("input[name='email']").fill("wanda@example.com")
    page.locator("select[name='company']").select_option(label="Rennsteig Werkzeugbau")
    page.locator("main form[method='post'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/checkin/$"))
    walk_in = Registration.objects.get(email="wanda@example.com")
    assert walk_in.checked_in_at is not None
    page.locator(f"a[href='{live_url}']").first.click()
    expect(page.locator(".live-people")).to_contain_text("Wanda Späth")
    assert_accessible(page)
    page.locator(f"form[action='{live_url}replan/'] button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    plan = SeatingPlan.objects.get(event=event)
    assert plan.seats.filter(round=2, registration=walk_in).exists()
    assert not plan.seats.filter(round=1, registration=walk_in).exists()

    # An attendee's phone, open on their schedule while round 1 runs.
    seating.publish(
        event=event, expected_version=SeatingPlan.objects.get(event=event).version, by=staff
    )
    attendee = plan.seats.filter(round=2).exclude(registration=walk_in).first().registration
    phone_context = browser.new_context(locale="de-DE", viewport=SMALL_PHONE)
    phone = phone_context.new_page()
    phone.goto(f"{live_server.url}/accounts/login/?next=/events/{event.pk}/my-partners/")
    phone.locator("input[name='login']").fill(attendee.person.email)
    phone.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    phone.locator("main button[type='submit']").click()
    expect(phone.locator(".my-round-running .my-round-heading")).to_contain_text(
        re.compile(r"(Runde|Round) 1")
    )
    page.reload()

    # Round 2 in one tap; the screen and the attendee's phone follow within 5 s.
    page.locator(f"form[action='{live_url}start/'] button").first.click()
    expect(page.locator(".live-phase")).to_contain_text(re.compile(r"(Runde|Round) 2"))
    expect(screen.locator(".screen-title")).to_contain_text(
        re.compile(r"(Runde|Round) 2"), timeout=5_000
    )
    expect(phone.locator(".my-round-running .my-round-heading")).to_contain_text(
        re.compile(r"(Runde|Round) 2"), timeout=5_000
    )
    expect(screen.locator(".screen-name", has_text="Wanda Späth")).to_have_count(1)
    expect(screen.locator("[data-countdown-left]")).to_have_text(re.compile(r"^[78]:\d\d$"))
    # 31 people: two pages, one shown at a time, and nothing to scroll at 1920 × 1080.
    assert screen.locator("[data-screen-page]").count() == 2
    assert screen.locator("[data-screen-page]:visible").count() == 1
    assert screen.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert_accessible(screen)
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    assert_accessible(page)

    screenshot(page, "live-evening-phone")
    screenshot(screen, "live-evening-screen")
    shown_at = screen.url
    projector.close()

    # Someone leaves: the page asks first, then they are out of the rounds to come.
    leaver = plan.seats.filter(round=3).exclude(registration=walk_in).first().registration
    page.locator(f".live-people a[href*='registration={leaver.pk}&']").click()
    assert_accessible(page)
    page.locator("main form[method='post'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"{live_url}$"))
    expect(page.locator(".live-last-change")).to_contain_text(leaver.name)
    assert not plan.seats.filter(round__gt=2, registration=leaver).exists()
    assert plan.seats.filter(round__lte=2, registration=leaver).count() == 2

    # Without JavaScript the screen shows every page of names, stacked, and the end time.
    still = browser.new_context(locale="de-DE", viewport=PROJECTOR, java_script_enabled=False)
    still.set_default_timeout(10_000)
    plain = still.new_page()
    plain.goto(shown_at)
    expect(plain.locator("[data-screen-page]:visible")).to_have_count(2)
    expect(plain.locator("[data-countdown]")).to_be_visible()
    still.close()
