"""A new person signs up in German, confirms the address from the mail (and is logged in),
switches to English and logs out again; every page on the way passes the axe check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kag_portal.models import User
from tests.browser.axe import assert_accessible
from tests.browser.helpers import link_in_mail, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "sabine.weiss@tischlerei-weiss.example"
PASSWORD = "Fichtenholz-Tisch-2026"


def test_a_new_person_signs_up_confirms_logs_in_switches_language_and_logs_out(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Deutsch")).to_have_attribute("aria-current", "true")
    expect(page.locator("a.skip-link")).to_have_text("Zum Inhalt springen")
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
    expect(page.locator("main a[href='/accounts/signup/']")).to_have_text(
        "Unternehmen registrieren"
    )
    assert_accessible(page)

    # On a phone the menu is folded away behind its button.
    page.get_by_role("button", name="Menü").click()
    # Bootstrap sets "show" once the unfolding has ended; a click during it can miss.
    expect(page.locator("#site-menu")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("header").get_by_role("link", name="Konto anlegen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Konto anlegen")
    assert_accessible(page)

    page.locator("input[name='display_name']").fill("Sabine Weiß")
    page.locator("input[name='email']").fill(EMAIL)
    page.locator("input[name='password1']").fill(PASSWORD)
    page.locator("input[name='password2']").fill(PASSWORD)
    page.locator("main button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("E-Mail-Adresse bestätigen")
    assert_accessible(page)
    user = User.objects.get(email=EMAIL)
    assert user.display_name == "Sabine Weiß"
    assert user.preferred_language == "de"

    page.goto(link_in_mail(to_email=EMAIL, path_part="/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("E-Mail-Adresse bestätigen")
    assert_accessible(page)
    page.locator("main button[type='submit']").click()

    # Confirmed in the browser that signed up: logged in at once, on to the company profile.
    expect(page).to_have_url(re.compile(r"/companies/new/$"))
    expect(page.get_by_role("status")).to_have_text(
        f"Sie haben die E-Mail-Adresse {EMAIL} bestätigt."
    )
    assert_accessible(page)
    assert user.emailaddress_set.get(email=EMAIL).verified

    page.goto("/me/")

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("header a[href='/me/']")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    assert_accessible(page)
    screenshot(page, "me-phone-de")

    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My area")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    user.refresh_from_db()
    assert user.preferred_language == "en"

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status")).to_contain_text("logged out")
    expect(page.locator("header a[href='/accounts/login/']")).to_have_text("Log in")
    assert_accessible(page)
