"""The schedule on the phone without a network: the service worker is served where its scope
covers the schedule pages, the web app manifest with its type, the CSP allows exactly these, the
page carries the rounds' times for the clock and registers the worker for the attendee's own plan
only, the installed page's start leads to the schedule of the day, and a logged-out page deletes
what the phone kept."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from whitenoise.middleware import WhiteNoiseMiddleware

from events.models import Registration
from kag_portal.templatetags.kag import datetime_attribute
from matchmaking.models import SeatingPlan
from matchmaking.services import seating
from tests.factories import StaffFactory, UserFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db

WORKER_URL = "/events/my-partners-worker.js"


def _evening(**kwargs):
    event = speed_dating_event(rounds=3, **kwargs)
    people = attendees(event, 6)
    staff = StaffFactory()
    plan = seating.generate_plan(
        event=event, source=SeatingPlan.Source.REGISTRATIONS, expected_version=None, by=staff
    )
    seating.publish(event=event, expected_version=plan.version, by=staff)
    return event, people, staff


def _page(client, event, query: str = ""):
    url = reverse("matchmaking:my_partners", args=[event.pk]) + query
    client.get(url)  # the first sets the CSRF cookie
    response = client.get(url)
    assert response.status_code == 200
    return response


# --- the worker -----------------------------------------------------------------------------


def test_the_worker_is_the_static_file_served_for_the_scope_of_the_schedule_pages(client):
    response = client.get(WORKER_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/events/"
    assert response["Cache-Control"] == "no-cache"
    assert response.content == Path(finders.find("js/my-partners-worker.js")).read_bytes()
    # Its scope covers every schedule page.
    assert reverse("matchmaking:my_partners", args=[7]).startswith(
        response["Service-Worker-Allowed"]
    )


def test_the_worker_answers_get_only(client):
    assert client.post(WORKER_URL).status_code == 405


# --- the manifest ---------------------------------------------------------------------------


def test_the_manifest_is_served_as_a_web_app_manifest_by_whitenoise_and_by_djangos_view():
    request = RequestFactory().get("/static/my-partners.webmanifest")
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        whitenoise = WhiteNoiseMiddleware(lambda request: None)
        in_production = whitenoise(request)
    in_development = serve(request, "my-partners.webmanifest", insecure=True)

    for response in (in_production, in_development):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/manifest+json"


def test_the_manifest_starts_at_the_schedule_of_the_day_within_the_workers_scope():
    manifest = json.loads(Path(finders.find("my-partners.webmanifest")).read_text())

    assert manifest["start_url"] == reverse("matchmaking:my_partners_today")
    assert manifest["scope"] == "/events/"
    assert manifest["start_url"].startswith(manifest["scope"])
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert finders.find(name), f"{icon['src']} is not a static file"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


# --- the page -------------------------------------------------------------------------------


def test_the_csp_allows_the_worker_and_manifest_from_the_portal_only(client):
    event, people, _staff = _evening()
    client.force_login(people[0].person)

    policy = _page(client, event)["Content-Security-Policy"]

    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["worker-src"] == ["'self'"]
    assert directives["manifest-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    for broad in ("'unsafe-inline'", "'unsafe-eval'", "*", "blob:", "https:", "http:"):
        assert broad not in policy.split(), broad


def test_the_own_schedule_registers_the_worker_and_links_the_manifest(client):
    event, people, _staff = _evening()
    client.force_login(people[0].person)

    html = _page(client, event).content.decode()

    assert f'data-worker="{WORKER_URL}"' in html
    assert 'rel="manifest"' in html
    assert "my-partners.webmanifest" in html
    assert "js/my-partners.js" in html
    assert 'id="my-partners-offline"' in html


def test_someone_elses_plan_seen_by_staff_is_never_kept_on_their_phone(client):
    event, people, staff = _evening()
    client.force_login(staff)

    html = _page(client, event, f"?registration={people[0].pk}").content.decode()

    assert "data-worker" not in html
    assert 'rel="manifest"' not in html
    assert "js/my-partners.js" not in html


def test_the_rounds_carry_their_times_for_the_clock_on_the_phone(client):
    event, people, _staff = _evening()
    client.force_login(people[0].person)

    html = _page(client, event).content.decode()

    for number, start, end in event.speed_dating_rounds_schedule():
        assert f'<time datetime="{datetime_attribute(timezone.localtime(start))}">' in html, number
        assert f'<time datetime="{datetime_attribute(timezone.localtime(end))}">' in html, number
    assert html.count('class="my-round-countdown"') == 3
    assert 'data-label-ends-in="' in html


def test_the_page_answers_a_current_etag_with_304_without_reading_the_seats(client):
    event, people, _staff = _evening()
    client.force_login(people[0].person)
    etag = _page(client, event)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get(
            reverse("matchmaking:my_partners", args=[event.pk]), HTTP_IF_NONE_MATCH=etag
        )

    assert again.status_code == 304
    assert again.content == b""
    assert not [q for q in queries.captured_queries if "matchmaking_seat" in q["sql"]]


# --- the installed page's start -------------------------------------------------------------


def test_the_start_leads_to_the_schedule_of_the_evening(client):
    event, people, _staff = _evening(starts_at=timezone.now() + timedelta(hours=1))
    client.force_login(people[0].person)

    response = client.get(reverse("matchmaking:my_partners_today"))

    assert response.status_code == 302
    assert response["Location"] == reverse("matchmaking:my_partners", args=[event.pk])


def test_the_start_picks_the_next_evening_and_skips_cancelled_and_past_ones(client):
    person = UserFactory()
    past, *_ = _evening(starts_at=timezone.now() - timedelta(days=3))
    cancelled, *_ = _evening(starts_at=timezone.now() + timedelta(days=1))
    later, *_ = _evening(starts_at=timezone.now() + timedelta(days=5))
    for event, status in (
        (past, Registration.Status.CONFIRMED),
        (cancelled, Registration.Status.CANCELLED),
        (later, Registration.Status.CONFIRMED),
    ):
        registration = event.registrations.first()
        Registration.objects.filter(pk=registration.pk).update(person=person, status=status)
    client.force_login(person)

    response = client.get(reverse("matchmaking:my_partners_today"))

    assert response["Location"] == reverse("matchmaking:my_partners", args=[later.pk])


def test_without_a_published_plan_the_start_leads_to_my_area(client):
    event, people, staff = _evening()
    plan = SeatingPlan.objects.get(event=event)
    seating.unpublish(event=event, expected_version=plan.version, by=staff)
    client.force_login(people[0].person)

    response = client.get(reverse("matchmaking:my_partners_today"))

    assert response["Location"] == reverse("me")


def test_the_start_takes_one_query(client, django_assert_max_num_queries):
    _evening()
    person = UserFactory()
    client.force_login(person)

    # The session, the user and the registration.
    with django_assert_max_num_queries(3):
        client.get(reverse("matchmaking:my_partners_today"))


# --- logging out ----------------------------------------------------------------------------


def test_a_logged_out_page_deletes_the_kept_plan_and_a_logged_in_one_does_not(client):
    event, people, _staff = _evening()

    assert "js/offline-cleanup.js" in client.get("/").content.decode()
    client.force_login(people[0].person)
    assert "js/offline-cleanup.js" not in _page(client, event).content.decode()
    client.post(reverse("account_logout"))
    assert "js/offline-cleanup.js" in client.get("/", follow=True).content.decode()


def test_the_cleanup_deletes_the_caches_the_worker_names():
    worker = Path(finders.find("js/my-partners-worker.js")).read_text()
    cleanup = Path(finders.find("js/offline-cleanup.js")).read_text()

    assert 'const CACHE = "kag-my-partners-v1";' in worker
    assert 'name.startsWith("kag-my-partners-")' in cleanup
