"""The events' part of a person's data (DSGVO Art. 15 and 17), for kag_portal.personal_data."""

from __future__ import annotations

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from kag_portal.personal_data import address_q, addresses_of

from ..models import EventInvitation, Feedback, Registration
from .registration import cancel
from .retention import anonymise_registrations


def _registrations_of(user):
    # The person's own places: as the account holder, or under one of their addresses.
    return Registration.objects.filter(Q(person=user) | address_q("email", addresses_of(user)))


def _feedback_of(registration: Registration) -> dict | None:
    try:
        feedback = registration.feedback
    except Feedback.DoesNotExist:
        return None
    return {
        "rating": feedback.rating,
        "next_format": feedback.next_format,
        "topics": feedback.topics,
        "given_at": feedback.created_at.isoformat(),
    }


def export(user) -> list[dict]:
    return [
        {
            "event": registration.event.title,
            "starts_at": registration.event.starts_at.isoformat(),
            "company": registration.company.name,
            "name": registration.name,
            "email": registration.email,
            "status": registration.status,
            "wish_partners": [company.name for company in registration.wish_partners.all()],
            "topics": registration.topics,
            "show_to_attendees": registration.show_to_attendees,
            "checked_in_at": (
                registration.checked_in_at.isoformat() if registration.checked_in_at else None
            ),
            "feedback": _feedback_of(registration),
        }
        for registration in _registrations_of(user)
        .select_related("event", "company", "feedback")
        .prefetch_related("wish_partners")
        .order_by("event__starts_at")
    ]


def names(user) -> set[str]:
    """The names the person was registered under, which stored mails may carry."""
    return set(_registrations_of(user).exclude(name="").values_list("name", flat=True))


def delete(user) -> None:
    """Places at coming events are given back (the waitlist moves up); past registrations stay
    only as anonymous counts (events.services.retention): no name, no address, no wishes or
    topics. Feedback stays as a rating and a wished format, without a way back to the person;
    its free text goes, being the person's own words (it may name them or their firm)."""
    now = timezone.now()
    # First: a colleague moving up from the waitlist below is told so without this person's
    # name (a mail about a deleted person would not be sent at all).
    Registration.objects.filter(registered_by=user).exclude(person=user).update(registered_by=None)
    Feedback.objects.filter(registration__in=_registrations_of(user)).update(topics="")
    for registration in (
        _registrations_of(user)
        .filter(event__ends_at__gte=now)
        .exclude(status=Registration.Status.CANCELLED)
    ):
        cancel(registration=registration, by=user)
    anonymise_registrations(_registrations_of(user), now=now)
    Registration.objects.filter(registered_by=user).update(registered_by=None)


def give_back_company_places(sender, company, **kwargs) -> None:
    """companies.signals.company_deleted: the company's places at coming events are cancelled,
    so the people waiting move up; past ones stay for the counts (the company is anonymised)."""
    coming = Registration.objects.filter(
        company=company, event__ends_at__gte=timezone.now()
    ).exclude(status=Registration.Status.CANCELLED)
    for registration in coming:
        cancel(registration=registration, by=None)


def _invitations_of(user):
    return EventInvitation.objects.filter(Q(person=user) | address_q("email", addresses_of(user)))


def export_invitations(user) -> list[dict]:
    return [
        {
            "event": invitation.event.title,
            "starts_at": invitation.event.starts_at.isoformat(),
            "email": invitation.email,
            "invited_at": invitation.created_at.isoformat(),
        }
        for invitation in _invitations_of(user).select_related("event").order_by("created_at")
    ]


def delete_invitations(user) -> None:
    """Invitations stay as anonymous counts ("invitations sent"), without address or person;
    a unique placeholder each, since an address is invited once per event."""
    _invitations_of(user).update(
        person=None,
        email=Concat(Value("deleted-"), Cast("pk", output_field=CharField()), Value("@invalid")),
    )
