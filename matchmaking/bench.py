"""Benchmark of the seat planner: `make bench` (or `python -m matchmaking.bench [--quick]
[--only NAME]`).

For each event in matchmaking/benchdata/ it prints violations, repeat pairs, what is proven about
them (opt, min or -, see planner.Plan), further people of firms met already (frep), value, the LP
bound (fractional b-matching, HiGHS through scipy), the simple bound of the planner, value / LP
bound, pairs who met at an earlier evening and meet again (mb), the score (value less the firm
penalty and the met-before weights) against its own LP bound (LPs) and seconds (wall
clock and processor), for the planner and for a per-round greedy baseline run in the same
process: networkx's maximum-weight matching for tables of 2, best fit plus
pairwise swaps for tables of 3 and 4.
Not part of the test suite (dev dependencies only: scipy, networkx).

benchdata/ holds the eleven samples of the seating format and synthetic_n500_r8_t2, two copies
of sample_n250_r8_t2 with renamed ids and companies, for the 500-people target; the *_history
samples are sample_n030_r6_t4 and sample_n250_r8_t2 with pairs who met at an earlier evening
(met_before, docs/seating.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from matchmaking.planner import (
    Instance,
    _present,
    _value_matrix,
    _worth_matrix,
    check_plan,
    instance_from_json,
    plan_event,
    table_sizes,
    upper_bound,
)

BENCHDATA = Path(__file__).resolve().parent / "benchdata"
# Samples this large take networkx minutes; --quick skips their baseline.
QUICK_LIMIT = 200


def lp_bound(instance: Instance, *, score: bool = False) -> int:
    """LP relaxation of a degree-constrained subgraph over the new, co-present, different-company
    pairs with positive value: each person i has m_i seats from the smallest table of each round,
    plus a shared budget for the extra seats larger tables give. Rounded down, plus the value of
    pairs met in played rounds.

    With score=True it bounds the score (value less the firm penalty, docs/seating.md): for each
    person a and firm F a variable z >= (people of F that a meets) - 1, costing the penalty, and
    a pair who met at an earlier evening is worth its value less its met-before weight."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    people = instance.attendees
    n = len(people)
    index = {a.id: i for i, a in enumerate(people)}
    values = _worth_matrix(instance) if score else _value_matrix(people, instance.weights)
    met: set[tuple[int, int]] = set()
    for tables in instance.fixed_rounds:
        for table in tables:
            members = sorted(index[p] for p in table)
            for k, a in enumerate(members):
                for b in members[k + 1 :]:
                    met.add((a, b))
    fixed_value = sum(values[a][b] for a, b in met)
    firm_of = [a.company for a in people]
    already: dict[tuple[int, str], int] = {}
    for a, b in met:
        for x, y in ((a, b), (b, a)):
            already[(x, firm_of[y])] = already.get((x, firm_of[y]), 0) + 1
    seats = [0] * n
    extra = [0] * n
    budget = 0
    rounds_of = [set() for _ in range(n)]
    for r in range(len(instance.fixed_rounds), instance.rounds):
        present = [index[p] for p in _present(instance, r)]
        sizes = table_sizes(len(present), instance.table_size)
        smallest = sizes[-1]
        budget += sum(s * (s - smallest) for s in sizes)
        for i in present:
            seats[i] += smallest - 1
            extra[i] += sizes[0] - smallest
            rounds_of[i].add(r)
    edges, weights = [], []
    for a in range(n):
        row = values[a]
        for b in range(a + 1, n):
            if row[b] > 0 and (a, b) not in met and rounds_of[a] & rounds_of[b]:
                edges.append((a, b))
                weights.append(row[b])
    if not edges and not score:
        return fixed_value
    m = len(edges)
    rows, cols = [], []
    for e, (a, b) in enumerate(edges):
        rows += [a, b]
        cols += [e, e]
    # Columns: x_e for the edges, then y_i (extra seats of person i).
    rows += list(range(n))
    cols += [m + i for i in range(n)]
    data = [1.0] * (2 * m) + [-1.0] * n
    rows += [n] * n
    cols += [m + i for i in range(n)]
    data += [1.0] * n
    b_list = [*seats, budget]
    cost_list = [-w for w in weights] + [0.0] * n
    bounds = [(0, 1)] * m + [(0, e) for e in extra]
    if score:
        # Columns m + n + k: z_k for the k-th (person, firm), rows n + 1 + k.
        groups: dict[tuple[int, str], list[int]] = {}
        for e, (a, b) in enumerate(edges):
            groups.setdefault((a, firm_of[b]), []).append(e)
            groups.setdefault((b, firm_of[a]), []).append(e)
        for key in already:
            groups.setdefault(key, [])
        for k, (key, members) in enumerate(sorted(groups.items())):
            row, col = n + 1 + k, m + n + k
            rows += [row] * len(members) + [row]
            cols += [*members, col]
            data += [1.0] * len(members) + [-1.0]
            b_list.append(1.0 - already.get(key, 0))
            cost_list.append(float(instance.firm_penalty))
            bounds.append((0, None))
    a_ub = coo_matrix((data, (rows, cols)), shape=(len(b_list), len(cost_list))).tocsr()
    b_ub = np.array(b_list, dtype=float)
    cost = np.array(cost_list)
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if result.status != 0:
        raise RuntimeError(f"LP failed: {result.message}")
    return int(-result.fun + 1e-6) + fixed_value


def _new_pair_gain(values, company, count, person, table) -> int | None:
    """What seating `person` at `table` adds; None when a colleague sits there."""
    gain = 0
    for other in table:
        if company[other] == company[person]:
            return None
        gain += -1000 if count[person][other] else values[person][other]
    return gain


def baseline(instance: Instance, seed: int = 0) -> list[list[list[str]]]:
    """Per-round greedy: each round on its own, best for that round given the rounds before."""
    import networkx as nx

    rng = random.Random(seed)
    people = instance.attendees
    n = len(people)
    ids = [a.id for a in people]
    index = {a.id: i for i, a in enumerate(people)}
    company = [a.company for a in people]
    values = _value_matrix(people, instance.weights)
    count = [[0] * n for _ in range(n)]
    plan = []

    def seat(tables):
        for table in tables:
            for a in table:
                for b in table:
                    if a != b:
                        count[a][b] += 1
        plan.append([[ids[p] for p in table] for table in tables])

    for tables in instance.fixed_rounds:
        seat([[index[p] for p in table] for table in tables])
    for r in range(len(instance.fixed_rounds), instance.rounds):
        present = [index[p] for p in _present(instance, r)]
        sizes = table_sizes(len(present), instance.table_size)
        if instance.table_size == 2:
            graph = nx.Graph()
            graph.add_nodes_from(present)
            for k, a in enumerate(present):
                for b in present[k + 1 :]:
                    if company[a] != company[b] and not count[a][b]:
                        graph.add_edge(a, b, weight=values[a][b])
            matching = nx.max_weight_matching(graph, maxcardinality=True)
            tables = [sorted(pair) for pair in sorted(matching, key=min)]
            matched = {p for pair in matching for p in pair}
            for person in (p for p in present if p not in matched):
                # The odd one out joins the pair it adds most to.
                gains = [_new_pair_gain(values, company, count, person, t) for t in tables]
                best = max(range(len(tables)), key=lambda t: (gains[t] is not None, gains[t] or 0))
                tables[best].append(person)
        else:
            order = sorted(present, key=lambda p: -sum(values[p][q] for q in present))
            tables = [[] for _ in sizes]
            for person in order:
                best, best_gain = None, None
                for t, table in enumerate(tables):
                    if len(table) < sizes[t]:
                        gain = _new_pair_gain(values, company, count, person, table)
                        if gain is not None and (best_gain is None or gain > best_gain):
                            best, best_gain = t, gain
                if best is None:
                    best = next(t for t, table in enumerate(tables) if len(table) < sizes[t])
                tables[best].append(person)
            _swap_pass(tables, values, company, count, rng)
        seat(tables)
    return plan


def _swap_pass(tables, values, company, count, rng) -> None:
    """Pairwise swaps between tables while one helps (at most two passes)."""

    def worth(person, table):
        gain = _new_pair_gain(values, company, count, person, [x for x in table if x != person])
        return -(10**9) if gain is None else gain

    for _ in range(2):
        improved = False
        for t in range(len(tables)):
            for u in range(t + 1, len(tables)):
                for i, a in enumerate(tables[t]):
                    for j, b in enumerate(tables[u]):
                        before = worth(a, tables[t]) + worth(b, tables[u])
                        rest_t = [x for x in tables[t] if x != a]
                        rest_u = [x for x in tables[u] if x != b]
                        after = worth(b, [*rest_t, b]) + worth(a, [*rest_u, a])
                        if after > before:
                            tables[t][i], tables[u][j] = b, a
                            a = b
                            improved = True
        if not improved:
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the slow baseline on big events")
    parser.add_argument("--only", help="only samples whose name contains this")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = sorted(BENCHDATA.glob("*.json"))
    if args.only:
        files = [f for f in files if args.only in f.stem]
    if not files:
        print("no samples", file=sys.stderr)
        return 1
    header = (
        f"{'sample':<30} {'N':>4} {'R':>2} {'k':>2} | {'LP':>6} {'simple':>6} {'LPs':>6} | "
        f"{'viol':>4} {'rep':>3} {'proof':>5} {'frep':>4} {'mb':>3} {'value':>6} {'v/LP':>6} "
        f"{'score':>6} {'s/LPs':>6} {'sec':>6} {'cpu':>6} | "
        f"{'b.viol':>6} {'b.rep':>5} {'b.frep':>6} {'b.value':>7} {'b/LP':>6} {'b.s/LPs':>7} "
        f"{'b.sec':>6}"
    )
    print(header)
    print("-" * len(header))
    totals = {"value": 0, "lp": 0, "sec": 0.0, "cpu": 0.0, "viol": 0, "rep": 0, "frep": 0}
    totals |= {"score": 0, "lps": 0, "mb": 0}
    base_totals = {"value": 0, "lp": 0, "sec": 0.0, "viol": 0, "rep": 0, "frep": 0}
    base_totals |= {"score": 0, "lps": 0}
    for path in files:
        instance = instance_from_json(json.loads(path.read_text(encoding="utf-8")))
        lp = lp_bound(instance)
        # The score's bound: value less the firm penalty.
        lps = max(1, lp_bound(instance, score=True))
        simple = upper_bound(instance)
        started, cpu_started = time.perf_counter(), time.process_time()
        planned = plan_event(instance, seed=args.seed)
        plan = planned.rounds
        seconds = time.perf_counter() - started
        # Processor time too: on a shared machine the wall clock also counts the neighbours.
        cpu = time.process_time() - cpu_started
        report = check_plan(instance, plan)
        totals["value"] += report.value
        totals["lp"] += lp
        totals["sec"] += seconds
        totals["cpu"] += cpu
        totals["viol"] += len(report.violations)
        totals["rep"] += report.repeats
        totals["frep"] += report.firm_repeats
        totals["mb"] += report.met_again
        totals["score"] += report.score
        totals["lps"] += lps
        # opt: proven best; min: fewest repeats proven; -: neither (the search ran out or did
        # not run).
        proof = (
            "opt" if planned.proven_optimal else "min" if planned.repeats_proven_minimal else "-"
        )
        line = (
            f"{path.stem:<30} {len(instance.attendees):>4} {instance.rounds:>2} "
            f"{instance.table_size:>2} | {lp:>6} {simple:>6} {lps:>6} | "
            f"{len(report.violations):>4} {report.repeats:>3} {proof:>5} {report.firm_repeats:>4} "
            f"{report.met_again:>3} {report.value:>6} {report.value / lp:>6.4f} {report.score:>6} "
            f"{report.score / lps:>6.4f} {seconds:>6.2f} {cpu:>6.2f} | "
        )
        if args.quick and len(instance.attendees) > QUICK_LIMIT:
            line += f"{'(skipped, --quick)':>49}"
        else:
            started = time.perf_counter()
            base_plan = baseline(instance, seed=args.seed)
            base_seconds = time.perf_counter() - started
            base = check_plan(instance, base_plan)
            base_totals["value"] += base.value
            base_totals["lp"] += lp
            base_totals["sec"] += base_seconds
            base_totals["viol"] += len(base.violations)
            base_totals["rep"] += base.repeats
            base_totals["frep"] += base.firm_repeats
            base_totals["score"] += base.score
            base_totals["lps"] += lps
            line += (
                f"{len(base.violations):>6} {base.repeats:>5} {base.firm_repeats:>6} "
                f"{base.value:>7} {base.value / lp:>6.4f} {base.score / lps:>7.4f} "
                f"{base_seconds:>6.2f}"
            )
        print(line, flush=True)
    print("-" * len(header))
    print(
        f"{'total':<30} {'':>4} {'':>2} {'':>2} | {totals['lp']:>6} {'':>6} {totals['lps']:>6} | "
        f"{totals['viol']:>4} {totals['rep']:>3} {'':>5} {totals['frep']:>4} {totals['mb']:>3} "
        f"{totals['value']:>6} "
        f"{totals['value'] / totals['lp']:>6.4f} {totals['score']:>6} "
        f"{totals['score'] / totals['lps']:>6.4f} {totals['sec']:>6.2f} {totals['cpu']:>6.2f} | "
        + (
            f"{base_totals['viol']:>6} {base_totals['rep']:>5} {base_totals['frep']:>6} "
            f"{base_totals['value']:>7} "
            f"{base_totals['value'] / base_totals['lp']:>6.4f} "
            f"{base_totals['score'] / base_totals['lps']:>7.4f} {base_totals['sec']:>6.2f}"
            if base_totals["lp"]
            else ""
        )
    )
    print("(baseline totals cover only the samples it ran on)" if args.quick else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
