"""Builders for the seat plan tests: a network evening with speed dating and its attendees."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from events.models import Registration
from tests.events.staff_helpers import make_event, register
from tests.factories import CompanyFactory, StaffFactory

TAGS = ["Spannzangen", "Härten", "Lasern", "Fräsen", "Prüfen", "Beschichten", "Drehen"]


def speed_dating_event(*, rounds: int = 4, table_size: int = 2, **kwargs):
    starts_at = kwargs.pop("starts_at", timezone.now() + timedelta(days=14))
    return make_event(
        starts_at=starts_at,
        speed_dating_starts_at=starts_at + timedelta(hours=1),
        speed_dating_rounds=rounds,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=table_size,
        **kwargs,
    )


def attendees(event, count: int, *, checked_in: int = 0, **kwargs) -> list[Registration]:
    """`count` people of `count` published companies whose offers and needs overlap; the first
    `checked_in` of them are checked in."""
    people = []
    for i in range(count):
        company = CompanyFactory(
            published=True,
            offers=[TAGS[i % len(TAGS)]],
            needs=[TAGS[(i + 1) % len(TAGS)], TAGS[(i + 3) % len(TAGS)]],
        )
        registration = register(event, company=company, **kwargs)
        if i < checked_in:
            registration.checked_in_at = timezone.now()
            registration.save(update_fields=["checked_in_at"])
        people.append(registration)
    return people


def staff():
    return StaffFactory()
