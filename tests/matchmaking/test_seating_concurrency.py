"""Two staff members change the same seat plan at the same moment (PostgreSQL): the plan row is
locked and each change names the version it was made on, so one change wins, the other is
refused, and nothing is half-applied."""

from __future__ import annotations

import pytest

from matchmaking import planner
from matchmaking.models import SeatingPlan
from matchmaking.services import seating
from tests.concurrency import run_at_once
from tests.factories import StaffFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_of_a_replan_and_a_publish_at_once_one_is_refused_and_the_plan_stays_whole():
    event = speed_dating_event(rounds=4)
    attendees(event, 16, checked_in=12)
    staff = StaffFactory()
    plan = seating.generate_plan(
        event=event, source="registrations", expected_version=None, by=staff
    )

    results, errors = run_at_once(
        [
            lambda: seating.replan(
                event=event, source="checked_in", expected_version=plan.version, by=staff
            ),
            lambda: seating.publish(event=event, expected_version=plan.version, by=staff),
            lambda: seating.set_current_round(
                event=event, round_no=1, expected_version=plan.version, by=staff
            ),
        ]
    )

    assert len(results) == 1
    assert len(errors) == 2
    assert all(isinstance(error, seating.StalePlan) for error in errors)
    plan = SeatingPlan.objects.get(event=event)
    assert plan.version == 2
    report = planner.check_plan(seating.plan_instance(plan), seating.stored_rounds(plan))
    assert report.violations == []


def test_two_staff_phones_starting_the_next_round_at_once_one_wins_one_is_told():
    """Two staff phones tap "Runde 1 beenden und Runde 2 starten" in the same moment."""
    from matchmaking.services import live_evening

    event = speed_dating_event(rounds=4)
    attendees(event, 10, checked_in=10)
    karla, jonas = StaffFactory(), StaffFactory()
    plan = seating.generate_plan(event=event, source="checked_in", expected_version=None, by=karla)
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=karla
    )

    results, errors = run_at_once(
        [
            lambda by=by: live_evening.start_round(
                event=event, round_no=2, expected_version=plan.version, by=by
            )
            for by in (karla, jonas)
        ]
    )

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], seating.StalePlan)
    now = SeatingPlan.objects.get(event=event)
    assert now.current_round == 2
    assert now.version == plan.version + 1
    # Round 1 ended once and round 2 started once: the log has no double tap.
    assert [(c.action, c.round) for c in now.changes.order_by("pk")] == [
        ("started", 1),
        ("ended", 1),
        ("started", 2),
    ]
