"""Seat plans in the portal (matchmaking.services.seating): generate, swap, re-plan, publish,
and what happens when two staff members edit at once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from events.models import Registration
from matchmaking import planner
from matchmaking.models import Seat, SeatingPlan
from matchmaking.services import seating, seating_pages
from tests.events.staff_helpers import register
from tests.factories import CompanyFactory, StaffFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db

REGISTRATIONS = SeatingPlan.Source.REGISTRATIONS
CHECKED_IN = SeatingPlan.Source.CHECKED_IN


def rounds_of(plan) -> list[list[frozenset[int]]]:
    return [
        [frozenset(int(p) for p in table) for table in tables]
        for tables in seating.stored_rounds(plan)
    ]


def seated_ids(plan, round_no: int) -> set[int]:
    return set(plan.seats.filter(round=round_no).values_list("registration_id", flat=True))


def test_it_seats_every_confirmed_registration_in_every_round():
    event = speed_dating_event(rounds=4)
    people = attendees(event, 10)
    register(event, status=Registration.Status.WAITLISTED)

    plan = seating.generate_plan(
        event=event, source=REGISTRATIONS, expected_version=None, by=StaffFactory()
    )

    assert plan.version == 1
    for round_no in range(1, 5):
        assert seated_ids(plan, round_no) == {p.pk for p in people}
    report = planner.check_plan(seating.plan_instance(plan), seating.stored_rounds(plan))
    assert report.violations == []
    assert report.repeats == 0
    assert plan.value == report.value > 0


def test_it_seats_only_the_checked_in_people_on_the_evening():
    event = speed_dating_event(rounds=3)
    people = attendees(event, 10, checked_in=7)

    plan = seating.generate_plan(
        event=event, source=CHECKED_IN, expected_version=None, by=StaffFactory()
    )

    assert seated_ids(plan, 1) == {p.pk for p in people[:7]}
    assert seating.default_source(event) == CHECKED_IN


def test_it_refuses_a_plan_for_one_company_and_stores_nothing():
    event = speed_dating_event()
    company = CompanyFactory(published=True)
    register(event, company=company)
    register(event, company=company)

    with pytest.raises(seating.SeatingError):
        seating.generate_plan(
            event=event, source=REGISTRATIONS, expected_version=None, by=StaffFactory()
        )

    assert not SeatingPlan.objects.filter(event=event).exists()


def test_it_refuses_a_plan_for_fewer_than_two_people():
    event = speed_dating_event()
    attendees(event, 1)

    with pytest.raises(seating.SeatingError):
        seating.generate_plan(
            event=event, source=REGISTRATIONS, expected_version=None, by=StaffFactory()
        )


def _plan(people: int = 8, rounds: int = 4, **kwargs):
    event = speed_dating_event(rounds=rounds, **kwargs)
    registrations = attendees(event, people)
    plan = seating.generate_plan(
        event=event, source=REGISTRATIONS, expected_version=None, by=StaffFactory()
    )
    return event, registrations, plan


def _two_tables(plan, round_no: int) -> tuple[Seat, Seat]:
    seats = list(plan.seats.filter(round=round_no).order_by("table", "pk"))
    first = seats[0]
    second = next(seat for seat in seats if seat.table != first.table)
    return first, second


def _harmless_swap(plan, round_no: int) -> tuple[Seat, Seat]:
    """Two people at different tables whose swap breaks no rule and makes no repeat."""
    rounds = seating.stored_rounds(plan)
    instance = seating.plan_instance(plan, rounds)
    seats = list(plan.seats.filter(round=round_no).order_by("table", "pk"))
    for a in seats:
        for b in seats:
            if a.table >= b.table:
                continue
            swapped = [[list(t) for t in tables] for tables in rounds]
            tables = swapped[round_no - 1]
            tables[a.table - 1][tables[a.table - 1].index(str(a.registration_id))] = str(
                b.registration_id
            )
            tables[b.table - 1][tables[b.table - 1].index(str(b.registration_id))] = str(
                a.registration_id
            )
            report = planner.check_plan(instance, swapped)
            if not report.violations and report.repeats == 0:
                return a, b
    raise AssertionError("no harmless swap")


def test_a_swap_changes_two_seats_and_raises_the_version():
    event, _people, plan = _plan(people=12, rounds=3)
    a, b = _harmless_swap(plan, 2)

    result = seating.swap(
        event=event,
        round_no=2,
        first=a.registration_id,
        second=b.registration_id,
        expected_version=plan.version,
        by=StaffFactory(),
    )

    assert (Seat.objects.get(pk=a.pk).table, Seat.objects.get(pk=b.pk).table) == (b.table, a.table)
    assert result.plan.version == 2
    result.plan.refresh_from_db()
    assert result.plan.value == result.value_after


def test_a_swap_that_seats_colleagues_together_is_refused_with_the_reason():
    event = speed_dating_event(rounds=2)
    people = attendees(event, 6)
    colleague = register(event, company=people[0].company)
    plan = seating.generate_plan(
        event=event, source=REGISTRATIONS, expected_version=None, by=StaffFactory()
    )
    mine = plan.seats.get(round=1, registration=people[0])
    colleague_seat = plan.seats.get(round=1, registration=colleague)
    # Someone at people[0]'s table who is not people[0]: swapping them with the colleague would
    # put both colleagues at one table.
    neighbour = plan.seats.filter(round=1, table=mine.table).exclude(pk=mine.pk).first()
    before = rounds_of(plan)

    with pytest.raises(seating.SeatingError) as refused:
        seating.swap(
            event=event,
            round_no=1,
            first=neighbour.registration_id,
            second=colleague_seat.registration_id,
            expected_version=plan.version,
            by=StaffFactory(),
        )

    assert people[0].name in str(refused.value) or colleague.name in str(refused.value)
    plan.refresh_from_db()
    assert plan.version == 1
    assert rounds_of(plan) == before


def test_a_swap_that_makes_two_people_meet_again_is_refused():
    event, _people, plan = _plan(people=6, rounds=2)
    # Round 1: x sits with y. In round 2 bring y to x's table.
    x_seat = plan.seats.filter(round=1).order_by("table", "pk").first()
    y_seat = plan.seats.filter(round=1, table=x_seat.table).exclude(pk=x_seat.pk).first()
    x2 = plan.seats.get(round=2, registration_id=x_seat.registration_id)
    y2 = plan.seats.get(round=2, registration_id=y_seat.registration_id)
    z2 = plan.seats.filter(round=2, table=x2.table).exclude(pk=x2.pk).first()
    assert y2.table != x2.table

    with pytest.raises(seating.SeatingError):
        seating.swap(
            event=event,
            round_no=2,
            first=z2.registration_id,
            second=y2.registration_id,
            expected_version=plan.version,
            by=StaffFactory(),
        )


def test_a_played_round_cannot_be_swapped():
    event, _people, plan = _plan()
    plan = seating.set_current_round(
        event=event, round_no=2, expected_version=plan.version, by=StaffFactory()
    )
    a, b = _two_tables(plan, 2)

    with pytest.raises(seating.SeatingError):
        seating.swap(
            event=event,
            round_no=2,
            first=a.registration_id,
            second=b.registration_id,
            expected_version=plan.version,
            by=StaffFactory(),
        )


def test_a_change_on_an_outdated_version_is_refused_and_changes_nothing():
    event, _people, plan = _plan()
    staff = StaffFactory()
    a, b = _two_tables(plan, 3)
    # Another staff member publishes first.
    seating.publish(event=event, expected_version=plan.version, by=staff)
    before = rounds_of(plan)

    with pytest.raises(seating.StalePlan):
        seating.swap(
            event=event,
            round_no=3,
            first=a.registration_id,
            second=b.registration_id,
            expected_version=plan.version,
            by=staff,
        )
    with pytest.raises(seating.StalePlan):
        seating.replan(event=event, source=REGISTRATIONS, expected_version=1, by=staff)
    with pytest.raises(seating.StalePlan):
        seating.generate_plan(event=event, source=REGISTRATIONS, expected_version=1, by=staff)

    plan.refresh_from_db()
    assert plan.version == 2
    assert rounds_of(plan) == before


def test_replan_keeps_the_played_rounds_and_seats_late_arrivals_and_leaves_out_no_shows():
    event = speed_dating_event(rounds=5)
    people = attendees(event, 12, checked_in=12)
    staff = StaffFactory()
    plan = seating.generate_plan(event=event, source=CHECKED_IN, expected_version=None, by=staff)
    plan = seating.set_current_round(
        event=event, round_no=2, expected_version=plan.version, by=staff
    )
    played = rounds_of(plan)[:2]
    # Two leave, one comes late (a walk-in, checked in).
    Registration.objects.filter(pk__in=[people[0].pk, people[1].pk]).update(checked_in_at=None)
    late = register(event, company=CompanyFactory(published=True), walk_in=True)
    late.checked_in_at = timezone.now()
    late.save(update_fields=["checked_in_at"])

    plan = seating.replan(event=event, source=CHECKED_IN, expected_version=plan.version, by=staff)

    assert rounds_of(plan)[:2] == played
    expected = {p.pk for p in people[2:]} | {late.pk}
    for round_no in (3, 4, 5):
        assert seated_ids(plan, round_no) == expected
    report = planner.check_plan(seating.plan_instance(plan), seating.stored_rounds(plan))
    assert report.violations == []
    assert plan.version == 3


def test_publish_and_unpublish_raise_the_version():
    event, _people, plan = _plan()
    staff = StaffFactory()

    plan = seating.publish(event=event, expected_version=1, by=staff)
    assert (plan.status, plan.version) == (SeatingPlan.Status.PUBLISHED, 2)
    assert plan.published_at is not None

    plan = seating.unpublish(event=event, expected_version=2, by=staff)
    assert (plan.status, plan.version) == (SeatingPlan.Status.DRAFT, 3)


def test_a_new_plan_is_refused_once_a_round_was_played():
    event, _people, plan = _plan()
    staff = StaffFactory()
    plan = seating.set_current_round(event=event, round_no=1, expected_version=1, by=staff)

    with pytest.raises(seating.SeatingError):
        seating.generate_plan(
            event=event, source=REGISTRATIONS, expected_version=plan.version, by=staff
        )


def test_the_grid_names_each_pairs_reason():
    _event, _people, plan = _plan(people=6, rounds=3)

    grid = seating_pages.grid(plan)

    assert len(grid.rounds) == 3
    assert grid.table_count == 3
    assert grid.report.violations == []
    assert grid.bound >= grid.report.value > 0
    pairs = [pair for round_ in grid.rounds for table in round_.tables for pair in table.pairs]
    assert any(pair.b_offers or pair.b_needs for pair in pairs)
