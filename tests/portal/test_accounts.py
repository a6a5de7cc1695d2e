"""Accounts: e-mail login, mandatory verification through the outbox, language, rate limits."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail as django_mail

from kag_portal.models import OutboxMail, User
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Sabine Weiß",
    "email": "sabine@spannwerk.example",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and run what the request queued on commit (the outbox sends mail then)."""

    def post(path: str, data: dict, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return post


@pytest.fixture
def sign_up(post):
    def sign_up(**overrides):
        return post("/accounts/signup/", {**SIGNUP, **overrides}, HTTP_ACCEPT_LANGUAGE="de")

    return sign_up


def test_signing_up_records_a_verification_mail_in_the_outbox(client, sign_up):
    response = sign_up()

    assert response.status_code == 302
    user = User.objects.get(email="sabine@spannwerk.example")
    assert user.display_name == "Sabine Weiß"
    assert user.preferred_language == "de"
    row = OutboxMail.objects.get(to_email="sabine@spannwerk.example")
    assert row.status == OutboxMail.Status.SENT
    assert "/accounts/confirm-email/" in row.body_text
    assert len(django_mail.outbox) == 1


def test_a_person_cannot_log_in_before_confirming_the_address(client, sign_up):
    sign_up()
    client.logout()

    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/me/").status_code == 302


def test_confirming_the_link_from_the_mail_lets_the_person_log_in(client, sign_up):
    sign_up()
    client.logout()
    body = OutboxMail.objects.get(to_email=SIGNUP["email"]).body_text
    confirm_path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", body).group(1)

    client.post(confirm_path)
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": DEFAULT_PASSWORD}
    )

    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_signup_without_a_name_is_rejected_and_nothing_is_saved(client, sign_up):
    response = sign_up(display_name="")

    assert response.status_code == 200
    assert not User.objects.exists()
    assert OutboxMail.objects.count() == 0


def test_a_signup_in_english_makes_english_the_persons_language(post):
    post("/accounts/signup/", SIGNUP, HTTP_ACCEPT_LANGUAGE="en")

    assert User.objects.get().preferred_language == "en"
    assert OutboxMail.objects.get().language == "en"


def test_signing_up_with_a_known_address_does_not_reveal_it(sign_up):
    UserFactory(email=SIGNUP["email"])

    response = sign_up()

    # The same answer as for a new address; the owner of the address gets a mail instead.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.count() == 1


def test_the_login_is_the_email_address_in_any_case(client):
    UserFactory(email="ines@spannwerk.example")

    response = client.post(
        "/accounts/login/", {"login": "Ines@Spannwerk.EXAMPLE", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_logout_needs_a_post(client):
    client.force_login(UserFactory())

    assert client.get("/accounts/logout/").status_code == 200  # a confirmation page
    assert client.get("/me/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/me/").status_code == 302


def test_repeated_failed_logins_lock_the_account_for_a_while(client):
    person = UserFactory()
    for _ in range(5):
        client.post("/accounts/login/", {"login": person.email, "password": "falsch"})

    response = client.post(
        "/accounts/login/",
        {"login": person.email, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_too_many_login_requests_from_one_address_are_refused(client):
    statuses = [
        client.post("/accounts/login/", {"login": f"p{n}@x.example", "password": "x"}).status_code
        for n in range(32)
    ]

    assert statuses[0] == 200
    assert statuses[-1] == 429


def test_the_admin_login_goes_through_the_rate_limited_login(client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_who_is_not_staff_cannot_enter_the_admin(client):
    client.force_login(UserFactory())

    assert client.get("/admin/login/").status_code == 403


def test_staff_enter_the_admin(client):
    client.force_login(StaffFactory())

    assert client.get("/admin/").status_code == 200


def test_the_password_reset_mail_goes_through_the_outbox_in_the_persons_language(post):
    UserFactory(email="theo@glaswerk.example", preferred_language="en")

    post("/accounts/password/reset/", {"email": "theo@glaswerk.example"})

    row = OutboxMail.objects.get(to_email="theo@glaswerk.example")
    assert row.status == OutboxMail.Status.SENT
    assert row.language == "en"
    assert "Choose a new password" in row.subject
    assert "/accounts/password/reset/key/" in row.body_text


def test_behind_a_proxy_the_rate_limit_counts_the_real_client(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def attempt(client_address: str) -> int:
        return client.post(
            "/accounts/login/",
            {"login": "someone@x.example", "password": "x"},
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    statuses = [attempt("203.0.113.7") for _ in range(31)]

    assert statuses[-1] == 429
    assert attempt("198.51.100.23") == 200  # another person behind the same proxy


def test_a_member_changes_their_email_address_after_confirming_the_new_one(client, post):
    person = UserFactory(email="alt@spannwerk.example")
    client.force_login(person)

    response = post("/accounts/email/", {"action_add": "", "email": "neu@spannwerk.example"})

    assert response.status_code == 302
    row = OutboxMail.objects.get(to_email="neu@spannwerk.example")
    assert "/accounts/confirm-email/" in row.body_text
    person.refresh_from_db()
    assert person.email == "alt@spannwerk.example"  # until the new address is confirmed

    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", row.body_text)
    client.post(confirm.group(1))

    person.refresh_from_db()
    assert person.email == "neu@spannwerk.example"
    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == [
        "neu@spannwerk.example"
    ]


def test_kag_staff_see_failed_mails_in_the_admin(client):
    OutboxMail.objects.create(
        idempotency_key="f:1",
        to_email="weg@firma.example",
        subject="Einladung",
        body_text="…",
        language="de",
        status=OutboxMail.Status.FAILED,
        last_error="SMTPRecipientsRefused: 550 No such user",
    )
    client.force_login(StaffFactory())

    response = client.get("/admin/kag_portal/outboxmail/?status__exact=failed")

    assert response.status_code == 200
    assert "weg@firma.example" in response.content.decode()


def test_the_verification_mail_greets_formally_and_names_the_portal(sign_up):
    sign_up()

    body = OutboxMail.objects.get(to_email=SIGNUP["email"]).body_text
    assert body.startswith("Guten Tag,")
    # The portal by its name, not by its host; lower case after the salutation's comma.
    assert "Guten Tag,\n\nvielen Dank, dass Sie ein Konto im KAG Portal angelegt haben." in body
    assert "bei 127.0.0.1" not in body
    assert "Account" not in body
    assert "Ihr KAG-Team" in body
    assert all("  " not in line for line in body.splitlines())  # no empty name in a sentence
