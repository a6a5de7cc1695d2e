"""Read queries for the public event pages: a fixed number of queries however many events."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from companies.models import Company
from events.models import Event, Registration


def _with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("town", "host_company").annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        )
    )


def _filtered(events: QuerySet[Event], *, format: str = "", town=None) -> QuerySet[Event]:
    if format:
        events = events.filter(format=format)
    if town is not None:
        events = events.filter(town=town)
    return events


def upcoming_events(*, format: str = "", town=None) -> QuerySet[Event]:
    """Published events that have not ended yet, soonest first (cancelled ones are announced)."""
    events = Event.objects.filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED], ends_at__gte=timezone.now()
    )
    return _with_seats(_filtered(events, format=format, town=town)).order_by("starts_at", "pk")


def open_for_registration(limit: int) -> list[Event]:
    """The next published events anyone in the network may still register for (the home page):
    not invited-only, registration deadline not passed, soonest first."""
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED,
        audience=Event.Audience.MEMBERS,
        registration_deadline__gte=timezone.now(),
    )
    return list(_with_seats(events).order_by("starts_at", "pk")[:limit])


def past_events(*, format: str = "", town=None) -> QuerySet[Event]:
    events = Event.objects.filter(
        Q(status=Event.Status.FINISHED)
        | Q(status=Event.Status.PUBLISHED, ends_at__lt=timezone.now())
    )
    return _with_seats(_filtered(events, format=format, town=town)).order_by("-starts_at", "-pk")


def places_left(event: Event) -> int:
    confirmed = getattr(event, "confirmed_count", None)
    if confirmed is None:
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return max(event.capacity - confirmed, 0)


def visible_attendee_companies(event: Event) -> list:
    """Published companies with a confirmed attendee who opted in to be shown, each once."""
    return list(
        Company.objects.filter(
            status=Company.Status.PUBLISHED,
            event_registrations__event=event,
            event_registrations__show_to_attendees=True,
            event_registrations__status=Registration.Status.CONFIRMED,
        )
        .distinct()
        .order_by("name")
    )


def my_registrations(user) -> QuerySet[Registration]:
    """Active registrations for coming events that the user holds or made for a colleague."""
    return (
        Registration.objects.filter(Q(person=user) | Q(registered_by=user))
        .exclude(status=Registration.Status.CANCELLED)
        .filter(event__ends_at__gte=timezone.now())
        .select_related("event", "event__town")
        .order_by("event__starts_at", "pk")
    )
