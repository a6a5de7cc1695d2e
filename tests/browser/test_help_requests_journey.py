"""The requests board end to end: a member of a fine-mechanics firm posts a need, a member of a
clamping-tool maker whose offers match answers "Wir können helfen", and the requester sees the
answer with the contact data and closes the request naming who helped. axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from companies.models import Company, Cooperation, HelpOffer, HelpRequest, Town
from kag_portal.models import OutboxMail
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE, screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def firms(towns):
    feinwerk = CompanyFactory(
        published=True,
        name="Feinwerk Suhl GmbH",
        slug="feinwerk-suhl",
        town=Town.objects.get(name="Suhl"),
        needs=["Spannzangen"],
    )
    spannwerk = CompanyFactory(
        published=True,
        name="Spannwerk Zella-Mehlis GmbH",
        slug="spannwerk",
        town=Town.objects.get(name="Zella-Mehlis"),
        offers=["Spannzangen", "Sonderspannmittel"],
        public_email="vertrieb@spannwerk.example",
        public_phone="03682 40 50 60",
        website="https://spannwerk.example",
    )
    anna = MembershipFactory(
        company=feinwerk, user__email="anna.feil@feinwerk.example", user__display_name="Anna Feil"
    ).user
    bernd = MembershipFactory(
        company=spannwerk,
        user__email="bernd.zange@spannwerk.example",
        user__display_name="Bernd Zange",
    ).user
    return {"feinwerk": feinwerk, "spannwerk": spannwerk, "anna": anna, "bernd": bernd}


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def log_out(page) -> None:
    page.context.clear_cookies()


def test_a_request_is_posted_answered_and_closed_naming_the_helper(page, firms):
    # Anonymous visitors see the board of published companies.
    page.goto("/help-requests/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # Anna (Feinwerk) posts a concrete need.
    log_in(page, firms["anna"].email, "/help-requests/")
    assert_accessible(page)
    page.locator("main a[href='/help-requests/new/']").click()
    expect(page).to_have_url(re.compile(r"/help-requests/new/$"))
    assert_accessible(page)
    # First without a title: a clear message, nothing saved.
    page.locator("textarea[name='description']").fill("Kleinserie, 50 Stück.")
    page.locator("input[name='tags']").fill("Spannzangen, Kleinserie")
    page.locator("main button[type='submit']").click()
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "requests-form-error-phone")
    assert not HelpRequest.objects.exists()

    page.locator("input[name='title']").fill("Mitlaufende Sonder-Spannzangen, Kleinserie")
    page.locator("textarea[name='description']").fill(
        "Wir suchen **mitlaufende Sonder-Spannzangen** mit spezieller Geometrie.\n\n"
        "- Kleinserie, 50 Stück\n- Zeichnung liegt vor"
    )
    page.locator("input[name='deadline']").fill("2099-06-30")
    page.locator("main button[type='submit']").click()
    help_request = HelpRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/help-requests/{help_request.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mitlaufende Sonder-Spannzangen, Kleinserie"
    )
    expect(page.locator(".board-description strong")).to_have_text("mitlaufende Sonder-Spannzangen")
    assert_accessible(page)
    screenshot(page, "requests-detail-requester-phone")

    # Bernd (Spannwerk, offers collets) finds it through "matches my offers" and answers.
    log_out(page)
    log_in(page, firms["bernd"].email, "/help-requests/?mine=1")
    card = page.locator(".board-card", has_text="Mitlaufende Sonder-Spannzangen")
    expect(card).to_contain_text("Feinwerk Suhl GmbH, Suhl")
    expect(card.locator(".board-tags")).to_contain_text("Spannzangen")
    assert_accessible(page)
    screenshot(page, "requests-board-matching-phone")
    card.get_by_role("link", name="Mitlaufende Sonder-Spannzangen, Kleinserie").click()
    expect(page).to_have_url(re.compile(rf"/help-requests/{help_request.pk}/$"))
    assert_accessible(page)
    page.locator("textarea[name='message']").fill(
        "Das können wir: Sonder-Spannzangen nach Zeichnung, Muster in drei Wochen."
    )
    page.locator("form[action$='/answer/'] button[type='submit']").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("textarea[name='message']")).to_have_count(0)
    expect(page.locator(".board-answer")).to_contain_text("Muster in drei Wochen")
    assert_accessible(page)
    screenshot(page, "requests-detail-answered-phone")
    assert HelpOffer.objects.get().company == firms["spannwerk"]
    answer_mail = OutboxMail.objects.get(template="request_answer")
    assert answer_mail.to_email == firms["anna"].email
    assert "bernd.zange@spannwerk.example" in answer_mail.body_text

    # Anna sees the answer with Spannwerk's contact data and closes, naming Spannwerk.
    log_out(page)
    log_in(page, firms["anna"].email, f"/help-requests/{help_request.pk}/")
    answer = page.locator(".board-answer", has_text="Spannwerk Zella-Mehlis GmbH")
    expect(answer).to_contain_text("Muster in drei Wochen")
    expect(answer.locator("a[href='mailto:bernd.zange@spannwerk.example']")).to_be_visible()
    expect(answer.locator("a[href='mailto:vertrieb@spannwerk.example']")).to_be_visible()
    expect(answer.locator("a[href='tel:03682405060']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "requests-detail-with-answer-phone")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "requests-detail-with-answer-desktop")
    page.set_viewport_size(PHONE)

    page.get_by_label("Spannwerk Zella-Mehlis GmbH (Zella-Mehlis)").check()
    page.locator("form[action$='/close/'] button[type='submit']").click()
    expect(page.locator(".board-badge-closed")).to_be_visible()
    expect(page.locator("form[action$='/close/']")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "requests-detail-closed-phone")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CLOSED
    assert help_request.helped_by == firms["spannwerk"]
    cooperation = Cooperation.objects.get(help_request=help_request)

    # Bernd confirms the cooperation from the link in his mail.
    log_out(page)
    log_in(page, firms["bernd"].email, f"/help-requests/{help_request.pk}/")
    assert_accessible(page)
    page.locator("form[action$='/confirm/'] button[type='submit']").click()
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    assert_accessible(page)
    assert cooperation.parties.filter(confirmed_at__isnull=True).count() == 0

    # The closed request has left the board.
    page.goto("/help-requests/")
    expect(page.locator(".board-card")).to_have_count(0)
    assert_accessible(page)


def test_the_board_filter_pagination_and_digest_toggle_pass_axe(page, firms):
    feinwerk: Company = firms["feinwerk"]
    for n in range(25):
        HelpRequest.objects.create(
            company=feinwerk, title=f"Anfrage {n}: Härten und Beschichten", description="x"
        )
    log_in(page, firms["bernd"].email, "/help-requests/")
    expect(page.locator(".board-card")).to_have_count(20)
    expect(page.locator(".pager")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "requests-board-phone")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "requests-board-desktop")
    page.set_viewport_size(PHONE)

    page.locator("form[action='/help-requests/digest/subscribe/'] button").click()
    expect(page.locator("form[action='/help-requests/digest/unsubscribe/']")).to_be_visible()
    assert_accessible(page)

    page.locator("input[name='tag']").fill("Spannzangen")
    page.locator("form.board-filter button[type='submit']").click()
    expect(page.locator(".board-card")).to_have_count(0)
    expect(page.locator(".board-empty")).to_be_visible()
    assert_accessible(page)

    page.goto("/help-requests/new/")
    assert_accessible(page)
    screenshot(page, "requests-form-phone")
