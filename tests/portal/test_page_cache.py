"""Anonymous visitors get the public pages from the cache; the next request after a change shows
it; nobody gets a page meant for someone else (kag_portal/page_cache.py)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from events.services.registration import cancel, register
from events.services.staff import cancel_event, publish_event
from stories.models import Story
from tests.factories import CompanyFactory, EventFactory, MembershipFactory, UserFactory
from tests.stories.helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


def queries_of(client, path: str, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def published_story(title: str = "Vom Speed-Dating an die Drehbank") -> Story:
    spannwerk, feinwerk, owner, _other = two_firms()
    story = story_about(cooperation_of(spannwerk, feinwerk), author=owner, title=title)
    story.status = Story.Status.PUBLISHED
    story.released_at = story.published_at = timezone.now()
    story.save()
    return story


def register_someone(event: Event):
    company = CompanyFactory(published=True)
    person = MembershipFactory(company=company).user
    return register(
        event=event,
        company=company,
        person=person,
        name="Anna Muster",
        email=person.email,
        registered_by=person,
    )


@pytest.fixture
def pages() -> list[str]:
    event = EventFactory(title="Unternehmerfrühstück Suhl")
    story = published_story()
    return ["/", "/events/", event.get_absolute_url(), "/stories/", story.get_absolute_url()]


def test_the_second_anonymous_visitor_gets_each_public_page_without_a_query(
    client, pages, django_assert_num_queries
):
    for path in pages:
        first = client.get(path)
        with django_assert_num_queries(0):
            second = client.get(path)
        assert second.status_code == 200
        assert second.content == first.content
        assert second["Content-Language"] == "de"
        assert "Cookie" in second["Vary"]
        assert not second.cookies


def test_a_cached_page_carries_no_csrf_token(client, pages):
    for path in pages:
        client.get(path)
        html = client.get(path).content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert "X-CSRFToken" not in html


def test_publishing_an_event_shows_it_on_the_next_request(client):
    event = EventFactory(title="Firmenbesuch Zella-Mehlis", status=Event.Status.DRAFT)
    assert "Firmenbesuch Zella-Mehlis" not in client.get("/events/").content.decode()

    publish_event(event=event)

    assert "Firmenbesuch Zella-Mehlis" in client.get("/events/").content.decode()
    assert client.get(event.get_absolute_url()).status_code == 200


def test_a_registration_changes_the_places_left_on_the_next_request(client):
    event = EventFactory(capacity=5)
    page = event.get_absolute_url()
    assert "5 places left" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5 places left" in client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    registration = register_someone(event)

    assert "4 places left" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "4 places left" in client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    cancel(registration=registration, by=registration.person)

    assert "5 places left" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_cancelling_an_event_shows_on_the_next_request(client):
    event = EventFactory()
    page = event.get_absolute_url()
    assert "has been cancelled" not in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    cancel_event(event=event)

    assert "has been cancelled" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_editing_a_story_shows_on_the_list_the_page_and_the_home_page(client):
    story = published_story(title="Spannzangen aus Suhl")
    paths = ["/", "/stories/", story.get_absolute_url()]
    for path in paths:
        assert "Spannzangen aus Suhl" in client.get(path).content.decode()

    story.title = "Gewindespindeln aus Zella-Mehlis"
    story.save()

    for path in paths:
        html = client.get(path).content.decode()
        assert "Gewindespindeln aus Zella-Mehlis" in html
        assert "Spannzangen aus Suhl" not in html


def test_a_renamed_company_shows_on_the_story_cards(client):
    story = published_story()
    company = story.companies.get(name="Spannwerk GmbH")
    assert "Spannwerk GmbH" in client.get("/stories/").content.decode()

    company.name = "Spannwerk Suhl GmbH"
    company.save()

    assert "Spannwerk Suhl GmbH" in client.get("/stories/").content.decode()


def test_a_closing_registration_is_not_kept_past_its_deadline(client):
    event = EventFactory(registration_deadline=timezone.now() + timedelta(seconds=3))
    page = event.get_absolute_url()
    assert "deadline for this event has passed" not in (
        client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.get("/events/", HTTP_ACCEPT_LANGUAGE="en")

    time.sleep(3.1)

    assert "deadline for this event has passed" in (
        client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "Registration closed" in (
        client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_an_ended_event_waiting_to_be_finished_is_not_kept(client):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.get(event.get_absolute_url())

    assert queries_of(client, event.get_absolute_url())[0] > 0


def test_german_and_english_pages_are_cached_apart(client):
    german = client.get("/events/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="de">' in german
    assert '<html lang="en">' in english
    assert queries_of(client, "/events/", HTTP_ACCEPT_LANGUAGE="de") == (0, german)
    assert queries_of(client, "/events/", HTTP_ACCEPT_LANGUAGE="en") == (0, english)


def test_the_language_switch_is_a_get_form_that_keeps_the_page(client):
    html = client.get("/events/?format=breakfast").content.decode()

    assert '<form class="lang-switch" action="/sprache/" method="get">' in html
    assert 'name="next" value="/events/?format=breakfast"' in html
    assert 'value="en" lang="en"' in html
    assert 'value="de" lang="de" class="btn btn-link lang-switch-button" aria-current="true"' in (
        html
    )


def test_the_language_switch_sets_the_cookie_and_returns_to_the_page(client):
    client.get("/events/")

    response = client.get("/sprache/", {"language": "en", "next": "/events/?format=breakfast"})

    assert response.status_code == 302
    assert response["Location"] == "/events/?format=breakfast"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/events/").content.decode()
    assert '<html lang="en">' in html
    assert 'value="en" lang="en" class="btn btn-link lang-switch-button" aria-current="true"' in (
        html
    )


def test_the_language_switch_refuses_to_send_the_visitor_elsewhere(client):
    response = client.get("/sprache/", {"language": "en", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_the_language_switch_keeps_a_logged_in_persons_choice(client):
    person = UserFactory(preferred_language="de")
    client.force_login(person)

    client.get("/sprache/", {"language": "en", "next": "/"})

    person.refresh_from_db()
    assert person.preferred_language == "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "en"


def test_a_logged_in_person_never_gets_the_anonymous_page(client, pages):
    anonymous = client.__class__()
    person = UserFactory(preferred_language="en")
    client.force_login(person)
    for path in pages:
        anonymous.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert queries_of(anonymous, path, HTTP_ACCEPT_LANGUAGE="en")[0] == 0

        html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

        assert "My area" in html
        assert "X-CSRFToken" in html


def test_an_anonymous_visitor_never_gets_a_logged_in_persons_page(client, pages):
    logged_in = client.__class__()
    logged_in.force_login(UserFactory(preferred_language="en"))
    for path in pages:
        logged_in.get(path, HTTP_ACCEPT_LANGUAGE="en")

        count, html = queries_of(client, path, HTTP_ACCEPT_LANGUAGE="en")

        assert count > 0  # computed: the logged-in page was not kept
        assert "My area" not in html
        assert "Log in" in html


def test_a_visitor_with_a_message_waiting_sees_it(client):
    client.get("/")
    client.get("/")
    response = HttpResponse()
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, "Danke für Ihre Meldung.")
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value

    assert "Danke für Ihre Meldung." in client.get("/").content.decode()
    assert "Danke für Ihre Meldung." not in client.get("/").content.decode()


def test_a_post_is_never_cached(client):
    assert client.post("/").status_code == 200

    assert queries_of(client, "/")[0] > 0


def test_a_cached_page_keeps_the_security_headers(client, pages):
    for path in pages:
        first = client.get(path)
        second = client.get(path)

        for header in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
        ):
            assert second[header] == first[header]
        assert "Accept-Language" in second["Vary"]


def test_an_anonymous_visitor_with_an_empty_session_gets_the_cached_page(client):
    session = client.session  # a session without a user, as after logging out
    session["seen"] = True
    session.save()
    published_story()
    client.__class__().get("/stories/")  # a visitor without cookies leaves the page

    count, html = queries_of(client, "/stories/")

    assert count == 1  # the session row only
    assert "Vom Speed-Dating an die Drehbank" in html


def test_a_cached_page_is_not_handed_to_a_host_we_do_not_serve(client):
    client.get("/")

    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
