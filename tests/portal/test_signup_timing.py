"""Sign-up does the same work for a known and a new address, so its answer time does not tell
which addresses have an account. Counted, not timed: one password hash and one outbox mail on
both paths."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from kag_portal.models import OutboxMail, User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "sabine@spannwerk.example"


class CountingHasher(MD5PasswordHasher):
    """The fast test hasher, counting how often a password is hashed."""

    algorithm = "counting_md5"
    hashed: list[str] = []

    def encode(self, password, salt):
        self.hashed.append(password)
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.portal.test_signup_timing.CountingHasher"]
    CountingHasher.hashed.clear()
    return CountingHasher.hashed


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    def sign_up():
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/accounts/signup/",
                {
                    "display_name": "Sabine Weiß",
                    "email": ADDRESS,
                    "password1": DEFAULT_PASSWORD,
                    "password2": DEFAULT_PASSWORD,
                },
            )

    return sign_up


def test_a_new_address_costs_one_password_hash_and_one_mail(sign_up, hashes):
    response = sign_up()

    assert response.status_code == 302
    assert hashes == [DEFAULT_PASSWORD]
    assert OutboxMail.objects.filter(to_email=ADDRESS).count() == 1


def test_a_known_address_costs_the_same_hash_and_one_mail_too(sign_up, hashes):
    UserFactory(email=ADDRESS)
    hashes.clear()  # the factory hashed the existing person's password

    response = sign_up()

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert hashes == [DEFAULT_PASSWORD]
    row = OutboxMail.objects.get(to_email=ADDRESS)
    assert row.template == "account/email/account_already_exists"
    assert User.objects.count() == 1


def test_a_known_address_signed_up_for_again_soon_still_costs_the_hash(sign_up, hashes):
    UserFactory(email=ADDRESS)
    sign_up()
    hashes.clear()

    response = sign_up()  # the mail to the owner is rate limited now; the work is not skipped

    assert response.status_code == 302
    assert hashes == [DEFAULT_PASSWORD]
    assert OutboxMail.objects.filter(to_email=ADDRESS).count() == 1
