"""The speed-dating seat planner. Pure Python, no Django import.

Formats, hard rules, value and bound: docs/seating.md (the samples live in
matchmaking/benchdata/). A plan is R rounds of tables; the planner keeps every hard rule, then
makes as few repeat meetings as it can, then maximises the value of the distinct pairs who met,
scored by ``companies.matching.value`` with the instance's weights, less the firm penalty and
the weights of pairs who met at an earlier evening (``Instance.met_before``).

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
from dataclasses import dataclass, field, replace

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
# What meeting one more person of a firm one has met already costs (docs/seating.md, "How plans
# are compared"): more than a different industry and one shared tag (1 + 3), less than a wish (10).
FIRM_PENALTY = 5
# The largest penalty a pair who met at an earlier evening may carry: far below a repeat, so a
# plan never takes a repeat to avoid them (docs/seating.md, "Met at an earlier evening").
MAX_MET_BEFORE = 1000
# A weight below this marks colleagues in the search's weights; values less a met-before
# penalty stay above it.
_APART = -_REPEAT


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
    # Cost of each further person of a firm someone has met already.
    firm_penalty: int = FIRM_PENALTY
    # Pairs who met at an earlier evening -> what meeting again tonight costs (0 to
    # MAX_MET_BEFORE; the portal lets it halve with age).
    met_before: Mapping[frozenset[str], int] = field(default_factory=dict)


@dataclass
class PlanReport:
    violations: list[str]
    repeats: int
    # The value of the distinct pairs who met: what the bounds bound.
    value: int
    # How often someone met one more person of a firm they had met already.
    firm_repeats: int = 0
    # value - firm_penalty * firm_repeats - met_before_penalty: what the planner maximises
    # after the repeats.
    score: int = 0
    # Pairs who met at an earlier evening and meet again in this plan, and what that costs.
    met_again: int = 0
    met_before_penalty: int = 0

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


def _worth_matrix(instance: Instance) -> list[list[int]]:
    """What a meeting adds to the score before the firm penalty: its value, less the met-before
    penalty of a pair who met at an earlier evening. The planner's searches use this."""
    matrix = _value_matrix(instance.attendees, instance.weights)
    if instance.met_before:
        index = {a.id: i for i, a in enumerate(instance.attendees)}
        for pair, penalty in instance.met_before.items():
            a, b = (index[p] for p in sorted(pair))
            matrix[a][b] -= penalty
            matrix[b][a] -= penalty
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
    for pair, penalty in instance.met_before.items():
        if len(pair) != 2 or not all(p in company for p in pair):
            raise PlanningError(f"met_before names {sorted(pair)!r}, not two known attendees.")
        if not isinstance(penalty, int) or not 0 <= penalty <= MAX_MET_BEFORE:
            raise PlanningError(
                f"met_before weight of {sorted(pair)!r} must be 0 to {MAX_MET_BEFORE}."
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
    firms_met: dict[tuple[str, str], int] = {}
    for a, b in met:
        for person, other in ((a, b), (b, a)):
            key = (person, company[other])
            firms_met[key] = firms_met.get(key, 0) + 1
    firm_repeats = sum(people - 1 for people in firms_met.values())
    again = [
        instance.met_before[frozenset(pair)]
        for pair in met
        if company[pair[0]] != company[pair[1]] and frozenset(pair) in instance.met_before
    ]
    return PlanReport(
        violations=violations,
        repeats=repeats,
        value=total,
        firm_repeats=firm_repeats,
        score=total - instance.firm_penalty * firm_repeats - sum(again),
        met_again=len(again),
        met_before_penalty=sum(again),
    )


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
        # What each meeting adds: the value less any met-before penalty.
        self.values = _worth_matrix(instance)
        # The search's weights: colleagues at one table cost more than anything.
        self.weight = [
            [-_COLLEAGUES if self.company[i] == self.company[j] else v for j, v in enumerate(row)]
            for i, row in enumerate(self.values)
        ]
        self.count = [[0] * n for _ in range(n)]
        # firm_met[a][c]: how many people of company c person a meets in the plan so far.
        self.firm = instance.firm_penalty
        self.firm_met = [[0] * len(companies) for _ in range(n)]
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
        count, company, firm_met = self.count, self.company, self.firm_met
        for a in members:
            where[a] = number
            for b in members:
                if a != b:
                    count[a][b] += 1
                    if count[a][b] == 1:
                        firm_met[a][company[b]] += 1

    # The objective's change when a pair starts or stops sharing a table in this round: the
    # weight, a repeat, or the value less the cost of one more person of a firm met already.
    def _join(self, a: int, b: int) -> int:
        w = self.weight[a][b]
        if w < _APART:
            return w
        if self.count[a][b]:
            return -_REPEAT
        firm_met = self.firm_met
        return w - self.firm * (
            (firm_met[a][self.company[b]] > 0) + (firm_met[b][self.company[a]] > 0)
        )

    def _held(self, a: int, b: int) -> int:
        w = self.weight[a][b]
        if w < _APART:
            return w
        if self.count[a][b] > 1:
            return -_REPEAT
        firm_met = self.firm_met
        return w - self.firm * (
            (firm_met[a][self.company[b]] > 1) + (firm_met[b][self.company[a]] > 1)
        )

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
                        gain += values[person][other] - self.firm * (
                            (self.firm_met[person][company[other]] > 0)
                            + (self.firm_met[other][company[person]] > 0)
                        )
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
        count, company, firm_met = self.count, self.company, self.firm_met
        for table in self.tables[r]:
            for a in table:
                self.where[r][a] = -1
                for b in table:
                    if a != b:
                        count[a][b] -= 1
                        if not count[a][b]:
                            firm_met[a][company[b]] -= 1
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
        company, firm_met = self.company, self.firm_met
        ca = company[a]
        source = where[a]
        tables[source].remove(a)
        for x in tables[source]:
            count[a][x] -= 1
            count[x][a] -= 1
            if not count[a][x]:
                firm_met[a][company[x]] -= 1
                firm_met[x][ca] -= 1
        for y in tables[target]:
            count[a][y] += 1
            count[y][a] += 1
            if count[a][y] == 1:
                firm_met[a][company[y]] += 1
                firm_met[y][ca] += 1
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
        tables, join, held_by = self.tables[r], self._join, self._held
        source_table = tables[self.where[r][a]]
        table = tables[target]
        join_a = []
        total_a = 0
        for y in table:
            g = join(a, y)
            join_a.append(g)
            total_a += g
        best, best_partner = floor, -2
        if len(source_table) == len(table) + 1 and total_a - held > best:
            best, best_partner = total_a - held, -1
        for k, b in enumerate(table):
            if b in avoid:
                continue
            # b leaves `target` (losing its pairs there) and takes a's seat.
            gain = total_a - join_a[k] - held
            for m, y in enumerate(table):
                if m != k:
                    gain -= held_by(b, y)
            for x in source_table:
                if x != a:
                    gain += join(b, x)
            if gain > best:
                best, best_partner = gain, b
        return best, best_partner

    def _seat_worth(self, r: int, a: int) -> int:
        held = self._held
        return sum(held(a, x) for x in self.tables[r][self.where[r][a]] if x != a)

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
        join = self._join
        return sum(join(a, y) for y in table if y != skip)

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
                values, count = self.values[person], self.count[person]
                weight, met_firm = self.weight[person], self.firm_met[person]
                own, firm, firm_met, company = (
                    self.company[person],
                    self.firm,
                    self.firm_met,
                    self.company,
                )
                for c in self.candidates[person]:
                    if gain + values[c] * big <= 0:
                        break
                    target = where[c]
                    if target < 0 or target in used or count[c]:
                        continue
                    used.add(target)
                    table = tables[target]
                    # _join(person, y) for each, written out: this is the search's hot loop.
                    joins = [
                        w
                        if (w := weight[y]) < _APART
                        else -_REPEAT
                        if count[y]
                        else w - firm * ((met_firm[company[y]] > 0) + (firm_met[y][own] > 0))
                        for y in table
                    ]
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


# --- exact search on small events ----------------------------------------------------------------

# Events up to this many people get the complete search after the heuristic (docs/seating.md,
# "Exact on small events").
EXACT_MAX_PEOPLE = 40
# Search steps (tablemates tried) the exact search may spend: first on the repeats, then on the
# value. Counted, not timed, so a plan stays the same for a seed on any machine; a million take
# about one to three seconds on the development machine, fewer people and pairs go faster.
EXACT_REPEAT_NODES = 150_000
EXACT_VALUE_NODES = 30_000
# Further seeds of the heuristic tried on a small event that has more repeats than the bound.
EXACT_RESTARTS = 2
# Steps the search may spend, in all, re-planning only the worst one, two or three rounds; only
# from this many people on (below, the full search decides most events by itself).
EXACT_PARTIAL_NODES = 1_000_000
EXACT_PARTIAL_MIN_PEOPLE = 20


class _Stop(Exception):
    """Ends the exact search: a first plan found, or the node budget spent."""


class _Exact:
    """Complete search over the rounds still to plan, round by round and table by table.

    Each round is a partition of the people present into tables of the layout's sizes. The
    search picks one unseated person (the round's anchor first, then the one with the fewest
    possible tablemates) and branches over every table that person can sit at: every size still
    open and every set of tablemates. So every partition of a round is reached exactly once, and
    every plan once per order of interchangeable rounds; of those orders only the one whose
    anchor tables do not go down is searched (the rounds of one presence can be sorted so, with
    the same repeats and value). Branches are cut only where the counting bounds prove that no
    plan below them has few enough repeats or a higher score, so a search that runs to the end
    has seen every plan that matters."""

    def __init__(self, instance: Instance, values: list[list[int]]):
        people = instance.attendees
        self.n = n = len(people)
        index = {a.id: i for i, a in enumerate(people)}
        companies = {c: k for k, c in enumerate(sorted({a.company for a in people}))}
        self.company = company = [companies[a.company] for a in people]
        self.values = values
        self.firm = instance.firm_penalty
        self.other_firm = [
            sum(1 << j for j in range(n) if company[j] != company[i]) for i in range(n)
        ]
        self.count = [[0] * n for _ in range(n)]
        everyone = (1 << n) - 1
        self.unmet = [everyone & ~(1 << i) for i in range(n)]
        self.firm_met = [[0] * len(companies) for _ in range(n)]
        self.score = 0
        self.repeats = 0
        for tables in instance.fixed_rounds:
            for table in tables:
                self._seat([index[p] for p in table])
        self.free = list(range(len(instance.fixed_rounds), instance.rounds))
        self.present = [sum(1 << index[p] for p in _present(instance, r)) for r in self.free]
        self.sizes = [
            tuple(table_sizes(mask.bit_count(), instance.table_size)) for mask in self.present
        ]
        # The last earlier free round with the same people present: such rounds can swap.
        self.same_as = []
        for k, mask in enumerate(self.present):
            earlier = [j for j in range(k) if self.present[j] == mask]
            self.same_as.append(earlier[-1] if earlier else -1)
        rounds = len(self.free)
        # From free round k on, per person: the fewest and the most seats next to others, and
        # everyone they share a round with.
        self.need_from = [[0] * n for _ in range(rounds + 1)]
        self.seats_from = [[0] * n for _ in range(rounds + 1)]
        self.met_from = [[0] * n for _ in range(rounds + 1)]
        for k in range(rounds - 1, -1, -1):
            mask, sizes = self.present[k], self.sizes[k]
            for i in range(n):
                here = mask >> i & 1
                self.need_from[k][i] = self.need_from[k + 1][i] + here * (sizes[-1] - 1)
                self.seats_from[k][i] = self.seats_from[k + 1][i] + here * (sizes[0] - 1)
                self.met_from[k][i] = self.met_from[k + 1][i] | (mask & ~(1 << i) if here else 0)
        # Partners by value, best first (stable: ties by index).
        self.by_value = [sorted(range(n), key=row.__getitem__, reverse=True) for row in values]
        self.tables: list[list[list[int]]] = [[] for _ in self.free]

    # -- the plan so far --

    def _seat(self, table: list[int]) -> None:
        count, company, firm_met, values = self.count, self.company, self.firm_met, self.values
        for k, a in enumerate(table):
            for b in table[k + 1 :]:
                if count[a][b]:
                    self.repeats += 1
                else:
                    self.score += values[a][b] - self.firm * (
                        (firm_met[a][company[b]] > 0) + (firm_met[b][company[a]] > 0)
                    )
                    firm_met[a][company[b]] += 1
                    firm_met[b][company[a]] += 1
                    self.unmet[a] &= ~(1 << b)
                    self.unmet[b] &= ~(1 << a)
                count[a][b] += 1
                count[b][a] += 1

    def _unseat(self, table: list[int]) -> None:
        count, company, firm_met, values = self.count, self.company, self.firm_met, self.values
        for k, a in enumerate(table):
            for b in table[k + 1 :]:
                count[a][b] -= 1
                count[b][a] -= 1
                if count[a][b]:
                    self.repeats -= 1
                else:
                    firm_met[a][company[b]] -= 1
                    firm_met[b][company[a]] -= 1
                    self.score -= values[a][b] - self.firm * (
                        (firm_met[a][company[b]] > 0) + (firm_met[b][company[a]] > 0)
                    )
                    self.unmet[a] |= 1 << b
                    self.unmet[b] |= 1 << a

    # -- bounds for the rounds from free round k on --

    def repeat_bound(self, k: int) -> int:
        """Repeats still to come at least: person i sits next to need_from[k][i] people in
        those rounds, and only the new ones of another firm present with i are no repeat."""
        missing = 0
        need, met_from = self.need_from[k], self.met_from[k]
        for i in range(self.n):
            if need[i]:
                fresh = (self.unmet[i] & self.other_firm[i] & met_from[i]).bit_count()
                if need[i] > fresh:
                    missing += need[i] - fresh
        # Each repeat is a pair: it counts for two people.
        return (missing + 1) // 2

    def value_bound(self, k: int) -> int:
        """Score still to gain at most: each person's best new partners for the seats left,
        halved (every pair counted from both sides); the firm penalty only lowers it."""
        total = 0
        seats, met_from, values = self.seats_from[k], self.met_from[k], self.values
        for i in range(self.n):
            left = seats[i]
            if not left:
                continue
            open_ = self.unmet[i] & self.other_firm[i] & met_from[i]
            row = values[i]
            for j in self.by_value[i]:
                if row[j] <= 0 or not left:
                    break
                if open_ >> j & 1:
                    total += row[j]
                    left -= 1
        return total // 2

    # -- the search --

    def search(
        self, max_repeats: int, floor: int | None, nodes: int, deadline: float | None
    ) -> tuple[list[list[list[int]]] | None, bool]:
        """The best plan of the free rounds with at most max_repeats repeats (counting the played
        rounds) and a score above floor (None: the first such plan), and whether the search ran to
        the end."""
        self.limit, self.floor, self.first_only = max_repeats, floor, floor is None
        self.nodes_left, self.deadline = nodes, deadline
        self.best: list[list[list[int]]] | None = None
        complete = True
        try:
            self._round(0)
        except _Stop:
            complete = self.first_only and self.best is not None
        return self.best, complete

    def _round(self, k: int) -> None:
        if k == len(self.free):
            if self.floor is None or self.score > self.floor:
                self.best = [[list(t) for t in tables] for tables in self.tables]
                if self.first_only:
                    raise _Stop
                self.floor = self.score
            return
        if self.repeats + self.repeat_bound(k) > self.limit:
            return
        if self.floor is not None and self.score + self.value_bound(k) <= self.floor:
            return
        self._table(k, self.present[k], self.sizes[k])

    def _table(self, k: int, unseated: int, sizes: tuple[int, ...]) -> None:
        if not unseated:
            self._round(k + 1)
            return
        # Choosing the person costs about as much as trying ten tablemates.
        self.nodes_left -= 10
        may_repeat = self.repeats < self.limit
        tables = self.tables[k]
        if not tables:
            # The anchor: the first person present; it orders interchangeable rounds.
            person = (unseated & -unseated).bit_length() - 1
        else:
            person, fewest = -1, self.n + 1
            rest = unseated
            while rest:
                low = rest & -rest
                i = low.bit_length() - 1
                rest ^= low
                allowed = self.other_firm[i] & unseated
                if not may_repeat:
                    allowed &= self.unmet[i]
                options = allowed.bit_count()
                if options < fewest:
                    person, fewest = i, options
        allowed = self.other_firm[person] & unseated
        if not may_repeat:
            allowed &= self.unmet[person]
        candidates = [j for j in self.by_value[person] if allowed >> j & 1]
        floor_table: tuple[int, ...] | None = None
        if not tables and self.same_as[k] >= 0:
            floor_table = tuple(sorted(self.tables[self.same_as[k]][0]))
        for size in sorted(set(sizes), reverse=True):
            position = sizes.index(size)
            left = sizes[:position] + sizes[position + 1 :]
            for mates in self._mates(person, candidates, size - 1):
                table = [person, *mates]
                if floor_table is not None and tuple(sorted(table)) < floor_table:
                    continue
                self.nodes_left -= 1
                if self.nodes_left < 0 or (
                    self.deadline is not None
                    and not self.nodes_left % 512
                    and time.perf_counter() > self.deadline
                ):
                    raise _Stop
                self._seat(table)
                tables.append(table)
                try:
                    if self.repeats <= self.limit:
                        seated = 0
                        for p in table:
                            seated |= 1 << p
                        self._table(k, unseated & ~seated, left)
                finally:
                    # Also when _Stop ends the search: the next search starts from the same state.
                    tables.pop()
                    self._unseat(table)

    def _mates(self, person: int, candidates: list[int], wanted: int):
        """Every set of `wanted` tablemates for person from candidates (in their order), no two of
        one firm and no more repeats than the limit allows."""
        chosen: list[int] = []
        other_firm, count = self.other_firm, self.count
        spare = self.limit - self.repeats

        def extend(start: int, spare: int):
            if len(chosen) == wanted:
                yield list(chosen)
                return
            for position in range(start, len(candidates) - (wanted - len(chosen)) + 1):
                # Every tablemate tried counts as work, so the budget follows the time.
                self.nodes_left -= 1
                c = candidates[position]
                cost = 0
                fits = True
                for m in chosen:
                    if not other_firm[m] >> c & 1:
                        fits = False
                        break
                    cost += count[m][c] > 0
                if not fits:
                    continue
                cost += count[person][c] > 0
                if cost > spare:
                    continue
                chosen.append(c)
                yield from extend(position + 1, spare - cost)
                chosen.pop()

        yield from extend(0, spare)


@dataclass(frozen=True)
class Plan:
    """A plan and what is proven about it (docs/seating.md, "Exact on small events")."""

    rounds: list[list[list[str]]]
    report: PlanReport
    # No valid plan has fewer repeats.
    repeats_proven_minimal: bool
    # ... and none with as few repeats has a higher score.
    proven_optimal: bool
    # Repeats every valid plan has at least (the counting bound, or the search's proof).
    repeat_lower_bound: int
    # "complete", "cut short" (the heuristic's plan, or the best the search found in time) or
    # "not run" (too many people, or no time left).
    exact_search: str

    @property
    def repeat_free_proven(self) -> bool:
        """A plan without repeats, or a proof that none exists."""
        return self.repeats_proven_minimal


def repeat_lower_bound(instance: Instance) -> int:
    """Repeats every valid plan has at least: each person sits next to at least (smallest table
    - 1) people per round left, and only as many of those can be new as there are people of other
    firms present with them whom they have not met; the played rounds' repeats count too."""
    validate(instance)
    exact = _Exact(instance, _worth_matrix(instance))
    return exact.repeats + exact.repeat_bound(0)


def _heuristic(instance: Instance, seed: int, deadline: float | None) -> _Search:
    """The planner's search (docs/seating.md, "How the planner works")."""
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
    return search


def _from_exact(
    instance: Instance, found: list[list[list[int]]], seed: int, deadline: float | None
) -> tuple[list[list[list[str]]], PlanReport]:
    """The exact search's rounds, polished by the local search where that helps (its moves never
    add a repeat; the better of the two by repeats, then score, is kept)."""
    ids = [a.id for a in instance.attendees]
    played = [[list(t) for t in tables] for tables in instance.fixed_rounds]
    rounds = played + [[sorted(ids[p] for p in table) for table in tables] for tables in found]
    report = check_plan(instance, rounds)
    search = _Search(instance, random.Random(seed), deadline)
    for k, tables in enumerate(found):
        for table in tables:
            search._add_table(len(played) + k, list(table))
    for r in range(len(played), instance.rounds):
        search.improve_round(r, passes=2)
    polished = search.result()
    better = check_plan(instance, polished)
    if not better.violations and (better.repeats, -better.score) < (report.repeats, -report.score):
        return polished, better
    return rounds, report


def _replan_worst_rounds(
    instance: Instance,
    rounds: list[list[list[str]]],
    report: PlanReport,
    values: list[list[int]],
    seed: int,
    deadline: float | None,
) -> tuple[list[list[list[str]]], PlanReport] | None:
    """A plan with fewer repeats found by keeping the heuristic's best rounds and searching only
    the one, two or three rounds with the most repeats again (None when that finds none). Only
    where every round to plan has the same people present, so kept rounds may come first."""
    played = len(instance.fixed_rounds)
    free = list(range(played, instance.rounds))
    if len(free) < 2 or len({frozenset(_present(instance, r)) for r in free}) > 1:
        return None
    met: dict[frozenset[str], int] = {}
    for tables in rounds:
        for table in tables:
            for k, a in enumerate(table):
                for b in table[k + 1 :]:
                    met[frozenset((a, b))] = met.get(frozenset((a, b)), 0) + 1
    trouble = {
        r: sum(
            met[frozenset((a, b))] > 1
            for table in rounds[r]
            for k, a in enumerate(table)
            for b in table[k + 1 :]
        )
        for r in free
    }
    worst = sorted(free, key=lambda r: (-trouble[r], r))
    index = {a.id: i for i, a in enumerate(instance.attendees)}
    nodes = EXACT_PARTIAL_NODES
    for redo in (1, 2, 3):
        if redo >= len(free) or not trouble[worst[redo - 1]]:
            break
        kept = [r for r in free if r not in worst[:redo]]
        part = Instance(
            attendees=instance.attendees,
            rounds=instance.rounds,
            table_size=instance.table_size,
            absent=instance.absent,
            fixed_rounds=(
                *instance.fixed_rounds,
                *(tuple(tuple(t) for t in rounds[r]) for r in kept),
            ),
            weights=instance.weights,
            name=instance.name,
            firm_penalty=instance.firm_penalty,
            met_before=instance.met_before,
        )
        exact = _Exact(part, values)
        limit = exact.repeats + exact.repeat_bound(0)
        while limit < report.repeats and nodes > 0:
            found, complete = exact.search(limit, None, nodes, deadline)
            nodes = exact.nodes_left
            if found is not None:
                kept_tables = [[[index[p] for p in t] for t in rounds[r]] for r in kept]
                return _from_exact(instance, kept_tables + found, seed, deadline)
            if not complete:
                break
            limit += 1
    return None


def plan_event(instance: Instance, *, seed: int = 0, time_limit: float | None = None) -> Plan:
    """The plan of every round (played ones as they were) and what is proven about it.

    The heuristic plans first. On events of at most EXACT_MAX_PEOPLE people the exact search
    then decides, within its node budget, whether fewer repeats are possible (and finds such a
    plan), and then whether a higher score is; where it runs out, the plan says so."""
    validate(instance)
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    search = _heuristic(instance, seed, deadline)
    rounds = search.result()
    report = check_plan(instance, rounds)
    if len(instance.attendees) > EXACT_MAX_PEOPLE or search.out_of_time():
        lower = 0 if not report.repeats else repeat_lower_bound(instance)
        return Plan(rounds, report, report.repeats <= lower, False, lower, "not run")
    exact = _Exact(instance, search.values)
    lower = exact.repeats + exact.repeat_bound(0)
    # The heuristic depends on its seed; on a small event a few more runs are cheap.
    for restart in range(1, EXACT_RESTARTS + 1):
        if report.repeats <= lower or search.out_of_time():
            break
        again = _heuristic(instance, seed + restart, deadline).result()
        other = check_plan(instance, again)
        if (other.repeats, -other.score) < (report.repeats, -report.score):
            rounds, report = again, other
    if report.repeats > lower and len(instance.attendees) >= EXACT_PARTIAL_MIN_PEOPLE:
        better = _replan_worst_rounds(instance, rounds, report, search.values, seed, deadline)
        if better is not None:
            rounds, report = better
    status = "complete"
    nodes = EXACT_REPEAT_NODES
    # First the repeats: is a plan with `limit` repeats possible, from the bound up?
    while lower < report.repeats:
        found, complete = exact.search(lower, None, nodes, deadline)
        nodes = max(0, exact.nodes_left)
        if not complete:
            status = "cut short"
            break
        if found is not None:
            rounds, report = _from_exact(instance, found, seed, deadline)
            break
        # None with `lower` repeats: every plan has more.
        lower += 1
    if report.repeats > lower and instance.met_before and not search.out_of_time():
        # Many pairs who met before steer the searches away from the plans that avoid repeats;
        # the plan of the same evening without them may have fewer. Its proofs hold here too:
        # which plans repeat does not depend on the values.
        plain = plan_event(replace(instance, met_before={}), seed=seed, time_limit=_left(deadline))
        lower = max(lower, plain.repeat_lower_bound)
        if plain.report.repeats < report.repeats:
            played = len(instance.fixed_rounds)
            index = {a.id: i for i, a in enumerate(instance.attendees)}
            found = [[[index[p] for p in t] for t in tables] for tables in plain.rounds[played:]]
            rounds, report = _from_exact(instance, found, seed, deadline)
    minimal = report.repeats <= lower
    optimal = False
    if minimal:
        # Then the score among the plans with that few repeats.
        found, optimal = exact.search(report.repeats, report.score, EXACT_VALUE_NODES, deadline)
        if found is not None:
            rounds, report = _from_exact(instance, found, seed, deadline)
        if not optimal:
            status = "cut short"
    return Plan(rounds, report, minimal, optimal, lower, status)


def _left(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.perf_counter())


def plan_seating(
    instance: Instance, *, seed: int = 0, time_limit: float | None = None
) -> list[list[list[str]]]:
    """All rounds of the event (played ones as they were), each a list of tables of ids."""
    return plan_event(instance, seed=seed, time_limit=time_limit).rounds


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
    firm_penalty = raw_weights.get("firm", FIRM_PENALTY)
    if not isinstance(firm_penalty, int) or isinstance(firm_penalty, bool) or firm_penalty < 0:
        raise PlanningError("value_weights.firm must be a whole number, 0 or more.")
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
    met_before = _met_before_from_json(data.get("met_before"))
    name = data.get("name") or ""
    instance = Instance(
        attendees=tuple(attendees),
        rounds=rounds,
        table_size=size,
        absent=absent,
        fixed_rounds=fixed,
        weights=weights,
        name=str(name),
        firm_penalty=firm_penalty,
        met_before=met_before,
    )
    validate(instance)
    return instance


def _met_before_from_json(raw: object) -> dict[frozenset[str], int]:
    """met_before as `[[id, id, weight], ...]` (missing: nobody met before)."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise PlanningError("met_before must be a list of [id, id, weight].")
    pairs: dict[frozenset[str], int] = {}
    for entry in raw:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and isinstance(entry[1], str)
            and isinstance(entry[2], int)
            and not isinstance(entry[2], bool)
        ):
            raise PlanningError("met_before must be a list of [id, id, weight].")
        pairs[frozenset(entry[:2])] = entry[2]
    return pairs


def met_before_to_json(met_before: Mapping[frozenset[str], int]) -> list[list]:
    """met_before as the JSON format writes it, sorted."""
    return sorted([*sorted(pair), weight] for pair, weight in met_before.items())


def plan_to_json(instance: Instance, rounds: list[list[list[str]]], meta: dict) -> dict:
    """A seating-schedule/1 document."""
    return {"schema": PLAN_SCHEMA, "instance": instance.name, "rounds": rounds, "meta": meta}
