"""Small builders for the staff event tests: events and registrations made directly."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from events.models import Event, Registration
from tests.factories import CompanyFactory, TownFactory, UserFactory


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def make_event(**kwargs) -> Event:
    starts_at = kwargs.pop("starts_at", timezone.now() + timedelta(days=14))
    defaults = {
        "title": "Netzwerkabend Suhl",
        "format": Event.Format.NETWORK_EVENING,
        "venue_name": "Glashütte",
        "venue_street": "Hüttenweg 1",
        "venue_postal_code": "98527",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=4),
        "registration_deadline": starts_at - timedelta(days=1),
        "capacity": 60,
        "status": Event.Status.PUBLISHED,
    }
    defaults.update(kwargs)
    if "town" not in defaults:
        defaults["town"] = TownFactory()
    return Event.objects.create(**defaults)


def register(event: Event, status: str = Registration.Status.CONFIRMED, **kwargs) -> Registration:
    person = kwargs.pop("person", None) or UserFactory()
    company = kwargs.pop("company", None) or CompanyFactory(published=True)
    defaults = {
        "name": person.display_name or "Anna Muster",
        "email": person.email,
        "person": person,
        "company": company,
        "status": status,
    }
    defaults.update(kwargs)
    return Registration.objects.create(event=event, **defaults)
