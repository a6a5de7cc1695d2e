"""The demo's speed-dating evenings: a realistic coming evening whose plan knows who met at the
past one, on dates that are no public holiday."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, Registration
from events.public_holidays import is_public_holiday
from matchmaking.demo import COMING_EVENING, PAST_EVENING
from matchmaking.models import Seat, SeatingPlan
from matchmaking.services import seating, seating_pages

pytestmark = pytest.mark.django_db


def demo_counts() -> tuple[int, ...]:
    from kag_portal.models import User

    return (
        Event.objects.count(),
        Registration.objects.count(),
        User.objects.count(),
        SeatingPlan.objects.count(),
        Seat.objects.count(),
    )


@pytest.fixture
def demo(capsys):
    call_command("seed_demo")
    return capsys.readouterr().out


def test_the_coming_evening_has_thirty_people_of_twenty_firms_and_a_plan_without_repeats(demo):
    event = Event.objects.get(title=COMING_EVENING)
    people = event.registrations.filter(status=Registration.Status.CONFIRMED)
    assert 28 <= people.count() <= 32
    assert people.values("company").distinct().count() == 20
    assert not people.filter(person__isnull=True).exists()

    plan = SeatingPlan.objects.get(event=event)
    assert plan.status == SeatingPlan.Status.PUBLISHED
    assert plan.current_round is None  # staff may start round 1 themselves
    grid = seating_pages.grid(plan)
    assert grid.report.repeats == 0
    assert not grid.report.violations
    assert len(grid.people) == people.count()


def test_some_of_tonights_people_met_at_the_past_evening_and_the_plan_shows_it(demo):
    event = Event.objects.get(title=COMING_EVENING)
    past = Event.objects.get(title=PAST_EVENING)
    assert past.registrations.filter(status=Registration.Status.CONFIRMED).count() >= 14
    plan = SeatingPlan.objects.get(event=event)
    people = seating.present_registrations(event, plan.source)
    met_before = seating._met_before(
        event, people, [seating.attendee_of(registration) for registration in people]
    )
    assert len(met_before) >= 5
    grid = seating_pages.grid(plan)
    figures = seating_pages.first_meetings(event, grid.rounds, grid.people)
    # Pairs who met are avoided, so the firms that met before show it.
    assert figures.new_people <= figures.meetings
    assert figures.new_firms < figures.meetings
    assert figures.meetings >= 100


def test_seeding_again_changes_nothing(demo):
    before = demo_counts()
    plan = SeatingPlan.objects.get(event__title=COMING_EVENING)

    call_command("seed_demo")

    assert demo_counts() == before
    assert SeatingPlan.objects.get(pk=plan.pk).version == plan.version


def test_no_demo_event_is_on_a_public_holiday(demo):
    for starts_at in Event.objects.values_list("starts_at", flat=True):
        assert not is_public_holiday(timezone.localtime(starts_at).date())
