"""Pairs who met at an earlier evening (docs/seating.md, "Met at an earlier evening"): the
planner avoids them like a weaker repeat; event files without met_before read as before."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from matchmaking.planner import (
    Attendee,
    Instance,
    PlanningError,
    check_plan,
    instance_from_json,
    met_before_to_json,
    plan_event,
)

BENCHDATA = Path(__file__).resolve().parents[2] / "matchmaking" / "benchdata"


def four_firms(met_before: dict | None = None) -> Instance:
    """Four people of four firms at tables of two for one round: A with B is worth most (A needs
    what B offers), A with C or D a little less."""
    people = (
        Attendee("A", "CA", "x", needs=frozenset({"collets", "laser"})),
        Attendee("B", "CB", "y", offers=frozenset({"collets", "laser"})),
        Attendee("C", "CC", "y", offers=frozenset({"laser"})),
        Attendee("D", "CD", "x", needs=frozenset({"laser"})),
    )
    return Instance(attendees=people, rounds=1, table_size=2, met_before=met_before or {})


def met_pairs(rounds) -> set[frozenset[str]]:
    return {frozenset(p) for tables in rounds for t in tables for p in combinations(t, 2)}


def test_without_history_the_most_valuable_pair_meets():
    plan = plan_event(four_firms())
    assert frozenset("AB") in met_pairs(plan.rounds)


def test_a_pair_who_met_before_is_avoided_when_another_plan_exists():
    plan = plan_event(four_firms({frozenset("AB"): 16}))
    assert frozenset("AB") not in met_pairs(plan.rounds)
    assert plan.report.met_again == 0
    assert plan.report.repeats == 0


def test_a_small_met_before_penalty_gives_way_to_much_more_value():
    # A and B are worth 2 tags (6) + industry (1) more than the alternative pairs A-C/B-D (3 + 1,
    # and 0 + 1): a penalty of 1 does not outweigh that.
    plan = plan_event(four_firms({frozenset("AB"): 1}))
    assert frozenset("AB") in met_pairs(plan.rounds)
    assert plan.report.met_again == 1
    assert plan.report.met_before_penalty == 1
    assert plan.report.score == plan.report.value - 1


def test_the_score_counts_the_met_before_penalty_once_per_pair():
    instance = four_firms({frozenset("AB"): 7, frozenset("CD"): 2})
    report = check_plan(instance, [[["A", "B"], ["C", "D"]]])
    assert (report.met_again, report.met_before_penalty) == (2, 9)
    plain = check_plan(four_firms(), [[["A", "B"], ["C", "D"]]])
    assert report.score == plain.score - 9
    assert report.value == plain.value


def test_a_met_before_pair_never_costs_a_repeat():
    # Three firms, tables of two, three rounds: everyone must meet everyone once (with a table of
    # three); a met-before penalty cannot make the planner take a repeat instead.
    people = tuple(Attendee(f"P{i}", f"C{i}", "x") for i in range(4))
    instance = Instance(
        attendees=people,
        rounds=3,
        table_size=2,
        met_before={frozenset(("P0", "P1")): 1000},
    )
    plan = plan_event(instance)
    assert plan.report.repeats == 0
    assert plan.report.met_again == 1


def test_met_before_reads_from_json_and_event_files_without_it_read_unchanged():
    path = BENCHDATA / "sample_n012_r4_t2.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("met_before", None)
    plain = instance_from_json(data)
    assert plain.met_before == {}
    ids = [a["id"] for a in data["attendees"]]
    with_history = instance_from_json(data | {"met_before": [[ids[0], ids[1], 8]]})
    assert with_history.met_before == {frozenset(ids[:2]): 8}
    assert with_history.attendees == plain.attendees
    assert met_before_to_json(with_history.met_before) == [[*sorted(ids[:2]), 8]]
    # An empty list is the same evening as no field, and plans the same.
    empty = instance_from_json(data | {"met_before": []})
    assert empty == plain
    assert plan_event(empty, seed=3).rounds == plan_event(plain, seed=3).rounds


@pytest.mark.parametrize(
    "met_before",
    [
        {"A": 3},
        [["A", "B"]],
        [["A", "B", "8"]],
        [["A", "B", True]],
        [["A", "nobody", 8]],
        [["A", "A", 8]],
        [["A", "B", -1]],
        [["A", "B", 5000]],
    ],
)
def test_bad_met_before_is_refused(met_before):
    data = {
        "schema": "seating-instance/1",
        "rounds": 1,
        "table_size": 2,
        "attendees": [{"id": "A", "company_id": "1"}, {"id": "B", "company_id": "2"}],
        "met_before": met_before,
    }
    with pytest.raises(PlanningError):
        instance_from_json(data)
