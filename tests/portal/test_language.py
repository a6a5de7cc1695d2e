"""German first; English on request; a person's choice is kept for pages and mails."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_without_preference_gets_german(client):
    response = client.get("/")

    assert response["Content-Language"] == "de"


def test_the_browser_language_is_honoured(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response["Content-Language"] == "en"


def test_the_language_switch_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post("/language/", {"language": "en", "next": "/events/"})

    assert response.status_code == 302
    assert response["Location"] == "/events/"
    assert client.get("/events/")["Content-Language"] == "en"


def test_the_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_a_logged_in_persons_choice_is_stored_for_their_mails(client):
    person = UserFactory(preferred_language="de")
    client.force_login(person)

    client.post("/language/", {"language": "en", "next": "/"})

    person.refresh_from_db()
    assert person.preferred_language == "en"


def test_the_stored_choice_wins_over_the_browser(client):
    client.force_login(UserFactory(preferred_language="en"))

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")

    assert response["Content-Language"] == "en"


def test_urls_carry_no_language_prefix(client):
    assert client.get("/en/").status_code == 404
