"""The stories & impact issue's "Done when", in one journey on a phone: after a network evening
two owners mark each other for follow-up, both confirm the proposed cooperation, staff write a
story about it that both owners approve, it appears on the home page and both company pages, and
the impact dashboard, the printable funder report and its CSV show the same figures.
axe on every page; screenshots in /tmp/shots/impact-*.png."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from companies.models import Cooperation, CooperationParty
from events.models import Event, Registration
from kag_portal.models import OutboxMail
from stories.models import Story
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE, link_in_mail, screenshot
from tests.browser.test_followups_journey import local, log_in
from tests.factories import CompanyFactory, StaffFactory
from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAY_IN_TOUCH = re.compile("Kontakt|stay in touch")
TITLE = "Vom Speed-Dating an die Drehbank"

# Dashboard figure (the key in its link, templates/impact/_figure.html) → the funder report's row.
# "attendances" and "feedback" link twice; their first figure is the one named here.
REPORT_ROWS = {
    "events": "Events held",
    "invitations": "Invitations sent",
    "registrations": "Registrations",
    "attendances": "Checked in",
    "companies": "Companies that came",
    "new_companies": "Of these, for the first time",
    "meetings": "Speed-dating meetings held",
    "follow_ups": "Mutual follow-ups",
    "requests": "Requests posted",
    "answered_requests": "Requests answered",
    "cooperations": "Cooperations confirmed",
    "not_without_kag": "Of these, not without the KAG network",
    "feedback": "Feedback given",
}


def log_out(page) -> None:
    page.context.clear_cookies()


def dashboard_figures(page) -> dict[str, str]:
    """The number of each figure on the dashboard, by the key in its link (first one wins)."""
    pairs = page.locator(".impact-figure a").evaluate_all(
        """links => links.map(a => [
            new URL(a.href).pathname.split('/').filter(Boolean).pop(),
            a.querySelector('.impact-number').textContent.trim(),
        ])"""
    )
    found: dict[str, str] = {}
    for key, number in pairs:
        found.setdefault(key, number)
    return found


def report_table(page) -> dict[str, str]:
    """The print view's rows: figure label → value."""
    rows = page.locator(".report-table tbody tr").evaluate_all(
        """rows => rows.map(tr => [
            tr.querySelector('th').textContent.trim(),
            tr.querySelector('td.text-end').textContent.trim(),
        ])"""
    )
    return dict(rows)


def test_done_when_from_the_evening_to_the_funder_report(
    page, site_pages, towns, settings, live_server, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path)

    # 1. A finished network evening three days ago; Anna (Spannwerk) and Moritz (Feinwerk), both
    # owners of their company, shared a table in round 1 and were checked in.
    event = evening(
        days_ago=3, rounds=2, title="Netzwerkabend mit Speed-Dating", status=Event.Status.FINISHED
    )
    spannwerk = CompanyFactory(published=True, name="Spannwerk Suhl GmbH", slug="spannwerk")
    feinwerk = CompanyFactory(published=True, name="Feinwerk Zella-Mehlis AG", slug="feinwerk")
    anna = attendee(event, company=spannwerk, name="Anna Spanner")
    moritz = attendee(event, company=feinwerk, name="Moritz Aschenbrenner")
    Registration.objects.filter(pk__in=[anna.pk, moritz.pk]).update(
        checked_in_at=event.starts_at + timedelta(minutes=10)
    )
    seat_plan(event, [[[anna, moritz]], [[anna], [moritz]]])
    followups_path = f"/events/{event.pk}/follow-ups/"

    # 2. Both mark each other: the second mark sends both intro mails and proposes the lead.
    log_in(page, anna.email, followups_path)
    assert_accessible(page)
    page.locator(f"#partner-{moritz.pk}").get_by_label(STAY_IN_TOUCH).check()
    page.get_by_role("button", name=re.compile("Speichern|Save")).click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert_accessible(page)
    assert not OutboxMail.objects.filter(template="contact_intro").exists()
    log_out(page)

    log_in(page, moritz.email, followups_path)
    page.locator(f"#partner-{anna.pk}").get_by_label(STAY_IN_TOUCH).check()
    page.get_by_role("button", name=re.compile("Speichern|Save")).click()
    mutual = page.locator(".followup-mutual")
    expect(mutual).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "impact-followups-mutual")
    intro_mails = OutboxMail.objects.filter(template="contact_intro")
    assert sorted(intro_mails.values_list("to_email", flat=True)) == sorted(
        [anna.email, moritz.email]
    )
    lead = Cooperation.objects.get(origin=Cooperation.Origin.SPEED_DATING)
    assert set(lead.parties.values_list("company_id", flat=True)) == {spannwerk.pk, feinwerk.pk}

    # Moritz confirms from the follow-up page, Anna from the link in her intro mail.
    mutual.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/cooperations/{lead.pk}/confirm/$"))
    assert_accessible(page)
    page.locator("main").get_by_role("button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert_accessible(page)
    log_out(page)

    confirm_url = link_in_mail(to_email=anna.email, path_part=f"/cooperations/{lead.pk}/confirm/")
    log_in(page, anna.email, local(confirm_url))
    assert_accessible(page)
    page.locator("main").get_by_role("button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "impact-cooperation-confirmed")
    assert not CooperationParty.objects.filter(cooperation=lead, confirmed_at=None).exists()
    log_out(page)
    # Saving the marks again and confirming sent no second intro.
    assert intro_mails.count() == 2

    # 3. Staff write the story, tied to the evening, and release it for approval.
    staff = StaffFactory()
    log_in(page, staff.email, "/staff/stories/")
    assert_accessible(page)
    page.locator("main a[href='/staff/stories/new/']").first.click()
    assert_accessible(page)
    page.locator("select[name='cooperation']").select_option(str(lead.pk))
    page.locator("input[name='title']").fill(TITLE)
    page.locator("textarea[name='lead']").fill(
        "Acht Minuten am Stehtisch, dann war klar: Was Feinwerk im Ausland bestellt, fertigt "
        "Spannwerk zwölf Kilometer entfernt."
    )
    page.locator("textarea[name='body']").fill(
        "Beim Netzwerkabend der KAG saßen sich die beiden in der ersten Runde gegenüber.\n\n"
        "> „Wäre das ohne die KAG passiert? Wahrscheinlich nicht.“\n"
        "> — Moritz Aschenbrenner\n"
    )
    page.locator("select[name='event']").select_option(str(event.pk))
    page.locator("main button[type='submit']").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    assert_accessible(page)
    story = Story.objects.get(title=TITLE)
    assert story.event_id == event.pk
    page.locator("form[action$='/submit/'] button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator(".alert-info")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # Both owners approve from the mail that asks them; the second approval publishes.
    for owner in (anna, moritz):
        approve_url = link_in_mail(to_email=owner.email, path_part=f"/stories/{story.pk}/approve/")
        log_in(page, owner.email, local(approve_url))
        assert_accessible(page)
        page.locator("button[name='action'][value='approve']").click()
        expect(page.locator(".alert-success").first).to_be_visible()
        assert_accessible(page)
        log_out(page)
    story.refresh_from_db()
    assert story.is_published

    # Public: on the home page, on both company pages and the event's page; the story reads well.
    for path in (
        "/",
        spannwerk.get_absolute_url(),
        feinwerk.get_absolute_url(),
        f"/events/{event.pk}/",
    ):
        page.goto(path)
        expect(page.get_by_role("link", name=TITLE)).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Wahrscheinlich nicht.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "impact-story")

    # 4. Staff open the dashboard for a period that contains the evening.
    start = timezone.localdate(event.starts_at) - timedelta(days=7)
    end = timezone.localdate()
    log_in(page, staff.email, "/staff/impact/")
    assert_accessible(page)
    page.locator("input[name='start']").fill(start.isoformat())
    page.locator("input[name='end']").fill(end.isoformat())
    page.locator("form.impact-period button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"start={start.isoformat()}&end={end.isoformat()}"))
    expect(page.locator(".impact-figure").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "impact-dashboard")
    shown = dashboard_figures(page)
    assert int(shown["cooperations"]) >= 1
    assert int(shown["follow_ups"]) == 1
    assert int(shown["meetings"]) >= 1
    assert int(shown["attendances"]) == 2

    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    screenshot(page, "impact-dashboard-desktop")
    page.set_viewport_size(PHONE)

    # The number opens the list behind it: the speed-dating cooperation of the two firms.
    page.locator(".impact-figure a[href^='/staff/impact/cooperations/?']").click()
    expect(page.locator("main table")).to_contain_text("Spannwerk Suhl GmbH")
    expect(page.locator("main table")).to_contain_text("Feinwerk Zella-Mehlis AG")
    assert_accessible(page)
    page.go_back()
    expect(page.locator(".impact-figure").first).to_be_visible()

    # The same period's funder report, to print, and its CSV: the dashboard's figures.
    with translation.override("de"):
        labels = {key: gettext(label) for key, label in REPORT_ROWS.items()}
    page.locator("a[href^='/staff/impact/report/?']").click()
    expect(page.locator(".report-table")).to_be_visible()
    assert_accessible(page)
    printed = report_table(page)
    page.emulate_media(media="print")
    expect(page.locator("form.impact-period")).to_be_hidden()
    screenshot(page, "impact-report-print")
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.locator("main a[href^='/staff/impact/report.csv?']").click()
    download = download_info.value
    assert download.suggested_filename == f"kag-wirkung-{start}-{end}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    downloaded = {row[1]: row[2] for row in csv.reader(io.StringIO(text), delimiter=";") if row}
    assert {label: downloaded.get(label) for label in printed} == printed
    for key, label in labels.items():
        assert printed[label] == shown[key], (key, printed[label], shown[key])
        assert downloaded[label] == shown[key], (key, downloaded[label], shown[key])
