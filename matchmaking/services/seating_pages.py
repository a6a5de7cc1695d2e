"""What the seating pages show, read from a stored plan: the staff grid with every pair's
reason and the plan's check, and one attendee's rounds with their partners. Reads only; every
change of a plan is in matchmaking.services.seating.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef

from companies.matching import Fit, fit
from events.models import Event, Registration

from .. import planner
from ..models import Seat, SeatingPlan
from .seating import (
    attendee_of,
    plan_instance,
    registrations_with_profiles,
    seated_ids,
    stored_rounds,
)
from .seating_history import past_firm_pairs, past_meetings


@dataclass(frozen=True)
class Pair:
    """Two people at one table and why it is good that they meet (from `a`'s view)."""

    a: Registration
    b: Registration
    fit: Fit
    # Tag names: what b offers that a needs, and what b needs that a offers.
    b_offers: tuple[str, ...]
    b_needs: tuple[str, ...]
    repeat: bool = False


@dataclass
class Table:
    number: int
    people: list[Registration]
    pairs: list[Pair] = field(default_factory=list)

    @property
    def value(self) -> int:
        return sum(pair.fit.value for pair in self.pairs if not pair.repeat)


@dataclass
class Round:
    number: int
    starts_at: datetime | None
    ends_at: datetime | None
    tables: list[Table]
    played: bool
    running: bool


@dataclass
class Grid:
    plan: SeatingPlan
    rounds: list[Round]
    table_count: int
    people: list[Registration]
    report: planner.PlanReport
    bound: int

    @property
    def rows(self) -> list[tuple[int, list[tuple[Round, Table | None]]]]:
        """Table number → (round, that table in it) for every round (None where a round has
        fewer tables)."""
        return [
            (
                number,
                [
                    (round_, round_.tables[number - 1] if number <= len(round_.tables) else None)
                    for round_ in self.rounds
                ],
            )
            for number in range(1, self.table_count + 1)
        ]

    @property
    def slips(self) -> list[tuple[Registration, list[tuple[Round, Table | None, list]]]]:
        """Per person (by name): every round with their table and the others at it."""
        seats: dict[int, dict[int, Table]] = defaultdict(dict)
        for round_ in self.rounds:
            for table in round_.tables:
                for person in table.people:
                    seats[person.pk][round_.number] = table
        result = []
        for person in self.people:
            rows: list[tuple[Round, Table | None, list]] = []
            for round_ in self.rounds:
                seat = seats[person.pk].get(round_.number)
                others = [other for other in seat.people if other != person] if seat else []
                rows.append((round_, seat, others))
            result.append((person, rows))
        return result


def _tag_names(registration: Registration, relation: str, keys: Iterable[str]) -> tuple[str, ...]:
    tags = {tag.key: tag.name for tag in getattr(registration.company, relation).all()}
    return tuple(tags[key] for key in keys if key in tags)


def pair_of(a: Registration, b: Registration, attendees: dict[int, planner.Attendee]) -> Pair:
    result = fit(attendees[a.pk], attendees[b.pk])  # type: ignore[arg-type]
    return Pair(
        a=a,
        b=b,
        fit=result,
        b_offers=_tag_names(b, "offers", result.they_can_help_with),
        b_needs=_tag_names(b, "needs", result.we_can_help_with),
    )


def schedule_times(event: Event) -> dict[int, tuple[datetime, datetime]]:
    return {number: (start, end) for number, start, end in event.speed_dating_rounds_schedule()}


def grid(plan: SeatingPlan) -> Grid:
    """Every round's tables with the people, each pair's reason and value, the plan's check and
    the planner's bound; a fixed number of queries whatever the size of the plan."""
    rounds = stored_rounds(plan)
    people = {
        registration.pk: registration
        for registration in registrations_with_profiles()
        .filter(pk__in=[int(pk) for pk in seated_ids(rounds)])
        .order_by("pk")
    }
    instance = plan_instance(plan, rounds, list(people.values()))
    attendees = {int(attendee.id): attendee for attendee in instance.attendees}
    times = schedule_times(plan.event)
    running = plan.running_round
    met: dict[frozenset[int], int] = defaultdict(int)
    round_views = []
    for r, tables in enumerate(rounds, start=1):
        table_views = []
        for t, table in enumerate(tables, start=1):
            seated = [people[int(pk)] for pk in table]
            view = Table(number=t, people=seated)
            for i, a in enumerate(seated):
                for b in seated[i + 1 :]:
                    key = frozenset((a.pk, b.pk))
                    pair = pair_of(a, b, attendees)
                    if met[key]:
                        pair = Pair(pair.a, pair.b, pair.fit, pair.b_offers, pair.b_needs, True)
                    met[key] += 1
                    view.pairs.append(pair)
            table_views.append(view)
        start, end = times.get(r, (None, None))
        round_views.append(
            Round(
                number=r,
                starts_at=start,
                ends_at=end,
                tables=table_views,
                played=r < (plan.current_round or 0),
                running=r == running,
            )
        )
    report = planner.check_plan(instance, rounds)
    try:
        bound = planner.upper_bound(instance)
    except planner.PlanningError:
        bound = 0
    return Grid(
        plan=plan,
        rounds=round_views,
        table_count=max((len(tables) for tables in rounds), default=0),
        people=sorted(people.values(), key=lambda person: (person.name, person.pk)),
        report=report,
        bound=bound,
    )


@dataclass(frozen=True)
class FirstMeetings:
    """How many of a plan's meetings are new: between people (and firms) who never sat at one
    table at an earlier KAG evening (docs/seating.md, "Met at an earlier evening")."""

    # Pairs of people of different firms who share a table in the plan (a repeat counts once).
    meetings: int
    # ... of whom the two never met at an earlier evening (a place without an account counts as
    # new: it has no history).
    new_people: int
    # ... whose two firms never had people at one table at an earlier evening.
    new_firms: int


def first_meetings(
    event: Event, rounds: Iterable[Round], people: Iterable[Registration]
) -> FirstMeetings:
    """The "neu kennengelernt" figures of a plan (its rounds as the grid shows them): two
    queries, whatever the size of the plan."""
    people = list(people)
    pairs: set[tuple[Registration, Registration]] = set()
    for round_ in rounds:
        for table in round_.tables:
            for pair in table.pairs:
                if pair.a.company_id != pair.b.company_id:
                    a, b = sorted((pair.a, pair.b), key=lambda r: r.pk)
                    pairs.add((a, b))
    met = past_meetings(event, {r.person_id for r in people if r.person_id is not None})
    firms = past_firm_pairs(event, {r.company_id for r in people})
    new_people = sum(
        a.person_id is None
        or b.person_id is None
        or frozenset((a.person_id, b.person_id)) not in met
        for a, b in pairs
    )
    new_firms = sum(frozenset((a.company_id, b.company_id)) not in firms for a, b in pairs)
    return FirstMeetings(meetings=len(pairs), new_people=new_people, new_firms=new_firms)


@dataclass
class MyRound:
    number: int
    starts_at: datetime | None
    ends_at: datetime | None
    table: int | None
    partners: list[Pair]
    running: bool
    played: bool
    # The round's table and partners as HTML, where the page keeps them (views/partners.py).
    body: str = ""


def round_states(plan: SeatingPlan) -> list[MyRound]:
    """Every round with its time and whether it runs or was played, in the order the attendee
    sees them: the running round first, then the ones to come, then the ones played. No query;
    tables and partners left empty."""
    running = plan.running_round
    rounds = [
        MyRound(
            number=number,
            starts_at=start,
            ends_at=end,
            table=None,
            partners=[],
            running=number == running,
            played=running is not None and number < running,
        )
        for number, start, end in plan.event.speed_dating_rounds_schedule()
    ]
    return sorted(rounds, key=lambda r: (not r.running, r.played, r.number))


def seats_fingerprint(plan: SeatingPlan) -> str:
    """A digest of every seat of the plan: equal for two versions of the plan that differ only
    in the marked round or publication. One query over the plan's seats, three columns."""
    seats = (
        Seat.objects.filter(plan_id=plan.pk)
        .order_by("round", "table", "registration_id")
        .values_list("round", "table", "registration_id")
    )
    return hashlib.blake2b(repr(list(seats)).encode(), digest_size=16).hexdigest()


def my_tables(plan: SeatingPlan, registration: Registration) -> list[tuple[int, int, int]]:
    """(round, table, registration id) of the attendee's seats and everyone at their tables: one
    query over the seat index, whatever the size of the plan."""
    at_my_table = Seat.objects.filter(
        plan_id=plan.pk,
        registration_id=registration.pk,
        round=OuterRef("round"),
        table=OuterRef("table"),
    )
    return sorted(
        Seat.objects.filter(plan_id=plan.pk)
        .filter(Exists(at_my_table))
        .order_by()
        .values_list("round", "table", "registration_id")
    )


def personal_schedule(
    plan: SeatingPlan,
    registration: Registration,
    seats: list[tuple[int, int, int]] | None = None,
) -> list[MyRound]:
    """One attendee's rounds: time, table and partners with the reasons, the running round first,
    then the ones to come, then the ones played. A fixed number of queries that reads only the
    attendee's seats (`seats`, when my_tables() gave them already) and their table mates'
    registrations, not the whole plan."""
    seats = my_tables(plan, registration) if seats is None else seats
    mine = {round_no: table for round_no, table, pk in seats if pk == registration.pk}
    people = {
        person.pk: person
        for person in registrations_with_profiles().filter(
            pk__in={registration.pk, *(pk for *_, pk in seats)}
        )
    }
    me = people[registration.pk]
    table_mates: dict[int, list[Registration]] = defaultdict(list)
    for round_no, table, pk in seats:
        if pk != registration.pk and mine.get(round_no) == table:
            table_mates[round_no].append(people[pk])
    attendees = {pk: attendee_of(person) for pk, person in people.items()}
    rounds = round_states(plan)
    for round_ in rounds:
        mates = sorted(table_mates.get(round_.number, []), key=lambda o: (o.name, o.pk))
        round_.table = mine.get(round_.number)
        round_.partners = [pair_of(me, other, attendees) for other in mates]
    return rounds
