"""The company run: a member registers their company's runners as one team.

The seats themselves are decided by events.services.registration.register_team (one event lock,
the same capacity and per-company rules as every registration); this module prepares its input
and reads the teams back.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from companies.models import Company
from events.models import Event, Registration

from .registration import Runner, TeamPlace, register_team


def runners_from_rows(rows: list[dict], *, registered_by) -> list[Runner]:
    """Form rows as runners, the registering member linked to their own row; register() links
    every other runner who has an account (attendee_account)."""
    own = (registered_by.email or "").lower()
    return [
        Runner(
            name=row["name"],
            email=row["email"].strip().lower(),
            shirt_size=row.get("shirt_size", ""),
            person=registered_by if own and row["email"].strip().lower() == own else None,
        )
        for row in rows
    ]


def register_runners(
    *, event: Event, company: Company, rows: list[dict], registered_by, show_to_attendees: bool
) -> list[TeamPlace]:
    return register_team(
        event=event,
        company=company,
        runners=runners_from_rows(rows, registered_by=registered_by),
        registered_by=registered_by,
        show_to_attendees=show_to_attendees,
    )


def company_runners(event: Event, user) -> QuerySet[Registration]:
    """The active runners of the companies the user belongs to: places first, then the waitlist."""
    order = Case(
        When(status=Registration.Status.CONFIRMED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        event.registrations.filter(company__memberships__user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("company")
        .order_by(order, "requested_at", "pk")
    )


def with_positions(event: Event, registrations) -> list[Registration]:
    """Registrations with `.position` on the waitlist (None for a place); one query in all."""
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "requested_at", "pk"
    )
    positions = {pk: number for number, pk in enumerate(waiting.values_list("pk", flat=True), 1)}
    rows = list(registrations)
    for registration in rows:
        registration.position = positions.get(registration.pk)
    return rows
