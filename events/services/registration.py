"""Registering for an event, cancelling, and the waitlist.

Every decision about seats happens under a row lock on the event (`_lock_event`): registrations
and cancellations of one event run one after the other, so the number of confirmed places never
exceeds the capacity and the waitlist keeps the order in which places were asked for.

The per-company limit (`Event.places_per_company`) counts a company's *active* registrations,
confirmed and waitlisted alike: a firm cannot hold more places than allowed, and it cannot fill
the waitlist ahead of other firms either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.models import Company, Membership
from events.models import Event, EventInvitation, Registration
from events.services.invitations import invitation_for
from kag_portal.mail import absolute_url, queue_mail

DECLINE_SALT = "events.decline"


class RegistrationError(Exception):
    """A registration or cancellation that is refused; the message is shown to the person."""


def _lock_event(event_id: int) -> Event:
    """The event row, locked until the transaction ends: one seat decision at a time."""
    return Event.objects.select_for_update().get(pk=event_id)


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def _active_registration(event: Event, *, person, email: str) -> Registration | None:
    match = Q(email__iexact=email)
    if person is not None:
        match |= Q(person=person)
    return event.registrations.exclude(status=Registration.Status.CANCELLED).filter(match).first()


def attendee_account(*, email: str, company: Company):
    """The account an attendee's address belongs to (None when it has none), for a place under
    `company`; raises RegistrationError when the address is an account outside the company.

    An address belongs to an account when it logs in with it or has confirmed it: otherwise a
    member could book a stranger (a KAG staff account, someone of another firm) as their
    "colleague", and that person's own registration would then lead to this one. An address
    merely waiting for confirmation claims nothing, or anyone could block a colleague's place
    by adding their address to an account. A person of another company registers themselves.
    """
    email = email.strip().lower()
    accounts = list(
        get_user_model()
        .objects.filter(
            Q(email__iexact=email)
            | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
        )
        .distinct()
        .order_by("pk")
    )
    if not accounts:
        return None
    members = set(
        Membership.objects.filter(company=company, user__in=accounts).values_list(
            "user_id", flat=True
        )
    )
    if any(account.pk not in members for account in accounts):
        raise RegistrationError(
            _(
                "This address belongs to an account that is not part of your company. "
                "Please ask the person to register themselves."
            )
        )
    # The account that logs in with the address, before one that merely holds it as well.
    return next((a for a in accounts if a.email.lower() == email), accounts[0])


def _attendee(*, company: Company, person, email: str, registered_by):
    """The account the place is for: the one named, checked, or the one the address belongs to."""
    if person is None:
        return attendee_account(email=email, company=company)
    if person.pk != registered_by.pk and not (
        Membership.objects.filter(company=company, user=person).exists()
    ):
        raise RegistrationError(_("You can only register people of your own company."))
    return person


def placed_by_a_stranger(registration: Registration, person) -> bool:
    """A place someone else booked for `person` under a company the person does not belong to.

    Before attendee_account refused them, members could book any account as their colleague;
    such a place must not stand in the way of the person's own registration (nor be shown to
    them as theirs).
    """
    # Only a member can have booked a stranger: places made by staff (at the door, walk-ins) or
    # without a booking person stay the person's own.
    return (
        person is not None
        and registration.registered_by_id is not None
        and registration.registered_by_id != person.pk
        and registration.registered_by is not None
        and not registration.registered_by.is_staff
        and not Membership.objects.filter(company_id=registration.company_id, user=person).exists()
    )


def _kept_place(event: Event, *, person, email: str) -> Registration | None:
    """The attendee's active registration; one a stranger booked is cancelled on the way, so a
    new place for the person's own company replaces it (the event is locked)."""
    existing = _active_registration(event, person=person, email=email)
    if existing is None or not placed_by_a_stranger(existing, person):
        return existing
    existing.status = Registration.Status.CANCELLED
    existing.cancelled_at = timezone.now()
    existing.save(update_fields=["status", "cancelled_at", "updated_at"])
    return None


@transaction.atomic
def register(
    *,
    event: Event,
    company: Company,
    person=None,
    name: str,
    email: str,
    registered_by,
    wish_partners: Iterable[Company] = (),
    topics: str = "",
    show_to_attendees: bool = False,
    invitation: EventInvitation | None = None,
    shirt_size: str = "",
) -> Registration:
    """A confirmed place, or a place on the waitlist when the event is full.

    The same person (or address) registering again gets their active registration back.
    `invitation` is the one whose link the person opened; without it, an invitation for the
    attendee, the person registering or the company is looked up. One is needed for an
    invited-only event, and it is recorded on the registration.
    """
    event = _lock_event(event.pk)
    email = email.strip().lower()
    if not Membership.objects.filter(company=company, user=registered_by).exists():
        raise RegistrationError(_("You can only register people of your own company."))
    person = _attendee(company=company, person=person, email=email, registered_by=registered_by)
    invitation = invitation_for(
        event,
        held=invitation,
        company=company,
        person=person,
        email=email,
        registered_by=registered_by,
    )
    closed = event.registration_closed_reason(invitation)
    if closed:
        raise RegistrationError(closed)
    existing = _kept_place(event, person=person, email=email)
    if existing is not None:
        return existing
    if event.places_per_company is not None:
        taken = (
            event.registrations.filter(company=company)
            .exclude(status=Registration.Status.CANCELLED)
            .count()
        )
        if taken >= event.places_per_company:
            raise RegistrationError(
                _("Your company already has all the places it may have at this event.")
            )
    now = timezone.now()
    confirmed = _confirmed_count(event) < event.capacity
    registration = Registration.objects.create(
        event=event,
        company=company,
        person=person,
        name=name.strip(),
        email=email,
        registered_by=registered_by,
        status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED,
        topics=topics,
        show_to_attendees=show_to_attendees,
        confirmed_at=now if confirmed else None,
        invitation=invitation,
        shirt_size=shirt_size,
    )
    if wish_partners:
        registration.wish_partners.set(wish_partners)
    _mail(registration, "registration_confirmed" if confirmed else "registration_waitlisted")
    return registration


@dataclass(frozen=True)
class Runner:
    """One runner of a company-run team, as the registering member named them."""

    name: str
    email: str
    shirt_size: str = ""
    person: object | None = None


@dataclass(frozen=True)
class TeamPlace:
    registration: Registration
    # False when the runner was registered already: they keep the place they had.
    new: bool


@transaction.atomic
def register_team(
    *,
    event: Event,
    company: Company,
    runners: Sequence[Runner],
    registered_by,
    show_to_attendees: bool = False,
) -> list[TeamPlace]:
    """Several runners of one company (the company run) under one event lock, in order.

    Each runner goes through register(): places while there are any, then the waitlist in the
    order given. All or nothing: when one runner is refused (an address of another company's
    account, the per-company limit, a closed event), the whole team is refused and nothing is
    saved.
    """
    event = _lock_event(event.pk)
    if event.format != Event.Format.COMPANY_RUN:
        raise RegistrationError(_("Teams can only be registered for the company run."))
    if not Membership.objects.filter(company=company, user=registered_by).exists():
        raise RegistrationError(_("You can only register people of your own company."))
    emails = [runner.email.strip().lower() for runner in runners]
    people = [
        _attendee(company=company, person=runner.person, email=email, registered_by=registered_by)
        for runner, email in zip(runners, emails, strict=True)
    ]
    already = {
        email
        for email, person in zip(emails, people, strict=True)
        if _kept_place(event, person=person, email=email) is not None
    }
    if event.places_per_company is not None:
        taken = (
            event.registrations.filter(company=company)
            .exclude(status=Registration.Status.CANCELLED)
            .count()
        )
        wanted = len([email for email in emails if email not in already])
        if taken + wanted > event.places_per_company:
            left = max(event.places_per_company - taken, 0)
            raise RegistrationError(
                ngettext(
                    "Your company has %(left)d place left at this event: please name fewer "
                    "runners.",
                    "Your company has %(left)d places left at this event: please name fewer "
                    "runners.",
                    left,
                )
                % {"left": left}
            )
    return [
        TeamPlace(
            registration=register(
                event=event,
                company=company,
                person=person,
                name=runner.name,
                email=email,
                registered_by=registered_by,
                show_to_attendees=show_to_attendees,
                shirt_size=runner.shirt_size,
            ),
            new=email not in already,
        )
        for runner, email, person in zip(runners, emails, people, strict=True)
    ]


@transaction.atomic
def cancel(*, registration: Registration, by) -> Registration:
    """Give the place back; the first on the waitlist moves up into a free seat."""
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        return registration
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    _promote(event)
    return registration


def _promote(event: Event) -> None:
    """Fill free seats from the waitlist in the order places were asked for (event is locked)."""
    free = event.capacity - _confirmed_count(event)
    if free <= 0 or not event.is_published or event.starts_at <= timezone.now():
        return
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "requested_at", "pk"
    )[:free]
    now = timezone.now()
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        _mail(registration, "registration_promoted")


def decline_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=DECLINE_SALT)


def read_decline_token(token: str) -> int:
    """The registration's id; raises signing.BadSignature for a forged link."""
    return int(signing.loads(token, salt=DECLINE_SALT)["r"])


def _mail(registration: Registration, template: str) -> None:
    kind = template.removeprefix("registration_")
    context = {
        "registration": registration,
        "event": registration.event,
        "registration_url": absolute_url(reverse("events:registration", args=[registration.pk])),
        "event_url": absolute_url(registration.event.get_absolute_url()),
        "ics_url": absolute_url(reverse("events:ics", args=[registration.event_id])),
        "for_colleague": registration.registered_by_id != registration.person_id,
        "registered_by_name": str(registration.registered_by or ""),
    }
    if kind == "promoted":
        context["decline_url"] = absolute_url(
            reverse("events:decline", args=[decline_token(registration)])
        )
    queue_mail(
        to_email=registration.email,
        template=template,
        context=context,
        idempotency_key=f"registration-{kind}:{registration.pk}",
        recipient=registration.person,
        about=[registration.registered_by],
    )
