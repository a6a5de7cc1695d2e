"""Who met at an earlier KAG evening: the portal's met_before for the planner (weaker with
age, none for a pair who want to meet again) and the "neu kennengelernt" figures of a plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from matchmaking.models import ContactMark
from matchmaking.services import seating, seating_pages
from matchmaking.services.seating_history import (
    MET_BEFORE_HALF_LIFE_MONTHS,
    MET_BEFORE_PENALTY,
    met_before_weight,
)
from tests.events.staff_helpers import register
from tests.factories import CompanyFactory, StaffFactory

from .contact_marks_helpers import seat_plan
from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db


def past_evening(days_ago: int, tables: list[list[Registration]], rounds: int = 1) -> Event:
    """An earlier evening where the people of tonight's registrations sat at these tables (each
    table's people as tonight's registrations: the same person and firm, a new registration)."""
    event = speed_dating_event(
        rounds=rounds,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status=Event.Status.FINISHED,
    )
    seat_plan(event, [[[again(event, r) for r in table] for table in tables]] * rounds)
    return event


def again(event: Event, tonight: Registration) -> Registration:
    """The same person of the same firm registered for `event`."""
    registration = Registration.objects.filter(event=event, person=tonight.person).first()
    return registration or register(event, person=tonight.person, company=tonight.company)


def met_before(event: Event) -> dict[frozenset[str], int]:
    people = seating.present_registrations(event, "registrations")
    return seating._met_before(event, people, [seating.attendee_of(r) for r in people])


def pair(a: Registration, b: Registration) -> frozenset[str]:
    return frozenset((str(a.pk), str(b.pk)))


def test_the_weight_halves_every_six_months_and_fades_out():
    tonight = timezone.now()
    month = timedelta(days=365.25 / 12)
    assert met_before_weight(tonight, tonight) == MET_BEFORE_PENALTY == 16
    assert met_before_weight(tonight - MET_BEFORE_HALF_LIFE_MONTHS * month, tonight) == 8
    assert met_before_weight(tonight - 12 * month, tonight) == 4
    assert met_before_weight(tonight - 24 * month, tonight) == 1
    assert met_before_weight(tonight - 60 * month, tonight) == 0


def test_pairs_who_met_at_an_earlier_evening_are_weighted_by_how_long_ago():
    tonight = speed_dating_event(rounds=2)
    a, b, c, d, e = attendees(tonight, 5)
    recent = past_evening(10, [[a, b]])
    long_ago = past_evening(400, [[c, d], [a, e]])

    weights = met_before(tonight)

    assert weights == {
        pair(a, b): met_before_weight(recent.starts_at, tonight.starts_at),
        pair(c, d): met_before_weight(long_ago.starts_at, tonight.starts_at),
        pair(a, e): met_before_weight(long_ago.starts_at, tonight.starts_at),
    }
    assert weights[pair(a, b)] > weights[pair(c, d)] > 0


def test_the_last_meeting_counts_and_later_or_cancelled_evenings_do_not():
    tonight = speed_dating_event(rounds=2)
    a, b, c, d = attendees(tonight, 4)
    past_evening(400, [[a, b]])
    last = past_evening(20, [[a, b]])
    # An evening after tonight's and a cancelled one are no history.
    speed_dating_event(starts_at=tonight.starts_at + timedelta(days=30))
    later = speed_dating_event(rounds=1, starts_at=tonight.starts_at + timedelta(days=30))
    seat_plan(later, [[[again(later, c), again(later, d)]]])
    cancelled = past_evening(30, [[c, d]])
    cancelled.status = Event.Status.CANCELLED
    cancelled.save(update_fields=["status"])

    assert met_before(tonight) == {pair(a, b): met_before_weight(last.starts_at, tonight.starts_at)}


def test_a_mutual_stay_in_touch_and_a_mutual_wish_remove_the_penalty():
    tonight = speed_dating_event(rounds=2)
    a, b, c, d = attendees(tonight, 4)
    past = past_evening(30, [[a, b], [c, d]])
    past_a, past_b, past_c, past_d = (again(past, r) for r in (a, b, c, d))
    for me, other in ((past_a, past_b), (past_b, past_a), (past_c, past_d), (past_d, past_c)):
        ContactMark.objects.create(registration=me, partner=other, wants_contact=True)
    # A and B wish to meet again tonight; of C and D only C does.
    a.wish_partners.add(b.company)
    b.wish_partners.add(a.company)
    c.wish_partners.add(d.company)

    weights = met_before(tonight)

    assert pair(a, b) not in weights
    assert pair(c, d) in weights


def test_a_mutual_wish_without_mutual_marks_keeps_the_penalty():
    tonight = speed_dating_event(rounds=2)
    a, b = attendees(tonight, 2)
    past = past_evening(30, [[a, b]])
    ContactMark.objects.create(
        registration=again(past, a), partner=again(past, b), wants_contact=True
    )
    a.wish_partners.add(b.company)
    b.wish_partners.add(a.company)

    assert pair(a, b) in met_before(tonight)


def test_met_before_costs_two_queries_however_long_the_history():
    tonight = speed_dating_event(rounds=2)
    people = attendees(tonight, 8)
    past_evening(30, [people[:2], people[2:4]])
    loaded = seating.present_registrations(tonight, "registrations")
    plan_people = [seating.attendee_of(r) for r in loaded]
    with CaptureQueriesContext(connection) as small:
        seating._met_before(tonight, loaded, plan_people)
    for days in (60, 90, 120):
        past_evening(days, [people[i : i + 2] for i in range(0, 8, 2)], rounds=3)
    with CaptureQueriesContext(connection) as large:
        weights = seating._met_before(tonight, loaded, plan_people)

    assert len(small) == len(large) == 2
    assert len(weights) == 4


def test_the_planner_seats_apart_a_pair_who_met_last_week():
    tonight = speed_dating_event(rounds=1)
    a, b, c, d = attendees(tonight, 4)
    plain = seating.generate_plan(
        event=tonight, source="registrations", expected_version=None, by=None
    )
    together = next(
        (x, y)
        for x, y in ((a, b), (a, c), (a, d))
        if plain.seats.get(registration=x).table == plain.seats.get(registration=y).table
    )
    past_evening(7, [list(together)])

    plan = seating.generate_plan(
        event=tonight, source="registrations", expected_version=plain.version, by=None
    )

    x, y = together
    assert plan.seats.get(registration=x).table != plan.seats.get(registration=y).table


def test_the_first_meeting_figures_of_a_plan():
    tonight = speed_dating_event(rounds=2)
    a, b, c, d = attendees(tonight, 4)
    past = speed_dating_event(
        rounds=1, starts_at=timezone.now() - timedelta(days=90), status=Event.Status.FINISHED
    )
    # A and B met; a colleague of C (another person) met D: their firms met, the people not.
    colleague_of_c = register(past, company=c.company)
    seat_plan(past, [[[again(past, a), again(past, b)], [colleague_of_c, again(past, d)]]])
    plan = seat_plan(tonight, [[[a, b], [c, d]], [[a, c], [b, d]]], current_round=None)
    grid = seating_pages.grid(plan)

    with CaptureQueriesContext(connection) as queries:
        figures = seating_pages.first_meetings(tonight, grid.rounds, grid.people)

    assert figures == seating_pages.FirstMeetings(meetings=4, new_people=3, new_firms=2)
    assert len(queries) == 2


def test_the_staff_seating_page_shows_the_first_meetings(client):
    tonight = speed_dating_event(rounds=2)
    a, b, c, d = attendees(tonight, 4)
    past_evening(90, [[a, b]])
    seat_plan(tonight, [[[a, b], [c, d]], [[a, c], [b, d]]], current_round=None)
    client.force_login(StaffFactory())

    response = client.get(reverse("staff_matchmaking:seating", args=[tonight.pk]))

    assert response.context["first_meetings"] == seating_pages.FirstMeetings(4, 3, 3)
    page = response.content.decode()
    assert 'id="seating-first-meetings"' in page
    assert "3 von 4 Treffen zum ersten Mal" in page or "3 of 4 meetings for the first time" in page


def test_a_place_without_an_account_has_no_history():
    tonight = speed_dating_event(rounds=1)
    a = attendees(tonight, 1)[0]
    b = register(tonight, company=CompanyFactory(published=True), person=None)
    b.person = None
    b.save(update_fields=["person"])
    plan = seat_plan(tonight, [[[a, b]]], current_round=None)
    grid = seating_pages.grid(plan)

    figures = seating_pages.first_meetings(tonight, grid.rounds, grid.people)

    assert figures == seating_pages.FirstMeetings(meetings=1, new_people=1, new_firms=1)
    assert met_before(tonight) == {}
