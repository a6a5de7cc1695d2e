"""The KAG team's writes on events: save with change notices, publish, cancel, duplicate."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import overload

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kag_portal.mail import queue_mail

from ..models import AgendaItem, Event, EventInvitation, Registration

# What people who registered must hear about: a new time or a new place.
NOTIFIED_FIELDS = (
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_street",
    "venue_postal_code",
    "town_id",
)

# What a calendar entry shows: any change raises the calendar SEQUENCE (no mail for these alone).
CALENDAR_FIELDS = (*NOTIFIED_FIELDS, "title", "description")

# Defaults by format for a new event (local time, places); from the region's usual events.
FORMAT_DEFAULTS: dict[str, dict] = {
    Event.Format.NETWORK_EVENING: {"start": (18, 0), "end": (22, 0), "capacity": 60},
    Event.Format.BREAKFAST: {"start": (8, 0), "end": (10, 0), "capacity": 30},
    Event.Format.COMPANY_VISIT: {"start": (16, 0), "end": (18, 0), "capacity": 25},
    Event.Format.COMPANY_RUN: {"start": (17, 0), "end": (20, 0), "capacity": 150},
    Event.Format.OTHER: {"start": (18, 0), "end": (20, 0), "capacity": 40},
}


def default_date(today: date | None = None) -> date:
    """Same weekday four weeks after today: where a new or repeated event usually lands."""
    return (today or timezone.localdate()) + timedelta(weeks=4)


def local_datetime(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
    )


def initial_for_format(fmt: str, day: date | None = None) -> dict:
    defaults = FORMAT_DEFAULTS.get(fmt, FORMAT_DEFAULTS[Event.Format.OTHER])
    day = day or default_date()
    starts_at = local_datetime(day, *defaults["start"])
    return {
        "format": fmt,
        "starts_at": starts_at,
        "ends_at": local_datetime(day, *defaults["end"]),
        "registration_deadline": starts_at - timedelta(days=2),
        "capacity": defaults["capacity"],
    }


def staff_events() -> QuerySet[Event]:
    """Every event with invited, places taken, waitlist and checked-in counts, in one query."""
    # A subquery, not a join: joining invitations and registrations would multiply the counts.
    invited = (
        EventInvitation.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Event.objects.select_related("town", "host_company").annotate(
        invited_count=Coalesce(Subquery(invited, output_field=IntegerField()), Value(0)),
        checked_in_count=Count(
            "registrations",
            filter=Q(registrations__checked_in_at__isnull=False)
            & ~Q(registrations__status=Registration.Status.CANCELLED),
        ),
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        ),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def _active_registrations(event: Event) -> QuerySet[Registration]:
    return event.registrations.exclude(status=Registration.Status.CANCELLED).select_related(
        "person"
    )


def _mail_registered(event: Event, *, template: str, key: str) -> int:
    count = 0
    for registration in _active_registrations(event):
        queue_mail(
            to_email=registration.email,
            template=template,
            context={"event": event, "registration": registration},
            idempotency_key=key.format(event=event.pk, registration=registration.pk),
            recipient=registration.person,
        )
        count += 1
    return count


@transaction.atomic
def save_event(
    *, event: Event, agenda_items: list[AgendaItem], deleted: list[AgendaItem], user
) -> bool:
    """Save an event and its agenda; True when registered people were told about a change.

    Any change a calendar entry shows (time, place, title, description) raises the calendar
    SEQUENCE, so calendars update the entry; when the time or place of a published event
    changes, every registered person also gets one mail per change.
    """
    changed = False
    if event.pk is None:
        event.created_by = user
    else:
        before = Event.objects.select_for_update().get(pk=event.pk)
        changed = before.is_published and any(
            getattr(before, name) != getattr(event, name) for name in NOTIFIED_FIELDS
        )
        if any(getattr(before, name) != getattr(event, name) for name in CALENDAR_FIELDS):
            event.calendar_sequence = before.calendar_sequence + 1
    event.save()
    for item in deleted:
        if item.pk:
            item.delete()
    for item in agenda_items:
        item.event = event
        item.save()
    if changed:
        _mail_registered(
            event,
            template="event_changed",
            key=f"event-changed:{{event}}:{event.calendar_sequence}:{{registration}}",
        )
    return changed


@transaction.atomic
def publish_event(*, event: Event) -> None:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.is_draft:
        return
    event.status = Event.Status.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])


@transaction.atomic
def cancel_event(*, event: Event) -> int:
    """Cancel an event; everyone still registered gets one mail. Returns how many were told."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return 0
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.calendar_sequence += 1
    event.save(update_fields=["status", "cancelled_at", "calendar_sequence", "updated_at"])
    return _mail_registered(
        event, template="event_cancelled", key="event-cancelled:{event}:{registration}"
    )


@overload
def _shift(value: datetime, days: int) -> datetime: ...
@overload
def _shift(value: None, days: int) -> None: ...
def _shift(value: datetime | None, days: int) -> datetime | None:
    # Same wall-clock time on the new day, also across a change to or from summer time.
    if value is None:
        return None
    local = timezone.localtime(value)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=days), local.time()))


@transaction.atomic
def duplicate_event(*, event: Event, on_date: date, user) -> Event:
    """A new draft like `event` (agenda and speed dating too), moved to `on_date`."""
    days = (on_date - timezone.localtime(event.starts_at).date()).days
    agenda = list(event.agenda_items.all())
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy.calendar_uid = Event._meta.get_field("calendar_uid").get_default()
    copy.calendar_sequence = 0
    copy.status = Event.Status.DRAFT
    copy.published_at = None
    copy.cancelled_at = None
    copy.created_by = user
    for name in ("starts_at", "ends_at", "registration_deadline", "speed_dating_starts_at"):
        setattr(copy, name, _shift(getattr(copy, name), days))
    copy.save(force_insert=True)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            event=copy,
            starts_at=_shift(item.starts_at, days),
            title=item.title,
            description=item.description,
        )
        for item in agenda
    )
    return copy


def registration_counts(event: Event) -> dict[str, int]:
    rows = event.registrations.values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Registration.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
