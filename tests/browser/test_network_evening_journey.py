"""The "Done when" journey of the events issue, the whole story in one browser on a phone:
staff create a network evening with speed dating and publish it, invite the published companies,
a member opens the link from the mail, registers with a wish partner and downloads the .ics; the
evening fills, the next person waits, a cancellation moves her up, and staff check two people in.
axe checks every page; the pictures go to /tmp/shots/done-when-*.png."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Town
from events.models import Event, EventInvitation, Registration
from events.services.calendar import event_uid
from kag_portal.models import OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import link_in_mail, screenshot
from tests.companies.directory_helpers import listed
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Netzwerkabend mit Speed-Dating"


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name: str) -> None:
    assert fits_the_width(page), f"{page.url} scrolls sideways on a phone"
    screenshot(page, f"done-when-{name}")


def log_in(page, email: str) -> None:
    """Fill in the login form the page is on (it keeps ?next= to where the person wanted to go)."""
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()


def log_out(page) -> None:
    """The next person on the same phone: no cookie of the last one is left."""
    page.context.clear_cookies()


def register_from_invitation(
    page, email: str, *, wish_partner: str = "", picture: str = ""
) -> Registration:
    """Open the personal link of the person's invitation mail, log in and register oneself."""
    page.goto(link_in_mail(to_email=email, path_part="/events/invitation/"))
    log_in(page, email)
    expect(page).to_have_url(re.compile(r"/events/\d+/#register-heading$"))
    assert_accessible(page)
    if picture:
        shot(page, picture)
    form = page.locator("main form[method='post']").filter(has=page.locator("[name='consent']"))
    if wish_partner:
        form.locator("textarea[name='topics']").fill("Busverbindungen ins Gewerbegebiet")
    form.locator("input[name='consent']").check()
    form.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/events/registrations/\d+/$"))
    if wish_partner:
        # The wish partner: on its own page, typed into the search (htmx fills the list).
        page.locator("main a[href$='/wishes/']").click()
        assert_accessible(page)
        page.locator("#wish-search").fill(wish_partner.split()[0])
        page.get_by_label(wish_partner).check()
        assert_accessible(page)
        if picture:
            shot(page, picture + "-wishes")
        page.locator("main button[value='save']").click()
        expect(page).to_have_url(re.compile(r"/events/registrations/\d+/$"))
    registration = Registration.objects.get(email=email, status__in=["confirmed", "waitlisted"])
    assert registration.invitation is not None
    return registration


def test_done_when_the_evening_from_planning_to_the_door(
    page, site_pages, towns, live_server, settings
):

    settings.SITE_URL = live_server.url  # links in mails point at the test server
    staff = StaffFactory(email="team@kag.example")
    members = {}
    for name, email in [
        ("Spannwerk Suhl GmbH", "anna@spannwerk.example"),
        ("Feinwerk Zella-Mehlis", "ben@feinwerk.example"),
        ("Glashütte Schleusingen", "carla@glashuette.example"),
    ]:
        members[email] = MembershipFactory(company=listed(name=name), user__email=email).user
    CompanyFactory(name="Entwurf GmbH")  # a draft company is not invited
    anna, ben, carla = members

    # 1. Staff create the evening with a speed-dating block, two places, and publish it.
    page.goto("/staff/events/")
    log_in(page, staff.email)
    expect(page).to_have_url(re.compile(r"/staff/events/$"))
    assert_accessible(page)
    page.locator("main a[href='/staff/events/new/']").first.click()
    expect(page.locator("input[name='starts_at']")).not_to_have_value("")
    assert_accessible(page)
    day = (timezone.localdate() + timedelta(days=14)).isoformat()
    deadline = (timezone.localdate() + timedelta(days=12)).isoformat()
    page.locator("input[name='title']").fill(TITLE)
    page.locator("#id_format").select_option("network_evening")
    page.locator("input[name='venue_name']").fill("Congress Centrum Suhl")
    page.locator("input[name='venue_postal_code']").fill("98527")
    page.locator("select[name='town']").select_option(str(Town.objects.get(slug="suhl").pk))
    page.locator("input[name='starts_at']").fill(f"{day}T18:00")
    page.locator("input[name='ends_at']").fill(f"{day}T22:00")
    page.locator("input[name='registration_deadline']").fill(f"{deadline}T12:00")
    page.locator("input[name='capacity']").fill("2")
    page.locator("input[name='speed_dating_time']").fill("19:00")
    page.locator("input[name='speed_dating_rounds']").fill("3")
    page.locator("input[name='speed_dating_round_minutes']").fill("10")
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
    expect(rounds).to_have_count(3)
    expect(rounds.first).to_contain_text("19:00")
    expect(rounds.last).to_contain_text("19:24")
    assert_accessible(page)
    page.locator(f"form[action='/staff/events/{event.pk}/publish/'] button").click()
    expect(page.locator(".event-status-published").first).to_be_visible()
    assert_accessible(page)
    shot(page, "1-staff-published")
    event.refresh_from_db()
    assert (event.status, event.capacity) == (Event.Status.PUBLISHED, 2)

    # 2. Staff invite all published companies: count and preview first, then send.
    page.locator(f"nav a[href='/staff/events/{event.pk}/invitations/']").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/invitations/$"))
    assert_accessible(page)
    page.locator("input[name='kind'][value='all']").check()
    page.locator("main button[name='preview']").click()
    expect(page.locator("#recipient-count")).to_contain_text("3")
    expect(page.locator(".invitation-preview").first).to_contain_text(TITLE)
    assert_accessible(page)
    shot(page, "2-staff-invitation-preview")
    page.locator("main button[name='confirm']").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/invitations/#rounds-heading$"))
    expect(page.locator("#invitation-figures li").first).to_contain_text("3")
    assert_accessible(page)
    assert sorted(EventInvitation.objects.values_list("email", flat=True)) == sorted(members)
    log_out(page)

    # 3. Anna opens her link, registers with a wish partner and downloads the .ics.
    first = register_from_invitation(
        page, anna, wish_partner="Glashütte Schleusingen", picture="3-anna-invited"
    )
    expect(page.locator("main p.alert-success")).to_be_visible()
    expect(page.locator("svg.checkin-qr")).to_be_visible()
    assert_accessible(page)
    shot(page, "3-anna-registered")
    assert first.status == Registration.Status.CONFIRMED
    assert [c.name for c in first.wish_partners.all()] == ["Glashütte Schleusingen"]

    page.locator(f"main a[href='{event.get_absolute_url()}']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(f"main a[href='/events/registrations/{first.pk}/']")).to_be_visible()
    assert_accessible(page)
    shot(page, "3-anna-event-page")
    with page.expect_download() as download_info:
        page.locator(f"main a[href='/events/{event.pk}/event.ics']").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    (entry,) = calendar.events
    assert str(entry["SUMMARY"]) == TITLE
    assert str(entry["UID"]) == event_uid(event)
    assert entry.decoded("DTSTART") == event.starts_at
    log_out(page)

    # 4. Ben takes the last place; Carla finds the evening full and waits as number 1.
    register_from_invitation(page, ben)
    expect(page.locator("main p.alert-success")).to_be_visible()
    assert_accessible(page)
    log_out(page)
    waiting = register_from_invitation(page, carla, picture="4-carla-invited-event-full")
    expect(page.locator("main p.alert-warning")).to_contain_text("1")
    assert_accessible(page)
    shot(page, "4-carla-waitlisted")
    assert waiting.status == Registration.Status.WAITLISTED
    log_out(page)

    # 5. Anna cancels on her registration page; Carla moves up and gets a mail.
    page.goto(f"/events/registrations/{first.pk}/")
    log_in(page, anna)
    expect(page).to_have_url(re.compile(rf"/events/registrations/{first.pk}/$"))
    assert_accessible(page)
    page.locator(f"main a[href='/events/registrations/{first.pk}/cancel/']").click()
    assert_accessible(page)
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main p.alert-secondary")).to_be_visible()
    assert_accessible(page)
    log_out(page)
    assert OutboxMail.objects.filter(
        to_email=carla, idempotency_key=f"registration-promoted:{waiting.pk}"
    ).exists()
    link_in_mail(to_email=carla, path_part="/events/decline/")  # she may give it back

    page.goto(f"/events/registrations/{waiting.pk}/")
    log_in(page, carla)
    expect(page).to_have_url(re.compile(rf"/events/registrations/{waiting.pk}/$"))
    expect(page.locator("main p.alert-success")).to_be_visible()
    expect(page.locator("main p.alert-warning")).to_have_count(0)
    assert_accessible(page)
    shot(page, "5-carla-moved-up")
    log_out(page)

    # 6. At the door, on the phone: one tap each for Ben and Carla.
    page.goto(f"/staff/events/{event.pk}/checkin/")
    log_in(page, staff.email)
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/checkin/$"))
    counts = page.locator(".checkin-counts")
    expect(counts).to_contain_text("0 / 2")
    assert_accessible(page)
    for person, expected in [(ben, "1 / 2"), (carla, "2 / 2")]:
        registration = Registration.objects.get(email=person, status="confirmed")
        page.locator(f"#registration-{registration.pk} .checkin-button").click()
        expect(counts).to_contain_text(expected)
        expect(page.locator(f"#registration-{registration.pk} .checkin-undo")).to_be_visible()
        assert_accessible(page)
    shot(page, "6-staff-checkin")

    checked_in = Registration.objects.filter(event=event, checked_in_at__isnull=False)
    assert sorted(checked_in.values_list("email", flat=True)) == [ben, carla]
    assert set(checked_in.values_list("checked_in_by", flat=True)) == {staff.pk}
