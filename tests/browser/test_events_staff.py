"""The KAG team plans a network evening with speed dating on a phone: creates it, sees the round
times, publishes it, and opens the registrations and the list to print. axe checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from companies.models import Town
from events.models import Event
from kag_portal.models import OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE, screenshot
from tests.events.staff_helpers import register
from tests.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def staff(transactional_db):

    return StaffFactory(email="team@kag.example")


def test_staff_create_a_network_evening_with_speed_dating_and_publish_it(
    page, site_pages, towns, staff
):
    page.goto("/accounts/login/?next=/staff/events/")
    page.locator("input[name='login']").fill(staff.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/staff/events/$"))
    assert_accessible(page)

    page.locator("main a[href='/staff/events/new/']").first.click()
    expect(page.locator("input[name='starts_at']")).not_to_have_value("")
    assert_accessible(page)
    page.locator("input[name='title']").fill("Netzwerkabend mit Speed-Dating")
    page.locator("#id_format").select_option("network_evening")
    page.locator("input[name='venue_name']").fill("Glashütte Schleusingen")
    page.locator("input[name='venue_postal_code']").fill("98553")
    suhl = Town.objects.get(slug="schleusingen")
    page.locator("select[name='town']").select_option(str(suhl.pk))
    page.locator("input[name='starts_at']").fill("2030-03-12T18:00")
    page.locator("input[name='ends_at']").fill("2030-03-12T22:00")
    page.locator("input[name='registration_deadline']").fill("2030-03-10T12:00")
    page.locator("input[name='speed_dating_time']").fill("19:00")
    page.locator("input[name='speed_dating_rounds']").fill("5")
    page.locator("input[name='speed_dating_round_minutes']").fill("8")
    page.locator("input[name='speed_dating_change_minutes']").fill("2")
    page.locator("input[name='speed_dating_table_size']").fill("2")
    page.locator("input[name='agenda-0-time']").fill("18:00")
    page.locator("input[name='agenda-0-title']").fill("Ankommen")
    page.locator("input[name='agenda-1-time']").fill("19:00")
    page.locator("input[name='agenda-1-title']").fill("Speed-Dating")
    page.locator("main form[method='post'] button[type='submit']").last.click()

    event = Event.objects.get()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/$"))
    rounds = page.locator(".speed-dating-rounds li")
    expect(rounds).to_have_count(5)
    expect(rounds.first).to_contain_text("19:00")
    expect(rounds.last).to_contain_text("19:40")
    screenshot(page, "events-staff-edit-phone")
    assert fits_the_width(page)
    assert_accessible(page)

    page.locator(f"form[action='/staff/events/{event.pk}/publish/'] button").click()
    expect(page.locator(".event-status-published").first).to_be_visible()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert_accessible(page)

    register(event, name="Anna Keller")
    page.goto("/staff/events/")
    expect(page.locator("main")).to_contain_text("1 / 60")
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "events-staff-list-phone")

    page.goto(f"/staff/events/{event.pk}/registrations/")
    expect(page.locator("main")).to_contain_text("Anna Keller")
    assert_accessible(page)
    screenshot(page, "events-staff-registrations-phone")

    page.set_viewport_size(DESKTOP)
    page.goto(f"/staff/events/{event.pk}/print/")
    expect(page.locator("main")).to_contain_text("Anna Keller")
    assert_accessible(page)
    screenshot(page, "events-staff-print-desktop")
    page.emulate_media(media="print")
    screenshot(page, "events-staff-print-media")
    page.emulate_media(media="screen")
    page.goto(f"/staff/events/{event.pk}/")
    screenshot(page, "events-staff-edit-desktop")

    # Cancelling asks first; Anna gets one mail.
    page.set_viewport_size(PHONE)
    page.locator(f"main a[href='/staff/events/{event.pk}/cancel/']").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/cancel/$"))
    assert_accessible(page)
    screenshot(page, "events-staff-cancel-phone")
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/staff/events/$"))
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert OutboxMail.objects.filter(idempotency_key__startswith="event-cancelled:").count() == 1
