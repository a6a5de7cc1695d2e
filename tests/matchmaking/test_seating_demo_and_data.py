"""The seat plans of the demo region, and a person's seats at deletion of their account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, Registration
from kag_portal.personal_data import delete_user_data
from matchmaking.demo import COMING_EVENING, PAST_EVENING
from matchmaking.models import Seat, SeatingPlan
from matchmaking.services import seating

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_plan_for_the_coming_evening_and_one_played_for_the_past(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    coming = SeatingPlan.objects.get(event__title=COMING_EVENING)
    past = SeatingPlan.objects.get(event__title=PAST_EVENING)
    assert coming.status == SeatingPlan.Status.PUBLISHED
    assert coming.current_round is None
    assert past.current_round == Event.objects.get(title=PAST_EVENING).speed_dating_rounds
    assert coming.seats.exists()
    assert past.seats.exists()
    assert coming.version == 2  # made once, however often seed_demo runs


def test_a_deleted_person_leaves_the_plans_to_come_and_stays_anonymous_in_played_rounds():
    coming = speed_dating_event(rounds=3)
    gone, *others = attendees(coming, 7)
    past = speed_dating_event(
        rounds=2, starts_at=timezone.now() - timedelta(days=30), status=Event.Status.FINISHED
    )
    old = Registration.objects.create(
        event=past,
        company=gone.company,
        person=gone.person,
        name=gone.name,
        email=gone.email,
        status=Registration.Status.CONFIRMED,
    )
    attendees(past, 4)
    for event in (coming, past):
        seating.generate_plan(event=event, source="registrations", expected_version=None, by=None)
    user = gone.person

    delete_user_data(user)

    plan = SeatingPlan.objects.get(event=coming)
    assert not plan.seats.filter(registration=gone).exists()
    for round_no in (1, 2, 3):
        assert set(plan.seats.filter(round=round_no).values_list("registration_id", flat=True)) == {
            o.pk for o in others
        }
    old.refresh_from_db()
    assert old.name == ""
    assert Seat.objects.filter(plan__event=past, registration=old).count() == 2
