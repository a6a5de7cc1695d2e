"""Words that never collide (issue 13): in German "anmelden" is for events only; the account is
"Einloggen", signing up is "Konto anlegen" or "Unternehmen registrieren"."""

from __future__ import annotations

import re

import pytest

from tests.factories import CompanyFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def link_texts(html: str, href: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for text in re.findall(rf'<a [^>]*href="{re.escape(href)}[^"]*"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_the_home_page_says_einloggen_and_konto_anlegen(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert set(link_texts(html, "/accounts/login/")) == {"Einloggen"}
    assert set(link_texts(html, "/accounts/signup/")) == {
        "Konto anlegen",
        "Unternehmen registrieren",
    }


def test_the_log_in_and_sign_up_pages_never_say_anmelden(client):
    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        assert not re.search(r"[Aa]nmeld|[Aa]ngemeldet", main), path


def test_an_event_is_registered_for_with_zur_veranstaltung_anmelden(client):
    event = EventFactory()
    page = client.get(f"/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Einloggen, um sich zur Veranstaltung anzumelden" in page

    member = UserFactory()
    MembershipFactory(company=CompanyFactory(published=True), user=member)
    client.force_login(member)
    page = client.get(f"/events/{event.pk}/").content.decode()

    assert re.search(r'<button type="submit"[^>]*>Zur Veranstaltung anmelden</button>', page)


def test_the_same_words_in_english(client):
    event = EventFactory()
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert set(link_texts(home, "/accounts/login/")) == {"Log in"}
    page = client.get(f"/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to register for this event" in page


def test_logging_out_is_ausloggen_the_pair_of_einloggen(client):
    client.force_login(UserFactory())

    home = client.get("/").content.decode()
    page = client.get("/accounts/logout/").content.decode()

    assert re.search(
        r'<button type="submit" class="nav-link btn btn-link">Ausloggen</button>', home
    )
    main = page[page.index("<main") : page.index("</main>")]
    assert "<h1>Ausloggen</h1>" in main
    assert not re.search(r"[Aa]bmeld", main)
