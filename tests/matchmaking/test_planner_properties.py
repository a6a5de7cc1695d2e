"""Properties of the seat planner on random small events, including re-plans."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.planner import (
    Attendee,
    Instance,
    PlanningError,
    check_plan,
    plan_seating,
    upper_bound,
    validate,
)

TAGS = ["cnc", "coating", "optics", "spannzangen", "erp"]


@st.composite
def events(draw) -> Instance:
    count = draw(st.integers(2, 14))
    # Mostly plannable events: a few colleagues at most (bad input has its own tests).
    firms = draw(st.integers(max(2, count // 2), count))
    rounds = draw(st.integers(1, 5))
    attendees = tuple(
        Attendee(
            id=f"P{i:02d}",
            company=f"C{(i + draw(st.integers(0, 1))) % firms:02d}",
            industry=draw(st.sampled_from([None, "tools", "optics"])),
            offers=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=2))),
            needs=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=2))),
            wishes=frozenset(
                f"C{c:02d}" for c in draw(st.lists(st.integers(0, firms - 1), max_size=2))
            ),
        )
        for i in range(count)
    )
    absent = {}
    for person in attendees:
        if draw(st.integers(0, 4)) == 0:
            absent[person.id] = frozenset(draw(st.lists(st.integers(0, rounds - 1), max_size=3)))
    return Instance(
        attendees=attendees,
        rounds=rounds,
        table_size=draw(st.integers(2, 4)),
        absent=absent,
    )


def plannable(instance: Instance) -> bool:
    try:
        validate(instance)
    except PlanningError:
        return False
    return True


@settings(
    max_examples=int(os.environ.get("PLANNER_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(events(), st.integers(0, 3), st.integers(0, 2**16))
def test_plans_keep_the_hard_rules_and_replans_keep_the_played_rounds(instance, played, seed):
    if not plannable(instance):
        return
    rounds = plan_seating(instance, seed=seed)
    report = check_plan(instance, rounds)
    assert report.violations == []
    assert report.value <= upper_bound(instance)
    assert rounds == plan_seating(instance, seed=seed)

    # Re-plan after `played` rounds, with one more person leaving for the rest of the event.
    played = min(played, instance.rounds)
    leaver = instance.attendees[seed % len(instance.attendees)].id
    absent = dict(instance.absent)
    absent[leaver] = absent.get(leaver, frozenset()) | frozenset(range(played, instance.rounds))
    fixed = tuple(tuple(tuple(t) for t in tables) for tables in rounds[:played])
    replan = Instance(
        attendees=instance.attendees,
        rounds=instance.rounds,
        table_size=instance.table_size,
        absent=absent,
        fixed_rounds=fixed,
    )
    if not plannable(replan):
        return
    new_rounds = plan_seating(replan, seed=seed)
    assert new_rounds[:played] == rounds[:played]
    assert check_plan(replan, new_rounds).violations == []
