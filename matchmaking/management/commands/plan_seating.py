"""Plan the speed-dating seats of an event file: seating-instance/1 in, seating-schedule/1 out."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matchmaking.planner import (
    PlanningError,
    check_plan,
    instance_from_json,
    plan_event,
    plan_to_json,
)


class Command(BaseCommand):
    help = "Plan speed-dating seats: reads a seating-instance/1 file, writes a seating-schedule/1."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="event file (seating-instance/1 JSON)")
        parser.add_argument("--output", required=True, help="plan file to write")
        parser.add_argument("--seed", type=int, default=0, help="the same seed, the same plan")
        parser.add_argument("--time-limit", type=float, default=None, help="seconds at most")

    def handle(self, *args, **options):
        source = Path(options["input"])
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}") from error
        except ValueError as error:
            raise CommandError(f"{source} is not valid JSON: {error}") from error
        try:
            instance = instance_from_json(data)
            started = time.perf_counter()
            plan = plan_event(instance, seed=options["seed"], time_limit=options["time_limit"])
            seconds = time.perf_counter() - started
        except PlanningError as error:
            raise CommandError(str(error)) from error
        rounds = plan.rounds
        report = check_plan(instance, rounds)
        if report.violations:
            # Never write a plan that breaks a hard rule.
            raise CommandError("The plan breaks rules: " + "; ".join(report.violations))
        meta = {
            "algorithm": "greedy seeds + swap and ejection-chain search, exact search up to 40",
            "seed": options["seed"],
            "seconds": round(seconds, 3),
            "repeats": report.repeats,
            "value": report.value,
            "firm_repeats": report.firm_repeats,
            "score": report.score,
            "met_again": report.met_again,
            "repeats_proven_minimal": plan.repeats_proven_minimal,
            "repeat_lower_bound": plan.repeat_lower_bound,
            "proven_optimal": plan.proven_optimal,
            "exact_search": plan.exact_search,
        }
        # Written only now, so bad input leaves no file behind.
        Path(options["output"]).write_text(
            json.dumps(plan_to_json(instance, rounds, meta), ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        proof = (
            "optimal"
            if plan.proven_optimal
            else "fewest repeats"
            if plan.repeats_proven_minimal
            else f"at least {plan.repeat_lower_bound} repeats"
        )
        self.stdout.write(
            f"{instance.name or source.stem}: {len(rounds)} rounds, {report.repeats} repeats "
            f"({proof}), value {report.value}, {seconds:.2f} s -> {options['output']}"
        )
