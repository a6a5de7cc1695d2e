"""The day after an evening: the thank-you mail's links to feedback and to telling a cooperation,
the partner confirming it from their mail, and staff setting the retention period. axe on each."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Cooperation, CooperationParty
from events.models import Feedback, Registration, RetentionPolicy
from events.services import followups
from tests.browser.axe import assert_accessible
from tests.browser.helpers import link_in_mail, screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    EventFactory,
    MembershipFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def log_in(page, email: str, next_url: str) -> None:
    path = local(next_url)
    page.goto(f"/accounts/login/?next={path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_an_attendee_gives_feedback_and_tells_a_cooperation_the_partner_confirms(
    page, site_pages, towns, settings, live_server
):
    settings.SITE_URL = live_server.url
    start = timezone.now() - timedelta(days=1, hours=2)
    event = EventFactory(
        title="Netzwerkabend im Glaswerk",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        registration_deadline=start - timedelta(days=1),
    )
    anna = MembershipFactory(company__published=True, company__name="Spannwerk Suhl GmbH").user
    moritz = MembershipFactory(company__published=True, company__name="Feinwerk AG").user
    for person in (anna, moritz):
        Registration.objects.create(
            event=event,
            company=person.memberships.get().company,
            person=person,
            name=person.email.split("@")[0],
            email=person.email,
            registered_by=person,
            status=Registration.Status.CONFIRMED,
            checked_in_at=start,
        )
    followups.send_event_mails(now=followups.thanks_window(event).opens)

    log_in(page, anna.email, link_in_mail(to_email=anna.email, path_part="/feedback/"))
    assert_accessible(page)
    page.locator("input[name='rating'][value='4']").check()
    page.locator("select[name='next_format']").select_option("breakfast")
    page.locator("textarea[name='topics']").fill("Busverbindungen, Kinderbetreuung")
    page.locator("main button[type='submit']").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert Feedback.objects.get().rating == 4
    screenshot(page, "followups-feedback")

    page.goto(local(link_in_mail(to_email=anna.email, path_part="/cooperation/")))
    assert_accessible(page)
    page.locator("select[name='partner']").select_option(label="Feinwerk AG")
    page.locator("textarea[name='description']").fill("Gemeinsame Ausbildungsmesse im Frühjahr")
    page.locator("input[name='without_kag'][value='probably_not']").check()
    page.locator("main button[type='submit']").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    screenshot(page, "followups-cooperation-told")
    cooperation = Cooperation.objects.get()

    page.context.clear_cookies()
    log_in(page, moritz.email, link_in_mail(to_email=moritz.email, path_part="/confirm/"))
    assert_accessible(page)
    page.locator("main button[type='submit']").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    screenshot(page, "followups-cooperation-confirmed")
    assert not CooperationParty.objects.filter(
        cooperation=cooperation, confirmed_at__isnull=True
    ).exists()


def test_staff_set_the_retention_period(page, site_pages):

    staff = StaffFactory(email="team@kag.example")

    log_in(page, staff.email, "/staff/events/retention/")
    assert_accessible(page)
    page.locator("input[name='months']").fill("18")
    page.locator("main button[type='submit']").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert RetentionPolicy.current().months == 18
    screenshot(page, "followups-retention")
