"""On a small phone (375 × 740) a new owner clicks "Unternehmen registrieren" on the home page,
sees the three steps, signs up, confirms the address from the mail, is logged in at once and
lands in the company wizard; fills it in and invites a colleague. The colleague opens the
invitation link, finds the address filled in, signs up, confirms and is a member at once.
Every page on the way passes the axe check; screenshots in /tmp/shots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from companies.models import Company, Invitation, Membership
from kag_portal.models import User
from tests.browser.axe import assert_accessible
from tests.browser.helpers import link_in_mail, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 375, "height": 740}
OWNER = "ines@spannwerk-suhl.example"
COLLEAGUE = "lena@spannwerk-suhl.example"
PASSWORD = "Spannzange-Suhl-2026"

# Words of the labels that the browser broke across two lines (none may be).
BROKEN_WORDS = """
(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""


def current_step(page) -> str:
    return page.locator(".signup-steps [aria-current='step']").inner_text()


def sign_up(page, name: str, email: str | None = None) -> None:
    page.locator("input[name='display_name']").fill(name)
    if email is not None:
        page.locator("input[name='email']").fill(email)
    page.locator("input[name='password1']").fill(PASSWORD)
    page.locator("input[name='password2']").fill(PASSWORD)
    page.locator("main form button[type='submit']").click()


def confirm_from_the_mail(page, email: str) -> None:
    page.goto(link_in_mail(to_email=email, path_part="/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("E-Mail-Adresse bestätigen")
    assert_accessible(page)
    page.locator("main form button[type='submit']").click()


def test_an_owner_registers_the_company_and_a_colleague_joins_from_the_invitation(
    page, browser, live_server, towns, site_pages, settings
):
    settings.SITE_URL = live_server.url  # links in mails point at the test server
    page.set_viewport_size(SMALL_PHONE)

    page.goto("/")
    expect(page.locator("header .nav-link")).to_have_text(
        [
            "Unternehmen",
            "Anfragen",
            "Veranstaltungen",
            "Erfolgsgeschichten",
            "Einloggen",
            "Konto anlegen",
        ]
    )
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Unternehmen registrieren").click()

    # Step 1: the personal account, and what comes after it.
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Konto anlegen")
    steps = page.get_by_role("list", name="In drei Schritten zum Unternehmensprofil")
    expect(steps.get_by_role("listitem")).to_have_count(3)
    assert current_step(page).endswith("Konto anlegen")
    assert page.evaluate(BROKEN_WORDS, ".signup-steps li") == []
    assert_accessible(page)
    screenshot(page, "register-1-signup-375")
    sign_up(page, "Ines Hollerbach", OWNER)

    # Step 2: the mail.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert current_step(page).endswith("E-Mail-Adresse bestätigen")
    expect(steps.locator("li.done")).to_have_text(re.compile("Konto anlegen"))
    assert_accessible(page)
    screenshot(page, "register-2-check-your-mail-375")
    confirm_from_the_mail(page, OWNER)

    # Step 3: logged in without typing the password again, in the company wizard.
    expect(page).to_have_url(re.compile(r"/companies/new/$"))
    # One message, not two: "logged in as …" is left out after a confirmation.
    expect(page.get_by_role("status")).to_have_text(
        f"Sie haben die E-Mail-Adresse {OWNER} bestätigt."
    )
    expect(page.locator("header a[href='/me/']")).to_have_count(1)
    assert current_step(page).endswith("Unternehmensprofil ausfüllen")
    expect(page.locator(".company-steps [aria-current='step']")).to_have_text("Grunddaten")
    expect(page.locator(".signup-steps li.done")).to_have_count(2)  # shown as ticks only
    assert page.evaluate(BROKEN_WORDS, ".company-steps li, .signup-steps [aria-current]") == []
    assert_accessible(page)
    screenshot(page, "register-3-wizard-375")

    page.locator("input[name='name']").fill("Spannwerk Suhl GmbH")
    page.locator("input[name='short_description']").fill("Spannzangen nach Zeichnung.")
    page.locator("select[name='town']").select_option(label="Suhl")
    page.locator("input[name='postal_code']").fill("98527")
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/companies/spannwerk-suhl-gmbh/edit/tags/$"))
    assert page.evaluate(BROKEN_WORDS, ".company-steps li") == []
    assert_accessible(page)
    screenshot(page, "register-4-wizard-tags-375")
    page.locator("input[name='offers']").fill("Spannzangen, Härten")
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/edit/consent/$"))
    assert page.evaluate(BROKEN_WORDS, ".company-steps li") == []
    assert_accessible(page)
    screenshot(page, "register-5-wizard-consent-375")
    page.locator("input[name='consent']").check()
    page.locator("form[action$='/edit/consent/'] button[type='submit']").click()
    expect(page.locator("form[action$='/submit/'] button")).to_be_visible()
    assert_accessible(page)
    page.locator("form[action$='/submit/'] button").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    assert_accessible(page)
    company = Company.objects.get(slug="spannwerk-suhl-gmbh")
    assert company.status == Company.Status.IN_REVIEW
    assert Membership.objects.get(company=company).user.email == OWNER

    page.goto(f"/companies/{company.slug}/members/invite/")
    assert_accessible(page)
    page.locator("input[name='email']").fill(COLLEAGUE)
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    assert_accessible(page)
    invitation = Invitation.objects.get()

    # The colleague, on their own phone, from the invitation mail.
    other = browser.new_context(locale="de-DE", viewport=SMALL_PHONE, base_url=live_server.url)
    try:
        lena = other.new_page()
        lena.goto(link_in_mail(to_email=COLLEAGUE, path_part="/companies/invitations/"))
        expect(lena.get_by_role("heading", level=1)).to_contain_text("Spannwerk Suhl GmbH")
        assert_accessible(lena)
        screenshot(lena, "register-6-invitation-375")
        lena.locator("main a[href='/accounts/signup/']").click()

        expect(lena).to_have_url(re.compile(r"/accounts/signup/$"))
        expect(lena.locator("input[name='email']")).to_have_value(COLLEAGUE)
        expect(lena.locator("main .lead")).to_contain_text("Spannwerk Suhl GmbH")
        assert_accessible(lena)
        screenshot(lena, "register-7-invited-signup-375")
        sign_up(lena, "Lena Roth")

        expect(lena).to_have_url(re.compile(r"/accounts/confirm-email/$"))
        assert_accessible(lena)
        confirm_from_the_mail(lena, COLLEAGUE)

        expect(lena).to_have_url(re.compile(r"/companies/spannwerk-suhl-gmbh/edit/$"))
        expect(lena.get_by_role("status").first).to_have_text(
            "Willkommen! Sie sind jetzt Mitglied von „Spannwerk Suhl GmbH“."
        )
        assert_accessible(lena)
        screenshot(lena, "register-8-member-375")
    finally:
        other.close()

    colleague = User.objects.get(email=COLLEAGUE)
    assert Membership.objects.get(company=company, user=colleague).role == Membership.Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
