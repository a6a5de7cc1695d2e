"""Signing up says where it goes: confirming the address logs the person in (in the browser that
signed up) and leads into the company wizard; after an invitation link the invited address starts
the form, and confirming that very address makes the person a member at once.

The adapter (kag_portal/adapters.py) asks kag_portal.onboarding; companies/onboarding.py answers.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from companies.models import Company, Invitation, Membership
from companies.services import members
from kag_portal.models import OutboxMail, User
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITED = "lena@spannwerk.example"


@pytest.fixture
def spannwerk() -> Company:
    return CompanyFactory(published=True, name="Spannwerk GmbH", slug="spannwerk")


@pytest.fixture
def invitation(spannwerk) -> Invitation:
    owner = MembershipFactory(company=spannwerk).user
    return members.invite(company=spannwerk, email=INVITED, role="editor", by=owner)


@pytest.fixture
def invitation_path(invitation) -> str:
    return f"/companies/invitations/{members.invitation_token(invitation)}/"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a request and what it queued on commit (the outbox sends the mail then)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def sign_up(client, run, email: str, name: str = "Lena Roth"):
    return run(
        client.post,
        "/accounts/signup/",
        {
            "display_name": name,
            "email": email,
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )


def confirmation_path(email: str) -> str:
    mail = OutboxMail.objects.filter(to_email=email).order_by("-pk").first()
    assert mail is not None
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def confirm(client, run, email: str):
    return run(client.post, confirmation_path(email))


def logged_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


# --- "Unternehmen registrieren" -----------------------------------------------------------------


def test_the_signup_page_shows_the_three_steps_with_the_first_current(client):
    html = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    steps = re.search(r'<ol class="signup-steps".*?</ol>', html, re.S).group(0)
    assert steps.count("<li") == 3
    assert re.search(r'<li aria-current="step">.*?Konto anlegen', steps, re.S)
    assert "E-Mail-Adresse bestätigen" in steps
    assert "Unternehmensprofil ausfüllen" in steps


def test_confirming_in_the_same_browser_logs_in_and_opens_the_company_wizard(client, run):
    response = sign_up(client, run, "sabine@tischlerei.example")
    assert response["Location"] == "/accounts/confirm-email/"
    page = client.get("/accounts/confirm-email/").content.decode()
    assert re.search(r'<li aria-current="step">.*?E-Mail-Adresse bestätigen', page, re.S)
    assert logged_in_as(client) is None

    response = confirm(client, run, "sabine@tischlerei.example")

    assert response.status_code == 302
    assert response["Location"] == "/companies/new/"
    assert logged_in_as(client).email == "sabine@tischlerei.example"
    wizard = client.get("/companies/new/").content.decode()
    assert re.search(r'<li aria-current="step">.*?Unternehmensprofil ausfüllen', wizard, re.S)


def test_confirming_in_another_browser_asks_for_the_password_and_then_opens_the_wizard(client, run):
    sign_up(client, run, "sabine@tischlerei.example")
    phone = Client()

    response = confirm(phone, run, "sabine@tischlerei.example")

    # allauth logs in only in the session that signed up: anyone with the link is not enough.
    assert logged_in_as(phone) is None
    assert response["Location"] == "/accounts/login/?next=%2Fcompanies%2Fnew%2F"
    response = phone.post(
        response["Location"],
        {"login": "sabine@tischlerei.example", "password": DEFAULT_PASSWORD},
    )
    assert response["Location"] == "/companies/new/"


def test_a_later_login_goes_to_my_area_not_to_the_wizard(client):
    UserFactory(email="theo@glaswerk.example")

    response = client.post(
        "/accounts/login/", {"login": "theo@glaswerk.example", "password": DEFAULT_PASSWORD}
    )

    assert response["Location"] == "/me/"


def test_a_person_with_a_company_lands_on_it_after_confirming(client, run, spannwerk):
    sign_up(client, run, "sabine@tischlerei.example")
    user = User.objects.get(email="sabine@tischlerei.example")
    MembershipFactory(company=spannwerk, user=user)

    response = confirm(client, run, "sabine@tischlerei.example")

    assert response["Location"] == "/companies/spannwerk/edit/"


# --- An invitation link -------------------------------------------------------------------------


def test_the_invitation_prefills_the_address_and_confirming_it_makes_a_member(
    client, run, spannwerk, invitation, invitation_path
):
    client.get(invitation_path)

    form = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert re.search(rf'name="email"[^>]*value="{re.escape(INVITED)}"', form)
    assert "Spannwerk GmbH" in form
    assert 'class="signup-steps"' not in form  # no company profile to fill in
    assert members.invitation_token(invitation) not in form

    sign_up(client, run, INVITED)
    lena = User.objects.get(email=INVITED)
    assert not Membership.objects.filter(user=lena).exists()  # not before the confirmation

    response = confirm(client, run, INVITED)

    assert Membership.objects.get(company=spannwerk, user=lena).role == Membership.Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == lena
    assert response["Location"] == "/companies/spannwerk/edit/"
    assert logged_in_as(client) == lena
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Spannwerk GmbH" in page


def test_another_address_accepts_nothing_and_the_person_sees_the_invitation(
    client, run, spannwerk, invitation, invitation_path
):
    client.get(invitation_path)
    sign_up(client, run, "lena.privat@mail.example")

    response = confirm(client, run, "lena.privat@mail.example")

    lena = User.objects.get(email="lena.privat@mail.example")
    assert not Membership.objects.filter(user=lena).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert response["Location"] == invitation_path
    page = client.get(invitation_path).content.decode()  # in the person's language: German
    assert "Diese Einladung wurde an l***@spannwerk.example geschickt." in page
    assert "Einladung annehmen" not in page
    assert INVITED not in page


def test_an_invitation_confirmed_in_another_browser_waits_on_my_area(
    client, run, spannwerk, invitation, invitation_path
):
    client.get(invitation_path)
    sign_up(client, run, INVITED)
    phone = Client()

    response = confirm(phone, run, INVITED)

    # The other browser knows nothing of the invitation link: nothing is accepted unasked,
    # and after logging in "Mein Bereich" lists the invitation to the confirmed address.
    assert not Membership.objects.filter(user__email=INVITED).exists()
    assert response["Location"] == "/accounts/login/?next=%2Fme%2F"
    response = phone.post(response["Location"], {"login": INVITED, "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/me/"
    assert invitation_path in phone.get("/me/").content.decode()


def test_an_existing_account_that_logs_in_after_the_link_sees_the_invitation_to_accept(
    client, spannwerk, invitation, invitation_path
):
    lena = UserFactory(email=INVITED)
    client.get(invitation_path)

    response = client.post("/accounts/login/", {"login": INVITED, "password": DEFAULT_PASSWORD})

    assert response["Location"] == invitation_path
    assert not Membership.objects.filter(user=lena).exists()  # a log-in accepts nothing
    assert "Einladung annehmen" in client.get(invitation_path).content.decode()


def test_a_used_invitation_in_the_session_prefills_nothing(
    client, spannwerk, invitation, invitation_path
):
    client.get(invitation_path)
    Invitation.objects.filter(pk=invitation.pk).delete()

    form = client.get("/accounts/signup/").content.decode()

    assert INVITED not in form
    assert 'class="signup-steps"' in form


def test_the_invitation_token_is_never_logged(
    client, run, spannwerk, invitation, invitation_path, caplog
):
    caplog.set_level("DEBUG")
    client.get(invitation_path)
    sign_up(client, run, INVITED)
    confirm(client, run, INVITED)

    token = members.invitation_token(invitation)
    assert all(token not in record.getMessage() for record in caplog.records)


def test_after_a_typo_in_the_address_the_signup_form_is_still_there(client, run):
    # The pending sign-up waits for days (ACCOUNT_LOGIN_TIMEOUT) but never blocks the form.
    sign_up(client, run, "sabine@tischlerie.example")

    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    sign_up(client, run, "sabine@tischlerei.example")
    response = confirm(client, run, "sabine@tischlerei.example")
    assert logged_in_as(client).email == "sabine@tischlerei.example"
    assert response["Location"] == "/companies/new/"


def test_the_link_opened_two_days_later_still_logs_in(client, run):
    from allauth.account.internal.stagekit import LOGIN_SESSION_KEY

    sign_up(client, run, "sabine@tischlerei.example")
    # Two days pass: allauth dates the pending sign-up in the session (its default timeout is
    # 15 minutes; the portal waits as long as the link is valid).
    session = client.session
    pending = session[LOGIN_SESSION_KEY]
    pending["initiated_at"] -= 2 * 24 * 3600
    session[LOGIN_SESSION_KEY] = pending
    session.save()

    response = confirm(client, run, "sabine@tischlerei.example")

    assert logged_in_as(client).email == "sabine@tischlerei.example"
    assert response["Location"] == "/companies/new/"


def test_the_pages_and_mails_say_three_days_because_the_link_lasts_three(settings):
    # templates/account/verification_sent.html, email_confirm.html: "valid for three days".
    assert settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS == 3
    assert settings.ACCOUNT_LOGIN_TIMEOUT == 3 * 24 * 3600
