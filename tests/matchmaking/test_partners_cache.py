"""Meine Gesprächspartner from the cache: change a thing, the next request shows it; an unchanged
poll gets 204 or 304 without reading the seats; nobody is shown another person's plan; a fixed,
small number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies.services.profiles import delete_company, update_company
from events.models import Registration
from events.services.registration import cancel
from events.services.retention import anonymise_registrations
from kag_portal import caching
from kag_portal.cache import FallbackRedisCache
from matchmaking.models import Seat, SeatingPlan
from matchmaking.services import seating
from tests.events.staff_helpers import register
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db


def _evening(people: int = 8, rounds: int = 3, **kwargs):
    event = speed_dating_event(rounds=rounds, **kwargs)
    registrations = attendees(event, people)
    staff = StaffFactory()
    plan = seating.generate_plan(
        event=event, source=SeatingPlan.Source.REGISTRATIONS, expected_version=None, by=staff
    )
    plan = seating.publish(event=event, expected_version=plan.version, by=staff)
    return event, registrations, plan, staff


def page_url(event, registration=None) -> str:
    path = reverse("matchmaking:my_partners", args=[event.pk])
    return f"{path}?registration={registration.pk}" if registration else path


def poll_url(event, registration, state: str = "") -> str:
    path = reverse("matchmaking:my_partners_rounds", args=[event.pk])
    return f"{path}?registration={registration.pk}" + (f"&state={state}" if state else "")


def partner(plan, registration, round_no: int) -> Registration:
    """Who sits with the registration in that round, by the stored seats (tables of two)."""
    mine = Seat.objects.get(plan=plan, round=round_no, registration=registration)
    other = (
        Seat.objects.filter(plan=plan, round=round_no, table=mine.table)
        .exclude(registration=registration)
        .get()
    )
    return other.registration


def state_of(response) -> str:
    return re.search(r"state=([0-9a-f]+)", response.content.decode()).group(1)


def warm(client, url: str):
    """Two requests: the first sets the CSRF cookie, the second is the one a browser keeps."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response


# --- an unchanged plan: 204, 304, no seat read ----------------------------------------------


def test_an_unchanged_poll_gets_204_for_its_state_and_304_for_its_etag_without_reading_seats(
    client,
):
    event, people, _plan, _staff = _evening()
    me = people[0]
    client.force_login(me.person)
    state = state_of(warm(client, page_url(event)))
    fragment = client.get(poll_url(event, me))
    etag = fragment["ETag"]

    with CaptureQueriesContext(connection) as queries:
        by_state = client.get(poll_url(event, me, state))
        by_etag = client.get(poll_url(event, me), HTTP_IF_NONE_MATCH=etag)

    assert by_state.status_code == 204
    assert by_etag.status_code == 304
    assert by_etag["ETag"] == etag
    assert not [q for q in queries.captured_queries if "matchmaking_seat" in q["sql"]]


def test_an_unchanged_page_gets_304_for_its_etag(client):
    event, people, _plan, _staff = _evening()
    client.force_login(people[0].person)
    etag = warm(client, page_url(event))["ETag"]

    again = client.get(page_url(event), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again["ETag"] == etag


def test_page_and_poll_are_private_to_the_browser_and_vary_by_cookie_and_language(client):
    event, people, _plan, _staff = _evening()
    me = people[0]
    client.force_login(me.person)

    for response in (warm(client, page_url(event)), client.get(poll_url(event, me))):
        assert "private" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert "Accept-Language" in response["Vary"]
    assert "private" in client.get(poll_url(event, me, "x")).get("Cache-Control", "")


def test_a_page_kept_in_the_cache_is_the_page_rendered(client):
    event, people, plan, _staff = _evening()
    me = people[0]
    client.force_login(me.person)

    rendered = warm(client, page_url(event))
    kept = client.get(page_url(event))

    assert kept.status_code == 200
    assert kept.content == rendered.content
    assert partner(plan, me, 1).name in kept.content.decode()


# --- change a thing, the next request shows it -----------------------------------------------


def test_a_swap_by_staff_shows_on_the_next_page_and_poll(client):
    event, people, plan, staff = _evening(people=8, rounds=3)
    me = people[0]
    client.force_login(me.person)
    page = warm(client, page_url(event))
    state, etag = state_of(page), page["ETag"]
    before = partner(plan, me, 2)
    # Swap my partner of round 2 with someone at another table, trying until the rules allow it.
    for other in Seat.objects.filter(plan=plan, round=2).exclude(registration__in=[me, before]):
        try:
            seating.swap(
                event=event,
                round_no=2,
                first=before.pk,
                second=other.registration_id,
                expected_version=plan.version,
                by=staff,
            )
        except seating.SeatingError:
            continue
        break
    after = partner(plan, me, 2)
    assert after != before

    poll = client.get(poll_url(event, me, state))
    page = client.get(page_url(event), HTTP_IF_NONE_MATCH=etag)

    assert poll.status_code == 200
    assert after.name in poll.content.decode()
    assert page.status_code == 200
    assert after.name in page.content.decode()
    assert page["ETag"] != etag


def test_a_replan_with_a_late_arrival_shows_them_to_their_new_partner(client):
    event, people, plan, staff = _evening(people=7, rounds=3)
    for registration in people:
        client.force_login(registration.person)
        warm(client, page_url(event))
    late = register(event, company=CompanyFactory(published=True, offers=["Fräsen"]))

    seating.replan(
        event=event,
        source=SeatingPlan.Source.REGISTRATIONS,
        expected_version=plan.version,
        by=staff,
    )
    their_partner = partner(plan, late, 1)
    client.force_login(their_partner.person)

    assert late.name in client.get(page_url(event)).content.decode()


def test_unpublishing_hides_the_page_and_the_poll_and_publishing_again_shows_them(client):
    event, people, plan, staff = _evening()
    me = people[0]
    client.force_login(me.person)
    warm(client, page_url(event))
    client.get(poll_url(event, me))

    plan = seating.unpublish(event=event, expected_version=plan.version, by=staff)
    assert client.get(page_url(event)).status_code == 404
    assert client.get(poll_url(event, me)).status_code == 404

    seating.publish(event=event, expected_version=plan.version, by=staff)
    assert client.get(page_url(event)).status_code == 200
    assert client.get(poll_url(event, me)).status_code == 200


def test_marking_the_next_round_moves_it_on_top_of_the_page_and_the_poll(client):
    event, people, plan, staff = _evening()
    me = people[0]
    client.force_login(me.person)
    page = warm(client, page_url(event))
    state, etag = state_of(page), page["ETag"]

    seating.set_current_round(event=event, round_no=2, expected_version=plan.version, by=staff)

    poll = client.get(poll_url(event, me, state))
    assert poll.status_code == 200
    assert poll.context["rounds"][0].number == 2
    assert poll.context["rounds"][0].running
    page = client.get(page_url(event), HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200
    assert "my-round-running" in page.content.decode()


def test_after_marking_the_next_round_the_page_is_put_together_without_the_partners_queries(
    client,
):
    event, people, plan, staff = _evening()
    me = people[0]
    client.force_login(me.person)
    warm(client, page_url(event))

    seating.set_current_round(event=event, round_no=1, expected_version=plan.version, by=staff)

    # Session, user, the plan, my seats: not the people, companies and tags.
    with CaptureQueriesContext(connection) as queries:
        page = client.get(page_url(event))
    assert "my-round-running" in page.content.decode()
    assert len(queries) <= 4
    assert not [q for q in queries.captured_queries if "companies_tag" in q["sql"]]


def test_the_round_whose_time_has_come_shows_as_running_without_any_write(client, monkeypatch):
    event, people, _plan, _staff = _evening(starts_at=timezone.now() + timedelta(days=1))
    me = people[0]
    first_round = event.speed_dating_rounds_schedule()[0]
    # The evening has begun, the speed dating not yet.
    monkeypatch.setattr(timezone, "now", lambda: first_round[1] - timedelta(minutes=10))
    client.force_login(me.person)
    page = warm(client, page_url(event))
    assert "my-round-running" not in page.content.decode()
    state, etag = state_of(page), page["ETag"]

    monkeypatch.setattr(timezone, "now", lambda: first_round[1] + timedelta(minutes=1))

    poll = client.get(poll_url(event, me, state))
    assert poll.status_code == 200
    assert "my-round-running" in poll.content.decode()
    page = client.get(page_url(event), HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200
    assert "my-round-running" in page.content.decode()


def test_a_partner_renaming_their_company_shows_on_the_next_request(client):
    event, people, plan, _staff = _evening()
    me = people[0]
    other = partner(plan, me, 1)
    client.force_login(me.person)
    page = warm(client, page_url(event))
    state, etag = state_of(page), page["ETag"]

    update_company(company=other.company, fields={"name": "Umbenannt GmbH"}, certifications=[])

    assert "Umbenannt GmbH" in client.get(poll_url(event, me, state)).content.decode()
    page = client.get(page_url(event), HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200
    assert "Umbenannt GmbH" in page.content.decode()


def test_a_partner_correcting_their_name_shows_on_the_next_request(client):
    event, people, plan, _staff = _evening()
    me = people[0]
    other = partner(plan, me, 1)
    client.force_login(me.person)
    state = state_of(warm(client, page_url(event)))

    other.name = "Erika Neuname"
    other.save(update_fields=["name", "updated_at"])

    assert "Erika Neuname" in client.get(poll_url(event, me, state)).content.decode()
    assert "Erika Neuname" in client.get(page_url(event)).content.decode()


def test_a_partner_anonymised_after_the_retention_period_is_no_longer_named(
    client, django_capture_on_commit_callbacks
):
    event, people, plan, _staff = _evening()
    me = people[0]
    other = partner(plan, me, 1)
    client.force_login(me.person)
    assert other.name in warm(client, page_url(event)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_registrations(Registration.objects.filter(pk=other.pk), now=timezone.now())

    assert other.name not in client.get(page_url(event)).content.decode()


def test_a_partners_company_deleted_by_its_owner_is_no_longer_named(
    client, django_capture_on_commit_callbacks
):
    event, people, plan, _staff = _evening()
    me = people[0]
    other = partner(plan, me, 1)
    old_name = other.company.name
    owner = MembershipFactory(company=other.company).user
    client.force_login(me.person)
    assert old_name in warm(client, page_url(event)).content.decode()

    # The row stays, renamed by an update that sends no signal (companies.services.profiles).
    with django_capture_on_commit_callbacks(execute=True):
        delete_company(company=other.company, user=owner)

    assert old_name not in client.get(page_url(event)).content.decode()


def test_a_renamed_tag_shows_in_the_partners_tags(client):
    event, people, plan, _staff = _evening()
    me = people[0]
    other = partner(plan, me, 1)
    client.force_login(me.person)
    warm(client, page_url(event))
    tag = other.company.offers.first()
    tag.name = "Feinstfräsen"
    tag.save()

    assert "Feinstfräsen" in client.get(page_url(event)).content.decode()


def test_the_english_page_after_the_german_one(client):
    event, people, _plan, _staff = _evening()
    me = people[0]
    client.force_login(me.person)
    german = warm(client, page_url(event)).content.decode()
    state = state_of(client.get(page_url(event)))

    client.post(reverse("set_language"), {"language": "en", "next": page_url(event)})
    english = client.get(page_url(event)).content.decode()
    poll = client.get(poll_url(event, me, state))

    assert "Runde 1" in german
    assert "Tisch " in german
    assert "Round 1" in english
    assert "Table " in english
    assert "Runde 1" not in english
    assert "Tisch " not in english
    assert poll.status_code == 200
    assert "Round 1" in poll.content.decode()


def test_a_registration_for_another_evening_leaves_this_evenings_cache_alone(client):
    event, people, _plan, _staff = _evening()
    client.force_login(people[0].person)
    etag = warm(client, page_url(event))["ETag"]

    register(speed_dating_event(), company=CompanyFactory(published=True))

    assert client.get(page_url(event), HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- whose plan is shown ---------------------------------------------------------------------


def test_attendees_each_see_their_own_partners_never_anothers_kept_plan(client):
    event, people, plan, _staff = _evening()
    a, b = people[0], people[1]
    client.force_login(a.person)
    a_page = warm(client, page_url(event))
    client.get(poll_url(event, a))

    client.force_login(b.person)
    b_page = warm(client, page_url(event))

    assert b_page.content != a_page.content
    assert f"registration={b.pk}" in b_page.content.decode()
    assert f"registration={a.pk}" not in b_page.content.decode()
    # b's own partner in round 1 is shown; a's partner only if it is b's too.
    assert partner(plan, b, 1).name in b_page.content.decode()
    assert client.get(page_url(event, a)).status_code == 404
    assert client.get(poll_url(event, a)).status_code == 404


def test_staff_and_the_owner_see_the_chosen_registrations_plan_not_their_own(client):
    event, people, plan, _staff = _evening()
    a = people[0]
    client.force_login(a.person)
    own = warm(client, page_url(event)).content.decode()
    rounds = own[own.index('id="my-rounds"') :]

    for viewer in (StaffFactory(), MembershipFactory(company=a.company).user):
        client.force_login(viewer)
        page = warm(client, page_url(event, a)).content.decode()
        poll = client.get(poll_url(event, a)).content.decode()

        assert page[page.index('id="my-rounds"') :] == rounds
        assert partner(plan, a, 1).name in poll
        assert a.name in page  # "The plan of <name> (<company>)"


def test_an_owner_who_gave_up_ownership_gets_404_even_for_a_kept_plan(client):
    event, people, _plan, _staff = _evening()
    a = people[0]
    owner = MembershipFactory(company=a.company)
    client.force_login(owner.user)
    warm(client, page_url(event, a))
    client.get(poll_url(event, a))

    owner.role = "editor"
    owner.save()

    assert client.get(page_url(event, a)).status_code == 404
    assert client.get(poll_url(event, a)).status_code == 404


def test_a_cancelled_registration_gets_404_even_for_a_kept_plan(client):
    event, people, _plan, _staff = _evening()
    me = people[0]
    client.force_login(me.person)
    warm(client, page_url(event))
    client.get(poll_url(event, me))

    cancel(registration=me, by=me.person)

    assert client.get(page_url(event)).status_code == 404
    assert client.get(poll_url(event, me)).status_code == 404


def test_a_stranger_gets_404_for_a_kept_plan(client):
    event, people, _plan, _staff = _evening()
    client.force_login(people[0].person)
    warm(client, page_url(event, people[0]))
    client.force_login(UserFactory())

    assert client.get(page_url(event, people[0])).status_code == 404
    assert client.get(poll_url(event, people[0])).status_code == 404
    assert client.get(page_url(event)).status_code == 404


# --- queries ---------------------------------------------------------------------------------


def test_the_page_and_poll_queries_stay_fixed_and_few(client, django_assert_max_num_queries):
    event, people, _plan, _staff = _evening(people=30, rounds=6)
    me = people[0]
    client.force_login(me.person)
    client.get(page_url(event))  # sets the CSRF cookie

    # Nothing kept yet: session, user, plan, registration, the seats at my tables, the people
    # at them with their companies and tags and wishes.
    with django_assert_max_num_queries(9):
        assert client.get(page_url(event, me)).status_code == 200
    state = state_of(client.get(page_url(event)))
    # Kept: the session and the user, nothing else.
    with django_assert_max_num_queries(2):
        assert client.get(page_url(event)).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(poll_url(event, me, state)).status_code == 204
    with django_assert_max_num_queries(2):
        assert client.get(poll_url(event, me)).status_code == 200


def test_the_owners_check_asks_for_their_companies_on_every_request(
    client, django_assert_max_num_queries
):
    event, people, _plan, _staff = _evening()
    a = people[0]
    client.force_login(MembershipFactory(company=a.company).user)
    warm(client, page_url(event, a))

    with django_assert_max_num_queries(3):
        assert client.get(poll_url(event, a)).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(page_url(event, a)).status_code == 200


def test_a_page_with_a_message_to_show_is_rendered_afresh_shows_it_and_has_no_etag(client):
    event, people, _plan, _staff = _evening()
    client.force_login(people[0].person)
    etag = warm(client, page_url(event))["ETag"]
    # A message another page left for the next one, in the cookie Django keeps them in.
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(messages.SUCCESS, "Gespeichert.")]
    )

    response = client.get(page_url(event), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Gespeichert." in response.content.decode()
    # No ETag: a revalidation must not bring the message back from the browser's cache (nor into
    # the copy a phone keeps offline, static/js/my-partners-worker.js).
    assert not response.has_header("ETag")
    assert "Gespeichert." not in client.get(page_url(event)).content.decode()
    assert client.get(page_url(event), HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- Redis down ------------------------------------------------------------------------------


@pytest.fixture
def redis_gone(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kag_portal.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    FallbackRedisCache._down_until.clear()
    yield
    FallbackRedisCache._down_until.clear()


def test_while_redis_is_down_the_page_is_computed_each_time_and_never_stale(client, redis_gone):
    event, people, plan, _staff = _evening()
    me = people[0]
    other = partner(plan, me, 1)
    client.force_login(me.person)
    assert other.name in warm(client, page_url(event)).content.decode()

    # The bump cannot reach Redis; nothing was kept in the process either.
    other.name = "Erika Neuname"
    other.save(update_fields=["name", "updated_at"])

    assert "Erika Neuname" in client.get(page_url(event)).content.decode()
    assert "Erika Neuname" in client.get(poll_url(event, me)).content.decode()


def test_only_page_keys_are_checked_against_generations():
    with pytest.raises(ValueError, match="page:"):
        caching.set_current("partners:rounds:1", "1.2", "<html>", 60)
