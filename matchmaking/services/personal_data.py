"""The matchmaking part of a person's data (DSGVO Art. 15 and 17), for kag_portal.personal_data.

Export: the person's seats and their own marks and notes. Deletion: their marks and notes go, and
so do the marks others made about them (nobody keeps a note about a person who left); seats in
played plans stay on the registration, which the events part anonymises afterwards (the
registry deletes the higher apps' parts first).
"""

from __future__ import annotations

from django.db.models import Q

from events.models import Registration
from kag_portal.personal_data import address_q, addresses_of

from ..models import ContactMark, Seat
from .seating import remove_from_coming_plans


def _registrations_of(user):
    # The same rule as the events' part: the account holder's places or those under the address.
    return Registration.objects.filter(Q(person=user) | address_q("email", addresses_of(user)))


def export(user) -> dict:
    mine = _registrations_of(user).values("pk")
    return {
        "seats": [
            {
                "event": seat.plan.event.title,
                "round": seat.round,
                "table": seat.table,
            }
            for seat in Seat.objects.filter(registration_id__in=mine)
            .select_related("plan__event")
            .order_by("plan__event__starts_at", "round")
        ],
        "contact_marks": [
            {
                "event": mark.registration.event.title,
                "partner": mark.partner.name,
                "partner_company": mark.partner.company.name,
                "wants_contact": mark.wants_contact,
                "note": mark.note,
                "updated_at": mark.updated_at.isoformat(),
            }
            for mark in ContactMark.objects.filter(registration_id__in=mine)
            .select_related("registration__event", "partner__company")
            .order_by("registration__event__starts_at", "pk")
        ],
    }


def delete(user) -> None:
    mine = list(_registrations_of(user).values_list("pk", flat=True))
    # Events to come are planned again without the person (seating.remove_from_coming_plans).
    remove_from_coming_plans(mine)
    ContactMark.objects.filter(Q(registration_id__in=mine) | Q(partner_id__in=mine)).delete()
