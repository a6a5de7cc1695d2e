"""A member registers their company's team for the company run, downloads the .ics and
subscribes to their personal calendar; axe on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Town
from events.models import CalendarFeed, Event, Registration
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, EventFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def run(towns):
    suhl = Town.objects.get(slug="suhl")
    starts = (timezone.localtime() + timedelta(days=20)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    event = EventFactory(
        title="Firmenlauf Suhl",
        format=Event.Format.COMPANY_RUN,
        venue_name="Stadion Auf der Aue",
        venue_street="Auenstraße 1",
        town=suhl,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=2,
    )
    member = MembershipFactory(
        company=CompanyFactory(published=True, name="Spannwerk GmbH"),
        user__email="anna@spannwerk.example",
        user__display_name="Anna Schmidt",
    ).user
    return {"event": event, "member": member}


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(next_path)}$"))


def test_a_member_registers_a_team_of_three_for_two_places(page, site_pages, run):
    event = run["event"]
    log_in(page, run["member"].email, f"/events/{event.pk}/")
    assert_accessible(page)

    page.locator(f"a[href='/events/{event.pk}/team/']").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("input[name='runners-0-email']")).to_have_value("anna@spannwerk.example")
    assert_accessible(page)
    screenshot(page, "company-run-team-form-phone")

    page.locator("select[name='runners-0-shirt_size']").select_option("S")
    page.locator("input[name='runners-1-name']").fill("Bernd Zange")
    page.locator("input[name='runners-1-email']").fill("bernd@spannwerk.example")
    page.locator("select[name='runners-1-shirt_size']").select_option("XL")
    page.locator("input[name='runners-2-name']").fill("Carla Feile")
    page.locator("input[name='runners-2-email']").fill("carla@spannwerk.example")
    page.locator("input[name='consent']").check()
    page.locator(f"form[action='/events/{event.pk}/team/'] button[type='submit']").click()

    expect(page.locator("main .alert-success, .alert-success").first).to_be_visible()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("1")
    statuses = list(
        Registration.objects.filter(event=event).order_by("pk").values_list("status", "shirt_size")
    )
    assert statuses == [("confirmed", "S"), ("confirmed", "XL"), ("waitlisted", "")]
    assert_accessible(page)
    screenshot(page, "company-run-team-result-phone")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)


def test_a_member_downloads_the_ics_and_makes_a_calendar_link(page, site_pages, run):
    event = run["event"]
    log_in(page, run["member"].email, f"/events/{event.pk}/")

    with page.expect_download() as download_info:
        page.locator(f"a[href='/events/{event.pk}/event.ics']").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    assert str(calendar.events[0]["SUMMARY"]) == "Firmenlauf Suhl"

    page.goto("/me/")
    page.locator("form[action='/events/feed/renew/'] button").click()
    token = CalendarFeed.objects.get(user=run["member"]).token
    expect(page.locator("#calendar-feed-url")).to_have_value(re.compile(rf"/events/feed/{token}"))
    expect(page.locator("a[href^='webcal://']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "me-calendar-link-phone")
