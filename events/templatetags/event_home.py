"""The coming events on the home page (`{% load event_home %}`): kag_portal's home view knows
nothing of events, its template asks this tag (docs/architecture.md, the registries)."""

from __future__ import annotations

from django import template

from events.services import public
from kag_portal import page_cache

register = template.Library()

HOME_EVENTS = 3


@register.inclusion_tag("events/includes/home_events.html", takes_context=True)
def coming_events_on_home(context) -> dict:
    events = public.open_for_registration(HOME_EVENTS)
    for event in events:
        event.places_left = public.places_left(event)
    request = context.get("request")
    if request is not None:
        # A kept copy of the home page must not offer an event past its registration deadline.
        page_cache.changes_at(request, *(event.registration_deadline for event in events))
    return {"events": events}
