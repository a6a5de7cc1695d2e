"""The speed-dating seat planner. Pure Python, no Django import.

Formats, hard rules, value and bound: docs/seating.md (the samples live in
matchmaking/benchdata/). A plan is R rounds of tables; the planner keeps every hard rule, then
makes as few repeat meetings as it can, then maximises the value of the distinct pairs who met,
scored by ``companies.matching.value`` with the instance's weights.

Algorithm, round by round (rounds already played stay as they are):

1. Seed the tables greedily with the most valuable new pairs (each person's best candidates),
   then place everyone left where they add most (best fit).
2. Local search: swap two people between tables, or move one to a table that is one seat smaller
   (the layout keeps its sizes), and ejection chains found breadth first: a takes b's seat next
   to a candidate of a, b takes someone's seat next to a candidate of b, and so on, the last one
   takes a's old seat. The chains are the augmenting paths that plain swaps miss. Moves start
   from each person's candidate list, so a pass is cheap; a same-company table or a repeat costs
   far more than any value, so the search repairs those first.
3. When all rounds are built, one more pass over each, now that every round knows the pairs the
   others use; a short tabu search on rounds that still hold repeats; and a layout that deals
   the firms over the tables should colleagues ever be left together.

The search is deterministic for a seed; ``time_limit`` only cuts it short on a slow machine.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field

from companies.matching import DEFAULT_WEIGHTS, Weights
from companies.matching import value as match_value

INSTANCE_SCHEMA = "seating-instance/1"
PLAN_SCHEMA = "seating-schedule/1"
MAX_ROUNDS = 12
MIN_TABLE, MAX_TABLE = 2, 4

# A repeat costs more than all the value a plan can hold; two colleagues at a table more still.
_REPEAT = 10**7
_COLLEAGUES = 10**11
# Tabu steps per round that still has repeats at the end.
_REPEAT_STEPS = 300


class PlanningError(ValueError):
    """The event cannot be planned as given; the message says why."""


@dataclass(frozen=True)
class Attendee:
    id: str
    company: str
    industry: str | None = None
    offers: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    # Company ids this person asked to meet.
    wishes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Instance:
    attendees: tuple[Attendee, ...]
    rounds: int
    table_size: int
    # Attendee id -> 0-based rounds the person is not there.
    absent: Mapping[str, frozenset[int]] = field(default_factory=dict)
    # Rounds already played, in order; each a tuple of tables of attendee ids.
    fixed_rounds: tuple[tuple[tuple[str, ...], ...], ...] = ()
    weights: Weights = DEFAULT_WEIGHTS
    name: str = ""


@dataclass
class PlanReport:
    violations: list[str]
    repeats: int
    value: int

    @property
    def valid(self) -> bool:
        return not self.violations


# --- layout ------------------------------------------------------------------------------------


def table_sizes(present: int, table_size: int) -> list[int]:
    """Table sizes for one round, largest first.

    T = present / table_size rounded to the nearest whole number (a tie goes to fewer, larger
    tables), sizes as equal as possible. Where that breaks the range [max(2, k-1), k+1], T moves to
    the nearest count that keeps it (6 at 4 gives 3+3); where no count does, pairs plus one table of
    three.
    """
    if not MIN_TABLE <= table_size <= MAX_TABLE:
        raise PlanningError(f"Table size must be between 2 and 4, not {table_size}.")
    if present < 2:
        raise PlanningError(f"A round needs at least two people present, not {present}.")
    low, high = max(2, table_size - 1), table_size + 1
    # Round half down: 6.5 tables become 6.
    tables = (2 * present + table_size - 1) // (2 * table_size)
    fewest, most = -(-present // high), present // low
    # No count fits only for two people at tables of four: one pair.
    tables = min(max(tables, fewest), most) if fewest <= most else present // 2
    size, larger = divmod(present, tables)
    return [size + 1] * larger + [size] * (tables - larger)


# --- value -------------------------------------------------------------------------------------


def pair_value(instance: Instance, a_id: str, b_id: str) -> int:
    """The value of a meeting of two attendees (0 for colleagues)."""
    by_id = {a.id: a for a in instance.attendees}
    try:
        a, b = by_id[a_id], by_id[b_id]
    except KeyError as missing:
        raise PlanningError(f"Unknown attendee id {missing.args[0]!r}.") from None
    # Attendee is a matching.Matchable, so the one scoring serves both.
    return match_value(a, b, instance.weights)


def _value_matrix(attendees: Sequence[Attendee], weights: Weights) -> list[list[int]]:
    """value(a, b) for all pairs at once; the same sum as matching.value, built from indexes so
    500 people take a fraction of a second."""
    n = len(attendees)
    by_industry: dict[str | None, list[int]] = {}
    by_company: dict[str, list[int]] = {}
    offered: dict[str, list[int]] = {}
    for i, person in enumerate(attendees):
        by_industry.setdefault(person.industry, []).append(i)
        by_company.setdefault(person.company, []).append(i)
        for tag in person.offers:
            offered.setdefault(tag, []).append(i)
    matrix = []
    for person in attendees:
        row = [weights.industry] * n
        for j in by_industry[person.industry]:
            row[j] = 0
        matrix.append(row)
    for i, person in enumerate(attendees):
        row = matrix[i]
        for tag in person.needs:
            for j in offered.get(tag, ()):
                row[j] += weights.tag
                matrix[j][i] += weights.tag
        for company in person.wishes:
            for j in by_company.get(company, ()):
                row[j] += weights.wish
                matrix[j][i] += weights.wish
    for members in by_company.values():
        for i in members:
            row = matrix[i]
            for j in members:
                row[j] = 0
    return matrix


# --- validation --------------------------------------------------------------------------------


def _present(instance: Instance, round_no: int) -> list[str]:
    return [a.id for a in instance.attendees if round_no not in instance.absent.get(a.id, ())]


def _check_round(
    instance: Instance, round_no: int, tables: Sequence[Sequence[str]], company: Mapping[str, str]
) -> list[str]:
    """Hard-rule violations of one round (an empty list when it is fine)."""
    label = f"round {round_no + 1}"
    problems = []
    present = set(_present(instance, round_no))
    seen: set[str] = set()
    for table in tables:
        colleagues: dict[str, str] = {}
        for person in table:
            if person not in company:
                problems.append(f"{label}: unknown attendee {person!r}")
                continue
            if person in seen:
                problems.append(f"{label}: {person} is seated twice")
            seen.add(person)
            if person not in present:
                problems.append(f"{label}: {person} is absent but seated")
            other = colleagues.setdefault(company[person], person)
            if other != person:
                problems.append(f"{label}: {other} and {person} of one company at one table")
    missing = sorted(present - seen)
    if missing:
        problems.append(f"{label}: not seated: {', '.join(missing)}")
    if len(present) >= 2:
        expected = table_sizes(len(present), instance.table_size)
        actual = sorted((len(t) for t in tables), reverse=True)
        if actual != expected:
            problems.append(f"{label}: table sizes {actual}, the layout rule gives {expected}")
    return problems


def validate(instance: Instance) -> None:
    """Raise PlanningError when the instance cannot be planned."""
    if not isinstance(instance.rounds, int) or not 1 <= instance.rounds <= MAX_ROUNDS:
        raise PlanningError(f"Rounds must be between 1 and {MAX_ROUNDS}, not {instance.rounds}.")
    if not isinstance(instance.table_size, int) or not (
        MIN_TABLE <= instance.table_size <= MAX_TABLE
    ):
        raise PlanningError(f"Table size must be between 2 and 4, not {instance.table_size}.")
    company: dict[str, str] = {}
    for person in instance.attendees:
        if person.id in company:
            raise PlanningError(f"Attendee id {person.id!r} appears twice.")
        company[person.id] = person.company
    if len(set(company.values())) < 2:
        raise PlanningError("Speed dating needs people from at least two companies.")
    for absent_id, rounds in instance.absent.items():
        if absent_id not in company:
            raise PlanningError(f"Absences name an unknown attendee {absent_id!r}.")
        wrong = [r for r in rounds if not (isinstance(r, int) and 0 <= r < instance.rounds)]
        if wrong:
            raise PlanningError(f"{absent_id} is absent in round {wrong[0]}, which does not exist.")
    for round_no in range(instance.rounds):
        present = _present(instance, round_no)
        if len(present) < 2:
            raise PlanningError(
                f"Round {round_no + 1} has {len(present)} people present; it needs two."
            )
        table_count = len(table_sizes(len(present), instance.table_size))
        per_company: dict[str, int] = {}
        for present_id in present:
            per_company[company[present_id]] = per_company.get(company[present_id], 0) + 1
        crowded = max(per_company, key=lambda c: (per_company[c], c))
        if per_company[crowded] > table_count:
            raise PlanningError(
                f"Round {round_no + 1}: {per_company[crowded]} people of company {crowded} "
                f"but only {table_count} tables, so colleagues would have to share one."
            )
    if len(instance.fixed_rounds) > instance.rounds:
        raise PlanningError(
            f"{len(instance.fixed_rounds)} rounds played but only {instance.rounds} planned."
        )
    for round_no, tables in enumerate(instance.fixed_rounds):
        problems = _check_round(instance, round_no, tables, company)
        if problems:
            raise PlanningError("A played round breaks the rules: " + "; ".join(problems))


# --- checking a plan ---------------------------------------------------------------------------


def check_plan(instance: Instance, rounds: Sequence[Sequence[Sequence[str]]]) -> PlanReport:
    """Hard-rule violations, repeat count and value of a plan (docs/seating.md)."""
    company = {a.id: a.company for a in instance.attendees}
    by_id = {a.id: a for a in instance.attendees}
    violations: list[str] = []
    if len(rounds) != instance.rounds:
        violations.append(f"{len(rounds)} rounds, the event has {instance.rounds}")
    for round_no, tables in enumerate(rounds):
        if round_no >= instance.rounds:
            break
        violations.extend(_check_round(instance, round_no, tables, company))
        if round_no < len(instance.fixed_rounds):
            played = {frozenset(t) for t in instance.fixed_rounds[round_no]}
            if {frozenset(t) for t in tables} != played:
                violations.append(f"round {round_no + 1}: differs from the round played")
    met: dict[tuple[str, str], int] = {}
    for tables in rounds:
        for table in tables:
            people = sorted(p for p in table if p in company)
            for i, a in enumerate(people):
                for b in people[i + 1 :]:
                    met[(a, b)] = met.get((a, b), 0) + 1
    repeats = sum(times - 1 for times in met.values())
    total = sum(match_value(by_id[a], by_id[b], instance.weights) for a, b in met)
    return PlanReport(violations=violations, repeats=repeats, value=total)


# --- bound -------------------------------------------------------------------------------------


def upper_bound(instance: Instance) -> int:
    """The simple bound of docs/seating.md: each person meets at most b_i new partners in the rounds
    left, at best their b_i most valuable ones; halve the sum, add what the played rounds hold."""
    validate(instance)
    people = instance.attendees
    n = len(people)
    index = {a.id: i for i, a in enumerate(people)}
    values = _value_matrix(people, instance.weights)
    played = len(instance.fixed_rounds)
    met: list[set[int]] = [set() for _ in range(n)]
    fixed_value = 0
    for tables in instance.fixed_rounds:
        for table in tables:
            members = [index[p] for p in table]
            for a in members:
                for b in members:
                    if a < b and b not in met[a]:
                        fixed_value += values[a][b]
                    if a != b:
                        met[a].add(b)
    free = range(played, instance.rounds)
    present_in = []
    largest = {}
    for r in free:
        present = {index[p] for p in _present(instance, r)}
        present_in.append(present)
        largest[r] = table_sizes(len(present), instance.table_size)[0]
    total = 0
    for i in range(n):
        here = [k for k, r in enumerate(free) if i in present_in[k]]
        seats = sum(largest[free[k]] - 1 for k in here)
        if not seats:
            continue
        reachable = set().union(*(present_in[k] for k in here)) - met[i] - {i}
        best = sorted((values[i][j] for j in reachable), reverse=True)
        total += sum(best[:seats])
    return total // 2 + fixed_value


# --- planning ----------------------------------------------------------------------------------


class _Search:
    """State of one planning run: tables per round, who sits where, and how often pairs met."""

    def __init__(self, instance: Instance, rng: random.Random, deadline: float | None):
        self.instance = instance
        self.rng = rng
        self.deadline = deadline
        people = instance.attendees
        self.n = n = len(people)
        self.index = {a.id: i for i, a in enumerate(people)}
        companies = {c: k for k, c in enumerate(sorted({a.company for a in people}))}
        self.company = [companies[a.company] for a in people]
        self.values = _value_matrix(people, instance.weights)
        # The search's weights: colleagues at one table cost more than anything.
        self.weight = [
            [-_COLLEAGUES if self.company[i] == self.company[j] else v for j, v in enumerate(row)]
            for i, row in enumerate(self.values)
        ]
        self.count = [[0] * n for _ in range(n)]
        self.present = [
            [self.index[p] for p in _present(instance, r)] for r in range(instance.rounds)
        ]
        self.tables: list[list[list[int]]] = [[] for _ in range(instance.rounds)]
        self.where: list[list[int]] = [[-1] * n for _ in range(instance.rounds)]
        for r, tables in enumerate(instance.fixed_rounds):
            for table in tables:
                self._add_table(r, [self.index[p] for p in table])
        self._candidates()

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def _candidates(self) -> None:
        """Each person's most valuable possible partners, best first (ties by a seeded order)."""
        inst = self.instance
        free = range(len(inst.fixed_rounds), inst.rounds)
        # About as many as the seats a person fills in the event, twice that for pairs, where
        # the chains need more room to find augmenting paths.
        seats = max(2, inst.table_size - 1) * max(1, len(free))
        width = min(self.n, seats + 8)
        order = list(range(self.n))
        self.rng.shuffle(order)
        rank = [0] * self.n
        for position, person in enumerate(order):
            rank[person] = position
        present_sets = [set(self.present[r]) for r in free]
        self.candidates = []
        for i in range(self.n):
            row = self.values[i]
            met = self.count[i]
            mine = [k for k, s in enumerate(present_sets) if i in s]
            pool = [
                j
                for j in range(self.n)
                if row[j] > 0 and not met[j] and any(j in present_sets[k] for k in mine)
            ]
            pool.sort(key=lambda j: (-row[j], rank[j]))
            self.candidates.append(pool[:width])

    def _add_table(self, r: int, members: list[int]) -> None:
        number = len(self.tables[r])
        self.tables[r].append(members)
        where = self.where[r]
        count = self.count
        for a in members:
            where[a] = number
            for b in members:
                if a != b:
                    count[a][b] += 1

    # The objective's change when a pair starts or stops sharing a table in this round.
    def _gain_join(self, a: int, b: int) -> int:
        w = self.weight[a][b]
        return w if w < 0 or not self.count[a][b] else -_REPEAT

    def _held(self, a: int, b: int) -> int:
        w = self.weight[a][b]
        return w if w < 0 or self.count[a][b] == 1 else -_REPEAT

    # -- building a round --

    def build_round(self, r: int) -> None:
        sizes = table_sizes(len(self.present[r]), self.instance.table_size)
        present = self.present[r]
        where = self.where[r]
        count, values, company = self.count, self.values, self.company
        # Greedy seeds: the best new pairs, one per table.
        here = set(present)
        edges = []
        for a in present:
            for b in self.candidates[a]:
                if b in here and a < b and not count[a][b]:
                    edges.append((values[a][b], a, b))
        self.rng.shuffle(edges)
        edges.sort(key=lambda e: -e[0])
        tables: list[list[int]] = []
        seated: set[int] = set()
        for _, a, b in edges:
            if len(tables) == len(sizes):
                break
            if a in seated or b in seated:
                continue
            tables.append([a, b])
            seated.update((a, b))
        tables.extend([] for _ in range(len(sizes) - len(tables)))
        # Everyone else where they add most; the order is seeded.
        rest = [p for p in present if p not in seated]
        self.rng.shuffle(rest)
        for person in rest:
            best, best_gain = -1, None
            for t, table in enumerate(tables):
                if len(table) >= sizes[t]:
                    continue
                gain = 0
                for other in table:
                    if company[other] == company[person]:
                        gain -= _COLLEAGUES
                    elif count[person][other]:
                        gain -= _REPEAT
                    else:
                        gain += values[person][other]
                if best_gain is None or gain > best_gain:
                    best, best_gain = t, gain
            tables[best].append(person)
        self.tables[r] = []
        for p in present:
            where[p] = -1
        for table in tables:
            self._add_table(r, table)
        self.repair(r)
        self.improve_round(r, passes=8)
        if self._colleagues_at_table(r):
            self._safe_round(r, sizes)

    def _colleagues_at_table(self, r: int) -> bool:
        company = self.company
        return any(len({company[p] for p in table}) < len(table) for table in self.tables[r])

    def _clear_round(self, r: int) -> None:
        count = self.count
        for table in self.tables[r]:
            for a in table:
                self.where[r][a] = -1
                for b in table:
                    if a != b:
                        count[a][b] -= 1
        self.tables[r] = []

    def _safe_round(self, r: int, sizes: list[int]) -> None:
        """A layout without colleagues at one table, guaranteed when no company has more people
        than there are tables: deal people company by company over the tables, seat by seat."""
        self._clear_round(r)
        by_company: dict[int, list[int]] = {}
        for p in self.present[r]:
            by_company.setdefault(self.company[p], []).append(p)
        people = [p for c in sorted(by_company) for p in by_company[c]]
        seats = [t for depth in range(max(sizes)) for t in range(len(sizes)) if depth < sizes[t]]
        tables: list[list[int]] = [[] for _ in sizes]
        for person, t in zip(people, seats, strict=True):
            tables[t].append(person)
        for table in tables:
            self._add_table(r, table)
        self.improve_round(r, passes=8)

    # -- local search --

    def _move(self, r: int, a: int, target: int) -> None:
        tables, where, count = self.tables[r], self.where[r], self.count
        source = where[a]
        tables[source].remove(a)
        for x in tables[source]:
            count[a][x] -= 1
            count[x][a] -= 1
        for y in tables[target]:
            count[a][y] += 1
            count[y][a] += 1
        tables[target].append(a)
        where[a] = target

    def _swap(self, r: int, a: int, b: int) -> None:
        ta, tb = self.where[r][a], self.where[r][b]
        self._move(r, a, tb)
        self._move(r, b, ta)

    def _best_entry(
        self, r: int, a: int, target: int, held: int, floor: int = 0, avoid: Set[int] = frozenset()
    ) -> tuple[int, int]:
        """Best way to bring a into table `target`: (gain, partner to swap out or -1 for a
        plain move), -2 when nothing beats `floor`. `held` is what a's current seat is worth;
        people in `avoid` are not swapped."""
        tables, weight, count = self.tables[r], self.weight, self.count
        source_table = tables[self.where[r][a]]
        table = tables[target]
        wa, ca = weight[a], count[a]
        join_a = []
        total_a = 0
        for y in table:
            w = wa[y]
            g = w if w < 0 or not ca[y] else -_REPEAT
            join_a.append(g)
            total_a += g
        best, best_partner = floor, -2
        if len(source_table) == len(table) + 1 and total_a - held > best:
            best, best_partner = total_a - held, -1
        for k, b in enumerate(table):
            if b in avoid:
                continue
            wb, cb = weight[b], count[b]
            # b leaves `target` (losing its pairs there) and takes a's seat.
            gain = total_a - join_a[k] - held
            for m, y in enumerate(table):
                if m != k:
                    w = wb[y]
                    gain -= w if w < 0 or cb[y] == 1 else -_REPEAT
            for x in source_table:
                if x != a:
                    w = wb[x]
                    gain += w if w < 0 or not cb[x] else -_REPEAT
            if gain > best:
                best, best_partner = gain, b
        return best, best_partner

    def _seat_worth(self, r: int, a: int) -> int:
        weight, count = self.weight[a], self.count[a]
        worth = 0
        for x in self.tables[r][self.where[r][a]]:
            if x != a:
                w = weight[x]
                worth += w if w < 0 or count[x] == 1 else -_REPEAT
        return worth

    def _try_person(self, r: int, a: int, everywhere: bool = False) -> bool:
        """Find and make the best improving move that seats a with one of its candidates (or,
        when repairing, anywhere)."""
        where = self.where[r]
        source = where[a]
        held = self._seat_worth(r, a)
        others = len(self.tables[r][source]) - 1
        threshold = held / others if others else 0
        values, count = self.values[a], self.count[a]
        best, move = 0, None
        if everywhere:
            targets = [t for t in range(len(self.tables[r])) if t != source]
        else:
            targets = []
            for c in self.candidates[a]:
                if values[c] <= threshold:
                    break
                t = where[c]
                if t >= 0 and t != source and not count[c] and t not in targets:
                    targets.append(t)
        for t in targets:
            gain, partner = self._best_entry(r, a, t, held)
            if gain > best:
                best, move = gain, (t, partner)
        if move is None:
            return False
        target, partner = move
        if partner == -1:
            self._move(r, a, target)
        else:
            self._swap(r, a, partner)
        return True

    def _join_sum(self, a: int, table: list[int], skip: int) -> int:
        wa, ca = self.weight[a], self.count[a]
        total = 0
        for y in table:
            if y != skip:
                w = wa[y]
                total += w if w < 0 or not ca[y] else -_REPEAT
        return total

    def _try_chain_bfs(self, r: int, a: int) -> bool:
        """The ejection chain found breadth first: each person ejected keeps the best gain that
        reached it, so every alternating path within the depth and the positive-gain rule is
        seen once (an augmenting-path search over the tables)."""
        tables, where = self.tables[r], self.where[r]
        source = where[a]
        table_a = tables[source]
        big = self.instance.table_size - 1
        worth_cache: dict[int, int] = {}
        label = {a: -self._seat_worth(r, a)}
        parent: dict[int, tuple[int, int]] = {}  # ejected person -> (who took their seat, table)
        frontier = [a]
        best, best_end = 0, -1
        for depth in range(self._DEPTH):
            following = []
            for person in frontier:
                gain = label[person]
                if depth:
                    closed = gain + self._join_sum(person, table_a, a)
                    if closed > best:
                        best, best_end = closed, person
                # The tables already on this person's chain.
                used = {source}
                step = person
                while step in parent:
                    step, table_no = parent[step]
                    used.add(table_no)
                values, count, weight = self.values[person], self.count[person], self.weight[person]
                for c in self.candidates[person]:
                    if gain + values[c] * big <= 0:
                        break
                    target = where[c]
                    if target < 0 or target in used or count[c]:
                        continue
                    used.add(target)
                    table = tables[target]
                    joins = [w if (w := weight[y]) < 0 or not count[y] else -_REPEAT for y in table]
                    total = gain + sum(joins)
                    for b, join_b in zip(table, joins, strict=True):
                        joined = total - join_b
                        if joined <= 0:
                            continue
                        worth = worth_cache.get(b)
                        if worth is None:
                            worth = worth_cache[b] = self._seat_worth(r, b)
                        after = joined - worth
                        if b not in label or after > label[b]:
                            if b == a:
                                continue
                            label[b] = after
                            parent[b] = (person, target)
                            following.append(b)
            if best > 0 or not following:
                # The shortest improving chains are enough; longer ones come in later passes.
                frontier = []
                break
            following.sort(key=lambda p: -label[p])
            frontier = following[: self._BEAM]
        else:
            for person in frontier:
                closed = label[person] + self._join_sum(person, table_a, a)
                if closed > best:
                    best, best_end = closed, person
        if best_end < 0:
            return False
        moves = [(best_end, source)]
        step = best_end
        while step in parent:
            step, table_no = parent[step]
            moves.append((step, table_no))
        moves.reverse()
        # A label may have improved after its successors were built: check the chain is sound.
        people = [p for p, _ in moves]
        touched = [t for _, t in moves]
        if len(set(people)) != len(people) or len(set(touched)) != len(touched):
            return False
        for person, target in moves:
            self._move(r, person, target)
        return True

    # Chains of at most 12 moves; each level follows the 40 best people ejected (a beam).
    _DEPTH = 12
    _BEAM = 40

    def repair(self, r: int) -> None:
        """Move people out of same-company tables and repeats, searching all tables."""
        company = self.company
        for _ in range(3):
            troubled = []
            for table in self.tables[r]:
                for a in table:
                    for b in table:
                        if a != b and (company[a] == company[b] or self.count[a][b] > 1):
                            troubled.append(a)
                            break
            if not troubled:
                return
            changed = False
            for a in troubled:
                if self._seat_worth(r, a) < 0:
                    changed |= self._try_person(r, a, everywhere=True)
            if not changed:
                return

    def repeats_in(self, r: int) -> list[int]:
        """People at a table of round r with someone they meet in another round too."""
        count = self.count
        return [a for table in self.tables[r] for a in table if any(count[a][b] > 1 for b in table)]

    def reduce_repeats(self, r: int, steps: int) -> None:
        """Tabu search on a round that still has repeats: move someone who meets a partner
        twice to the best seat elsewhere, even at a loss (never next to a colleague), and keep
        the best round seen."""
        rng = self.rng
        tables = self.tables[r]

        def score() -> tuple[int, int]:
            return (
                -len(self.repeats_in(r)),
                sum(self._seat_worth(r, a) for a in self.present[r]),
            )

        best_score, best_tables = score(), [list(t) for t in tables]
        tabu: dict[int, int] = {}
        for step in range(steps):
            troubled = self.repeats_in(r)
            if not troubled or self.out_of_time():
                break
            a = rng.choice(troubled)
            held = self._seat_worth(r, a)
            avoid = {p for p, until in tabu.items() if until > step}
            move, best_gain = None, None
            for t in range(len(tables)):
                if t == self.where[r][a]:
                    continue
                gain, partner = self._best_entry(r, a, t, held, -_COLLEAGUES // 2, avoid)
                if partner != -2 and (best_gain is None or gain > best_gain):
                    move, best_gain = (t, partner), gain
            if move is None:
                continue
            target, partner = move
            if partner == -1:
                self._move(r, a, target)
            else:
                self._swap(r, a, partner)
                tabu[partner] = step + 5
            tabu[a] = step + 5
            now = score()
            if now > best_score:
                best_score, best_tables = now, [list(t) for t in self.tables[r]]
        self._clear_round(r)
        for table in best_tables:
            self._add_table(r, table)

    def improve_round(self, r: int, passes: int) -> None:
        for _ in range(passes):
            order = list(self.present[r])
            self.rng.shuffle(order)
            improved = 0
            for a in order:
                improved += self._try_person(r, a) or self._try_chain_bfs(r, a)
            if not improved or self.out_of_time():
                return

    def result(self) -> list[list[list[str]]]:
        ids = [a.id for a in self.instance.attendees]
        plan = []
        for r, tables in enumerate(self.tables):
            if r < len(self.instance.fixed_rounds):
                plan.append([list(t) for t in self.instance.fixed_rounds[r]])
            else:
                plan.append([sorted(ids[p] for p in table) for table in tables])
        return plan


def plan_seating(
    instance: Instance, *, seed: int = 0, time_limit: float | None = None
) -> list[list[list[str]]]:
    """All rounds of the event (played ones as they were), each a list of tables of ids."""
    validate(instance)
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    search = _Search(instance, random.Random(seed), deadline)
    free = range(len(instance.fixed_rounds), instance.rounds)
    for r in free:
        search.build_round(r)
    # One more pass over every round, now that each knows the pairs all others use.
    for r in free:
        if search.out_of_time():
            break
        search.improve_round(r, passes=1)
        search.repair(r)
        if search.repeats_in(r):
            search.reduce_repeats(r, steps=_REPEAT_STEPS)
            search.improve_round(r, passes=2)
    for r in free:
        # The search never seats colleagues together once they sit apart; this is the belt to
        # those braces.
        if search._colleagues_at_table(r):
            search._safe_round(r, table_sizes(len(search.present[r]), instance.table_size))
    return search.result()


# --- JSON --------------------------------------------------------------------------------------


def _strings(value: object, what: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlanningError(f"{what} must be a list of strings.")
    return frozenset(value)


def instance_from_json(data: dict) -> Instance:
    """Read a seating-instance/1 document; PlanningError names what is wrong."""
    if not isinstance(data, dict) or data.get("schema") != INSTANCE_SCHEMA:
        raise PlanningError(f"Not a {INSTANCE_SCHEMA} document.")
    rounds, size = data.get("rounds"), data.get("table_size")
    if not isinstance(rounds, int) or isinstance(rounds, bool):
        raise PlanningError("rounds must be a whole number.")
    if not isinstance(size, int) or isinstance(size, bool):
        raise PlanningError("table_size must be a whole number.")
    raw_weights = data.get("value_weights") or {}
    if not isinstance(raw_weights, dict) or not all(
        isinstance(raw_weights.get(k, 0), int) for k in ("tag", "industry", "wish")
    ):
        raise PlanningError("value_weights must map tag, industry and wish to whole numbers.")
    weights = Weights(
        **{k: raw_weights[k] for k in ("tag", "industry", "wish") if k in raw_weights}
    )
    raw_people = data.get("attendees")
    if not isinstance(raw_people, list):
        raise PlanningError("attendees must be a list.")
    attendees = []
    for raw in raw_people:
        if not isinstance(raw, dict):
            raise PlanningError("Each attendee must be an object.")
        person_id, company = raw.get("id"), raw.get("company_id")
        if not isinstance(person_id, str) or not isinstance(company, str):
            raise PlanningError("Each attendee needs a text id and company_id.")
        industry = raw.get("industry")
        if industry is not None and not isinstance(industry, str):
            raise PlanningError(f"{person_id}: industry must be text.")
        attendees.append(
            Attendee(
                id=person_id,
                company=company,
                industry=industry,
                offers=_strings(raw.get("offers"), f"{person_id}: offers"),
                needs=_strings(raw.get("needs"), f"{person_id}: needs"),
                wishes=_strings(raw.get("wishes"), f"{person_id}: wishes"),
            )
        )
    raw_absent = data.get("absent") or {}
    if not isinstance(raw_absent, dict):
        raise PlanningError("absent must map attendee ids to lists of rounds.")
    absent = {}
    for person, raw_rounds in raw_absent.items():
        if not isinstance(raw_rounds, list) or not all(
            isinstance(r, int) and not isinstance(r, bool) for r in raw_rounds
        ):
            raise PlanningError(f"absent[{person!r}] must be a list of round numbers.")
        absent[person] = frozenset(raw_rounds)
    raw_fixed = data.get("fixed_rounds") or []
    if not isinstance(raw_fixed, list) or not all(
        isinstance(tables, list)
        and all(
            isinstance(table, list) and all(isinstance(p, str) for p in table) for table in tables
        )
        for tables in raw_fixed
    ):
        raise PlanningError("fixed_rounds must be a list of rounds of tables of attendee ids.")
    fixed = tuple(tuple(tuple(table) for table in tables) for tables in raw_fixed)
    name = data.get("name") or ""
    instance = Instance(
        attendees=tuple(attendees),
        rounds=rounds,
        table_size=size,
        absent=absent,
        fixed_rounds=fixed,
        weights=weights,
        name=str(name),
    )
    validate(instance)
    return instance


def plan_to_json(instance: Instance, rounds: list[list[list[str]]], meta: dict) -> dict:
    """A seating-schedule/1 document."""
    return {"schema": PLAN_SCHEMA, "instance": instance.name, "rounds": rounds, "meta": meta}
