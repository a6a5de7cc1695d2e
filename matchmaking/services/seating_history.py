"""Who met whom at earlier KAG evenings: the seats of past seat plans (docs/seating.md, "Met at
an earlier evening").

People are the same across evenings by their account (Registration.person; a place claimed
without an account has no history), firms by their company. A past meeting counts when two
people sat at one table in a round of an earlier event's plan that was played: the plan was
published or its rounds marked, and of a plan with a marked round only the rounds up to it.

Each question here costs a fixed number of queries, whatever the number of people or evenings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from django.db.models import F, Q

from events.models import Event, Registration

from ..models import ContactMark, Seat, SeatingPlan

# What meeting again someone met at an earlier evening costs the plan at first, and the months
# after which that halves: 16 is more than a wish and a shared tag (10 + 3 + 1), so a pair who
# met a few weeks ago meets again only for much more than that; after six months it is 8, after
# a year 4, after two years 1, and from about three years on nothing.
MET_BEFORE_PENALTY = 16
MET_BEFORE_HALF_LIFE_MONTHS = 6
_DAYS_PER_MONTH = 365.25 / 12


def met_before_weight(last_met: datetime, tonight: datetime) -> int:
    """The penalty for a pair who last met at `last_met`, on the evening `tonight`: it halves
    every MET_BEFORE_HALF_LIFE_MONTHS months (rounded to a whole number)."""
    months = max(0.0, (tonight - last_met).total_seconds() / 86400 / _DAYS_PER_MONTH)
    return round(MET_BEFORE_PENALTY * 0.5 ** (months / MET_BEFORE_HALF_LIFE_MONTHS))


def _played_seats(event: Event) -> Q:
    """Seats of earlier events' plans in rounds that were played."""
    return (
        Q(plan__event__starts_at__lt=event.starts_at)
        & ~Q(plan__event_id=event.pk)
        & ~Q(plan__event__status=Event.Status.CANCELLED)
        & Q(registration__status=Registration.Status.CONFIRMED)
        & (Q(plan__status=SeatingPlan.Status.PUBLISHED) | Q(plan__current_round__isnull=False))
        & (Q(plan__current_round__isnull=True) | Q(round__lte=F("plan__current_round")))
    )


@dataclass(frozen=True)
class PastMeeting:
    """Two people who sat at one table at an earlier evening (the last time they did)."""

    last_met: datetime
    # Their registrations of that evening: (first person's, second person's), by person id order.
    registrations: tuple[int, int]


def past_meetings(event: Event, person_ids: Iterable[int]) -> dict[frozenset[int], PastMeeting]:
    """Pairs of the given people (account ids) who met at an earlier evening than `event`: one
    query."""
    persons = set(person_ids)
    if not persons:
        return {}
    tables: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
    starts: dict[int, datetime] = {}
    for plan_id, round_no, table, registration_id, person_id, starts_at in (
        Seat.objects.filter(_played_seats(event), registration__person_id__in=persons)
        .values_list(
            "plan_id",
            "round",
            "table",
            "registration_id",
            "registration__person_id",
            "plan__event__starts_at",
        )
        .order_by()
    ):
        tables[(plan_id, round_no, table)].append((person_id, registration_id))
        starts[plan_id] = starts_at
    met: dict[frozenset[int], PastMeeting] = {}
    for (plan_id, _round, _table), seated in tables.items():
        for (a, reg_a), (b, reg_b) in combinations(sorted(seated), 2):
            if a == b:
                continue
            pair = frozenset((a, b))
            earlier = met.get(pair)
            if earlier is None or earlier.last_met < starts[plan_id]:
                met[pair] = PastMeeting(starts[plan_id], (reg_a, reg_b))
    return met


def past_firm_pairs(event: Event, company_ids: Iterable[int]) -> set[frozenset[int]]:
    """Pairs of the given firms whose people sat at one table at an earlier evening: one query."""
    companies = set(company_ids)
    if not companies:
        return set()
    tables: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for plan_id, round_no, table, company_id in (
        Seat.objects.filter(_played_seats(event), registration__company_id__in=companies)
        .values_list("plan_id", "round", "table", "registration__company_id")
        .order_by()
    ):
        tables[(plan_id, round_no, table)].add(company_id)
    return {frozenset(pair) for firms in tables.values() for pair in combinations(sorted(firms), 2)}


def _mutual_marks(meetings: Iterable[PastMeeting]) -> set[frozenset[int]]:
    """The registration pairs of those meetings who both marked the other "stay in touch": one
    query."""
    registrations = {r for meeting in meetings for r in meeting.registrations}
    if not registrations:
        return set()
    marked = set(
        ContactMark.objects.filter(
            wants_contact=True,
            registration_id__in=registrations,
            partner_id__in=registrations,
        ).values_list("registration_id", "partner_id")
    )
    return {frozenset(pair) for pair in marked if (pair[1], pair[0]) in marked}


def met_before(
    event: Event, people: Sequence[Registration], wishes: dict[int, frozenset[int]]
) -> dict[frozenset[str], int]:
    """The planner's met_before for tonight's people (registration ids as text): each pair who
    met at an earlier evening, weighted by age, except pairs who want to meet again, that is who
    both marked each other "stay in touch" after their last meeting and both wished the other's
    firm for tonight (`wishes`: registration id -> wished company ids). Two queries."""
    by_person = {r.person_id: r for r in people if r.person_id is not None}
    meetings = past_meetings(event, by_person)
    mutual = _mutual_marks(meetings.values())
    weights: dict[frozenset[str], int] = {}
    for pair, meeting in meetings.items():
        a, b = (by_person[p] for p in sorted(pair))
        if a.company_id == b.company_id:
            continue
        wished = b.company_id in wishes.get(a.pk, ()) and a.company_id in wishes.get(b.pk, ())
        if wished and frozenset(meeting.registrations) in mutual:
            continue
        weight = met_before_weight(meeting.last_met, event.starts_at)
        if weight:
            weights[frozenset((str(a.pk), str(b.pk)))] = weight
    return weights
