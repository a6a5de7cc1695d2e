"""A visitor subscribes to the newsletter and confirms the link from the mail; staff write an
issue, look at the preview and send it; the issue is in the public archive. axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kag_portal.models import OutboxMail
from newsletter.models import NewsletterIssue, Subscriber
from tests.browser.axe import assert_accessible
from tests.browser.helpers import link_in_mail, screenshot
from tests.factories import DEFAULT_PASSWORD, EventFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_subscribes_and_staff_send_an_issue(page, live_server, settings, site_pages):
    settings.SITE_URL = live_server.url
    EventFactory(title="Netzwerkabend im Dezember")

    # A visitor subscribes from the archive page.
    page.goto("/newsletter/")
    assert_accessible(page)
    page.get_by_label("Ihre E-Mail-Adresse").fill("leserin@firma.example")
    page.get_by_label("Ich möchte den KAG-Newsletter", exact=False).check()
    page.get_by_role("button", name="Newsletter abonnieren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("bestätigen")
    assert_accessible(page)

    # The link in the mail asks first; the button confirms.
    page.goto(link_in_mail(to_email="leserin@firma.example", path_part="/newsletter/confirm/"))
    assert_accessible(page)
    page.get_by_role("button", name="Ja, schicken Sie mir den Newsletter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank")
    assert Subscriber.objects.get().confirmed_at is not None

    # Staff write an issue, preview and send it.
    staff = StaffFactory()
    page.goto("/accounts/login/?next=/staff/newsletter/new/")
    page.locator("input[name='login']").fill(staff.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    assert_accessible(page)
    page.get_by_label("Betreff (Deutsch)").fill("KAG-Brief Dezember")
    page.get_by_label("Einleitung (Deutsch)").fill(
        "Liebe Unternehmerinnen und Unternehmer,\n\n**Neues**."
    )
    page.get_by_role("button", name="Speichern und Vorschau anzeigen").click()
    expect(page.get_by_text("Netzwerkabend im Dezember").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "newsletter-preview")
    page.get_by_role("link", name="Senden …").click()
    assert_accessible(page)
    page.get_by_role("button", name="Jetzt senden").click()
    expect(page.get_by_text("Der Newsletter wird verschickt.")).to_be_visible()
    assert_accessible(page)

    issue = NewsletterIssue.objects.get()
    assert (
        OutboxMail.objects.filter(
            idempotency_key=f"newsletter:{issue.pk}:leserin@firma.example"
        ).count()
        == 1
    )

    # The archive shows it to everyone.
    page.goto("/newsletter/")
    page.get_by_role("link", name="KAG-Brief Dezember").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KAG-Brief Dezember")
    expect(page.get_by_role("link", name="Netzwerkabend im Dezember")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "newsletter-issue")
