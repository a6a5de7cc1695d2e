"""The seat planner on small events: no repeat where a plan without one exists, the fewest repeats
where none does, people spread over firms, and only proofs it really has (pure Python)."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations, combinations_with_replacement
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.planner import (
    EXACT_MAX_PEOPLE,
    Attendee,
    Instance,
    PlanningError,
    check_plan,
    instance_from_json,
    plan_event,
    plan_seating,
    repeat_lower_bound,
    table_sizes,
    validate,
)

BENCHDATA = Path(__file__).resolve().parents[2] / "matchmaking" / "benchdata"


def singles(count: int) -> tuple[Attendee, ...]:
    """`count` people of `count` firms, all worth the same to each other."""
    return tuple(
        Attendee(id=f"P{i:02d}", company=f"C{i:02d}", industry="same") for i in range(count)
    )


def evening_of_the_report(rounds: int = 4) -> Instance:
    """The evening a user reported: Emma and Max of one firm, Jonas and Petra of another, Tom and
    Ines on their own; the firms' profiles make some meetings worth more than others."""
    cnc, erp = frozenset({"cnc"}), frozenset({"erp"})
    return Instance(
        attendees=(
            Attendee(id="Max", company="Metallbau", industry="metal", offers=cnc, needs=erp),
            Attendee(id="Emma", company="Metallbau", industry="metal", offers=cnc, needs=erp),
            Attendee(id="Jonas", company="Softwerk", industry="it", offers=erp, needs=cnc),
            Attendee(id="Petra", company="Softwerk", industry="it", offers=erp, needs=cnc),
            Attendee(id="Tom", company="Optik Tom", industry="optics", needs=cnc),
            Attendee(id="Ines", company="Tischlerei Ines", industry="crafts", offers=erp),
        ),
        rounds=rounds,
        table_size=2,
    )


def firms_met(instance: Instance, rounds) -> dict[str, Counter]:
    """Per person: how many people of each firm they met (distinct people)."""
    company = {a.id: a.company for a in instance.attendees}
    partners: dict[str, set[str]] = {a.id: set() for a in instance.attendees}
    for tables in rounds:
        for table in tables:
            for a, b in combinations(table, 2):
                partners[a].add(b)
                partners[b].add(a)
    return {person: Counter(company[p] for p in met) for person, met in partners.items()}


def seatings(people: list[str], sizes: list[int], company: dict[str, str]) -> list[tuple]:
    """Every way to seat people at tables of these sizes, no colleagues together (the first
    person's table first, then the rest)."""
    if not people:
        return [()]
    first, rest = people[0], people[1:]
    found = []
    for size in sorted(set(sizes)):
        left = list(sizes)
        left.remove(size)
        for mates in combinations(rest, size - 1):
            table = (first, *mates)
            if len({company[p] for p in table}) < len(table):
                continue
            others = [p for p in rest if p not in mates]
            found += [(table, *more) for more in seatings(others, left, company)]
    return found


def best_by_brute_force(instance: Instance) -> tuple[int, int]:
    """(fewest repeats, best score with that few) over every plan of a tiny event where everyone
    is there: rounds are interchangeable, so every multiset of round seatings is tried once."""
    company = {a.id: a.company for a in instance.attendees}
    sizes = table_sizes(len(instance.attendees), instance.table_size)
    rounds = seatings([a.id for a in instance.attendees], sizes, company)
    best = None
    for plan in combinations_with_replacement(rounds, instance.rounds):
        report = check_plan(instance, [[list(t) for t in tables] for tables in plan])
        assert report.violations == []
        key = (report.repeats, -report.score)
        best = key if best is None or key < best else best
    assert best is not None
    return best[0], -best[1]


def test_the_reported_evening_has_no_repeat_and_the_proof_says_so():
    instance = evening_of_the_report()
    plan = plan_event(instance)
    assert plan.report.violations == []
    assert plan.report.repeats == 0
    assert plan.repeats_proven_minimal
    assert plan.repeat_free_proven
    # Petra and Emma meet once at most.
    meetings = [set(t) for tables in plan.rounds for t in tables]
    assert meetings.count({"Petra", "Emma"}) <= 1


def test_on_the_reported_evening_nobody_meets_a_firm_more_often_than_the_rounds_force():
    # Four rounds: Max, Emma, Jonas and Petra have exactly four people to meet, so each meets both
    # people of the other firm; Tom and Ines then meet all four of them. Nobody meets a firm a
    # third time, and no plan without repeats does better than these eight second meetings.
    instance = evening_of_the_report()
    plan = plan_event(instance)
    assert plan.proven_optimal
    assert plan.report.firm_repeats == 8
    for person, per_firm in firms_met(instance, plan.rounds).items():
        assert max(per_firm.values()) <= 2, person
    assert (plan.report.repeats, plan.report.score) == best_by_brute_force(instance)


def test_with_three_rounds_the_evening_spreads_people_over_firms_as_far_as_possible():
    instance = evening_of_the_report(rounds=3)
    plan = plan_event(instance)
    assert plan.proven_optimal
    assert (plan.report.repeats, plan.report.score) == best_by_brute_force(instance)
    assert plan.report.firm_repeats < check_plan(instance, _firm_blind_plan()).firm_repeats


def _firm_blind_plan() -> list[list[list[str]]]:
    """Three rounds without repeats in which everyone meets some firm twice (six in all)."""
    return [
        [["Max", "Jonas"], ["Emma", "Tom"], ["Petra", "Ines"]],
        [["Max", "Tom"], ["Emma", "Petra"], ["Jonas", "Ines"]],
        [["Max", "Petra"], ["Emma", "Jonas"], ["Tom", "Ines"]],
    ]


@pytest.mark.parametrize("rounds", [1, 2, 3, 5])
def test_tiny_events_get_the_best_plan_there_is(rounds):
    instance = evening_of_the_report(rounds=rounds)
    plan = plan_event(instance)
    assert plan.proven_optimal
    assert (plan.report.repeats, plan.report.score) == best_by_brute_force(instance)


@pytest.mark.parametrize(
    ("count", "rounds", "table_size"),
    [
        (8, 3, 2),
        (8, 7, 2),  # every pair exactly once: a round robin
        (12, 11, 2),
        (7, 3, 2),  # an odd count: one table of three each round
        (9, 4, 3),  # every pair exactly once at tables of three (the affine plane of order 3)
        (16, 5, 4),  # every pair exactly once at tables of four
    ],
)
def test_where_a_plan_without_repeats_exists_the_plan_has_none(count, rounds, table_size):
    instance = Instance(attendees=singles(count), rounds=rounds, table_size=table_size)
    plan = plan_event(instance)
    assert plan.report.violations == []
    assert plan.report.repeats == 0
    assert plan.repeats_proven_minimal


def test_colleagues_kept_apart_still_meet_nobody_twice():
    # Eight people of four firms, three rounds at tables of two: each has six people to meet.
    attendees = tuple(Attendee(id=f"P{i}", company=f"C{i % 4}", industry="same") for i in range(8))
    plan = plan_event(Instance(attendees=attendees, rounds=3, table_size=2))
    assert plan.report.violations == []
    assert plan.report.repeats == 0


def test_four_people_in_four_rounds_repeat_as_little_as_possible_and_the_plan_says_it():
    # Each has three possible partners; the fourth round repeats two pairs.
    instance = Instance(attendees=singles(4), rounds=4, table_size=2)
    plan = plan_event(instance)
    assert plan.report.repeats == 2
    assert plan.repeat_lower_bound == 2
    assert plan.repeats_proven_minimal


def test_the_search_proves_repeats_the_counting_bound_misses():
    # Eight people at two tables of four, two rounds: each has seven to meet and meets six, so
    # counting allows no repeat; but each table of round two takes two people from each table of
    # round one, so every plan has four repeats.
    instance = Instance(attendees=singles(8), rounds=2, table_size=4)
    assert repeat_lower_bound(instance) == 0
    plan = plan_event(instance)
    assert plan.report.repeats == 4
    assert plan.repeat_lower_bound == 4
    assert plan.repeats_proven_minimal


def test_a_played_round_with_a_repeat_ahead_counts_in_the_proof():
    # Four people, the first two rounds played; two rounds to go have one new pairing left.
    played = ((("P00", "P01"), ("P02", "P03")), (("P00", "P02"), ("P01", "P03")))
    instance = Instance(attendees=singles(4), rounds=4, table_size=2, fixed_rounds=played)
    plan = plan_event(instance)
    assert plan.rounds[:2] == [[list(t) for t in tables] for tables in played]
    assert plan.report.repeats == 2
    assert plan.repeats_proven_minimal


def test_a_large_event_is_left_to_the_heuristic_and_claims_no_optimum():
    instance = instance_from_json(json.loads((BENCHDATA / "sample_n060_r6_t2.json").read_text()))
    assert len(instance.attendees) > EXACT_MAX_PEOPLE
    plan = plan_event(instance)
    assert plan.exact_search == "not run"
    assert not plan.proven_optimal
    # No repeats is proof enough that there cannot be fewer.
    assert plan.report.repeats == 0
    assert plan.repeats_proven_minimal


def test_where_the_search_runs_out_the_plan_claims_nothing_it_has_not_shown():
    # Thirteen people at tables of four and five, three rounds, colleagues in pairs: too many
    # plans to try them all within the budget.
    attendees = tuple(
        Attendee(id=f"P{i:02d}", company=f"C{i // 2:02d}", industry=f"I{i % 3}") for i in range(13)
    )
    instance = Instance(attendees=attendees, rounds=3, table_size=4)
    plan = plan_event(instance)
    assert plan.report.violations == []
    assert plan.exact_search == "cut short"
    assert not plan.proven_optimal
    assert plan.repeat_lower_bound <= plan.report.repeats
    if plan.report.repeats > plan.repeat_lower_bound:
        assert not plan.repeats_proven_minimal


def test_plan_seating_gives_the_rounds_of_plan_event():
    instance = evening_of_the_report()
    assert plan_seating(instance, seed=3) == plan_event(instance, seed=3).rounds


def test_check_plan_counts_each_further_person_of_a_firm_met():
    instance = evening_of_the_report()
    # Tom meets Max, then Emma (a second of Metallbau), then Jonas and Petra (a second of
    # Softwerk); Max and Emma each meet Tom once, Jonas and Petra too.
    rounds = [
        [["Tom", "Max"], ["Emma", "Jonas"], ["Petra", "Ines"]],
        [["Tom", "Emma"], ["Max", "Petra"], ["Jonas", "Ines"]],
        [["Tom", "Jonas"], ["Max", "Ines"], ["Emma", "Petra"]],
        [["Tom", "Petra"], ["Max", "Jonas"], ["Emma", "Ines"]],
    ]
    report = check_plan(instance, rounds)
    assert report.violations == []
    # Tom 2; Ines meets Petra, Jonas (Softwerk twice), Max, Emma (Metallbau twice): 2; Max meets
    # Petra and Jonas, Emma meets Jonas and Petra, Jonas meets Emma and Max, Petra meets Max and
    # Emma: 1 each.
    assert report.firm_repeats == 8
    assert report.score == report.value - instance.firm_penalty * 8


def test_thirty_people_at_tables_of_four_meet_nobody_twice():
    # The heuristic alone leaves a repeat or two here; searching its worst rounds again finds a
    # plan without, and a plan without repeats needs no further proof.
    instance = instance_from_json(json.loads((BENCHDATA / "sample_n030_r6_t4.json").read_text()))
    plan = plan_event(instance)
    assert plan.report.violations == []
    assert plan.report.repeats == 0
    assert plan.repeats_proven_minimal


TAGS = ["cnc", "erp", "optics"]


@st.composite
def tiny_events(draw) -> Instance:
    """Four to seven people at tables of two to four, one to three rounds (two for seven),
    random firms and profiles."""
    count = draw(st.integers(4, 7))
    firms = draw(st.integers(count // 2, count))
    attendees = tuple(
        Attendee(
            id=f"P{i}",
            company=f"C{(i + draw(st.integers(0, 1))) % firms}",
            industry=draw(st.sampled_from(["tools", "optics"])),
            offers=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=2))),
            needs=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=2))),
        )
        for i in range(count)
    )
    return Instance(
        attendees=attendees,
        rounds=draw(st.integers(1, 2 if count == 7 else 3)),
        table_size=draw(st.integers(2, 4)),
    )


@settings(max_examples=25, deadline=None)
@given(tiny_events())
def test_what_the_plan_claims_holds_against_every_plan_there_is(instance):
    try:
        validate(instance)
    except PlanningError:
        return
    plan = plan_event(instance)
    fewest, best_score = best_by_brute_force(instance)
    assert plan.report.violations == []
    assert plan.repeat_lower_bound <= fewest <= plan.report.repeats
    if plan.repeats_proven_minimal:
        assert plan.report.repeats == fewest
    if plan.proven_optimal:
        assert plan.report.score == best_score
