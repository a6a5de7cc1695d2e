"""At the door on a phone: an attendee shows the QR code of her registration; staff search and
check her in with one tap, open a colleague's scanned code, undo a wrong tap and register a
walk-in. axe checks every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Registration
from events.services.checkin import checkin_code
from tests.browser.axe import assert_accessible
from tests.browser.helpers import screenshot
from tests.events.staff_helpers import make_event, register
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_staff_check_two_people_in_on_a_phone_and_undo_one(page, site_pages, towns):

    staff = StaffFactory(email="team@kag.example")
    event = make_event(title="Netzwerkabend heute", starts_at=timezone.now() + timedelta(hours=1))
    spannwerk = CompanyFactory(published=True, name="Spannwerk Suhl GmbH")
    anna_member = MembershipFactory(company=spannwerk, user__email="anna@spannwerk.example")
    anna = register(
        event,
        name="Anna Keller",
        person=anna_member.user,
        email=anna_member.user.email,
        company=spannwerk,
        registered_by=anna_member.user,
    )
    ben = register(
        event, name="Ben Berg", company=CompanyFactory(published=True, name="Feinwerk AG")
    )
    register(event, name="Carla Clausen", company=CompanyFactory(published=True, name="Glas OHG"))
    CompanyFactory(published=True, name="Zella Zerspanung")

    # Anna's registration page shows her pass: the QR code and the code to type.
    log_in(page, anna_member.user.email, f"/events/registrations/{anna.pk}/")
    expect(page.locator("svg.checkin-qr")).to_be_visible()
    expect(page.locator(".checkin-code")).to_have_text(checkin_code(anna))
    assert_accessible(page)
    screenshot(page, "checkin-pass-phone")
    page.context.clear_cookies()

    # Staff open the check-in on a phone and find Anna by her company.
    log_in(page, staff.email, f"/staff/events/{event.pk}/checkin/")
    counts = page.locator(".checkin-counts")
    expect(counts).to_contain_text("0 / 3")
    assert fits_the_width(page)
    assert_accessible(page)
    page.locator("input[name='q']").fill("spannwerk")
    page.locator(".checkin-search button[type='submit']").click()
    expect(page.locator(".checkin-row")).to_have_count(1)
    assert_accessible(page)
    page.locator(".checkin-row .checkin-button").click()
    expect(counts).to_contain_text("1 / 3")
    expect(page.locator(".messages")).to_contain_text("Anna Keller")

    # Ben's QR code, scanned with the phone's camera, opens his page; one tap checks him in.
    page.goto(f"/staff/events/{event.pk}/checkin/code/{checkin_code(ben)}/")
    expect(page.locator("main h1")).to_contain_text("Ben Berg")
    assert_accessible(page)
    page.locator("main .checkin-button").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/checkin/$"))
    expect(counts).to_contain_text("2 / 3")
    assert_accessible(page)

    # A wrong tap: Anna's check-in is undone.
    page.locator(f"#registration-{anna.pk} .checkin-undo").click()
    expect(counts).to_contain_text("1 / 3")
    expect(page.locator(f"#registration-{anna.pk} .checkin-button")).to_be_visible()
    screenshot(page, "checkin-list-phone")
    page.screenshot(path="/tmp/checkin.png", full_page=True)

    # A walk-in at the door.
    page.locator(f"main a[href='/staff/events/{event.pk}/checkin/walk-in/']").click()
    assert_accessible(page)
    page.locator("input[name='name']").fill("Emil Spontan")
    page.locator("input[name='email']").fill("emil@zella.example")
    page.locator("select[name='company']").select_option(label="Zella Zerspanung")
    page.locator("main form[method='post'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/checkin/$"))
    expect(counts).to_contain_text("2 / 4")
    assert_accessible(page)

    # Ben missed an earlier evening where people were checked in: staff see it, after the
    # event on its check-in page and as a badge on the coming event's registrations.
    earlier = make_event(
        title="Netzwerkabend im Oktober",
        starts_at=timezone.now() - timedelta(days=30),
        status=Event.Status.FINISHED,
    )
    register(earlier, name="Ben Berg", email=ben.email, company=ben.company)
    register(earlier, name="Dora Da", checked_in_at=timezone.now() - timedelta(days=30))
    page.goto(f"/staff/events/{earlier.pk}/checkin/")
    expect(page.locator(".checkin-no-shows li")).to_have_count(1)
    assert_accessible(page)
    page.goto(f"/staff/events/{event.pk}/registrations/")
    expect(page.locator(".no-show-badge")).to_have_count(1)
    expect(page.locator(".no-show-badge")).to_contain_text("1×")
    assert_accessible(page)
    screenshot(page, "checkin-registrations-no-show-phone")

    anna.refresh_from_db()
    ben.refresh_from_db()
    assert anna.checked_in_at is None
    assert ben.checked_in_by == staff
    walk_in = Registration.objects.get(email="emil@zella.example")
    assert walk_in.walk_in
    assert walk_in.checked_in_at is not None
