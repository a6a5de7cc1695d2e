"""After the evening, on a phone: two attendees mark each other on the follow-up page; the first
mark reveals nothing, the second sends both intro mails once. axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from companies.models import Cooperation
from kag_portal.models import OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory
from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_two_attendees_mark_each_other_and_both_intro_mails_are_in_the_outbox_once(
    page, site_pages, towns, settings, live_server
):
    settings.SITE_URL = live_server.url
    event = evening(rounds=2, title="Netzwerkabend mit Speed-Dating")
    anna = attendee(event, company=CompanyFactory(published=True, name="Spannwerk"), name="Anna")
    moritz = attendee(event, company=CompanyFactory(published=True, name="Feinwerk"), name="Moritz")
    theo = attendee(event, company=CompanyFactory(published=True, name="Glaswerk"), name="Theo")
    dora = attendee(event, company=CompanyFactory(published=True, name="Formbau"), name="Dora")
    seat_plan(event, [[[anna, moritz], [theo, dora]], [[anna, theo], [moritz, dora]]])
    path = f"/events/{event.pk}/follow-ups/"

    log_in(page, anna.email, path)
    assert_accessible(page)
    moritz_box = page.locator(f"#partner-{moritz.pk}")
    moritz_box.get_by_label(re.compile("Kontakt|stay in touch")).check()
    moritz_box.locator("textarea").fill("Braucht Sonder-Spannzangen, Angebot schicken")
    page.locator("main button[type='submit']").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator(".followup-mutual")).to_have_count(0)
    screenshot(page, "contact-marks-one-sided")
    assert OutboxMail.objects.filter(template="contact_intro").count() == 0

    page.context.clear_cookies()
    log_in(page, moritz.email, path)
    # Anna's mark and note are hers: Moritz's page shows neither.
    expect(page.locator(".followup-mutual")).to_have_count(0)
    expect(page.get_by_text("Sonder-Spannzangen")).to_have_count(0)
    anna_box = page.locator(f"#partner-{anna.pk}")
    expect(anna_box.get_by_label(re.compile("Kontakt|stay in touch"))).not_to_be_checked()
    anna_box.get_by_label(re.compile("Kontakt|stay in touch")).check()
    page.locator("main button[type='submit']").click()
    expect(page.locator(".followup-mutual")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "contact-marks-mutual")

    # Saving again sends nothing more.
    page.locator("main button[type='submit']").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    mails = OutboxMail.objects.filter(template="contact_intro")
    assert sorted(mails.values_list("to_email", flat=True)) == sorted([anna.email, moritz.email])
    assert Cooperation.objects.filter(origin=Cooperation.Origin.SPEED_DATING).count() == 1
