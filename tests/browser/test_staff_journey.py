"""The KAG team at work: approves a profile waiting for review, then imports its Excel list of
companies (a file with a bad row first, then the corrected file). axe checks every page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Company, Town
from kag_portal.models import OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE, screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    CompanyFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_FILE = (
    "Name;Ort;Branche;Angebote\r\n"
    "Präzisionsmechanik Lauterbach GmbH;Zella-Mehlis;25;Drehteile, Fräsen\r\n"
    "Glashütte am Rennsteig;Schleusingn;23;Behälterglas\r\n"
).encode("cp1252")
GOOD_FILE = BAD_FILE.replace(b"Schleusingn", b"Schleusingen")


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def staff(transactional_db):
    """A KAG team member. Live-server tests empty the tables, also what data migrations loaded:
    the WZ 2008 industries come back here (the staff group comes with StaffFactory)."""
    from companies.models import Certification, Industry
    from companies.services.reference_data import load_reference_data

    load_reference_data(Industry, Certification)
    return StaffFactory(email="team@kag.example")


def log_in(page, user) -> None:
    page.goto("/accounts/login/?next=/staff/companies/")
    page.locator("input[name='login']").fill(user.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/staff/companies/$"))


def test_staff_approves_a_company_and_imports_the_kag_list(page, site_pages, towns, staff):
    waiting = CompanyFactory(
        name="Spannwerk Zella-Mehlis GmbH",
        slug="spannwerk-zella-mehlis",
        town=Town.objects.get(slug="zella-mehlis"),
        status=Company.Status.IN_REVIEW,
        public_consent_at=timezone.now(),
        submitted_at=timezone.now(),
        offers=["Spannzangen", "Sonderspannmittel"],
    )
    owner = MembershipFactory(
        company=waiting, user=UserFactory(email="inhaberin@spannwerk.example")
    )
    for n in range(3):
        CompanyFactory(published=True, name=f"Betrieb {n} GmbH", town=waiting.town)

    # The review queue: the company waits with its owner.
    log_in(page, staff)
    card = page.locator(".staff-card", has_text="Spannwerk Zella-Mehlis GmbH")
    expect(card).to_contain_text(owner.user.email)
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "staff-queue-phone")

    card.locator(f"form[action='/staff/companies/{waiting.pk}/approve/'] button").click()

    expect(page).to_have_url(re.compile(r"/staff/companies/$"))
    expect(page.get_by_role("status")).to_contain_text("Spannwerk Zella-Mehlis GmbH")
    expect(page.locator(".staff-card")).to_have_count(0)
    assert_accessible(page)
    waiting.refresh_from_db()
    assert waiting.status == Company.Status.PUBLISHED
    assert OutboxMail.objects.filter(
        to_email="inhaberin@spannwerk.example", template="company_approved"
    ).exists()

    # The staff page of the company, on a desktop.
    page.set_viewport_size(DESKTOP)
    page.goto(f"/staff/companies/{waiting.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spannwerk Zella-Mehlis GmbH")
    assert_accessible(page)
    screenshot(page, "staff-company-desktop")
    page.goto("/staff/companies/")
    screenshot(page, "staff-queue-desktop")
    page.goto("/staff/companies/tags/")
    expect(page.locator("label", has_text="Spannzangen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "staff-tags-desktop")
    page.set_viewport_size(PHONE)

    # The import: a file from Excel (Windows-1252) with a misspelt town.
    page.goto("/staff/companies/import/")
    expect(page.locator("main code", has_text="Kurzbeschreibung")).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "staff-import-phone")
    page.locator("input[name='file']").set_input_files(
        files=[{"name": "kag-liste.csv", "mimeType": "text/csv", "buffer": BAD_FILE}]
    )
    page.locator("main form[enctype] button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/staff/companies/import/preview/$"))
    error_row = page.locator(".staff-error-rows > li")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("Schleusingn")
    expect(error_row).to_contain_text("Schleusingen")  # the suggestion
    expect(page.locator("form[action='/staff/companies/import/commit/']")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "staff-import-preview-error-phone")
    assert not Company.objects.filter(name="Glashütte am Rennsteig").exists()

    # The corrected file: everything is ready, then imported in one go.
    page.locator("input[name='file']").set_input_files(
        files=[{"name": "kag-liste.csv", "mimeType": "text/csv", "buffer": GOOD_FILE}]
    )
    page.locator("main form[enctype] button[type='submit']").click()
    commit = page.locator("form[action='/staff/companies/import/commit/'] button")
    expect(commit).to_be_visible()
    expect(page.locator(".staff-table tbody tr")).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "staff-import-preview-good-phone")
    commit.click()

    expect(page).to_have_url(re.compile(r"/staff/companies/\?status=draft$"))
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator(".staff-table tbody tr")).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "staff-after-import-phone")
    imported = Company.objects.get(name="Glashütte am Rennsteig")
    assert imported.status == Company.Status.DRAFT
    assert not imported.memberships.exists()
    assert Company.objects.get(name="Präzisionsmechanik Lauterbach GmbH").offers.count() == 2


def test_a_member_sees_access_denied_on_the_staff_pages(page, site_pages):
    member = UserFactory()
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill(member.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/me/$"))

    response = page.goto("/staff/companies/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_staff_rejects_with_a_reason_and_merges_two_tags(page, site_pages, towns, staff):
    waiting = CompanyFactory(
        name="Härterei Lautertal GmbH",
        status=Company.Status.IN_REVIEW,
        public_consent_at=timezone.now(),
        submitted_at=timezone.now(),
        offers=["Härten", "Wärmebehandlung"],
    )
    MembershipFactory(company=waiting)
    other = CompanyFactory(published=True, offers=["Glasbearbeitung", "Härterei"])

    # "Mein Bereich" leads the team to its tools.
    log_in(page, staff)
    page.goto("/me/")
    expect(page.locator("main a[href='/staff/companies/']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "staff-me-phone")
    page.locator("main a[href='/staff/companies/']").click()
    page.locator(f"a[href='/staff/companies/{waiting.pk}/reject/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Härterei Lautertal GmbH")
    page.locator("main button[type='submit']").click()  # no reason given
    expect(page.locator("#id_reason")).to_have_class(re.compile("is-invalid"))
    assert_accessible(page)
    screenshot(page, "staff-reject-error-phone")
    page.locator("#id_reason").fill("Bitte nennen Sie Ihre Anschrift und die Härteverfahren.")
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/staff/companies/$"))
    waiting.refresh_from_db()
    assert waiting.status == Company.Status.REJECTED

    # "Härterei" and "Härten" mean the same here: merge them, keeping "Härten".
    page.goto("/staff/companies/tags/")
    page.get_by_label("Härterei", exact=True).check()
    page.get_by_label("Härten", exact=True).check()
    page.locator("main form[action='/staff/companies/tags/merge/'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/staff/companies/tags/merge/\?"))
    assert_accessible(page)
    screenshot(page, "staff-tag-merge-phone")
    page.get_by_label("Härten", exact=True).check()
    page.locator("main button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/staff/companies/tags/$"))
    expect(page.get_by_role("status")).to_contain_text("Härten")
    expect(page.get_by_label("Härterei", exact=True)).to_have_count(0)
    assert_accessible(page)
    assert sorted(tag.name for tag in other.offers.all()) == ["Glasbearbeitung", "Härten"]
    assert sorted(tag.name for tag in waiting.offers.all()) == ["Härten", "Wärmebehandlung"]
