"""\"Meine Gesprächspartner\" at /events/<id>/my-partners/: an attendee's rounds, tables and
partners with the reasons, phone first.

Only the attendee, the owners of their company and staff see it, and only once the plan is
published; anyone else gets 404 (so nobody learns whose plan exists). The page polls a fragment
every 20 s (htmx) and is replaced only when what it shows changed.

The rounds are rendered once per plan version, running round, registration and language and kept
in the cache under the "partners" generation, which every write to what they show bumps
(matchmaking/apps.py). The permission check always asks the database; a poll or a revalidation
(If-None-Match) whose state is current is answered with 204 or 304 without reading the seats.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe

from companies.models import Membership
from events.models import Registration
from kag_portal import caching

from ..models import SeatingPlan
from ..services import seating

# The generation scope of what the rounds show; bumped by the writes listed in apps.py.
SCOPE = "partners"
# A stale entry is never read again (its key names an old generation or version); this only lets
# Redis free the memory of evenings long past.
SCHEDULE_SECONDS = 12 * 3600

# The columns the page and the permission check read: a fraction of the tables' columns.
_EVENT_FIELDS = [
    "event__title",
    "event__starts_at",
    "event__ends_at",
    "event__speed_dating_starts_at",
    "event__speed_dating_rounds",
    "event__speed_dating_round_minutes",
    "event__speed_dating_change_minutes",
]
_REGISTRATION_FIELDS = ["person_id", "company_id", "name", "company__name"]


def _published_plan(pk: int) -> SeatingPlan:
    """The event's published plan with the event, in one query; 404 for no event or no plan."""
    plan = (
        SeatingPlan.objects.filter(event_id=pk, status=SeatingPlan.Status.PUBLISHED)
        .select_related("event")
        .only("event_id", "version", "current_round", "status", *_EVENT_FIELDS)
        .first()
    )
    if plan is None:
        raise Http404("no published plan")
    return plan


def _owned_company_ids(user) -> set[int]:
    return set(
        Membership.objects.filter(user=user, role=Membership.Role.OWNER).values_list(
            "company_id", flat=True
        )
    )


def _active_registrations(plan: SeatingPlan):
    return (
        Registration.objects.filter(event_id=plan.event_id)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("company")
    )


def _registration(request: HttpRequest, plan: SeatingPlan) -> Registration | None:
    """The registration whose plan is shown: ?registration=<id> (the person's own, one of their
    company's as its owner, any as staff) or the person's own. None: let them choose."""
    active = _active_registrations(plan).only(*_REGISTRATION_FIELDS)
    wanted = request.GET.get("registration", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404("bad registration")
        registration = active.filter(pk=int(wanted)).first()
        if registration is None:
            raise Http404("no such registration")
        user = request.user
        if not (
            registration.person_id == user.pk
            or user.is_staff
            or registration.company_id in _owned_company_ids(user)
        ):
            raise Http404("not yours")
        return registration
    own = active.filter(person=request.user).first()
    if own is None and not _company_registrations(request, plan):
        raise Http404("not registered")
    return own


def _company_registrations(request: HttpRequest, plan: SeatingPlan) -> list[Registration]:
    """The registrations an owner may choose from (their companies' people at this event)."""
    return list(
        _active_registrations(plan)
        .filter(company_id__in=_owned_company_ids(request.user))
        .order_by("company__name", "name", "pk")
    )


@dataclass(frozen=True)
class Schedule:
    """One registration's rounds as HTML, and a digest of them (the poll's state, the ETag)."""

    digest: str
    html: SafeString


def _schedule(plan: SeatingPlan, registration: Registration) -> Schedule:
    """The rounds from the cache, or computed and rendered and kept there.

    The key names everything the rounds show: the generation of the partners' names, companies,
    tags and the event's times (bumped on every write to them), the plan's version (raised by
    every change of seats, publication and marked round), the running round (which the clock
    moves on by the schedule), the registration and the language of the reasons.
    """
    running = seating.running_round(plan) or 0
    language = translation.get_language()
    key = caching.cache_key(
        [SCOPE], language, plan.pk, plan.version, running, registration.pk, "rounds"
    )
    found = cache.get(key)
    if found is not None:
        digest, html = found
        return Schedule(digest=digest, html=mark_safe(html))  # noqa: S308 (rendered by us)
    rounds = seating.personal_schedule(plan, registration)
    html = render_to_string("matchmaking/includes/my_round_sections.html", {"rounds": rounds})
    digest = hashlib.blake2b(html.encode(), digest_size=10).hexdigest()
    cache.set(key, (digest, str(html)), SCHEDULE_SECONDS)
    return Schedule(digest=digest, html=mark_safe(html))  # noqa: S308 (rendered by us)


def _etag(*parts: object) -> str:
    text = "\x1f".join(str(part) for part in parts)
    return '"' + hashlib.blake2b(text.encode(), digest_size=10).hexdigest() + '"'


def _private(response: HttpResponse, etag: str | None = None) -> HttpResponse:
    """A person's own plan: kept by their browser only, and asked again before each use."""
    if etag:
        response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _context(request: HttpRequest, plan: SeatingPlan, registration: Registration | None) -> dict:
    now = timezone.now()
    return {
        "event": plan.event,
        "plan": plan,
        "registration": registration,
        "is_own": registration is not None and registration.person_id == request.user.pk,
        # Keep polling until the evening is over.
        "live": plan.event.ends_at > now,
        # The follow-up marks open once the evening has begun.
        "started": plan.event.starts_at <= now,
    }


@login_required
def my_partners(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _published_plan(pk)
    registration = _registration(request, plan)
    context = _context(request, plan, registration)
    if registration is None:
        context["choices"] = _company_registrations(request, plan)
        return _private(render(request, "matchmaking/my_partners.html", context))
    schedule = _schedule(plan, registration)
    context.update(state=schedule.digest, rounds_html=schedule.html)
    # Everything else the page shows, so that a 304 is never an outdated page: the header's
    # event and person, the links that come with the clock, the language, whose session it is
    # (its CSRF secret is in the page's forms).
    etag = _etag(
        schedule.digest,
        registration.pk,
        registration.name,
        registration.company.name,
        plan.event.title,
        plan.event.starts_at.isoformat(),
        context["is_own"],
        context["live"],
        context["started"],
        translation.get_language(),
        request.user.pk,
        request.META.get("CSRF_COOKIE", ""),
    )
    # A page with a message to show is always sent (showing it uses it up).
    if not len(messages.get_messages(request)):
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return _private(not_modified, etag)
    return _private(render(request, "matchmaking/my_partners.html", context), etag)


@login_required
def my_partners_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The rounds alone, for htmx polling: 204 (nothing to swap) while the state it names is
    current, 304 for a current If-None-Match."""
    plan = _published_plan(pk)
    registration = _registration(request, plan)
    if registration is None:
        raise Http404("choose a registration")
    schedule = _schedule(plan, registration)
    if request.GET.get("state") == schedule.digest:
        return _private(HttpResponse(status=204))
    context = _context(request, plan, registration)
    etag = _etag(schedule.digest, registration.pk, context["live"])
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _private(not_modified, etag)
    context.update(state=schedule.digest, rounds_html=schedule.html)
    return _private(render(request, "matchmaking/includes/my_rounds.html", context), etag)
