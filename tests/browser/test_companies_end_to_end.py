"""The whole "Done when" journey of the companies issue, in English, in three browsers side by side.

Ines signs up, confirms her address, logs in and registers her clamping-tool firm in the wizard;
the KAG team approves it; Anna, who runs a fine-mechanics firm, finds it by one of its offers
(spelt differently from how Ines typed it) and by its town; Anna's firm posts a request, Ines
answers "We can help", and Anna sees the answer with Ines's contact data. axe checks every page;
each person has their own browser context, and none of them may break the CSP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from companies.models import Company, HelpOffer, HelpRequest, Industry, Membership, Town
from companies.services.search import refresh_search_document
from kag_portal.models import OutboxMail, User
from tests.browser.axe import assert_accessible
from tests.browser.helpers import PHONE, link_in_mail, screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INES_EMAIL = "ines.hollerbach@spannwerk-zm.example"
INES_PASSWORD = "Spannzange-Rennsteig-2026"
COMPANY = "Spannwerk Zella-Mehlis GmbH"
SLUG = "spannwerk-zella-mehlis-gmbh"


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Live-server tests empty the tables, also what data migrations loaded: the WZ 2008
    industries, the certifications and the staff group come back here."""

    from companies.models import Certification
    from companies.services.reference_data import load_reference_data

    load_reference_data(Industry, Certification)


@pytest.fixture
def open_page(browser, live_server) -> Iterator:
    """Opens a page in a fresh English, phone-sized context: one per person. At the end every
    context is closed and the test fails if any page broke the Content-Security-Policy."""
    contexts = []
    csp_violations: list[str] = []

    def new_page() -> Page:
        context = browser.new_context(locale="en-US", viewport=PHONE, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                csp_violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not csp_violations, "\n".join(csp_violations)


def log_in(page: Page, email: str, password: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(password)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_a_firm_signs_up_is_approved_found_and_answers_another_firms_request(
    open_page, live_server, site_pages, towns, reference_data, settings
):
    settings.SITE_URL = live_server.url  # links in mails point at the test server
    zella = Town.objects.get(slug="zella-mehlis")
    suhl = Town.objects.get(slug="suhl")
    # Anna's fine-mechanics firm in Suhl, which needs collets, and a collet dealer in Suhl too:
    # the search finds both dealers, the town filter tells them apart.
    feinwerk = CompanyFactory(
        published=True,
        name="Feinwerk Suhl GmbH",
        slug="feinwerk-suhl",
        town=suhl,
        short_description="Präzisionsbaugruppen für die Messtechnik.",
        offers=["Präzisionsbaugruppen"],
        needs=["Spannzangen"],
    )
    anna = MembershipFactory(
        company=feinwerk,
        user__email="anna.feil@feinwerk.example",
        user__display_name="Anna Feil",
        user__preferred_language="en",
    ).user
    CompanyFactory(
        published=True,
        name="Spanntechnik Suhl",
        town=suhl,
        short_description="Spannzangen aus dem Katalog.",
        offers=["Spannzange"],
    )
    CompanyFactory(
        published=True,
        name="Glaswerk Zella-Mehlis",
        town=zella,
        short_description="Glas für Labor und Pharmazie.",
        offers=["Laborglas"],
    )
    for company in Company.objects.all():
        refresh_search_document(company)
    staff = StaffFactory(email="team@kag.example", preferred_language="en")

    # --- 1. Ines signs up and confirms her address, which logs her in. -------------------------
    ines_page = open_page()
    ines_page.goto("/")
    expect(ines_page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(ines_page)
    ines_page.locator("main a[href='/accounts/signup/']").first.click()

    expect(ines_page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(ines_page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(ines_page)
    ines_page.locator("input[name='display_name']").fill("Ines Hollerbach")
    ines_page.locator("input[name='email']").fill(INES_EMAIL)
    ines_page.locator("input[name='password1']").fill(INES_PASSWORD)
    ines_page.locator("input[name='password2']").fill(INES_PASSWORD)
    screenshot(ines_page, "e2e-01-signup-phone")
    ines_page.locator("main button[type='submit']").click()

    expect(ines_page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(ines_page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    assert_accessible(ines_page)
    ines = User.objects.get(email=INES_EMAIL)
    assert ines.preferred_language == "en"  # the browser's language, remembered at sign-up

    ines_page.goto(link_in_mail(to_email=INES_EMAIL, path_part="/accounts/confirm-email/"))
    assert_accessible(ines_page)
    ines_page.locator("main button[type='submit']").click()
    # --- 1b. She lands in the company wizard: basics, offers and needs, consent, submit. ------
    expect(ines_page).to_have_url(re.compile(r"/companies/new/$"))
    expect(ines_page.get_by_role("status")).to_contain_text(INES_EMAIL)
    assert ines.emailaddress_set.get(email=INES_EMAIL).verified
    screenshot(ines_page, "e2e-02-wizard-new-person-phone")
    expect(ines_page.locator(".company-steps [aria-current='step']")).to_have_count(1)
    assert_accessible(ines_page)
    ines_page.locator("input[name='name']").fill(COMPANY)
    ines_page.locator("input[name='short_description']").fill(
        "Spannzangen und Sonderspannmittel nach Zeichnung, seit 1955."
    )
    ines_page.locator("textarea[name='description']").fill(
        "Wir fertigen **mitlaufende Spannzangen** auch in Kleinserie."
    )
    machinery = Industry.objects.get(code="28")  # "Manufacture of machinery", a regional focus
    ines_page.locator("select[name='industry']").select_option(str(machinery.pk))
    ines_page.locator("select[name='size_band']").select_option(index=2)
    ines_page.locator("input[name='founded_year']").fill("1955")
    ines_page.locator("select[name='town']").select_option(label="Zella-Mehlis")
    ines_page.locator("input[name='street']").fill("Talstraße 12")
    ines_page.locator("input[name='postal_code']").fill("98544")
    ines_page.locator("input[name='website']").fill("www.spannwerk-zm.example")
    ines_page.locator("input[name='public_email']").fill("vertrieb@spannwerk-zm.example")
    ines_page.locator("input[name='public_phone']").fill("03682 40 50 60")
    ines_page.locator("input[name='serves_national']").check()
    ines_page.locator("input[name='apprenticeship_places']").fill("4")
    screenshot(ines_page, "e2e-03-wizard-basics-phone")
    ines_page.locator("main form button[type='submit']").click()

    expect(ines_page).to_have_url(re.compile(rf"/companies/{SLUG}/edit/tags/$"))
    company = Company.objects.get(slug=SLUG)
    assert company.status == Company.Status.DRAFT
    assert company.town == zella
    assert company.industry == machinery
    assert Membership.objects.get(company=company).user == ines
    assert_accessible(ines_page)
    ines_page.locator("input[name='offers']").fill("Spannzangen, Sonderspannmittel, Härten")
    ines_page.locator("input[name='needs']").fill("Beschichtung, Auszubildende")
    screenshot(ines_page, "e2e-04-wizard-tags-phone")
    ines_page.locator("main form button[type='submit']").click()

    expect(ines_page).to_have_url(re.compile(rf"/companies/{SLUG}/edit/consent/$"))
    assert sorted(company.offers.values_list("name", flat=True)) == [
        "Härten",
        "Sonderspannmittel",
        "Spannzangen",
    ]
    assert_accessible(ines_page)
    ines_page.locator("input[name='consent']").check()
    ines_page.locator("form[action$='/edit/consent/'] button[type='submit']").click()

    submit = ines_page.locator(f"form[action='/companies/{SLUG}/submit/'] button")
    expect(submit).to_have_text("Submit for review")
    assert_accessible(ines_page)
    screenshot(ines_page, "e2e-05-wizard-consent-phone")
    submit.click()

    expect(ines_page).to_have_url(re.compile(r"/me/$"))
    expect(ines_page.locator("main .status-in_review").first).to_be_visible()
    assert_accessible(ines_page)
    screenshot(ines_page, "e2e-06-me-in-review-phone")
    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW
    assert company.public_consent_by == ines

    # Not public yet: the directory does not list it.
    ines_page.goto("/companies/?q=Spannzange")
    expect(ines_page.locator(".company-card-name", has_text=COMPANY)).to_have_count(0)

    # --- 2. The KAG team approves it in the review queue. -------------------------------------
    staff_page = open_page()
    log_in(staff_page, staff.email, DEFAULT_PASSWORD, "/staff/companies/")
    card = staff_page.locator(".staff-card", has_text=COMPANY)
    expect(card).to_contain_text(INES_EMAIL)
    assert_accessible(staff_page)
    screenshot(staff_page, "e2e-07-staff-queue-phone")
    card.locator(f"form[action='/staff/companies/{company.pk}/approve/'] button").click()

    expect(staff_page).to_have_url(re.compile(r"/staff/companies/$"))
    expect(staff_page.get_by_role("status")).to_contain_text(COMPANY)
    expect(staff_page.locator(".staff-card")).to_have_count(0)
    assert_accessible(staff_page)
    company.refresh_from_db()
    assert company.status == Company.Status.PUBLISHED
    assert OutboxMail.objects.filter(to_email=INES_EMAIL, template="company_approved").exists()

    # Ines's "My area" now shows the company as published, with Anna's firm as a good partner.
    ines_page.goto("/me/")
    mine = ines_page.locator(".me-companies")
    expect(mine.locator(".status-published")).to_be_visible()
    expect(mine.locator(".partner", has_text="Feinwerk Suhl GmbH")).to_contain_text("Spannzangen")
    assert_accessible(ines_page)
    screenshot(ines_page, "e2e-07b-me-published-phone")

    # --- 3. Anna finds it by an offer, spelt differently, and by its town. --------------------
    anna_page = open_page()
    log_in(anna_page, anna.email, DEFAULT_PASSWORD, "/companies/")
    expect(anna_page.get_by_role("heading", level=1)).to_have_text("Companies in the region")
    assert_accessible(anna_page)
    anna_page.get_by_role("searchbox").fill("Spannzange")  # Ines typed "Spannzangen"
    anna_page.locator("#directory-form button[type='submit']").click()

    expect(anna_page).to_have_url(re.compile(r"/companies/\?q=Spannzange$"))
    names = anna_page.locator(".company-card-name")
    expect(names.filter(has_text=COMPANY)).to_have_count(1)
    expect(names.filter(has_text="Spanntechnik Suhl")).to_have_count(1)
    expect(anna_page.locator("main")).not_to_contain_text("Glaswerk")
    assert_accessible(anna_page)
    screenshot(anna_page, "e2e-08-directory-search-phone")

    # Separately: only the town, no search. On a phone the filters are folded away.
    anna_page.goto("/companies/")
    town = anna_page.locator("select[name='town']")
    expect(town).to_be_hidden()
    anna_page.locator("button.filter-toggle").click()
    expect(town).to_be_visible()
    assert_accessible(anna_page)
    town.select_option("zella-mehlis")
    anna_page.locator("#directory-filters button[type='submit']").click()

    expect(anna_page).to_have_url(re.compile(r"/companies/\?(.*&)?town=zella-mehlis"))
    expect(names).to_have_count(2)
    expect(names.filter(has_text=COMPANY)).to_have_count(1)
    expect(names.filter(has_text="Glaswerk Zella-Mehlis")).to_have_count(1)
    expect(anna_page.locator(".active-filters")).to_contain_text("Zella-Mehlis")
    assert_accessible(anna_page)
    screenshot(anna_page, "e2e-09-directory-town-phone")

    anna_page.get_by_role("link", name=COMPANY).click()
    expect(anna_page).to_have_url(re.compile(rf"/companies/{SLUG}/$"))
    expect(anna_page.get_by_role("heading", level=1)).to_have_text(COMPANY)
    # Logged in, Anna sees the contact data.
    expect(anna_page.locator("a[href='mailto:vertrieb@spannwerk-zm.example']")).to_be_visible()
    assert_accessible(anna_page)
    screenshot(anna_page, "e2e-10-company-page-phone")

    # --- 4. Anna's firm posts a request whose keywords match Ines's offers. -------------------
    anna_page.goto("/help-requests/new/")
    expect(anna_page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(anna_page)
    anna_page.locator("input[name='title']").fill("Mitlaufende Sonder-Spannzangen, Kleinserie")
    anna_page.locator("textarea[name='description']").fill(
        "Wir suchen **mitlaufende Sonder-Spannzangen**.\n\n- 50 Stück\n- Zeichnung liegt vor"
    )
    anna_page.locator("input[name='tags']").fill("Spann-Zangen, Kleinserie")
    anna_page.locator("input[name='deadline']").fill("2099-06-30")
    screenshot(anna_page, "e2e-11-request-form-phone")
    anna_page.locator("main button[type='submit']").click()

    help_request = HelpRequest.objects.get()
    request_path = f"/help-requests/{help_request.pk}/"
    expect(anna_page).to_have_url(re.compile(re.escape(request_path) + "$"))
    expect(anna_page.get_by_role("status")).to_be_visible()
    assert help_request.company == feinwerk
    assert {tag.key for tag in help_request.tags.all()} & {tag.key for tag in company.offers.all()}
    assert_accessible(anna_page)

    # Ines, still logged in, sees it among the requests that match her offers and answers.
    ines_page.goto("/help-requests/?mine=1")
    request_card = ines_page.locator(".board-card", has_text="Mitlaufende Sonder-Spannzangen")
    expect(request_card).to_contain_text("Feinwerk Suhl GmbH")
    assert_accessible(ines_page)
    screenshot(ines_page, "e2e-12-board-matching-phone")
    request_card.get_by_role("link", name="Mitlaufende Sonder-Spannzangen, Kleinserie").click()

    expect(ines_page).to_have_url(re.compile(re.escape(request_path) + "$"))
    expect(ines_page.get_by_role("heading", name="We can help")).to_be_visible()
    assert_accessible(ines_page)
    ines_page.locator("textarea[name='message']").fill(
        "Das können wir: Sonder-Spannzangen nach Zeichnung, Muster in drei Wochen."
    )
    ines_page.locator("form[action$='/answer/'] button[type='submit']").click()
    expect(ines_page.get_by_role("status")).to_be_visible()
    expect(ines_page.locator("textarea[name='message']")).to_have_count(0)
    expect(ines_page.locator(".board-answer")).to_contain_text("Muster in drei Wochen")
    assert_accessible(ines_page)
    screenshot(ines_page, "e2e-13-request-answered-phone")
    assert HelpOffer.objects.get().company == company
    assert OutboxMail.objects.filter(template="request_answer", to_email=anna.email).exists()

    # Anna sees the answer with the contact data of Ines and her firm.
    anna_page.goto(request_path)
    answer = anna_page.locator(".board-answer", has_text=COMPANY)
    expect(answer).to_contain_text("Muster in drei Wochen")
    expect(answer).to_contain_text("Ines Hollerbach")
    expect(answer.locator(f"a[href='mailto:{INES_EMAIL}']")).to_be_visible()
    expect(answer.locator("a[href='mailto:vertrieb@spannwerk-zm.example']")).to_be_visible()
    expect(answer.locator("a[href='tel:03682405060']")).to_be_visible()
    assert_accessible(anna_page)
    screenshot(anna_page, "e2e-14-request-with-answer-phone")
