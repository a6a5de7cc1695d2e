"""Every page a visitor can reach passes axe's WCAG 2.1 A/AA checks, on a phone and on a desk."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from playwright.sync_api import expect

from kag_portal import mail
from kag_portal.models import BarrierReport, MailOptOut, MailTopic, OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE, link_in_mail, screenshot
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALLEST_PHONE = {"width": 320, "height": 640}


def fits_the_width(page) -> bool:
    """WCAG 1.4.10 reflow: nothing makes the page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill(user.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_home_page_is_accessible_on_a_phone(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".hero a[href='/accounts/signup/']")).to_be_visible()
    expect(page.locator(".hero a[href='/events/']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-phone")


def test_home_page_is_accessible_on_a_desktop(page):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(page.locator("header a[href='/companies/']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-desktop")


def test_open_menu_on_a_phone_is_accessible(page):
    page.goto("/")
    toggle = page.locator(".navbar-toggler")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("header a[href='/accounts/login/']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "menu-phone")


def test_skip_link_appears_on_tab_and_leads_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.parametrize(
    "path", ["/", "/companies/", "/events/", "/accounts/signup/", "/barrierefreiheit/"]
)
def test_pages_fit_the_smallest_phone_without_sideways_scrolling(page, site_pages, path):
    page.set_viewport_size(SMALLEST_PHONE)
    page.goto(path)
    assert fits_the_width(page)
    screenshot(page, "320px" + path.rstrip("/").replace("/", "-"))


@pytest.mark.parametrize("slug", ["impressum", "datenschutz", "barrierefreiheit"])
def test_legal_page_is_accessible_and_marks_its_placeholder_text(page, site_pages, slug):
    page.goto(f"/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".placeholder-warning")).to_be_visible()
    expect(page.locator(".placeholder-warning")).to_have_text(
        "Platzhaltertext: Die KAG hat ihren endgültigen Text noch nicht eingetragen."
    )
    expect(page.locator(f"footer a[href='/{slug}/']")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    screenshot(page, f"{slug}-phone")


def test_barrier_report_shows_errors_accessibly_and_then_thanks(page, site_pages):
    page.goto("/barrierefreiheit/")
    form = page.locator("form[action^='/barrierefreiheit/melden/']")
    form.locator("button[type='submit']").click()

    description = page.locator("textarea[name='description']")
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_description_error")).to_be_visible()
    expect(description).to_have_attribute("aria-describedby", re.compile("id_description_error"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "barrier-report-errors-phone")
    assert not BarrierReport.objects.exists()

    # Switching the language from the failed form leads back to the page, not to the POST address.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/barrierefreiheit/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("input[name='page_url']").fill("/events/")
    description.fill("Die Schrift im Kalender ist auf meinem Handy zu klein.")
    page.locator("input[name='contact_email']").fill("leser@example.org")
    page.locator("form[action^='/barrierefreiheit/melden/'] button[type='submit']").click()

    # Back at the form (#report), where the thanks are shown.
    expect(page).to_have_url(re.compile(r"/barrierefreiheit/(#report)?$"))
    expect(page.locator("#report [role='status']")).to_be_in_viewport()
    assert_accessible(page)
    report = BarrierReport.objects.get()
    assert report.contact_email == "leser@example.org"
    mail = OutboxMail.objects.get(to_email=settings.KAG_CONTACT_EMAIL)
    assert "Die Schrift im Kalender" in mail.body_text
    assert "Die Schrift im Kalender" in mail.body_html


@pytest.mark.parametrize(
    ("path", "name"),
    [("/companies/", "companies"), ("/events/", "events"), ("/stories/", "stories")],
)
def test_section_page_is_accessible_and_marked_current_in_the_menu(page, towns, path, name):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(f"header a[href='{path}']")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    screenshot(page, f"{name}-phone")


def test_company_page_lists_the_four_kag_towns(page, towns):
    page.goto("/companies/")
    # The directory's town filter: the four KAG towns first, then the region's other towns.
    names = page.locator("select[name='town'] option:not([value=''])").all_inner_texts()
    assert names[:4] == ["Oberhof", "Schleusingen", "Suhl", "Zella-Mehlis"]


def test_login_page_is_accessible_also_with_a_wrong_password(page):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Einloggen")
    assert_accessible(page)
    screenshot(page, "login-phone")

    page.locator("input[name='login']").fill("niemand@example.org")
    page.locator("input[name='password']").fill("falsch-falsch-falsch")
    page.locator("main button[type='submit']").click()
    expect(page.locator("main [role='alert']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "login-error-phone")


def test_signup_with_errors_is_accessible(page):
    page.goto("/accounts/signup/")
    page.locator("input[name='email']").fill("kein-at-zeichen")
    page.locator("input[name='password1']").fill("kurz")
    page.locator("main button[type='submit']").click()

    expect(page.locator("main [role='alert']")).to_be_visible()
    for name in ["display_name", "email", "password2"]:
        field = page.locator(f"[name='{name}']")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(f"id_{name}_error"))
    assert_accessible(page)
    screenshot(page, "signup-errors-phone")


def test_password_reset_pages_are_accessible(page):
    user = UserFactory()
    page.goto("/accounts/password/reset/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort zurücksetzen")
    assert_accessible(page)

    page.locator("input[name='email']").fill(user.email)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    assert_accessible(page)

    page.goto(link_in_mail(to_email=user.email, path_part="/accounts/password/reset/key/"))
    expect(page.locator("input[name='password1']")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name='password1']").fill("Neues-Passwort-Rennsteig-7")
    page.locator("input[name='password2']").fill("Neues-Passwort-Rennsteig-7")
    page.locator("main button[name='action']").click()

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    assert_accessible(page)
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-Rennsteig-7")


def test_account_pages_of_a_logged_in_person_are_accessible(page):
    user = UserFactory(display_name="Jens Köhler")
    log_in(page, user)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    expect(page.locator("header a[href='/me/']")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    screenshot(page, "me-desktop")
    page.set_viewport_size(PHONE)

    page.get_by_role("link", name=re.compile("E-mail|E-Mail")).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/email/$"))
    expect(page.locator("#current_email")).to_have_value(user.email)
    assert_accessible(page)
    screenshot(page, "email-phone")

    page.locator("input[name='email']").fill("neu@koehler-metallbau.example")
    page.locator("main button[name='action_add']").click()
    expect(page.locator("#new_email")).to_have_value("neu@koehler-metallbau.example")
    assert_accessible(page)
    screenshot(page, "email-pending-phone")

    page.goto("/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort ändern")
    assert_accessible(page)
    screenshot(page, "password-change-phone")

    page.goto("/me/delete/")
    expect(page.locator("main button.btn-danger")).to_be_visible()
    page.locator("main button.btn-danger").click()
    expect(page.locator("input[name='password']")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot(page, "delete-errors-phone")

    page.goto("/accounts/logout/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ausloggen")
    assert_accessible(page)


def test_not_found_page_is_accessible(page):
    response = page.goto("/gibt-es-nicht/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_unsubscribe_pages_are_accessible(page):
    token = mail.unsubscribe_token(email="leser@example.org", topic=MailTopic.NEWSLETTER)
    page.goto(f"/unsubscribe/{token}/")
    expect(page.locator("main")).to_contain_text("leser@example.org")
    assert_accessible(page)

    page.locator("main button[type='submit']").click()
    expect(page.locator("main [role='status']")).to_contain_text("leser@example.org")
    assert_accessible(page)
    assert MailOptOut.objects.filter(email="leser@example.org", topic="newsletter").exists()


@pytest.mark.parametrize("template", ["500.html", "403_csrf.html"])
def test_error_page_rendered_without_a_request_is_accessible(page, template):
    # Django renders these without request or context processors.
    html = render_to_string(template, {"reason": "CSRF cookie not set."})
    page.goto("/")  # an address on the live server, so the page's /static/ links load
    page.set_content(html)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("a[href='/']").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, template.replace(".html", "-phone"))
