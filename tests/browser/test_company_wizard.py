"""A person registers their company in the wizard (basics, offers and needs, consent, submit),
sees it in review on "Mein Bereich" and invites a colleague, who logs in from the invitation link
and joins. Every page on the way passes the axe check; screenshots at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from companies.models import Company, Invitation, Membership
from kag_portal.models import OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, link_in_mail, screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_width(page) -> bool:
    """WCAG 1.4.10 reflow: nothing makes the page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, email: str) -> None:
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()


def test_a_person_registers_a_company_submits_it_and_invites_a_colleague(
    page, browser, live_server, towns, site_pages, settings
):
    settings.SITE_URL = live_server.url  # links in mails point at the test server
    owner = UserFactory(email="ines@spannwerk-suhl.example", display_name="Ines Hollerbach")
    colleague = UserFactory(email="lena@spannwerk-suhl.example", display_name="Lena Roth")
    # A published firm whose offer the tag suggestions know.
    CompanyFactory(published=True, name="Feinwerk Zella-Mehlis", offers=["Spannzangen"])

    page.goto("/accounts/login/")
    log_in(page, owner.email)
    expect(page).to_have_url(re.compile(r"/me/$"))
    page.locator("main a[href='/companies/new/']").first.click()

    # Step 1: the basics, first with a mistake.
    expect(page).to_have_url(re.compile(r"/companies/new/$"))
    expect(page.locator(".company-steps [aria-current='step']")).to_have_count(1)
    assert_accessible(page)
    page.locator("input[name='name']").fill("Spannwerk Suhl GmbH")
    page.locator("input[name='short_description']").fill(
        "Spannzangen und Sonderspannmittel nach Zeichnung."
    )
    page.locator("select[name='town']").select_option(label="Suhl")
    page.locator("input[name='postal_code']").fill("985")
    page.locator("main form button[type='submit']").click()

    expect(page.locator("#id_postal_code")).to_have_class(re.compile("is-invalid"))
    expect(page.locator(".alert-danger[role='alert']")).to_be_visible()
    assert not Company.objects.filter(name="Spannwerk Suhl GmbH").exists()
    assert_accessible(page)
    screenshot(page, "company-wizard-basics-error-phone")

    page.locator("input[name='postal_code']").fill("98527")
    page.locator("textarea[name='description']").fill("Seit 1955 in **Suhl**.")
    page.locator("input[name='founded_year']").fill("1955")
    page.locator("input[name='serves_international']").check()
    page.locator("input[name='apprenticeship_places']").fill("6")
    page.locator("main form button[type='submit']").click()

    # Step 2: offers and needs, with suggestions while typing.
    expect(page).to_have_url(re.compile(r"/companies/spannwerk-suhl-gmbh/edit/tags/$"))
    company = Company.objects.get(slug="spannwerk-suhl-gmbh")
    assert company.status == Company.Status.DRAFT
    assert Membership.objects.get(company=company).user == owner
    assert_accessible(page)
    offers = page.locator("input[name='offers']")
    offers.press_sequentially("Sonderspannmittel, Spann", delay=20)
    expect(page.locator("#offers-suggestions option").first).to_have_attribute(
        "value", "Sonderspannmittel, Spannzangen"
    )
    offers.fill("Sonderspannmittel, Spannzangen, Härten")
    page.locator("input[name='needs']").fill("Beschichtung, Auszubildende")
    screenshot(page, "company-wizard-tags-phone")
    page.locator("main form button[type='submit']").click()

    # Step 3: consent, then submit for review.
    expect(page).to_have_url(re.compile(r"/edit/consent/$"))
    assert sorted(company.offers.values_list("name", flat=True)) == [
        "Härten",
        "Sonderspannmittel",
        "Spannzangen",
    ]
    assert_accessible(page)
    page.locator("input[name='consent']").check()
    page.locator("form[action$='/edit/consent/'] button[type='submit']").click()

    expect(page.locator("form[action$='/submit/'] button")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "company-wizard-consent-phone")
    page.locator("form[action$='/submit/'] button").click()

    # "Mein Bereich" shows the company in review.
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("main .status-in_review").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "company-wizard-me-in-review-phone")
    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW
    assert company.public_consent_by == owner
    assert OutboxMail.objects.filter(
        to_email=settings.KAG_CONTACT_EMAIL, template="company_submitted"
    ).exists()

    # Invite a colleague.
    page.goto(f"/companies/{company.slug}/members/")
    expect(page.locator(".status-banner.status-in_review")).to_be_visible()
    assert_accessible(page)
    page.locator("main a[href$='/members/invite/']").click()
    assert_accessible(page)
    page.locator("input[name='email']").fill(colleague.email)
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/members/$"))
    expect(page.locator("main")).to_contain_text(colleague.email)
    assert_accessible(page)
    assert fits_the_width(page)
    screenshot(page, "company-members-phone")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "company-members-desktop")
    assert Invitation.objects.get().email == colleague.email

    # The colleague opens the link from the mail, logs in and comes back to accept.
    other = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    try:
        lena = other.new_page()
        lena.goto(link_in_mail(to_email=colleague.email, path_part="/companies/invitations/"))
        expect(lena.get_by_role("heading", level=1)).to_contain_text("Spannwerk Suhl GmbH")
        assert_accessible(lena)
        screenshot(lena, "company-invitation-anonymous-phone")
        lena.locator("main a[href^='/accounts/login/?next=']").click()
        log_in(lena, colleague.email)

        expect(lena).to_have_url(re.compile(r"/companies/invitations/"))
        assert_accessible(lena)
        lena.locator("main form button[type='submit']").click()

        expect(lena).to_have_url(re.compile(r"/companies/spannwerk-suhl-gmbh/edit/$"))
        assert_accessible(lena)
        screenshot(lena, "company-edit-as-editor-phone")
    finally:
        other.close()
    membership = Membership.objects.get(company=company, user=colleague)
    assert membership.role == Membership.Role.EDITOR


def test_the_profile_pages_fit_a_phone_and_pass_axe(page, towns, site_pages):
    owner = UserFactory(email="ines@spannwerk-suhl.example")
    company = CompanyFactory(published=True, name="Spannwerk Suhl GmbH", slug="spannwerk")
    Membership.objects.create(company=company, user=owner, role=Membership.Role.OWNER)
    page.goto("/accounts/login/")
    log_in(page, owner.email)
    expect(page).to_have_url(re.compile(r"/me/$"))

    for path in [
        "/companies/spannwerk/edit/",
        "/companies/spannwerk/edit/tags/",
        "/companies/spannwerk/edit/consent/",
        "/companies/spannwerk/logo/",
        "/companies/spannwerk/delete/",
        "/companies/join/?q=Spann",
        "/me/delete/",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        assert fits_the_width(page), path
    screenshot(page, "me-delete-with-company-phone")


def test_a_person_asks_to_join_and_the_owner_approves_in_the_portal(
    page, browser, towns, site_pages
):
    owner = UserFactory(email="ines@spannwerk-suhl.example")
    company = CompanyFactory(published=True, name="Spannwerk Suhl GmbH", slug="spannwerk")
    Membership.objects.create(company=company, user=owner, role=Membership.Role.OWNER)
    moritz = UserFactory(email="moritz@spannwerk-suhl.example", display_name="Moritz Kühn")

    page.goto("/accounts/login/")
    log_in(page, moritz.email)
    expect(page).to_have_url(re.compile(r"/me/$"))
    page.goto("/companies/join/")
    page.locator("input[name='q']").fill("spannwerk")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main a[href='/companies/spannwerk/join/']")).to_be_visible()
    assert_accessible(page)
    page.locator("main a[href='/companies/spannwerk/join/']").click()
    assert_accessible(page)
    page.locator("textarea[name='message']").fill("Ich bin der neue Einkäufer.")
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".messages [role='status']")).to_be_visible()
    assert_accessible(page)
    assert OutboxMail.objects.filter(template="membership_join_request", to_email=owner.email)

    other = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    try:
        ines = other.new_page()
        ines.goto(page.url.split("/companies/")[0] + "/accounts/login/")
        log_in(ines, owner.email)
        ines.goto(page.url.split("/companies/")[0] + "/companies/spannwerk/members/")
        expect(ines.locator("main")).to_contain_text("Ich bin der neue Einkäufer.")
        assert_accessible(ines)
        screenshot(ines, "company-members-with-request-phone")
        ines.locator("main button[name='decision'][value='approve']").click()
        expect(ines.locator("main")).to_contain_text("Moritz Kühn")
        assert_accessible(ines)
    finally:
        other.close()
    assert Membership.objects.get(company=company, user=moritz).role == Membership.Role.EDITOR
