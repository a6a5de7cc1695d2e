"""What the network made happen, on the home page (`{% load impact_home %}`): kag_portal's home
view knows nothing of the impact figures, its template asks this tag (docs/architecture.md)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from impact.figures import Headline, headline
from impact.forms import default_period
from kag_portal import caching

register = template.Library()

# The counts change with every event, seat plan and cooperation ("events" and "impact" scopes,
# impact/apps.py) and by the clock (an evening that ended adds its meetings): kept at most this
# long, so the home page of a logged-in person costs no count queries.
HEADLINE_SECONDS = 600


def cached_headline() -> Headline:
    period = default_period()
    key = f"page:impact:headline:{period.start.isoformat()}:{period.end.isoformat()}"
    stamps, found = caching.get_many_current({key: ("events", "impact")})
    if key in found:
        return found[key]
    result = headline(period)
    caching.set_current(key, stamps[key], result, HEADLINE_SECONDS)
    return result


@register.inclusion_tag("impact/includes/home_figures.html")
def network_figures() -> dict:
    result = cached_headline()
    return {
        # A network that has just begun shows no row of zeros.
        "anything": bool(result.events or result.meetings or result.cooperations),
        "since": result.period.start,
        "figures": [
            (result.events, ngettext("event held", "events held", result.events)),
            (
                result.meetings,
                ngettext(
                    "conversation at speed dating",
                    "conversations at speed dating",
                    result.meetings,
                ),
            ),
            (
                result.cooperations,
                ngettext("confirmed cooperation", "confirmed cooperations", result.cooperations),
            ),
        ],
        "heading": _("What the network made happen"),
    }
