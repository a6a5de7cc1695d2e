"""Wish partners: the companies an attendee would like to meet at an evening's speed dating.

The planner counts a wish in a pair's value (docs/seating.md), so wishes matter only until the
seat plan is made; after that they are shown, not changed. Suggestions are the best-fitting
public companies for the attendee's firm (companies.services.matching), with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.models import Company
from companies.services.matching import Direction, Partner, cached_partners
from companies.services.search import search_companies
from events.models import Registration

from ..models import SeatingPlan

# More than a handful of wishes tells the planner little: each evening seats a person with only
# as many partners as there are rounds.
MAX_WISHES = 5
SUGGESTIONS = 6
FOUND = 10


class WishError(Exception):
    """The wishes cannot be changed; the message (translated) says why."""


@dataclass(frozen=True)
class WishChoices:
    """What the chooser lists: the chosen companies first, then suggestions with their reason,
    then what the search found (none listed twice)."""

    chosen: list[Company]
    suggested: list[Partner]
    found: list[Company]
    query: str


def wishes_closed_reason(registration: Registration, *, plan_exists: bool | None = None) -> str:
    """Why this registration's wishes can no longer change, or "" while they can."""
    event = registration.event
    if not registration.is_active:
        return _("This registration is cancelled.")
    if plan_exists is None:
        plan_exists = SeatingPlan.objects.filter(event_id=event.pk).exists()
    if plan_exists:
        return _("The seat plan is made: wishes can no longer change it.")
    if event.starts_at <= timezone.now():
        return _("The event has begun.")
    return ""


def wishable_companies(registration: Registration) -> QuerySet[Company]:
    """Public companies other than the attendee's own."""
    return Company.objects.filter(status=Company.Status.PUBLISHED).exclude(
        pk=registration.company_id
    )


def choices(registration: Registration, chosen_ids: Iterable[int], query: str) -> WishChoices:
    """The chooser's lists, in a fixed number of queries (the suggestions are cached per firm)."""
    companies = wishable_companies(registration).select_related("town")
    chosen = list(companies.filter(pk__in=list(chosen_ids)).order_by("name"))
    taken = {company.pk for company in chosen}
    suggested = [
        partner
        for partner in cached_partners(
            registration.company, SUGGESTIONS + MAX_WISHES, (Direction.BOTH,)
        )[Direction.BOTH]
        if partner.company.pk not in taken and partner.company.pk != registration.company_id
    ][:SUGGESTIONS]
    query = " ".join(query.split())
    found: list[Company] = []
    if query:
        shown = taken | {partner.company.pk for partner in suggested}
        others = companies.exclude(pk__in=shown)
        found = list(search_companies(others, query)[:FOUND])
        if len(found) < FOUND:
            # As the person types, a word is half written ("Bäck"): the full-text search wants
            # whole words, so names that contain what was typed come next.
            seen = [company.pk for company in found]
            found += list(
                others.filter(name__icontains=query)
                .exclude(pk__in=seen)
                .order_by("name")[: FOUND - len(found)]
            )
    return WishChoices(chosen=chosen, suggested=suggested, found=found, query=query)


def set_wishes(*, registration: Registration, companies: list[Company]) -> None:
    """Store the attendee's wishes, refused once the plan is made (checked under the
    registration's row lock, so two saves at once leave one whole choice)."""
    if len(companies) > MAX_WISHES:
        raise WishError(
            ngettext(
                "Please choose at most %(count)d company.",
                "Please choose at most %(count)d companies.",
                MAX_WISHES,
            )
            % {"count": MAX_WISHES}
        )
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        closed = wishes_closed_reason(locked)
        if closed:
            raise WishError(closed)
        if any(company.pk == locked.company_id for company in companies):
            raise WishError(_("Your own company cannot be a wish partner."))
        locked.wish_partners.set(companies)
