"""\"Meine Gesprächspartner\" at /events/<id>/my-partners/: an attendee's rounds, tables and
partners with the reasons, phone first.

Only the attendee, the owners of their company and staff see it, and only once the plan is
published; anyone else gets 404 (so nobody learns whose plan exists). The page polls a fragment
every 20 s (htmx) and is replaced only when what it shows changed.

A plan changes only when staff change it, so what the page shows is cached under the evening's
and the "partners" generations, which every write to it bumps (matchmaking/apps.py): the
published plan with its event, the registration shown (its person, company and name), the
rendered rounds per registration and language (checked against the plan's version and the
running round, which the clock moves on by the schedule) and the whole page per viewer, session
and language (checked against everything its header shows). The viewer's right to see the
registration is decided on every request from those rows, the viewer's staff flag and their
owned companies. A poll whose state is current gets 204 and a revalidation whose ETag is current
304, neither reading the seats.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

from companies.models import Membership
from events.models import Registration
from kag_portal import caching

from ..models import SeatingPlan
from ..services import seating_pages

# The generation scopes of everything cached here, bumped by the writes listed in apps.py: one
# for all evenings (companies, tags, towns), one per evening (its registrations and times) and one
# per evening's seat plan (seats, publication, the marked round).
SCOPE = "partners"


def event_scope(event_id: int) -> str:
    return f"{SCOPE}:event:{event_id}"


def plan_scope(event_id: int) -> str:
    return f"{SCOPE}:plan:{event_id}"


# A stale entry is never used (it names an old generation); this only lets Redis free the memory
# of evenings long past.
CACHE_SECONDS = 12 * 3600
# What the page and the schedule read of the event: a fraction of its columns.
_EVENT_FIELDS = [
    "event__title",
    "event__starts_at",
    "event__ends_at",
    "event__speed_dating_starts_at",
    "event__speed_dating_rounds",
    "event__speed_dating_round_minutes",
    "event__speed_dating_change_minutes",
]
_REGISTRATION_FIELDS = ["event_id", "person_id", "company_id", "name", "company__name"]


def _key(*parts: object) -> str:
    return ":".join(["page", SCOPE, *(str(part) for part in parts)])


def _scopes(event_id: int, key: str) -> list[str]:
    """What an entry shows, by its kind (the key's third part): a plan change must not throw
    away the registrations found or the rounds' bodies (whose seats are in their key)."""
    everything = [SCOPE, event_scope(event_id), plan_scope(event_id)]
    kind = key.split(":")[2]
    if kind == "plan":  # the plan row and the event's title and times
        return everything[1:]
    if kind == "shell":  # the page around the rounds: the event, the registration, the viewer
        return everything[:2]
    if kind in {"registration", "own", "bodies", "rounds"}:  # registrations, companies, tags
        # A rounds entry names the plan version and running round it was made for.
        return everything[:2]
    return everything


class _Cached:
    """The entries of one request, read with their scopes' generations in one round trip."""

    def __init__(self, event_id: int, keys: list[str]) -> None:
        self.event_id = event_id
        self.stamps, self.entries = caching.get_many_current(
            {key: _scopes(event_id, key) for key in keys}
        )

    def get(self, key: str) -> object | None:
        return self.entries.get(key)

    def fetch(self, key: str) -> object | None:
        """An entry not asked for in the first round trip."""
        if key not in self.stamps:
            stamps, entries = caching.get_many_current({key: _scopes(self.event_id, key)})
            self.stamps.update(stamps)
            self.entries.update(entries)
        return self.entries.get(key)

    def set(self, key: str, value: object) -> None:
        caching.set_current(key, self.stamps[key], value, CACHE_SECONDS)


def _plan_key(pk: int) -> str:
    return _key("plan", pk)


def _published_plan(pk: int, cached: _Cached) -> tuple[SeatingPlan, str]:
    """The event's published plan with the event and the fingerprint of its seats: kept, or in
    two queries once per change of the plan. 404 for no event or no published plan (a 404 is
    not kept: a plan published a moment later must show)."""
    entry = cached.get(_plan_key(pk))
    if entry is not None:
        return entry
    plan = (
        SeatingPlan.objects.filter(event_id=pk, status=SeatingPlan.Status.PUBLISHED)
        .select_related("event")
        .only("event_id", "version", "current_round", "status", *_EVENT_FIELDS)
        .first()
    )
    if plan is None:
        raise Http404("no published plan")
    entry = (plan, seating_pages.seats_fingerprint(plan))
    cached.set(_plan_key(pk), entry)
    return entry


def _owned_company_ids(user) -> set[int]:
    return set(
        Membership.objects.filter(user=user, role=Membership.Role.OWNER).values_list(
            "company_id", flat=True
        )
    )


def _active_registrations(event_id: int) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event_id=event_id)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("company")
    )


def _registration_key(request: HttpRequest, pk: int) -> str:
    wanted = request.GET.get("registration", "")
    if wanted:
        return _key("registration", pk, wanted)
    return _key("own", pk, request.user.pk)


def _registration(request: HttpRequest, plan: SeatingPlan, cached: _Cached) -> Registration | None:
    """The registration whose plan is shown: ?registration=<id> (the person's own, one of their
    company's as its owner, any as staff) or the person's own. None: let them choose.

    The active registration found is kept (a write to a registration bumps the generation);
    who may see it is decided here on every request."""
    wanted = request.GET.get("registration", "")
    key = _registration_key(request, plan.event_id)
    if wanted and not wanted.isdigit():
        raise Http404("bad registration")
    registration = cached.get(key)
    if registration is None:
        active = _active_registrations(plan.event_id).only(*_REGISTRATION_FIELDS)
        if wanted:
            registration = active.filter(pk=int(wanted)).first()
        else:
            registration = active.filter(person=request.user).first()
        if registration is not None:
            cached.set(key, registration)
    if wanted:
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
    if registration is None and not _company_registrations(request, plan):
        raise Http404("not registered")
    return registration


def _company_registrations(request: HttpRequest, plan: SeatingPlan) -> list[Registration]:
    """The registrations an owner may choose from (their companies' people at this event)."""
    return list(
        _active_registrations(plan.event_id)
        .filter(company_id__in=_owned_company_ids(request.user))
        .order_by("company__name", "name", "pk")
    )


def _rounds_key(registration_pk: int | str) -> str:
    return _key("rounds", registration_pk, translation.get_language())


def _rounds(
    plan: SeatingPlan, seats: str, registration: Registration, cached: _Cached
) -> tuple[str, str]:
    """(digest, HTML) of the registration's rounds in the current language: kept when made for
    this plan version and running round, else put together from the rounds' bodies. The digest
    is the poll's state. `seats` is the fingerprint of the plan's seats: while it stays, the
    bodies made for the registration's tables before are theirs still (no seat query)."""
    running = plan.running_round or 0
    key = _rounds_key(registration.pk)
    entry = cached.fetch(key)
    if entry is not None and entry["made_for"] == (plan.version, running):
        return entry["digest"], entry["html"]
    tables = entry["tables"] if entry is not None and entry["seats"] == seats else None
    rounds, tables = _rounds_with_bodies(plan, registration, cached, tables)
    html = str(render_to_string("matchmaking/includes/my_round_sections.html", {"rounds": rounds}))
    digest = hashlib.blake2b(html.encode(), digest_size=10).hexdigest()
    cached.set(
        key,
        {
            "made_for": (plan.version, running),
            "digest": digest,
            "html": html,
            "seats": seats,
            "tables": tables,
        },
    )
    return digest, html


def _rounds_with_bodies(
    plan: SeatingPlan, registration: Registration, cached: _Cached, tables: str | None
) -> tuple[list[seating_pages.MyRound], str]:
    """The rounds in order, each with its table and partners rendered, and the fingerprint of
    the seats at the registration's tables (`tables` when known, else one query). The bodies are
    kept per registration, language and those seats: marking the next round, or a swap at other
    tables, changes the plan's version but not them, so the 250 pages of an evening are put
    together again without computing anyone's partners."""
    seats = None
    if tables is None:
        seats = seating_pages.my_tables(plan, registration)
        tables = hashlib.blake2b(repr(seats).encode(), digest_size=10).hexdigest()
    key = _key("bodies", registration.pk, translation.get_language(), tables)
    bodies = cached.fetch(key)  # not stale by the plan's scope: the seats are in the key
    if bodies is None:
        if seats is None:
            seats = seating_pages.my_tables(plan, registration)
        rounds = seating_pages.personal_schedule(plan, registration, seats)
        bodies = {
            round_.number: str(
                render_to_string("matchmaking/includes/my_round_body.html", {"round": round_})
            )
            for round_ in rounds
        }
        cached.set(key, bodies)
    else:
        rounds = seating_pages.round_states(plan)
    for round_ in rounds:
        round_.body = mark_safe(bodies.get(round_.number, ""))  # noqa: S308 (rendered here)
    return rounds, tables


# Where the rounds go in the page kept around them.
_BLOCK = "<!-- my-rounds -->"


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


ON_THE_DAY = timedelta(hours=12)


def _flags(plan: SeatingPlan) -> dict:
    now = timezone.now()
    return {
        # Keep polling until the evening is over.
        "live": plan.event.ends_at > now,
        # The follow-up marks open once the evening has begun.
        "started": plan.event.starts_at <= now,
        # On the day the phones follow the rounds within 5 s (a poll is a 204 while nothing
        # changed); before, every 20 s is enough.
        "on_the_day": plan.event.starts_at - ON_THE_DAY <= now < plan.event.ends_at,
    }


@login_required
def my_partners(request: HttpRequest, pk: int) -> HttpResponse:
    language = translation.get_language()
    # The session's CSRF secret is in the page's forms: a page is kept per secret, and never
    # before there is one (the first page sets it).
    secret = request.META.get("CSRF_COOKIE", "")
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=10).hexdigest()
    page_key = _key("page", pk, request.user.pk, language, secret, path)
    # The page around the rounds: it outlives a change of the plan.
    shell_key = _key("shell", pk, request.user.pk, language, secret, path)
    keys = [_plan_key(pk), _registration_key(request, pk), page_key, shell_key]
    if request.GET.get("registration", "").isdigit():
        keys.append(_rounds_key(request.GET["registration"]))
    cached = _Cached(pk, keys)
    plan, seats = _published_plan(pk, cached)
    registration = _registration(request, plan, cached)
    context = {"event": plan.event, "plan": plan, "registration": registration, **_flags(plan)}
    context["is_own"] = registration is not None and registration.person_id == request.user.pk
    if registration is None:
        context["choices"] = _company_registrations(request, plan)
        return _private(render(request, "matchmaking/my_partners.html", context))
    # Everything the page shows beside the rounds: a kept page and a 304 are never outdated.
    shown = (
        registration.pk,
        registration.name,
        registration.company.name,
        plan.event.title,
        plan.event.starts_at.isoformat(),
        context["is_own"],
        context["live"],
        context["started"],
        context["on_the_day"],
    )
    version = (plan.version, plan.running_round or 0)
    # A page with a message to show is always rendered (showing it uses it up).
    reusable = bool(secret) and not len(messages.get_messages(request))
    entry = cached.get(page_key) if reusable else None
    shell = cached.get(shell_key) if reusable else None
    response = None
    if entry is not None and entry[0] == (version, shown):
        digest, html = entry[1], entry[2]
        get_token(request)  # renews the CSRF cookie, as rendering the page does
    else:
        digest, rounds_html = _rounds(plan, seats, registration, cached)
        context.update(state=digest, rounds_html=mark_safe(rounds_html))  # noqa: S308
        block = render_to_string("matchmaking/includes/my_rounds.html", context)
        if shell is not None and shell[0] == shown:
            before, after = shell[1], shell[2]
            get_token(request)
        else:
            context["rounds_block"] = mark_safe(_BLOCK)  # noqa: S308 (a constant)
            response = render(request, "matchmaking/my_partners.html", context)
            before, after = response.content.decode().split(_BLOCK)
            if reusable:
                cached.set(shell_key, (shown, before, after))
        html = before + block + after
        if response is not None:
            response.content = html
        if reusable:
            cached.set(page_key, ((version, shown), digest, html))
    if not reusable:
        # No ETag for a page with a message (a revalidation must not bring the message back from
        # the browser's cache, nor into the copy the phone keeps offline) or before the session's
        # first page.
        return _private(response if response is not None else HttpResponse(html))
    etag = _etag(digest, *shown, language, request.user.pk, secret, path)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _private(not_modified, etag)
    if response is None:
        response = HttpResponse(html)
    return _private(response, etag)


@login_required
def my_partners_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The rounds alone, for htmx polling: 204 (nothing to swap) while the state it names is
    current, 304 for a current If-None-Match."""
    keys = [_plan_key(pk), _registration_key(request, pk)]
    if request.GET.get("registration", "").isdigit():
        keys.append(_rounds_key(request.GET["registration"]))
    cached = _Cached(pk, keys)
    plan, seats = _published_plan(pk, cached)
    registration = _registration(request, plan, cached)
    if registration is None:
        raise Http404("choose a registration")
    digest, html = _rounds(plan, seats, registration, cached)
    if request.GET.get("state") == digest:
        return _private(HttpResponse(status=204))
    flags = _flags(plan)
    etag = _etag(digest, registration.pk, flags["live"], flags["on_the_day"])
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _private(not_modified, etag)
    context = {
        "event": plan.event,
        "registration": registration,
        "state": digest,
        "rounds_html": mark_safe(html),  # noqa: S308 (rendered here)
        **flags,
    }
    return _private(render(request, "matchmaking/includes/my_rounds.html", context), etag)


def me_today_section(request: HttpRequest) -> tuple[str, dict] | None:
    """On the day of an evening with a published seat plan: "Your conversation partners today" on
    "Mein Bereich", linking to the person's own schedule. One query."""
    if not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    mine = list(
        Registration.objects.filter(
            person=request.user,
            status=Registration.Status.CONFIRMED,
            event__starts_at__date=today,
            event__seating_plan__status=SeatingPlan.Status.PUBLISHED,
        )
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
    if not mine:
        return None
    return "matchmaking/me_today.html", {"mine": mine}
