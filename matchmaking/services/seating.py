"""Seat plans of an event: generate, swap two people, re-plan the rest, mark the running round,
publish.

The seating itself comes from matchmaking.planner (pure Python); this module turns an event's
registrations into a planner Instance and stores the result as Seat rows. Every change names the
plan version it was made on (`expected_version`) and runs with the plan row locked, so of two staff
members editing at once the later save is refused, never half-applied.

Attendee ids in the planner are str(registration.pk), company ids str(company.pk).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Tag
from companies.services.matching import profile_of
from events.models import Event, Registration

from .. import planner
from ..models import Seat, SeatingPlan
from . import seating_history, seating_mails

# Seconds a web request lets the planner search; plans of a network evening take far less.
PLANNER_TIME_LIMIT = 5.0

Rounds = list[list[list[str]]]


class SeatingError(Exception):
    """The change cannot be made; the message (translated) says why."""


class StalePlan(SeatingError):
    """The plan changed since the page was loaded (another staff member saved first)."""


# --- attendees ---------------------------------------------------------------------------------


def registrations_with_profiles() -> QuerySet[Registration]:
    """Registrations with what the planner and the reasons need, in a fixed number of queries."""
    return Registration.objects.select_related("company", "company__town").prefetch_related(
        Prefetch("company__offers", queryset=Tag.objects.order_by("name")),
        Prefetch("company__needs", queryset=Tag.objects.order_by("name")),
        "wish_partners",
    )


def present_registrations(event: Event, source: str) -> list[Registration]:
    """Who is to be seated: the confirmed registrations before the evening, or only those checked
    in on the evening (walk-ins are confirmed and checked in, so they count). Whoever left the
    evening early (matchmaking.Departure) is not seated again."""
    registrations = registrations_with_profiles().filter(
        event=event, status=Registration.Status.CONFIRMED, departure__isnull=True
    )
    if source == SeatingPlan.Source.CHECKED_IN:
        registrations = registrations.filter(checked_in_at__isnull=False)
    return list(registrations.order_by("pk"))


def default_source(event: Event) -> str:
    """Once anyone is checked in the evening is on: plan from the people in the room."""
    checked_in = event.registrations.filter(
        status=Registration.Status.CONFIRMED, checked_in_at__isnull=False
    ).exists()
    return SeatingPlan.Source.CHECKED_IN if checked_in else SeatingPlan.Source.REGISTRATIONS


def attendee_of(registration: Registration) -> planner.Attendee:
    """The planner's view of one registration: its company's profile plus the person's wishes."""
    profile = profile_of(registration.company)
    return planner.Attendee(
        id=str(registration.pk),
        company=str(profile.company),
        industry=profile.industry,
        offers=profile.offers,
        needs=profile.needs,
        wishes=frozenset(str(company.pk) for company in registration.wish_partners.all()),
    )


def _instance(
    event: Event,
    people: Iterable[Registration],
    *,
    rounds: int,
    seated: dict[str, set[int]] | None = None,
    present: set[str] | None = None,
    fixed: Rounds | None = None,
) -> planner.Instance:
    """An Instance of `rounds` rounds: the first len(fixed) are played as `fixed`; someone is
    absent in a played round where they did not sit (`seated`: id -> 0-based rounds), and in the
    rounds to come when they are not in `present` (everyone when it is None)."""
    fixed = fixed or []
    people = list(people)
    attendees = tuple(attendee_of(registration) for registration in people)
    played = len(fixed)
    absent = {}
    for attendee in attendees:
        away = {r for r in range(played) if r not in (seated or {}).get(attendee.id, set())}
        if present is not None and attendee.id not in present:
            away |= set(range(played, rounds))
        if away:
            absent[attendee.id] = frozenset(away)
    return planner.Instance(
        attendees=attendees,
        rounds=rounds,
        table_size=_block(event)[1],
        absent=absent,
        fixed_rounds=tuple(tuple(tuple(table) for table in tables) for tables in fixed),
        name=f"event-{event.pk}",
        met_before=_met_before(event, people, attendees),
    )


def _met_before(
    event: Event, people: Sequence[Registration], attendees: Sequence[planner.Attendee]
) -> dict[frozenset[str], int]:
    """Who of these people met at an earlier evening (seating_history.py; two queries)."""
    wishes = {
        int(attendee.id): frozenset(int(company) for company in attendee.wishes)
        for attendee in attendees
    }
    return seating_history.met_before(event, people, wishes)


def _check_can_plan(people: Sequence[Registration]) -> None:
    """The common reasons a plan cannot be made, in the staff's language (the planner's own
    messages are English and name ids)."""
    if len(people) < 2:
        raise SeatingError(_("At least two people are needed for speed dating."))
    if len({registration.company_id for registration in people}) < 2:
        raise SeatingError(_("Everyone is from one company: there is nobody to meet."))


def _plan(instance: planner.Instance, seed: int) -> tuple[Rounds, planner.PlanReport]:
    try:
        rounds = planner.plan_seating(instance, seed=seed, time_limit=PLANNER_TIME_LIMIT)
    except planner.PlanningError as error:
        raise SeatingError(_("The plan cannot be made: %(reason)s") % {"reason": error}) from None
    report = planner.check_plan(instance, rounds)
    if report.violations:
        # The planner keeps every hard rule; should it not, store nothing.
        raise SeatingError(
            _("The plan cannot be made: %(reason)s") % {"reason": "; ".join(report.violations)}
        )
    return rounds, report


# --- stored plans ------------------------------------------------------------------------------


def stored_rounds(plan: SeatingPlan) -> Rounds:
    """The plan's rounds as the planner writes them: rounds → tables → registration ids."""
    rounds: Rounds = []
    for round_no, table_no, registration_id in plan.seats.order_by(
        "round", "table", "registration_id"
    ).values_list("round", "table", "registration_id"):
        while len(rounds) < round_no:
            rounds.append([])
        tables = rounds[round_no - 1]
        while len(tables) < table_no:
            tables.append([])
        tables[table_no - 1].append(str(registration_id))
    return [[table for table in tables if table] for tables in rounds]


def seated_ids(rounds: Rounds) -> dict[str, set[int]]:
    seated: dict[str, set[int]] = defaultdict(set)
    for r, tables in enumerate(rounds):
        for table in tables:
            for person in table:
                seated[person].add(r)
    return seated


def plan_instance(
    plan: SeatingPlan, rounds: Rounds | None = None, people: list[Registration] | None = None
) -> planner.Instance:
    """The Instance the stored plan answers: everyone seated in it, absent where not seated, the
    played rounds fixed. check_plan and upper_bound of the plan use it."""
    rounds = stored_rounds(plan) if rounds is None else rounds
    seated = seated_ids(rounds)
    if people is None:
        people = list(
            registrations_with_profiles().filter(pk__in=[int(pk) for pk in seated]).order_by("pk")
        )
    played = min(plan.current_round or 0, len(rounds))
    # Absences in every round come from the seats; only the played rounds are fixed.
    absent = {
        person: frozenset(r for r in range(len(rounds)) if r not in seated[person])
        for person in seated
    }
    return planner.Instance(
        attendees=tuple(attendee_of(registration) for registration in people),
        rounds=len(rounds),
        table_size=_block(plan.event)[1],
        absent={person: away for person, away in absent.items() if away},
        fixed_rounds=tuple(tuple(tuple(t) for t in tables) for tables in rounds[:played]),
        name=f"event-{plan.event_id}",
    )


def _store(plan: SeatingPlan, rounds: Rounds, *, from_round: int = 1) -> None:
    """Replace the seats of rounds from `from_round` (1-based) on; earlier ones stay."""
    plan.seats.filter(round__gte=from_round).delete()
    Seat.objects.bulk_create(
        Seat(plan=plan, round=r + 1, table=t + 1, registration_id=int(person))
        for r, tables in enumerate(rounds)
        if r + 1 >= from_round
        for t, table in enumerate(tables)
        for person in table
    )


def _locked(event: Event, expected_version: int | None) -> SeatingPlan:
    plan = SeatingPlan.objects.select_for_update().filter(event=event).first()
    if plan is None:
        raise SeatingError(_("This event has no seat plan yet."))
    if plan.version != expected_version:
        raise StalePlan(
            _(
                "Someone else changed the seat plan in the meantime; nothing was saved. "
                "Here is the plan as it is now: please check it and try again."
            )
        )
    return plan


def _saved(plan: SeatingPlan, by, fields: list[str]) -> SeatingPlan:
    plan.version += 1
    plan.updated_by = by
    plan.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    return plan


def _block(event: Event) -> tuple[int, int]:
    """The speed-dating block's rounds and people per table (the database keeps the block
    complete or absent)."""
    rounds, table_size = event.speed_dating_rounds, event.speed_dating_table_size
    if rounds is None or table_size is None:
        raise SeatingError(_("This event has no speed-dating block."))
    return rounds, table_size


# --- changes -----------------------------------------------------------------------------------


def generate_plan(
    *, event: Event, source: str, expected_version: int | None, by, seed: int = 0
) -> SeatingPlan:
    """A new plan for every round from the people of `source`. Replaces an existing plan only
    while no round has been played (after that: replan)."""
    _block(event)  # refuses an event without a speed-dating block
    people = present_registrations(event, source)
    _check_can_plan(people)
    instance = _instance(event, people, rounds=_block(event)[0])
    rounds, report = _plan(instance, seed)
    with transaction.atomic():
        # The event row lock serialises the first plan of an event; later ones lock the plan.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        plan = SeatingPlan.objects.filter(event=event).first()
        if plan is None:
            if expected_version is not None:
                raise StalePlan(_("The seat plan was removed in the meantime."))
            plan = SeatingPlan(event=event, version=0)
        else:
            plan = _locked(event, expected_version)
            if plan.current_round:
                raise SeatingError(
                    _("Rounds have been played already: re-plan the rounds to come instead.")
                )
        plan.source = source
        plan.seed = seed
        plan.value = report.value
        plan.generated_at = timezone.now()
        plan.current_round = None
        if plan.pk is None:
            plan.version = 1
            plan.updated_by = by
            plan.save()
        else:
            _saved(plan, by, ["source", "seed", "value", "generated_at", "current_round"])
        _store(plan, rounds)
    return plan


def _replanned(plan: SeatingPlan, present: list[Registration]) -> tuple[Rounds, planner.PlanReport]:
    """The plan's played rounds as they were and the rest planned for `present`; people seated in
    a played round but not present now are absent from the rounds to come."""
    event = plan.event
    _check_can_plan(present)
    fixed = stored_rounds(plan)[: plan.current_round or 0]
    seated = seated_ids(fixed)
    present_ids = {str(registration.pk) for registration in present}
    earlier = registrations_with_profiles().filter(
        pk__in=[int(pk) for pk in seated if pk not in present_ids]
    )
    people = sorted([*present, *earlier], key=lambda registration: registration.pk)
    instance = _instance(
        event,
        people,
        rounds=_block(event)[0],
        seated=seated,
        present=present_ids,
        fixed=fixed,
    )
    return _plan(instance, plan.seed)


def replan(*, event: Event, source: str, expected_version: int, by) -> SeatingPlan:
    """Plan the rounds not played yet again: the played ones (up to the running round) stay as
    they were; whoever is not present now (not checked in, cancelled) is left out, people who
    came late join."""
    _block(event)  # refuses an event without a speed-dating block
    with transaction.atomic():
        plan = _locked(event, expected_version)
        played = plan.current_round or 0
        total = _block(event)[0]
        if played >= total:
            raise SeatingError(_("All rounds have been played; there is nothing left to plan."))
        rounds, report = _replanned(plan, present_registrations(event, source))
        _store(plan, rounds, from_round=played + 1)
        plan.source = source
        plan.value = report.value
        plan.generated_at = timezone.now()
        return _saved(plan, by, ["source", "value", "generated_at"])


def _name(registration: Registration) -> str:
    return registration.name or _("anonymous")


@dataclass(frozen=True)
class SwapResult:
    plan: SeatingPlan
    value_before: int
    value_after: int


def swap(
    *, event: Event, round_no: int, first: int, second: int, expected_version: int, by
) -> SwapResult:
    """Swap the seats of two people (registration ids) in one round not played yet. Refused with
    the reason when it would put colleagues at one table or make two people meet again."""
    with transaction.atomic():
        plan = _locked(event, expected_version)
        rounds = stored_rounds(plan)
        if not 1 <= round_no <= len(rounds):
            raise SeatingError(_("There is no round %(round)d.") % {"round": round_no})
        if round_no <= (plan.current_round or 0):
            raise SeatingError(
                _("Round %(round)d has been played; it cannot change.") % {"round": round_no}
            )
        if first == second:
            raise SeatingError(_("Choose two different people."))
        seats = {
            seat.registration_id: seat
            for seat in plan.seats.filter(
                round=round_no, registration_id__in=[first, second]
            ).select_related("registration", "registration__company")
        }
        for person in (first, second):
            if person not in seats:
                name = Registration.objects.filter(pk=person).values_list("name", flat=True)
                raise SeatingError(
                    _("%(name)s has no seat in round %(round)d.")
                    % {"name": next(iter(name), "?") or _("anonymous"), "round": round_no}
                )
        a, b = seats[first], seats[second]
        if a.table == b.table:
            raise SeatingError(
                _("%(a)s and %(b)s sit at the same table already.")
                % {"a": _name(a.registration), "b": _name(b.registration)}
            )
        instance = plan_instance(plan, rounds)
        before = planner.check_plan(instance, rounds)
        swapped = [[list(table) for table in tables] for tables in rounds]
        tables = swapped[round_no - 1]
        tables[a.table - 1][tables[a.table - 1].index(str(first))] = str(second)
        tables[b.table - 1][tables[b.table - 1].index(str(second))] = str(first)
        after = planner.check_plan(instance, swapped)
        reason = _swap_refusal(
            instance, swapped, round_no, [a.table, b.table], before, after, event
        )
        if reason:
            raise SeatingError(reason)
        Seat.objects.filter(pk=a.pk).update(table=b.table)
        Seat.objects.filter(pk=b.pk).update(table=a.table)
        value_before = plan.value
        plan.value = after.value
        _saved(plan, by, ["value"])
    return SwapResult(plan=plan, value_before=value_before, value_after=after.value)


def _swap_refusal(
    instance: planner.Instance,
    rounds: Rounds,
    round_no: int,
    changed_tables: list[int],
    before: planner.PlanReport,
    after: planner.PlanReport,
    event: Event,
) -> str:
    """Why the swapped plan is worse than the rules allow ("" when it is fine)."""
    new = [violation for violation in after.violations if violation not in before.violations]
    if not new and after.repeats <= before.repeats:
        return ""
    company = {attendee.id: attendee.company for attendee in instance.attendees}
    tables = [rounds[round_no - 1][t - 1] for t in changed_tables]
    names = dict(
        Registration.objects.filter(pk__in=[int(p) for table in tables for p in table]).values_list(
            "pk", "name"
        )
    )

    def name(person: str) -> str:
        return names.get(int(person)) or _("anonymous")

    for table in tables:
        for i, person in enumerate(table):
            for other in table[i + 1 :]:
                if company[person] == company[other]:
                    return _(
                        "Refused: %(a)s and %(b)s are from one company and would sit at one table."
                    ) % {"a": name(person), "b": name(other)}
    if new:
        return _("Refused: %(reason)s") % {"reason": "; ".join(new)}
    for table in tables:
        for i, person in enumerate(table):
            for other in table[i + 1 :]:
                for r, others in enumerate(rounds):
                    if r == round_no - 1:
                        continue
                    if any(person in t and other in t for t in others):
                        return _("Refused: %(a)s and %(b)s meet in round %(round)d already.") % {
                            "a": name(person),
                            "b": name(other),
                            "round": r + 1,
                        }
    return _("Refused: two people would meet a second time.")


def set_current_round(*, event: Event, round_no: int, expected_version: int, by) -> SeatingPlan:
    """Mark the round that runs now (0: none yet). It and the rounds before count as played."""
    if not 0 <= round_no <= (event.speed_dating_rounds or 0):
        raise SeatingError(_("There is no round %(round)d.") % {"round": round_no})
    with transaction.atomic():
        plan = _locked(event, expected_version)
        if (round_no or None) != plan.current_round:
            # Marked by hand: the round starts now for the run of show's countdown.
            plan.round_started_at = timezone.now() if round_no else None
            plan.round_ended_at = None
        plan.current_round = round_no or None
        return _saved(plan, by, ["current_round", "round_started_at", "round_ended_at"])


def publish(*, event: Event, expected_version: int, by) -> SeatingPlan:
    """Attendees see their partners from now on; staff may still swap and re-plan."""
    with transaction.atomic():
        plan = _locked(event, expected_version)
        plan.status = SeatingPlan.Status.PUBLISHED
        plan.published_at = timezone.now()
        plan = _saved(plan, by, ["status", "published_at"])
        # Each attendee whose seats are new to them gets one mail (seating_mails.py).
        seating_mails.announce_plan(plan)
        return plan


def unpublish(*, event: Event, expected_version: int, by) -> SeatingPlan:
    with transaction.atomic():
        plan = _locked(event, expected_version)
        plan.status = SeatingPlan.Status.DRAFT
        plan.published_at = None
        return _saved(plan, by, ["status", "published_at"])


def remove_from_coming_plans(registration_ids: Sequence[int]) -> None:
    """A person who deletes their account leaves the plans of events still to come: their seats
    in rounds not played are removed and those rounds planned again without them (when that is
    not possible, their seats are simply removed). Played rounds keep them (anonymised)."""
    plans = SeatingPlan.objects.filter(
        event__ends_at__gte=timezone.now(), seats__registration_id__in=registration_ids
    ).distinct()
    for plan in plans.select_related("event"):
        event = plan.event
        gone = {str(pk) for pk in registration_ids}
        with transaction.atomic():
            plan = SeatingPlan.objects.select_for_update().get(pk=plan.pk)
            played = plan.current_round or 0
            present = [
                registration
                for registration in present_registrations(event, plan.source)
                if str(registration.pk) not in gone
            ]
            try:
                rounds, report = _replanned(plan, present)
            except SeatingError:
                plan.seats.filter(round__gt=played, registration_id__in=registration_ids).delete()
            else:
                _store(plan, rounds, from_round=played + 1)
                plan.value = report.value
            _saved(plan, None, ["value"])
