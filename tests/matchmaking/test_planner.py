"""The seat planner on small hand-made events (pure Python: no database)."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from companies.matching import Weights
from companies.matching import value as match_value
from matchmaking.planner import (
    FIRM_PENALTY,
    Attendee,
    Instance,
    PlanningError,
    _value_matrix,
    check_plan,
    instance_from_json,
    pair_value,
    plan_seating,
    plan_to_json,
    table_sizes,
    upper_bound,
)

BENCHDATA = Path(__file__).resolve().parents[2] / "matchmaking" / "benchdata"


def people(count: int, *, companies: int | None = None, industry: str = "same") -> tuple:
    """`count` attendees P01.., spread over `companies` firms (one firm each by default)."""
    companies = companies or count
    return tuple(
        Attendee(id=f"P{i:02d}", company=f"C{i % companies:02d}", industry=industry)
        for i in range(count)
    )


def pairs_of(rounds) -> list[frozenset[str]]:
    return [frozenset(p) for tables in rounds for t in tables for p in combinations(t, 2)]


@pytest.mark.parametrize(
    ("present", "size", "layout"),
    [
        (13, 2, [3, 2, 2, 2, 2, 2]),
        (30, 4, [5, 5, 4, 4, 4, 4, 4]),
        (15, 4, [4, 4, 4, 3]),
        (6, 4, [3, 3]),
        (10, 3, [4, 3, 3]),
        (2, 4, [2]),
        (3, 2, [3]),
        (12, 3, [3, 3, 3, 3]),
    ],
)
def test_layout_follows_the_schema_examples(present, size, layout):
    assert table_sizes(present, size) == layout


def test_layout_rejects_a_lonely_person_and_odd_table_sizes():
    with pytest.raises(PlanningError):
        table_sizes(1, 2)
    with pytest.raises(PlanningError):
        table_sizes(10, 5)


def test_every_round_follows_the_layout_and_seats_everyone_once():
    instance = Instance(attendees=people(13), rounds=4, table_size=2)
    rounds = plan_seating(instance)
    assert len(rounds) == 4
    for tables in rounds:
        assert sorted(len(t) for t in tables) == sorted(table_sizes(13, 2))
        seated = [p for t in tables for p in t]
        assert sorted(seated) == sorted(a.id for a in instance.attendees)
    assert check_plan(instance, rounds).violations == []


def test_colleagues_never_share_a_table():
    # Four firms of three people, three tables of four: each table takes one of each firm.
    instance = Instance(attendees=people(12, companies=4), rounds=3, table_size=4)
    rounds = plan_seating(instance)
    company = {a.id: a.company for a in instance.attendees}
    for tables in rounds:
        for table in tables:
            assert len({company[p] for p in table}) == len(table)
    assert check_plan(instance, rounds).violations == []


def test_nobody_meets_twice_where_it_can_be_avoided():
    instance = Instance(attendees=people(10), rounds=5, table_size=2)
    report = check_plan(instance, plan_seating(instance))
    assert report.violations == []
    assert report.repeats == 0


def test_more_rounds_than_partners_repeats_as_little_as_possible():
    # Four people have three possible partners: rounds 4 and 5 must repeat (two pairs each).
    instance = Instance(attendees=people(4), rounds=5, table_size=2)
    report = check_plan(instance, plan_seating(instance))
    assert report.violations == []
    assert report.repeats == 4


def test_played_rounds_are_kept_exactly():
    attendees = people(8)
    played = (
        (("P00", "P01"), ("P02", "P03"), ("P04", "P05"), ("P06", "P07")),
        (("P00", "P02"), ("P01", "P03"), ("P04", "P06"), ("P05", "P07")),
    )
    instance = Instance(attendees=attendees, rounds=4, table_size=2, fixed_rounds=played)
    rounds = plan_seating(instance)
    assert rounds[:2] == [[list(t) for t in tables] for tables in played]
    report = check_plan(instance, rounds)
    assert report.violations == []
    assert report.repeats == 0


def test_absent_people_are_not_seated():
    instance = Instance(
        attendees=people(9),
        rounds=3,
        table_size=2,
        absent={"P03": frozenset({1, 2}), "P07": frozenset({0})},
    )
    rounds = plan_seating(instance)
    seated = [{p for t in tables for p in t} for tables in rounds]
    assert "P07" not in seated[0]
    assert "P03" not in seated[1]
    assert "P03" not in seated[2]
    assert "P03" in seated[0]
    assert "P07" in seated[1]
    assert check_plan(instance, rounds).violations == []


def test_the_firm_needing_collets_meets_the_one_offering_them_in_round_one():
    # "Wer kann helfen?": the toolmaker needs Spannzangen, one of the eight firms makes them.
    others = people(6)
    collets = frozenset({"spannzangen"})
    toolmaker = Attendee(id="T", company="Werkzeugbau", industry="same", needs=collets)
    maker = Attendee(id="S", company="Spannwerk", industry="same", offers=collets)
    instance = Instance(attendees=(*others, toolmaker, maker), rounds=3, table_size=2)
    rounds = plan_seating(instance)
    assert ["S", "T"] in [sorted(t) for t in rounds[0]]


def test_the_same_seed_gives_the_same_plan():
    instance = instance_from_json(json.loads((BENCHDATA / "sample_n030_r6_t4.json").read_text()))
    assert plan_seating(instance, seed=7) == plan_seating(instance, seed=7)


def test_the_value_matrix_agrees_with_the_matching_score():
    instance = instance_from_json(json.loads((BENCHDATA / "sample_n030_r6_t2.json").read_text()))
    weights = Weights(tag=5, industry=2, wish=7)
    matrix = _value_matrix(instance.attendees, weights)
    for i, a in enumerate(instance.attendees):
        for j, b in enumerate(instance.attendees):
            assert matrix[i][j] == match_value(a, b, weights)


def test_pair_value_uses_the_instance_weights():
    a = Attendee(id="A", company="X", industry="optics", needs=frozenset({"coating"}))
    b = Attendee(id="B", company="Y", industry="tools", offers=frozenset({"coating"}))
    c = Attendee(id="C", company="Y", industry="tools", wishes=frozenset({"X"}))
    instance = Instance(attendees=(a, b, c), rounds=1, table_size=2, weights=Weights(2, 1, 5))
    assert pair_value(instance, "A", "B") == 2 + 1
    assert pair_value(instance, "A", "C") == 1 + 5
    assert pair_value(instance, "B", "C") == 0  # colleagues


def test_check_plan_names_broken_rules():
    instance = Instance(attendees=people(4, companies=2), rounds=2, table_size=2)
    # P00 and P02 work for one firm; X is nobody; round 2 is missing.
    report = check_plan(instance, [[["P00", "P02"], ["P01", "X"]]])
    assert len(report.violations) >= 4


def test_the_plan_stays_within_the_simple_bound():
    instance = instance_from_json(json.loads((BENCHDATA / "sample_n060_r6_t2.json").read_text()))
    report = check_plan(instance, plan_seating(instance))
    assert report.violations == []
    assert report.value <= upper_bound(instance)


def test_json_round_trip():
    data = json.loads((BENCHDATA / "sample_n060_r6_t2_replan.json").read_text())
    instance = instance_from_json(data)
    assert instance.name == "sample_n060_r6_t2_replan"
    assert instance.absent["A002"] == frozenset(range(6))
    rounds = plan_seating(instance)
    plan = plan_to_json(instance, rounds, {"seed": 0})
    assert plan["schema"] == "seating-schedule/1"
    assert plan["instance"] == data["name"]
    assert len(plan["rounds"]) == data["rounds"]


# --- bad input ---------------------------------------------------------------------------------


def event_json(**changes) -> dict:
    data = {
        "schema": "seating-instance/1",
        "name": "small",
        "rounds": 2,
        "table_size": 2,
        "value_weights": {"tag": 3, "industry": 1, "wish": 10},
        "attendees": [
            {"id": f"A{i}", "company_id": f"C{i % 3}", "offers": [], "needs": [], "wishes": []}
            for i in range(6)
        ],
        "absent": {},
        "fixed_rounds": [],
    }
    data.update(changes)
    return data


def test_a_valid_small_event_reads():
    assert len(instance_from_json(event_json()).attendees) == 6


def test_the_firm_penalty_reads_from_the_value_weights():
    assert instance_from_json(event_json()).firm_penalty == FIRM_PENALTY
    weights = {"tag": 3, "industry": 1, "wish": 10, "firm": 0}
    assert instance_from_json(event_json(value_weights=weights)).firm_penalty == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"schema": "seating-instance/0"},
        {"rounds": 0},
        {"rounds": 13},
        {"rounds": "2"},
        {"table_size": 1},
        {"table_size": 5},
        {"attendees": "nobody"},
        {"attendees": [{"id": "A1", "company_id": "C1"}, {"id": "A1", "company_id": "C2"}]},
        {"attendees": [{"id": f"A{i}", "company_id": "C1"} for i in range(4)]},
        {"absent": {"A9": [0]}},
        {"absent": {"A1": [5]}},
        {"absent": {f"A{i}": [1] for i in range(5)}},
        {"fixed_rounds": [[["A0", "A3"], ["A1", "A2"], ["A4", "A5"]]]},  # A0, A3 colleagues
        {"fixed_rounds": [[["A0", "A1"], ["A2", "A4"]]]},  # A3, A5 not seated
        {"fixed_rounds": [[["A0", "A1"], ["A2", "A9"], ["A4", "A5"]]]},  # unknown id
        {"fixed_rounds": [[["A0", "A1", "A2", "A4", "A5", "A3"]]]},  # not the layout
        {"value_weights": {"tag": "many"}},
        {"value_weights": {"firm": -1}},
        {"value_weights": {"firm": "none"}},
    ],
)
def test_bad_input_is_refused_with_a_planning_error(changes):
    with pytest.raises(PlanningError):
        instance_from_json(event_json(**changes))


def test_too_many_colleagues_for_the_tables_is_refused():
    # Four people of one firm, six people in all: three tables of two cannot part them.
    attendees = [{"id": f"A{i}", "company_id": "C1" if i < 4 else "C2"} for i in range(6)]
    with pytest.raises(PlanningError, match="colleagues"):
        instance_from_json(event_json(attendees=attendees))


def test_planning_an_instance_built_in_code_validates_it_too():
    instance = Instance(attendees=people(4, companies=1), rounds=1, table_size=2)
    with pytest.raises(PlanningError, match="two companies"):
        plan_seating(instance)
