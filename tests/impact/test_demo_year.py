"""seed_demo gives the impact dashboard a year of history: every figure of the last twelve
months is filled, seeding again changes none, and the dashboard's queries stay bounded."""

from __future__ import annotations

import io
import time
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, Registration
from impact.demo import HISTORY_EVENTS
from impact.figures import figures
from impact.forms import default_period
from impact.lists import FIGURE_LISTS
from kag_portal.demo import DEMO_PEOPLE
from matchmaking.models import Seat
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# The dashboard's query budget, as for the small region in test_figures.py.
DASHBOARD_QUERIES = 22
FILLED = [
    "events",
    "invitations",
    "registrations",
    "checked_in",
    "attendance_rate",
    "companies",
    "new_companies",
    "meetings",
    "mutual_follow_ups",
    "requests_posted",
    "requests_answered",
    "cooperations",
    "cooperations_not_without_kag",
    "feedback",
]


def seed() -> float:
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    return time.perf_counter() - started


@pytest.fixture
def seeded() -> None:
    elapsed = seed()
    print(f"\nseed_demo on an empty database: {elapsed:.2f} s")


def test_every_figure_of_the_last_twelve_months_is_filled(seeded):
    result = figures(default_period())

    empty = [name for name in FILLED if not getattr(result, name)]
    assert empty == []
    assert 12 <= result.events <= 16  # about one a month
    assert all(count > 0 for key, _label, count in result.events_by_format if key != "other")
    assert 0.6 < result.attendance_rate < 1
    assert result.new_companies < result.companies  # some came to the kick-off before
    assert result.requests_answered < result.requests_posted
    assert result.cooperations_not_without_kag < result.cooperations
    assert 3.5 <= result.average_rating <= 5
    assert result.topic_groups
    assert result.next_formats


def test_seeding_again_changes_no_figure(seeded):
    before = figures(default_period())

    seed()

    assert figures(default_period()) == before
    assert Event.objects.filter(title__in=[item.title for item in HISTORY_EVENTS]).count() == len(
        HISTORY_EVENTS
    )


def test_the_history_has_no_shows_walk_ins_and_invented_addresses(seeded):
    history = Registration.objects.filter(event__title__in=[e.title for e in HISTORY_EVENTS])
    confirmed = history.filter(status=Registration.Status.CONFIRMED)

    assert confirmed.filter(checked_in_at__isnull=True).exists()
    assert confirmed.filter(walk_in=True, checked_in_at__isnull=False).exists()
    logins = {email for email, _name, _staff in DEMO_PEOPLE}
    assert all(
        email.endswith((".example", "@example.org")) or email in logins
        for email in history.values_list("email", flat=True)
    )


def test_no_two_of_one_company_share_a_speed_dating_table(seeded):
    tables = defaultdict(list)
    for seat in Seat.objects.filter(plan__event__title__in=[e.title for e in HISTORY_EVENTS]):
        tables[seat.plan_id, seat.round, seat.table].append(seat.registration.company_id)

    assert tables
    assert all(2 <= len(companies) <= 3 for companies in tables.values())
    assert all(len(set(companies)) == len(companies) for companies in tables.values())


def test_the_dashboard_with_a_year_of_data_takes_the_same_queries_as_with_a_tiny_one(
    client, django_assert_max_num_queries
):
    staff = StaffFactory()
    client.force_login(staff)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as tiny:
        assert client.get(reverse("impact:dashboard")).status_code == 200

    seed()
    client.force_login(staff)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as year:
        started = time.perf_counter()
        response = client.get(reverse("impact:dashboard"))
        elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert response.context["result"].events >= 12
    assert len(year.captured_queries) <= len(tiny.captured_queries)
    print(
        f"\ndashboard with a year of demo data: {len(year.captured_queries)} queries "
        f"(empty database: {len(tiny.captured_queries)}), {elapsed * 1000:.0f} ms"
    )
    for key in FIGURE_LISTS:  # the list behind each figure, as in test_figures.py
        with django_assert_max_num_queries(8):
            assert client.get(reverse("impact:figure_list", args=[key])).status_code == 200
