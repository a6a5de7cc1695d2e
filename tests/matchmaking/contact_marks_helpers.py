"""Builders for the contact-mark tests: a past speed-dating evening and its seats, made directly
with the ORM (independent of the seat planner)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from events.models import Event, Registration
from matchmaking.models import Seat, SeatingPlan
from tests.events.staff_helpers import register
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .seating_helpers import speed_dating_event


def evening(*, days_ago: int = 1, rounds: int = 3, table_size: int = 2, **kwargs) -> Event:
    """A speed-dating evening that started `days_ago` days ago (negative: still to come)."""
    return speed_dating_event(
        starts_at=timezone.now() - timedelta(days=days_ago),
        rounds=rounds,
        table_size=table_size,
        **kwargs,
    )


def attendee(event: Event, *, company=None, name: str = "") -> Registration:
    """A confirmed attendee with an account who is a member (owner) of their company."""
    person = UserFactory()
    company = company or CompanyFactory(published=True)
    MembershipFactory(user=person, company=company)
    return register(
        event, person=person, company=company, name=name or person.display_name or "Anna"
    )


def seat_plan(event: Event, rounds: list[list[list[Registration]]], **kwargs) -> SeatingPlan:
    """A published plan: rounds → tables → registrations."""
    now = timezone.now()
    defaults = {
        "status": SeatingPlan.Status.PUBLISHED,
        "source": SeatingPlan.Source.CHECKED_IN,
        "generated_at": now,
        "published_at": now,
        "current_round": len(rounds),
    }
    defaults.update(kwargs)
    plan = SeatingPlan.objects.create(event=event, **defaults)
    Seat.objects.bulk_create(
        Seat(plan=plan, round=number, table=table_number, registration=registration)
        for number, tables in enumerate(rounds, start=1)
        for table_number, table in enumerate(tables, start=1)
        for registration in table
    )
    return plan


def formset_data(marks: dict[int, tuple[bool, str]]) -> dict[str, str]:
    """POST data of the follow-up form: partner id → (stay in touch?, note)."""
    data = {
        "form-TOTAL_FORMS": str(len(marks)),
        "form-INITIAL_FORMS": str(len(marks)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, (partner_id, (wants, note)) in enumerate(marks.items()):
        data[f"form-{index}-partner"] = str(partner_id)
        data[f"form-{index}-note"] = note
        if wants:
            data[f"form-{index}-wants_contact"] = "on"
    return data
