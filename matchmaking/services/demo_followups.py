"""Demo data for `manage.py seed_demo`: marks after the past speed-dating evening, one of them
mutual (its two intro mails queued, its cooperation lead proposed).

Runs after the seat plans' demo loader, which gives the past evening its plan. Should that plan
be missing, a simple one is made here (pairs rotating round by round) so the marks have partners.
Idempotent: marks are saved through the same service as the page, whose intro mails and lead
are made once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from events.models import Event, Registration

from ..models import ContactMark, Seat, SeatingPlan
from . import followups

# The demo logins (kag_portal seed_demo): the mutual pair is made with them where possible, so
# the follow-up page and the intro mails can be looked at by logging in.
DEMO_LOGINS = ("inhaberin@spannwerk-demo.de", "leitung@feinwerk-demo.de", "chef@glaswerk-demo.de")


def _past_evening() -> Event | None:
    return (
        Event.objects.filter(speed_dating_starts_at__isnull=False, ends_at__lt=timezone.now())
        .exclude(status__in=[Event.Status.DRAFT, Event.Status.CANCELLED])
        .order_by("-starts_at")
        .first()
    )


def _rotating_pairs(ids: list[int], rounds: int) -> list[list[list[int]]]:
    """The circle method: everyone meets someone new each round; with an odd number the one
    left over joins a table of two they have not met (a table of three, nobody alone)."""
    people: list[int | None] = list(ids) + ([None] if len(ids) % 2 else [])
    met: set[frozenset[int]] = set()
    plan = []
    for _round in range(min(rounds, len(people) - 1)):
        half = len(people) // 2
        tables = []
        spare = None
        for i in range(half):
            a, b = people[i], people[-1 - i]
            if a is None or b is None:
                spare = b if a is None else a
            else:
                tables.append([a, b])
        if spare is not None and tables:
            fresh = [t for t in tables if not any(frozenset((spare, p)) in met for p in t)]
            (fresh or tables)[-1].append(spare)
        for table in tables:
            met.update(frozenset((x, y)) for x in table for y in table if x != y)
        plan.append(tables)
        people = [people[0], people[-1], *people[1:-1]]
    return plan


def _simple_plan(event: Event) -> SeatingPlan | None:
    attendees = event.registrations.filter(status=Registration.Status.CONFIRMED)
    checked_in = attendees.filter(checked_in_at__isnull=False)
    source = SeatingPlan.Source.CHECKED_IN if checked_in.count() >= 2 else None
    chosen = list((checked_in if source else attendees).order_by("pk").values_list("pk", flat=True))
    if len(chosen) < 2:
        return None
    now = timezone.now()
    rounds = _rotating_pairs(chosen, event.speed_dating_rounds or 1)
    plan = SeatingPlan.objects.create(
        event=event,
        status=SeatingPlan.Status.PUBLISHED,
        source=source or SeatingPlan.Source.REGISTRATIONS,
        current_round=len(rounds),
        generated_at=now,
        published_at=now,
    )
    Seat.objects.bulk_create(
        Seat(plan=plan, round=number, table=table_number, registration_id=pk)
        for number, tables in enumerate(rounds, start=1)
        for table_number, table in enumerate(tables, start=1)
        for pk in table
    )
    return plan


def _mutual_pair(plan: SeatingPlan) -> tuple[Registration, Registration] | None:
    """Two people who sat together: demo logins first, so the result can be seen."""
    seated = {
        seat.registration_id: seat.registration
        for seat in plan.seats.select_related("registration__person", "registration__event")
    }
    by_email = {r.email.lower(): r for r in seated.values()}
    candidates = [by_email[email] for email in DEMO_LOGINS if email in by_email]
    candidates += sorted(seated.values(), key=lambda r: r.pk)
    for first in candidates:
        partners = [p.registration for p in followups.partners_of(first, plan=plan)]
        if not partners:
            continue
        logins = [p for p in partners if p.email.lower() in DEMO_LOGINS]
        return first, (logins or partners)[0]
    return None


@transaction.atomic
def seed_followups(say: Callable[[str], None]) -> None:
    event = _past_evening()
    if event is None:
        say("follow-ups: no past speed-dating evening")
        return
    plan = followups.published_plan(event)
    if plan is None and not SeatingPlan.objects.filter(event=event).exists():
        plan = _simple_plan(event)
    if plan is None or not plan.seats.exists():
        say("follow-ups: the past evening has no published seat plan")
        return
    pair = _mutual_pair(plan)
    if pair is None:
        say("follow-ups: nobody sat together")
        return
    first, second = pair
    if not ContactMark.objects.filter(registration=first, partner=second).exists():
        followups.save_marks(
            registration=first,
            marks=[
                followups.MarkInput(
                    second.pk, True, "Sucht Sonder-Spannzangen; Angebot bis Monatsende schicken."
                )
            ],
        )
        followups.save_marks(
            registration=second,
            marks=[
                followups.MarkInput(
                    first.pk, True, "Fertigt Spannzangen nach Zeichnung, Kleinserien möglich."
                )
            ],
        )
    # A few one-sided marks with notes: they stay private and send nothing.
    one_sided = 0
    others = Registration.objects.filter(seats__plan=plan).exclude(pk__in=[first.pk, second.pk])
    made_before = ContactMark.objects.filter(registration__in=others).exists()
    for registration in (
        Registration.objects.filter(seats__plan=plan)
        .exclude(pk__in=[first.pk, second.pk])
        .distinct()
        .order_by("pk")
    ):
        if made_before or one_sided == 3:
            break
        if ContactMark.objects.filter(registration=registration).exists():
            continue
        marked_me = set(
            ContactMark.objects.filter(partner=registration).values_list(
                "registration_id", flat=True
            )
        )
        partners = [
            partner
            for partner in followups.partners_of(registration, plan=plan)
            if partner.registration.pk not in marked_me
        ]
        if partners:
            followups.save_marks(
                registration=registration,
                marks=[
                    followups.MarkInput(
                        partners[0].registration.pk, True, "Nach der Messe noch einmal anrufen."
                    )
                ],
            )
            one_sided += 1
    say(
        f"follow-ups: {first.name} and {second.name} want to stay in touch; "
        f"one-sided marks with notes: {one_sided}"
    )
