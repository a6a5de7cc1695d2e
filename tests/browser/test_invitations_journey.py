"""Staff invite the companies of a town to an invited-only evening (preview in German and
English, then send); a member opens the personal link from the mail, logs in and registers.
axe checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from events.models import Event, EventInvitation, Registration
from tests.browser.axe import assert_accessible
from tests.browser.helpers import link_in_mail, screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    StaffFactory,
    TownFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()


def test_staff_invite_a_town_and_an_invited_member_registers(
    page, browser, live_server, settings, site_pages
):

    settings.SITE_URL = live_server.url  # links in mails point at the test server
    staff = StaffFactory(email="team@kag.example")
    suhl = TownFactory(name="Suhl", slug="suhl")
    company = CompanyFactory(published=True, name="Spannwerk GmbH", town=suhl)
    anna = UserFactory(email="anna@spannwerk.example", display_name="Anna Schmidt")
    MembershipFactory(company=company, user=anna)
    MembershipFactory(company=CompanyFactory(published=True, town=TownFactory()))
    event = EventFactory(title="Netzwerkabend nur mit Einladung", audience=Event.Audience.INVITED)

    log_in(page, staff.email, f"/staff/events/{event.pk}/invitations/")
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/invitations/$"))
    assert_accessible(page)
    page.locator("input[name='kind'][value='towns']").check()
    page.locator("select[name='towns']").select_option(str(suhl.pk))
    page.locator("main button[name='preview']").click()
    expect(page.locator("#recipient-count")).to_contain_text("1")
    expect(page.locator(".invitation-preview")).to_have_count(2)
    screenshot(page, "events-invitations-preview-phone")
    assert_accessible(page)

    page.locator("main button[name='confirm']").click()
    # The page opens at the round's progress; tasks run at once here, so it is finished.
    expect(page).to_have_url(re.compile(rf"/staff/events/{event.pk}/invitations/#rounds-heading$"))
    expect(page.locator("#invitation-figures")).to_contain_text("1")
    expect(page.get_by_text("Abgeschlossen: 1 von 1 verschickt.")).to_be_visible()
    screenshot(page, "events-invitations-round-finished-phone")
    assert_accessible(page)
    assert list(EventInvitation.objects.values_list("email", flat=True)) == [anna.email]

    link = link_in_mail(to_email=anna.email, path_part="/events/invitation/")
    member = browser.new_context(locale="de-DE", base_url=live_server.url).new_page()
    member.goto(link)
    expect(member).to_have_url(re.compile(r"/accounts/login/"))
    member.locator("input[name='login']").fill(anna.email)
    member.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    member.locator("main button[type='submit']").click()
    expect(member).to_have_url(re.compile(rf"/events/{event.pk}/#register-heading$"))
    assert_accessible(member)
    member.locator("input[name='consent']").check()
    member.locator("main form[method='post'] button[type='submit']").click()
    expect(member).to_have_url(re.compile(r"/events/registrations/\d+/$"))
    screenshot(member, "events-invitation-registered-phone")

    registration = Registration.objects.get()
    assert registration.person == anna
    assert registration.invitation == EventInvitation.objects.get()
