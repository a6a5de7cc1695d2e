"""Checking people in at the door: codes and QR codes, one-tap check-in, walk-ins, no-shows.

A check-in code is stateless: the registration's id and a short HMAC of event and registration
(keyed with SECRET_KEY), e.g. ``1234-K7QF2MXA``. Nothing is stored, a guessed code is refused,
and a code of one event does not open another. Staff type it or scan the QR code, which holds the
URL of the staff check-in page for that code (a phone's camera app opens it directly).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from companies.models import Company
from events.models import Event, Registration
from events.services.registration import _active_registration, _confirmed_count, _lock_event
from kag_portal.mail import absolute_url

CODE_SALT = "events.checkin"
# 8 base32 characters = 40 bits: far beyond guessing at the door, still short to type.
SIGNATURE_LENGTH = 8
CODE_PATTERN = re.compile(rf"^(\d+)-([A-Z2-7]{{{SIGNATURE_LENGTH}}})$")
# Base32 has no 0, 1 or 8: read them as the letters people mistake them for.
LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class CheckInError(Exception):
    """A check-in that is refused; the message is shown to staff."""


def _signature(event_id: int, registration_id: int, secret: str | None = None) -> str:
    digest = salted_hmac(
        CODE_SALT, f"{event_id}:{registration_id}", secret=secret, algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode()[:SIGNATURE_LENGTH]


def _signature_matches(signature: str, event_id: int, registration_id: int) -> bool:
    """Also against SECRET_KEY_FALLBACKS: codes in mails sent before a key rotation still work."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(signature, _signature(event_id, registration_id, secret))
        for secret in secrets
    )


def checkin_code(registration: Registration) -> str:
    return f"{registration.pk}-{_signature(registration.event_id, registration.pk)}"


def checkin_url(registration: Registration) -> str:
    """The absolute URL the QR code holds: the staff check-in page for this code."""
    return absolute_url(
        reverse(
            "staff_events:checkin_code", args=[registration.event_id, checkin_code(registration)]
        )
    )


def qr_svg(registration: Registration) -> SafeString:
    """The QR code as inline SVG: only presentation attributes, no style (strict CSP)."""
    qr = segno.make(checkin_url(registration), error="m")
    svg = qr.svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="checkin-qr",
        lineclass=None,
        title=_("Check-in code %(code)s") % {"code": checkin_code(registration)},
    )
    # segno escapes the title; the rest is numbers and path data made here.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def normalise_code(text: str) -> str:
    """What staff typed or a scanner produced: a code, or the scanned URL ending in one.

    Spaces and case do not matter, the dash may be left out, and 0/1/8 in the signature are read
    as O/I/B (base32 has no such digits).
    """
    text = text.strip()
    if "/" in text:
        parts = [part for part in text.split("/") if part]
        text = parts[-1] if parts else ""
    text = "".join(text.split()).upper()
    head, _dash, tail = text.rpartition("-")
    if not head:
        head, tail = text[:-SIGNATURE_LENGTH], text[-SIGNATURE_LENGTH:]
    return f"{head}-{tail.translate(LOOKALIKES)}"


def registration_for_code(*, event: Event, code: str) -> Registration:
    """The registration of this event that the code belongs to; CheckInError when there is none.

    The signature is compared in constant time; a code of another event or a changed id fails.
    """
    match = CODE_PATTERN.match(normalise_code(code))
    if match is None:
        raise CheckInError(_("This is not a valid check-in code."))
    registration_id, signature = int(match[1]), match[2]
    if not _signature_matches(signature, event.pk, registration_id):
        raise CheckInError(_("This code does not belong to a registration for this event."))
    registration = (
        Registration.objects.select_related("company", "checked_in_by")
        .filter(event=event, pk=registration_id)
        .first()
    )
    if registration is None:
        raise CheckInError(_("This code does not belong to a registration for this event."))
    return registration


def check_open(event: Event) -> None:
    """Check-in works for published events (and finished ones, to correct afterwards)."""
    if event.is_cancelled:
        raise CheckInError(_("This event has been cancelled."))
    if event.is_draft:
        raise CheckInError(_("This event is not published."))


def is_event_day(event: Event) -> bool:
    today = timezone.localdate()
    return timezone.localdate(event.starts_at) <= today <= timezone.localdate(event.ends_at)


@transaction.atomic
def check_in(*, registration: Registration, by) -> bool:
    """Mark a confirmed registration as arrived; False when it was checked in already.

    A conditional update: two staff tapping the same person at once check them in once.
    """
    check_open(registration.event)
    if not registration.is_confirmed:
        raise CheckInError(_("Only confirmed registrations can be checked in."))
    now = timezone.now()
    changed = Registration.objects.filter(
        pk=registration.pk, status=Registration.Status.CONFIRMED, checked_in_at=None
    ).update(checked_in_at=now, checked_in_by=by, updated_at=now)
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by", "updated_at"])
    return bool(changed)


@transaction.atomic
def undo_check_in(*, registration: Registration, by) -> bool:
    """Take a check-in back (a wrong tap); False when there was none."""
    check_open(registration.event)
    changed = (
        Registration.objects.filter(pk=registration.pk)
        .exclude(checked_in_at=None)
        .update(checked_in_at=None, checked_in_by=None, updated_at=timezone.now())
    )
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by", "updated_at"])
    return bool(changed)


@dataclass(frozen=True)
class WalkIn:
    registration: Registration
    # Already registered beforehand (or on the waitlist): checked in, no new registration.
    was_registered: bool
    # More people confirmed than the event's places: allowed at the door, staff see a warning.
    over_capacity: bool


@transaction.atomic
def register_walk_in(*, event: Event, company: Company, name: str, email: str, by) -> WalkIn:
    """Someone at the door without a place: a confirmed registration, checked in at once.

    Capacity and the per-company limit are not enforced: at the door the room decides, and the
    staff member standing there sees a warning when the event is over its places. Someone who
    registered beforehand (even on the waitlist) is confirmed and checked in instead of
    registered twice. No mail: the person is standing in front of staff.
    """
    event = _lock_event(event.pk)
    check_open(event)
    email = email.strip().lower()
    person = get_user_model().objects.filter(email__iexact=email).first()
    now = timezone.now()
    existing = _active_registration(event, person=person, email=email)
    if existing is not None:
        existing.status = Registration.Status.CONFIRMED
        existing.confirmed_at = existing.confirmed_at or now
        existing.checked_in_at = existing.checked_in_at or now
        existing.checked_in_by = existing.checked_in_by or by
        existing.save(
            update_fields=["status", "confirmed_at", "checked_in_at", "checked_in_by", "updated_at"]
        )
        registration, was_registered = existing, True
    else:
        registration = Registration.objects.create(
            event=event,
            company=company,
            person=person,
            name=name.strip(),
            email=email,
            registered_by=by,
            status=Registration.Status.CONFIRMED,
            confirmed_at=now,
            checked_in_at=now,
            checked_in_by=by,
            walk_in=True,
        )
        was_registered = False
    return WalkIn(
        registration=registration,
        was_registered=was_registered,
        over_capacity=_confirmed_count(event) > event.capacity,
    )


def attendees(event: Event, *, query: str = "") -> QuerySet[Registration]:
    """Confirmed registrations for the check-in list, by name; filtered by name, company, e-mail."""
    registrations = (
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("company")
        .order_by("name", "pk")
    )
    query = query.strip()
    if query:
        registrations = registrations.filter(
            Q(name__icontains=query) | Q(company__name__icontains=query) | Q(email__icontains=query)
        )
    return registrations


def checkin_counts(event: Event) -> dict[str, int]:
    """Confirmed, checked in and walk-ins of one event, in one query."""
    confirmed = Q(status=Registration.Status.CONFIRMED)
    return event.registrations.aggregate(
        confirmed=Count("pk", filter=confirmed),
        checked_in=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=confirmed & Q(walk_in=True)),
    )


def checkin_used(event: Event) -> bool:
    """Whether anybody was checked in: only then does "not checked in" mean "did not come"."""
    return event.registrations.filter(checked_in_at__isnull=False).exists()


def no_show_counts(emails: list[str] | set[str]) -> dict[str, int]:
    """Per address: past events where they had a confirmed place but were not checked in.

    Only events where check-in was used count (someone was checked in), so an evening without
    check-in does not make everybody a no-show. One aggregate query.
    """
    emails = {email.lower() for email in emails if email}
    if not emails:
        return {}
    check_in_used = Registration.objects.filter(
        event=OuterRef("event"), checked_in_at__isnull=False
    )
    rows = (
        Registration.objects.filter(
            email__in=emails,
            status=Registration.Status.CONFIRMED,
            checked_in_at=None,
            event__ends_at__lt=timezone.now(),
            event__status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED],
        )
        .filter(Exists(check_in_used))
        .values("email")
        .annotate(missed=Count("event", distinct=True))
    )
    return {row["email"]: row["missed"] for row in rows}
