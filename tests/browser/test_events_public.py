"""A member on a phone finds an event, registers, lands on the waitlist and cancels; axe on
every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Town
from events.models import AgendaItem, Registration
from events.services.registration import cancel, register
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, link_in_mail, screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    CompanyFactory,
    EventFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def full_evening(towns):
    suhl = Town.objects.get(slug="suhl")
    starts = (timezone.localtime() + timedelta(days=10)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    event = EventFactory(
        title="Netzwerkabend im CCS Suhl",
        description="Ein Abend für **Unternehmerinnen und Unternehmer** der Region.",
        venue_name="Congress Centrum Suhl",
        venue_street="Friedrich-König-Straße 7",
        venue_postal_code="98527",
        town=suhl,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=1,
        host_company=CompanyFactory(published=True, name="Feinmechanik Suhl GmbH", town=suhl),
        speed_dating_starts_at=starts + timedelta(minutes=30),
        speed_dating_rounds=4,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=3,
    )
    AgendaItem.objects.create(event=event, starts_at=starts, title="Begrüßung durch die KAG")
    AgendaItem.objects.create(
        event=event, starts_at=starts + timedelta(minutes=30), title="Speed-Dating"
    )
    first = MembershipFactory(company=CompanyFactory(published=True, name="Spannwerk GmbH"))
    register(
        event=event,
        company=first.company,
        person=first.user,
        name="Bernd Zange",
        email=first.user.email,
        registered_by=first.user,
        show_to_attendees=True,
    )
    anna = MembershipFactory(
        company=CompanyFactory(published=True, name="Feinwerk Zella-Mehlis"),
        user__email="anna@feinwerk.example",
        user__display_name="Anna Schmidt",
    ).user
    return {"event": event, "anna": anna}


def test_a_member_joins_the_waitlist_sees_the_position_and_cancels(page, site_pages, full_evening):
    event = full_evening["event"]
    page.goto("/events/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "events-list-phone")

    page.get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    assert_accessible(page)
    screenshot(page, "events-detail-anonymous-phone")

    page.locator(f"a[href='/accounts/login/?next=/events/{event.pk}/']").click()
    page.locator("input[name='login']").fill(full_evening["anna"].email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    assert_accessible(page)
    screenshot(page, "events-detail-member-phone")

    page.locator("input[name='consent']").check()
    page.locator("input[name='show_to_attendees']").check()
    page.locator(f"form[action='/events/{event.pk}/'] button[type='submit']").click()

    registration = Registration.objects.get(event=event, person=full_evening["anna"])
    expect(page).to_have_url(re.compile(rf"/events/registrations/{registration.pk}/$"))
    expect(page.locator("main .alert-warning")).to_contain_text("1")
    assert registration.status == Registration.Status.WAITLISTED
    assert_accessible(page)
    screenshot(page, "events-registration-waitlist-phone")

    # Cancelling asks first; "no" keeps the place on the waitlist.
    page.locator(f"main a[href='/events/registrations/{registration.pk}/cancel/']").click()
    expect(page.locator("main h1")).to_have_text("Anmeldung zurückziehen?")
    expect(page.locator("main")).to_contain_text("Platz 1")
    assert_accessible(page)
    screenshot(page, "events-cancel-asks-first-phone")
    page.locator("main a", has_text="Nein").click()
    expect(page).to_have_url(re.compile(rf"/events/registrations/{registration.pk}/$"))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITLISTED

    page.locator(f"main a[href='/events/registrations/{registration.pk}/cancel/']").click()
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main .alert-secondary")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert_accessible(page)

    page.set_viewport_size(DESKTOP)
    page.goto(f"/events/{event.pk}/")
    assert_accessible(page)
    screenshot(page, "events-detail-member-desktop")


def test_someone_who_moved_up_gives_the_place_back_from_the_mail(
    page, site_pages, full_evening, live_server, settings
):
    settings.SITE_URL = live_server.url  # links in mails point at the test server
    event = full_evening["event"]
    anna = full_evening["anna"]
    waiting = register(
        event=event,
        company=anna.memberships.get().company,
        person=anna,
        name="Anna Schmidt",
        email=anna.email,
        registered_by=anna,
    )
    first = Registration.objects.get(event=event, status=Registration.Status.CONFIRMED)
    cancel(registration=first, by=first.person)

    page.goto(link_in_mail(to_email=anna.email, path_part="/events/decline/"))
    assert_accessible(page)
    screenshot(page, "events-decline-phone")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    assert_accessible(page)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CANCELLED
