"""The benchmark's pieces on the smallest sample (the full run is `make bench`, not a test)."""

from __future__ import annotations

import json

from matchmaking.bench import BENCHDATA, baseline, lp_bound, main
from matchmaking.planner import check_plan, instance_from_json, plan_seating, upper_bound


def test_the_planner_is_at_least_as_good_as_the_greedy_baseline_on_the_smallest_sample():
    instance = instance_from_json(
        json.loads((BENCHDATA / "sample_n012_r4_t2.json").read_text(encoding="utf-8"))
    )
    planned = check_plan(instance, plan_seating(instance))
    greedy = check_plan(instance, baseline(instance))
    bound = lp_bound(instance)
    assert planned.violations == []
    assert greedy.violations == []
    assert planned.repeats <= greedy.repeats
    assert planned.value >= greedy.value - 2
    assert greedy.value <= bound <= upper_bound(instance)
    assert planned.value <= bound
    # The score's bound: below the value's, above every plan's score.
    score_bound = lp_bound(instance, score=True)
    assert score_bound <= bound
    assert planned.score <= score_bound
    assert greedy.score <= score_bound


def test_the_baseline_for_tables_of_four_keeps_the_rules():
    instance = instance_from_json(
        json.loads((BENCHDATA / "sample_n030_r6_t4.json").read_text(encoding="utf-8"))
    )
    assert check_plan(instance, baseline(instance)).violations == []


def test_the_benchmark_prints_a_table(capsys):
    assert main(["--only", "n012"]) == 0
    out = capsys.readouterr().out
    assert "sample_n012_r4_t2" in out
    assert "total" in out
