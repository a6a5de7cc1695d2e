"""Check-in codes in templates: the attendee's pass on the registration page and in mails,
and the no-show counts on the staff registrations list (`{% load event_checkin %}`)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from events.models import Registration
from events.services import checkin

register = template.Library()


@register.filter
def checkin_code(registration: Registration) -> str:
    """The code to type at the door (for mails: text only, no image)."""
    return checkin.checkin_code(registration)


@register.simple_tag
def checkin_pass(registration: Registration, user) -> dict | None:
    """Code and QR code of a confirmed registration, for the attendee and who registered them.

    Colleagues of the same company may open the registration page too, but not take the pass.
    """
    if not registration.is_confirmed or not user.is_authenticated:
        return None
    if user.pk not in (registration.person_id, registration.registered_by_id):
        return None
    return {"code": checkin.checkin_code(registration), "qr": checkin.qr_svg(registration)}


@register.simple_tag
def with_no_shows(registrations, event) -> list[Registration]:
    """The registrations of one event for the staff list, each with two marks:

    `.no_shows`: past events where this address had a confirmed place and did not come (one
    aggregate query for the whole list, services.checkin.no_show_counts);
    `.did_not_come`: confirmed here, the event is over, check-in was used, not checked in.
    """
    registrations = list(registrations)
    counts = checkin.no_show_counts({registration.email for registration in registrations})
    checkin_used = any(registration.checked_in_at for registration in registrations)
    ended = event.ends_at < timezone.now()
    for registration in registrations:
        registration.no_shows = counts.get(registration.email.lower(), 0)
        registration.did_not_come = (
            ended
            and checkin_used
            and registration.is_confirmed
            and registration.checked_in_at is None
        )
    return registrations
