"""{% wish_panel registration %} on the events' registration page: the attendee's wish partners for
the speed dating and the link to choose them (matchmaking plugs into the lower app's page)."""

from __future__ import annotations

from django import template

from events.models import Registration

from ..services.wishes import wishes_closed_reason

register = template.Library()


@register.inclusion_tag("matchmaking/wish_panel.html", takes_context=True)
def wish_panel(context, registration: Registration) -> dict:
    user = context["request"].user
    shown = (
        registration.event.has_speed_dating
        and registration.is_active
        and user.pk in (registration.person_id, registration.registered_by_id)
    )
    if not shown:
        return {"shown": False}
    return {
        "shown": True,
        "registration": registration,
        "chosen": [company.name for company in registration.wish_partners.order_by("name")],
        "open": not wishes_closed_reason(registration),
    }
