"""Calendar files (.ics) of events: one event, a person's subscription feed, the public feed.

Built with the icalendar library. An event has the same UID in every file and feed
(`<calendar_uid>@<portal host>`) and the SEQUENCE that events.services.staff raises on every
change people must see, so calendar apps update their entry instead of adding a second one.
Times are written in Europe/Berlin with a VTIMEZONE, so they stay right across summer time. The
VTIMEZONE states the EU rule (last Sunday of March and of October) as RRULEs: a list of dates
(RDATE) for later years is misread by ical.js and, by reports, Outlook. Descriptions are plain
text made from the Markdown (no "**" in a calendar app).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar.enums import STATUS

from kag_portal.mail import absolute_url, site_host
from kag_portal.markdown import markdown_to_text

from ..models import CalendarFeed, Event, Registration

# The region's events happen in this zone, whatever zone the portal renders pages in.
EVENT_TIME_ZONE = ZoneInfo("Europe/Berlin")
PRODID = "-//KAG//KAG Portal//DE"
# Feeds keep cancelled and past events this long, so calendars show what happened to them.
FEED_PAST_DAYS = 90
# What secrets.token_urlsafe(32) gives: 43 characters of the URL-safe alphabet.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def event_uid(event: Event) -> str:
    return f"{event.calendar_uid}@{site_host()}"


def _component(event: Event, *, waitlisted: bool = False) -> icalendar.Event:
    url = absolute_url(event.get_absolute_url())
    description = markdown_to_text(event.description)
    notes = [description] if description else []
    if waitlisted:
        notes.append(_("You are on the waitlist for this event."))
    notes.append(url)
    if event.is_cancelled:
        status = STATUS.CANCELLED
    elif waitlisted:
        # Not a confirmed place yet: calendars show it as tentative.
        status = STATUS.TENTATIVE
    else:
        status = STATUS.CONFIRMED
    component = icalendar.Event.new(
        uid=event_uid(event),
        sequence=event.calendar_sequence,
        stamp=timezone.now(),
        last_modified=event.updated_at,
        summary=event.title,
        # The link too, for apps that hide URL.
        description="\n\n".join(notes),
        location=event.address,
        url=url,
        start=event.starts_at.astimezone(EVENT_TIME_ZONE),
        end=event.ends_at.astimezone(EVENT_TIME_ZONE),
        status=status,
    )
    return component


def _berlin_timezone() -> icalendar.Timezone:
    """Europe/Berlin as the EU has kept it since 1996, as yearly rules."""
    zone = icalendar.Timezone()
    zone.add("TZID", "Europe/Berlin")
    for kind, name, offsets, start, month in (
        (icalendar.TimezoneDaylight, "CEST", (1, 2), datetime(1970, 3, 29, 2), 3),
        (icalendar.TimezoneStandard, "CET", (2, 1), datetime(1970, 10, 25, 3), 10),
    ):
        part = kind()
        part.add("TZNAME", name)
        part.add("TZOFFSETFROM", timedelta(hours=offsets[0]))
        part.add("TZOFFSETTO", timedelta(hours=offsets[1]))
        part.add("DTSTART", start)
        part.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
        zone.add_component(part)
    return zone


def _calendar(components: Iterable[icalendar.Event], *, uid: str, feed_name: str = "") -> bytes:
    """A VCALENDAR; `feed_name` for subscriptions only: a single event's file without a name is
    added to the person's own calendar (Outlook opens a named file as a calendar of its own)."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        # Stable, so a calendar app sees the same calendar on every download.
        uid=f"{uid}@{site_host()}",
        name=feed_name or None,
    )
    if feed_name:
        # RFC 7986 names the value type; without it some apps ignore the interval.
        calendar.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    # Always there: RFC 5545 wants at least one component, also in a feed with no event yet.
    calendar.add_component(_berlin_timezone())
    for component in components:
        calendar.add_component(component)
    return calendar.to_ical()


def event_calendar(event: Event) -> bytes:
    """The .ics file of one event."""
    return _calendar([_component(event)], uid=f"event-{event.calendar_uid}")


def event_filename(event: Event) -> str:
    day = event.starts_at.astimezone(EVENT_TIME_ZONE).date().isoformat()
    return f"kag-{slugify(event.title)[:60] or 'veranstaltung'}-{day}.ics"


def public_feed_events() -> QuerySet[Event]:
    """Published events, and cancelled or finished ones of the last 90 days (one query)."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        Event.objects.filter(ends_at__gte=since)
        .filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED, Event.Status.FINISHED])
        .select_related("town")
        .order_by("starts_at", "pk")
    )


def public_feed() -> bytes:
    events = list(public_feed_events())
    return _calendar(
        (_component(event) for event in events),
        uid="kag-events",
        feed_name=_("KAG events"),
    )


def personal_feed_registrations(user) -> QuerySet[Registration]:
    """The person's own active places (confirmed or waitlisted), not drafts, recent or coming.

    Cancelled registrations are left out: the entry disappears from the person's calendar.
    Places they booked for colleagues are the colleagues' and are left out too.
    """
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        Registration.objects.filter(Q(person=user) | Q(email__iexact=user.email))
        .filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED])
        .exclude(event__status=Event.Status.DRAFT)
        .filter(event__ends_at__gte=since)
        .select_related("event", "event__town")
        .order_by("event__starts_at", "pk")
    )


def personal_feed(feed: CalendarFeed) -> bytes:
    registrations = list(personal_feed_registrations(feed.user))
    # One entry per event, even if the person's address and account hold two places.
    by_event: dict[int, Registration] = {}
    for registration in registrations:
        by_event.setdefault(registration.event_id, registration)
    components = [
        _component(
            registration.event,
            waitlisted=registration.is_waitlisted,
        )
        for registration in by_event.values()
    ]
    return _calendar(
        components,
        uid=f"kag-feed-{feed.pk}",
        feed_name=_("My KAG events"),
    )


def find_feed(token: str) -> CalendarFeed | None:
    """The feed of a token, or None; a guessed or renewed-away token finds nothing."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    # The database compares exactly; compare_digest guards against a collation that would not.
    if feed is None or not secrets.compare_digest(feed.token, token):
        return None
    if not feed.user.is_active:
        return None
    return feed


@transaction.atomic
def renew_feed(*, user) -> CalendarFeed:
    """A new secret token for the person's feed (made on first use); the old link stops working."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": token}
    )
    if not created:
        feed.token = token
        feed.save(update_fields=["token"])
    return feed


def feed_links(feed: CalendarFeed) -> dict[str, str]:
    """The https address of a feed and the same as webcal://, which calendar apps subscribe to."""
    https = absolute_url(reverse("events:personal_feed", args=[feed.token]))
    return {"https": https, "webcal": re.sub(r"^https?://", "webcal://", https)}


def export_personal_data(user) -> dict | None:
    """The person's calendar link, for the data export (kag_portal.personal_data)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    return {"created_at": feed.created_at.isoformat(), "feed_url": feed_links(feed)["https"]}


def delete_personal_data(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
