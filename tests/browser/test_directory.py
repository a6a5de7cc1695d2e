"""A visitor on a phone finds a firm by what it offers, narrows by town and opens its page; a
member sees good partners for their firm on "Mein Bereich". axe checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from companies.models import Certification, Industry, Town
from companies.services.reference_data import load_reference_data
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, screenshot
from tests.companies.directory_helpers import division, listed
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region(towns):
    # Live-server tests empty the tables after each test, the migration's reference data too.
    load_reference_data(Industry, Certification)
    suhl = Town.objects.get(slug="suhl")
    zella = Town.objects.get(slug="zella-mehlis")
    companies = {
        "feinmess": listed(
            name="Feinmechanik Suhl GmbH",
            town=suhl,
            industry=division("26"),
            short_description="Präzisionsbaugruppen für Mess- und Medizintechnik, seit 1883.",
            description="Wir fertigen **Baugruppen** für Messsysteme und Laborgeräte.",
            offers=["Präzisionsbaugruppen", "Kalibrieren"],
            needs=["Spannzangen", "Härten"],
            size_band="50-249",
            founded_year=1883,
            public_email="kontakt@feinmechanik.example",
        ),
        "spannwerk": listed(
            name="Spannwerkzeuge Zella-Mehlis",
            town=zella,
            industry=division("28"),
            short_description="Spannköpfe und Spannzangen nach Zeichnung, seit 1955.",
            offers=["Spannzange", "Sonderspannmittel"],
            needs=["Kalibrieren"],
            apprenticeship_places=6,
            size_band="50-249",
        ),
        "spann_suhl": listed(
            name="Spanntechnik Suhl",
            town=suhl,
            short_description="Spannzangen aus dem Katalog.",
            offers=["Spannzange"],
        ),
        "glas": listed(
            name="Glaswerk Schleusingen",
            town=Town.objects.get(slug="schleusingen"),
            short_description="Behälterglas für Lebensmittel und Pharmazie.",
            offers=["Behälterglas"],
        ),
    }
    return companies


def test_a_visitor_finds_a_firm_by_its_offer_filters_by_town_and_opens_its_page(page, region):
    page.goto("/companies/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "directory-phone")

    page.get_by_role("searchbox").fill("Spannzangen")
    page.locator("#directory-form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/companies/\?q=Spannzangen$"))
    cards = page.locator(".company-card-name")
    # Those that offer collets, and the firm that seeks them; not the glassworks.
    expect(cards).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text("Glaswerk")
    assert_accessible(page)
    screenshot(page, "directory-search-phone")

    # On a phone the filters are folded away behind a button.
    town = page.locator("select[name='town']")
    expect(town).to_be_hidden()
    page.locator("button.filter-toggle").click()
    expect(town).to_be_visible()
    town.select_option("zella-mehlis")
    page.locator("#directory-filters button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"q=Spannzangen&town=zella-mehlis"))
    expect(cards).to_have_text(["Spannwerkzeuge Zella-Mehlis"])
    # The filters fold away again; the one in use is named above the results.
    expect(town).to_be_hidden()
    expect(page.locator(".active-filters")).to_contain_text("Zella-Mehlis")
    assert_accessible(page)
    screenshot(page, "directory-filtered-phone")

    page.get_by_role("link", name="Spannwerkzeuge Zella-Mehlis").click()

    expect(page).to_have_url(re.compile(r"/companies/" + region["spannwerk"].slug + "/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Spannwerkzeuge Zella-Mehlis")
    # "Wer kann helfen?": the fine-mechanics firm needs its collets and offers calibration.
    expect(page.locator(".matches")).to_contain_text("Feinmechanik Suhl GmbH")
    expect(page.locator(".matches")).to_contain_text("Kalibrieren")
    # Anonymous: no contact data, a way to log in instead.
    expect(page.locator("#contact-heading + p")).to_be_visible()
    expect(page.locator("a[href^='mailto:']")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "company-phone")

    # A tag on the page is a link to the directory filtered by it.
    page.locator(".tag", has_text="Sonderspannmittel").click()
    expect(page).to_have_url(re.compile(r"/companies/\?offer=sonderspannmittel$"))
    expect(cards).to_have_text(["Spannwerkzeuge Zella-Mehlis"])
    assert_accessible(page)


def test_the_directory_and_a_company_page_on_a_desktop(page, region):
    page.set_viewport_size(DESKTOP)

    page.goto("/companies/?q=Spannzange")
    expect(page.locator("select[name='town']")).to_be_visible()  # no folding on a wide screen
    assert_accessible(page)
    screenshot(page, "directory-desktop")

    page.goto(region["feinmess"].get_absolute_url())
    expect(page.locator(".matches")).to_contain_text("Spannwerkzeuge Zella-Mehlis")
    assert_accessible(page)
    screenshot(page, "company-desktop")


def test_the_filters_work_without_javascript(browser, live_server, region):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/companies/")
        # No script to unfold them: they are shown.
        expect(page.locator("select[name='town']")).to_be_visible()
        expect(page.locator("button.filter-toggle")).to_be_hidden()
        page.locator("select[name='town']").select_option("suhl")
        page.locator("#directory-filters button[type='submit']").click()
        expect(page.locator(".company-card-name")).to_have_text(
            ["Feinmechanik Suhl GmbH", "Spanntechnik Suhl"]
        )
    finally:
        context.close()


def test_a_member_sees_good_partners_for_their_firm_in_my_area(page, region):
    owner = UserFactory(email="inhaber@feinmechanik.example", preferred_language="de")
    MembershipFactory(user=owner, company=region["feinmess"])

    page.goto("/accounts/login/?next=/me/")
    page.locator("input[name='login']").fill(owner.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    section = page.locator(".me-companies")
    expect(section).to_contain_text("Feinmechanik Suhl GmbH")
    expect(section.locator(".partner-name").first).to_have_text("Spannwerkzeuge Zella-Mehlis")
    expect(section.locator(".partner").first).to_contain_text("Kalibrieren")
    expect(section.locator(".partner").first).to_contain_text("Spannzange")
    assert_accessible(page)
    screenshot(page, "me-companies-phone")

    # Logged in, the company page shows the contact data.
    page.goto(region["feinmess"].get_absolute_url())
    expect(page.locator("a[href='mailto:kontakt@feinmechanik.example']")).to_be_visible()
    assert_accessible(page)


def test_a_visitor_who_types_spanzange_sees_the_collet_makers_and_the_right_spelling(page, region):
    page.goto("/companies/")
    page.get_by_role("searchbox").fill("Spanzange")
    page.locator("#directory-form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/companies/\?q=Spanzange$"))
    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_be_visible()
    expect(page.locator(".company-card-name")).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text("Glaswerk")
    assert_accessible(page)
    screenshot(page, "directory-typo-phone")

    suggestion.get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/companies/\?q=Spannzange"))
    expect(page.get_by_role("searchbox")).to_have_value(re.compile(r"^Spannzangen?$"))
    expect(page.locator(".search-suggestion")).to_have_count(0)
    expect(page.locator(".company-card-name")).to_have_count(3)
