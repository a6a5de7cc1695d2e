"""Failed logins lock an address only for the client that failed: a stranger guessing from
elsewhere cannot lock the owner out."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.23"


def log_in(client, email: str, password: str, ip: str):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_stranger_guessing_does_not_lock_the_owner_out(client):
    person = UserFactory(email="ines@spannwerk.example")
    for _ in range(6):
        log_in(client, person.email, "falsch", ATTACKER)

    owner = log_in(client, person.email, DEFAULT_PASSWORD, OWNER)

    assert owner.status_code == 302
    assert client.get("/me/").status_code == 200


def test_the_guessing_client_is_still_limited(client):
    person = UserFactory(email="ines@spannwerk.example")
    for _ in range(6):
        log_in(client, person.email, "falsch", ATTACKER)

    attacker = log_in(client, person.email, DEFAULT_PASSWORD, ATTACKER)

    assert attacker.status_code == 200
    assert "Too many failed login attempts" in attacker.content.decode()
    assert client.get("/me/").status_code == 302


def test_the_limit_still_counts_each_address_from_one_client(client):
    first = UserFactory(email="ines@spannwerk.example")
    second = UserFactory(email="theo@glaswerk.example")
    for _ in range(5):
        log_in(client, first.email, "falsch", ATTACKER)

    # Another address from the same client is not locked by the first one's failures.
    assert log_in(client, second.email, DEFAULT_PASSWORD, ATTACKER).status_code == 302
