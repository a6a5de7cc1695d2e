"""The run of show on the evening, from a staff phone (matchmaking.services.live_evening and
/staff/events/<id>/live/): start, end, the next round in one tap, the countdown's times,
walk-ins and people who leave, and every tap made on an outdated page refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from events.services.checkin import register_walk_in
from matchmaking import planner
from matchmaking.models import Departure, PlanChange, SeatingPlan
from matchmaking.services import live_evening, seating
from tests.factories import CompanyFactory, StaffFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English: the German of new texts comes with the catalogue."""
    with translation.override("en"):
        yield


def evening(people: int = 10, rounds: int = 4, checked_in: int | None = None):
    """An evening on now, everyone checked in, with a seat plan from the people in the room."""
    event = speed_dating_event(rounds=rounds, starts_at=timezone.now() - timedelta(hours=1))
    registrations = attendees(
        event, people, checked_in=people if checked_in is None else checked_in
    )
    # English pages: the German of new texts is filled in when the catalogue is made.
    staff = StaffFactory(display_name="Karla Gebhardt", preferred_language="en")
    plan = seating.generate_plan(
        event=event, source=seating.default_source(event), expected_version=None, by=staff
    )
    return event, registrations, staff, plan


def rounds_of(plan, upto: int) -> list[set[frozenset[str]]]:
    return [{frozenset(table) for table in tables} for tables in seating.stored_rounds(plan)[:upto]]


def plan_of(event) -> SeatingPlan:
    plan = SeatingPlan.objects.select_related("event").get(event=event)
    return plan


# --- the services ------------------------------------------------------------------------------


def test_staff_start_the_evening_end_round_one_and_start_round_two():
    event, _, staff, plan = evening()
    assert plan.phase == "before"
    assert [step.round for step in live_evening.next_steps(plan)] == [1]

    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    assert plan.phase == "running"
    assert plan.current_round == 1
    assert plan.round_ends_at == plan.round_started_at + timedelta(minutes=8)
    assert plan.countdown_to == plan.round_ends_at
    steps = live_evening.next_steps(plan)
    assert [(step.action, step.round) for step in steps] == [("start", 2), ("end", 1)]

    plan = live_evening.end_round(event=event, round_no=1, expected_version=plan.version, by=staff)
    assert plan.phase == "break"
    assert plan.break_ends_at == plan.round_ended_at + timedelta(minutes=2)
    assert plan.countdown_to == plan.break_ends_at
    assert plan.shown_round == 2

    plan = live_evening.start_round(
        event=event, round_no=2, expected_version=plan.version, by=staff
    )
    assert plan.current_round == 2
    assert plan.round_ended_at is None
    assert [(c.action, c.round) for c in plan.changes.order_by("pk")] == [
        ("started", 1),
        ("ended", 1),
        ("started", 2),
    ]


def test_next_round_in_one_tap_ends_the_running_one_and_logs_both():
    event, _, staff, plan = evening()
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )

    plan = live_evening.start_round(
        event=event, round_no=2, expected_version=plan.version, by=staff
    )

    assert plan.current_round == 2
    assert plan.round_started_at is not None
    assert plan.round_ended_at is None
    assert [(c.action, c.round) for c in plan.changes.order_by("pk")][-2:] == [
        ("ended", 1),
        ("started", 2),
    ]


def test_after_the_last_round_ends_the_evening_is_over():
    event, _, staff, plan = evening(rounds=2)
    for round_no in (1, 2):
        plan = live_evening.start_round(
            event=event, round_no=round_no, expected_version=plan.version, by=staff
        )
    assert [step.action for step in live_evening.next_steps(plan)] == ["end"]
    plan = live_evening.end_round(event=event, round_no=2, expected_version=plan.version, by=staff)
    assert plan.phase == "over"
    assert live_evening.next_steps(plan) == []
    assert plan.countdown_to is None
    assert plan.shown_round is None


@pytest.mark.parametrize("round_no", [0, 5, 99])
def test_a_round_out_of_range_is_refused_and_the_plan_stays(round_no):
    event, _, staff, plan = evening(rounds=4)
    with pytest.raises(seating.SeatingError, match=f"no round {round_no}"):
        live_evening.start_round(
            event=event, round_no=round_no, expected_version=plan.version, by=staff
        )
    assert plan_of(event).version == plan.version
    assert plan_of(event).current_round is None


def test_starting_a_round_twice_or_skipping_one_is_refused():
    event, _, staff, plan = evening()
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    started = plan.round_started_at

    with pytest.raises(seating.SeatingError, match="started already"):
        live_evening.start_round(event=event, round_no=1, expected_version=plan.version, by=staff)
    with pytest.raises(seating.SeatingError, match="cannot start before round 2"):
        live_evening.start_round(event=event, round_no=3, expected_version=plan.version, by=staff)
    plan = live_evening.end_round(event=event, round_no=1, expected_version=plan.version, by=staff)
    with pytest.raises(seating.SeatingError, match="ended already"):
        live_evening.end_round(event=event, round_no=1, expected_version=plan.version, by=staff)
    with pytest.raises(seating.SeatingError, match="not running"):
        live_evening.end_round(event=event, round_no=2, expected_version=plan.version, by=staff)

    now = plan_of(event)
    assert now.version == plan.version
    assert now.current_round == 1
    assert now.round_started_at == started


def test_a_forged_or_outdated_version_is_refused_and_nothing_changes():
    event, _, staff, plan = evening()
    for version in (plan.version - 1, plan.version + 1, 10_000):
        with pytest.raises(seating.StalePlan):
            live_evening.start_round(event=event, round_no=1, expected_version=version, by=staff)
    assert plan_of(event).current_round is None
    assert not PlanChange.objects.exists()


def test_a_walk_in_is_slotted_into_the_rounds_to_come_and_the_played_ones_stay():
    event, _people, staff, plan = evening(people=9, rounds=4)
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    plan = live_evening.end_round(event=event, round_no=1, expected_version=plan.version, by=staff)
    played = rounds_of(plan, 1)
    walk_in = register_walk_in(
        event=event,
        company=CompanyFactory(published=True),
        name="Wanda Späth",
        email="wanda@example.com",
        by=staff,
    ).registration

    plan = live_evening.replan_coming(event=event, expected_version=plan.version, by=staff)

    assert rounds_of(plan, 1) == played
    for round_no in (2, 3, 4):
        assert plan.seats.filter(round=round_no, registration=walk_in).exists()
    assert not plan.seats.filter(round=1, registration=walk_in).exists()
    report = planner.check_plan(seating.plan_instance(plan), seating.stored_rounds(plan))
    assert report.violations == []
    assert plan.changes.first().action == PlanChange.Action.REPLANNED


def test_someone_who_leaves_is_out_of_the_rounds_to_come_and_stays_in_the_played_ones():
    event, people, staff, plan = evening(people=10, rounds=4)
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    plan = live_evening.start_round(
        event=event, round_no=2, expected_version=plan.version, by=staff
    )
    played = rounds_of(plan, 2)
    leaver = people[3]

    plan = live_evening.leave_evening(
        event=event, registration_id=leaver.pk, expected_version=plan.version, by=staff
    )

    assert rounds_of(plan, 2) == played
    assert plan.seats.filter(round__lte=2, registration=leaver).count() == 2
    assert not plan.seats.filter(round__gt=2, registration=leaver).exists()
    for round_no in (3, 4):
        seated = set(plan.seats.filter(round=round_no).values_list("registration_id", flat=True))
        assert seated == {p.pk for p in people} - {leaver.pk}
    assert Departure.objects.get(registration=leaver).after_round == 2
    report = planner.check_plan(seating.plan_instance(plan), seating.stored_rounds(plan))
    assert report.violations == []
    # A re-plan later (a walk-in came) does not bring them back.
    plan = live_evening.replan_coming(event=event, expected_version=plan.version, by=staff)
    assert not plan.seats.filter(round__gt=2, registration=leaver).exists()
    with pytest.raises(seating.SeatingError, match="left the evening already"):
        live_evening.leave_evening(
            event=event, registration_id=leaver.pk, expected_version=plan.version, by=staff
        )


def test_leaving_someone_of_another_evening_is_refused():
    event, _, staff, plan = evening()
    _, others, _, _ = evening()
    with pytest.raises(seating.SeatingError, match="not registered"):
        live_evening.leave_evening(
            event=event, registration_id=others[0].pk, expected_version=plan.version, by=staff
        )
    assert not Departure.objects.exists()
    assert plan_of(event).version == plan.version


def test_the_old_round_select_of_the_seating_page_keeps_the_times_sensible():
    event, _, staff, plan = evening()
    plan = seating.set_current_round(
        event=event, round_no=2, expected_version=plan.version, by=staff
    )
    assert plan.phase == "running"
    assert plan.round_started_at is not None
    plan = seating.set_current_round(
        event=event, round_no=0, expected_version=plan.version, by=staff
    )
    assert plan.phase == "before"
    assert plan.round_started_at is None


# --- the page ----------------------------------------------------------------------------------


def live_url(event, suffix: str = "") -> str:
    return f"/staff/events/{event.pk}/live/{suffix}"


def test_staff_run_the_evening_from_the_page(client):
    event, _people, staff, plan = evening()
    client.force_login(staff)

    page = client.get(live_url(event))
    assert page.status_code == 200
    assert "Start the evening: round 1" in page.content.decode()

    response = client.post(
        live_url(event, "start/"), {"round": 1, "expected_version": plan.version}, follow=True
    )
    html = response.content.decode()
    assert "Round 1 has started." in html
    assert "End round 1 and start round 2" in html
    plan = plan_of(event)
    assert (
        f'datetime="{timezone.localtime(plan.round_ends_at).replace(microsecond=0).isoformat()}"'
        in html
    )
    assert "Round 1 started by Karla Gebhardt" in html
    assert "js/live-evening.js" in html


def test_a_tap_on_an_outdated_page_says_so_and_shows_the_evening_as_it_is(client):
    event, _, staff, plan = evening()
    client.force_login(staff)
    old = plan.version
    client.post(live_url(event, "start/"), {"round": 1, "expected_version": old})

    response = client.post(
        live_url(event, "start/"), {"round": 1, "expected_version": old}, follow=True
    )

    html = response.content.decode()
    assert "Someone else changed the seat plan in the meantime" in html
    assert "Round 1 of 4 is running" in html
    assert plan_of(event).version == old + 1


@pytest.mark.parametrize(
    "data",
    [{"round": "x", "expected_version": 1}, {"round": 1}, {"round": 40, "expected_version": 1}],
)
def test_damaged_input_changes_nothing(client, data):
    event, _, staff, plan = evening()
    client.force_login(staff)
    response = client.post(live_url(event, "start/"), data, follow=True)
    assert "nothing was changed" in response.content.decode()
    assert plan_of(event).version == plan.version


def test_the_page_leaves_and_replans_from_one_tap_each(client):
    event, people, staff, plan = evening(people=8, checked_in=7)
    client.force_login(staff)
    late = people[7]
    late.checked_in_at = timezone.now()
    late.save(update_fields=["checked_in_at"])
    assert "has no seat in round 1 yet" in client.get(live_url(event)).content.decode()

    client.post(live_url(event, "replan/"), {"expected_version": plan.version})
    plan = plan_of(event)
    assert plan.seats.filter(registration=late).count() == 4

    client.post(
        live_url(event, "leave/"), {"registration": people[0].pk, "expected_version": plan.version}
    )
    assert not plan_of(event).seats.filter(registration=people[0]).exists()
    assert (
        people[0].name
        not in client.get(live_url(event))
        .content.decode()
        .split("Who is in the room")[1]
        .split("Big screen")[0]
    )


@pytest.mark.parametrize("people", [10, 60])
def test_the_live_page_needs_the_same_queries_for_10_and_60_attendees(
    client, django_assert_max_num_queries, people
):
    event, registrations, staff, plan = evening(people=people)
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    live_evening.leave_evening(
        event=event, registration_id=registrations[0].pk, expected_version=plan.version, by=staff
    )
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(live_url(event))
    assert response.status_code == 200


def test_the_staff_nav_and_the_seating_page_link_the_live_page(client):
    event, _, staff, _ = evening()
    client.force_login(staff)
    html = client.get(f"/staff/events/{event.pk}/seating/").content.decode()
    assert html.count(f'href="/staff/events/{event.pk}/live/"') >= 2


def test_leaving_asks_first_and_the_question_carries_the_version_on(client):
    event, people, staff, plan = evening()
    client.force_login(staff)
    leaver = people[2]

    question = client.get(
        live_url(event, "leave/"),
        {"registration": leaver.pk, "expected_version": plan.version},
    )

    html = question.content.decode()
    assert question.status_code == 200
    assert f"{leaver.name} leaves the evening?" in html
    assert f'name="registration" value="{leaver.pk}"' in html
    assert f'name="expected_version" value="{plan.version}"' in html
    assert plan_of(event).seats.filter(registration=leaver).exists()  # nothing happened yet
    assert not Departure.objects.exists()

    client.post(
        live_url(event, "leave/"), {"registration": leaver.pk, "expected_version": plan.version}
    )
    assert Departure.objects.get().registration == leaver


def test_asking_about_someone_of_another_evening_goes_back_with_a_message(client):
    event, _, staff, plan = evening()
    _, others, _, _ = evening()
    client.force_login(staff)
    response = client.get(
        live_url(event, "leave/"),
        {"registration": others[0].pk, "expected_version": plan.version},
        follow=True,
    )
    assert "nothing was changed" in response.content.decode()
