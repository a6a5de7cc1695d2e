"""Telling attendees their seats: when staff publish a plan, each seated attendee gets one mail
with their first table and the link to their schedule.

A mail is keyed by the attendee's own schedule (their tables and who sits with them), so
publishing again after a change mails exactly those whose evening changed, and hiding and
publishing an unchanged plan mails nobody. The mails are outbox rows written in the publishing
transaction: nothing is lost if the worker or Redis is down.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from events.models import Registration
from kag_portal.mail import absolute_url, queue_mail
from kag_portal.models import OutboxMail

from ..models import Seat, SeatingPlan


@dataclass(frozen=True)
class FirstTable:
    """The attendee's first round still to come: when, which table, who sits there."""

    round: int
    table: int
    starts_at: datetime | None
    partners: list[tuple[str, str]]  # (name, company)


def announce_plan(plan: SeatingPlan) -> int:
    """Queue the "your seats" mail for every seated attendee whose schedule has not been mailed
    yet in this form. Returns how many mails were queued now. A fixed number of queries plus one
    outbox row per new mail; call inside the transaction that publishes the plan."""
    seats = list(
        Seat.objects.filter(plan_id=plan.pk)
        .order_by("round", "table", "registration_id")
        .values_list("round", "table", "registration_id")
    )
    at_table: dict[tuple[int, int], list[int]] = defaultdict(list)
    for round_no, table, registration_id in seats:
        at_table[(round_no, table)].append(registration_id)
    people = {
        registration.pk: registration
        for registration in Registration.objects.filter(
            pk__in={registration_id for *_, registration_id in seats}
        ).select_related("company", "person")
    }
    played = plan.current_round or 0
    times = {number: start for number, start, _end in plan.event.speed_dating_rounds_schedule()}
    mails = {}
    for registration_id, registration in people.items():
        if not registration.is_confirmed or registration.is_anonymised:
            continue
        mine = [(r, t) for r, t, pk in seats if pk == registration_id]
        coming = [(r, t) for r, t in mine if r > played]
        if not coming:
            continue
        schedule = [(r, t, tuple(at_table[(r, t)])) for r, t in mine]
        digest = hashlib.blake2b(repr(schedule).encode(), digest_size=8).hexdigest()
        key = f"seating-published:{plan.pk}:{registration_id}:{digest}"
        mails[key] = (registration, coming[0])
    sent_before = set(
        OutboxMail.objects.filter(idempotency_key__in=list(mails)).values_list(
            "idempotency_key", flat=True
        )
    )
    for key, (registration, (round_no, table)) in mails.items():
        if key in sent_before:
            continue
        mates = [people[pk] for pk in at_table[(round_no, table)] if pk != registration.pk]
        first = FirstTable(
            round=round_no,
            table=table,
            starts_at=times.get(round_no),
            partners=sorted((mate.name, mate.company.name) for mate in mates),
        )
        queue_mail(
            to_email=registration.email,
            template="seating_published",
            context={
                "registration": registration,
                "event": plan.event,
                "first": first,
                "schedule_url": absolute_url(
                    reverse("matchmaking:my_partners", args=[plan.event_id])
                    + f"?registration={registration.pk}"
                ),
            },
            idempotency_key=key,
            recipient=registration.person,
            about=[
                people[pk].person for pk in at_table[(round_no, table)] if pk != registration.pk
            ],
        )
    return len(set(mails) - sent_before)
