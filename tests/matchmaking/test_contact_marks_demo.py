"""The demo region's marks after the past speed-dating evening."""

from __future__ import annotations

import pytest

from companies.models import Cooperation
from kag_portal.models import OutboxMail
from matchmaking.demo import _rotating_pairs, seed_contact_marks
from matchmaking.models import ContactMark, Seat, SeatingPlan
from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan

pytestmark = pytest.mark.django_db


def mutual_pairs() -> set[frozenset[int]]:
    wanted = set(
        ContactMark.objects.filter(wants_contact=True).values_list("registration_id", "partner_id")
    )
    return {frozenset(pair) for pair in wanted if (pair[1], pair[0]) in wanted}


def test_the_past_evening_gets_marks_with_one_mutual_follow_up(django_capture_on_commit_callbacks):
    event = evening(days_ago=60, rounds=4)
    people = [attendee(event) for _ in range(7)]
    lines: list[str] = []

    with django_capture_on_commit_callbacks(execute=True):
        seed_contact_marks(lines.append)

    plan = SeatingPlan.objects.get(event=event)
    assert plan.status == SeatingPlan.Status.PUBLISHED
    assert Seat.objects.filter(plan=plan).count() == 4 * len(people)
    assert len(mutual_pairs()) == 1
    assert ContactMark.objects.count() > 2  # one-sided marks with notes as well
    assert OutboxMail.objects.filter(template="contact_intro").count() == 2
    assert Cooperation.objects.filter(origin=Cooperation.Origin.SPEED_DATING).count() == 1
    assert "want to stay in touch" in lines[-1]


def test_seeding_again_adds_nothing(django_capture_on_commit_callbacks):
    event = evening(days_ago=60, rounds=3)
    for _ in range(6):
        attendee(event)
    with django_capture_on_commit_callbacks(execute=True):
        seed_contact_marks(lambda line: None)
    counts = (ContactMark.objects.count(), OutboxMail.objects.count(), Seat.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        seed_contact_marks(lambda line: None)

    assert (ContactMark.objects.count(), OutboxMail.objects.count(), Seat.objects.count()) == counts
    assert Cooperation.objects.count() == 1


def test_the_seat_plans_own_demo_plan_is_used_when_there_is_one(django_capture_on_commit_callbacks):
    event = evening(days_ago=60, rounds=1)
    a, b, c, d = (attendee(event) for _ in range(4))
    plan = seat_plan(event, [[[a, b], [c, d]]])

    with django_capture_on_commit_callbacks(execute=True):
        seed_contact_marks(lambda line: None)

    assert Seat.objects.filter(plan=plan).count() == 4
    assert mutual_pairs() in ({frozenset((a.pk, b.pk))}, {frozenset((c.pk, d.pk))})


def test_the_simple_plan_rotates_so_nobody_meets_twice():
    rounds = _rotating_pairs(list(range(6)), 5)

    met = [frozenset(table) for tables in rounds for table in tables]
    assert len(met) == len(set(met)) == 15


def test_the_simple_plan_seats_everyone_and_nobody_alone_with_an_odd_number():
    rounds = _rotating_pairs(list(range(7)), 4)

    assert len(rounds) == 4
    assert all(2 <= len(table) <= 3 for tables in rounds for table in tables)
    assert all(sorted(p for table in tables for p in table) == list(range(7)) for tables in rounds)
