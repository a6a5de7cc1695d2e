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
