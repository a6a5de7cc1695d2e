"""The run of show of a speed-dating evening: the staff phone's page under
/staff/events/<id>/live/ (staff_required) and the projector's big screen under
/events/<id>/screen/<token>/ (no login; the secret token of the plan, 404 when wrong).

Every step on the live page is a POST naming the plan version the page showed; a step made on
an outdated page is refused with a message and the page shows the evening as it is now.

The screen polls state/ every 3 s (static/js/live-evening.js): an ETag of the plan version, so
an unchanged evening costs one small query and a 304. The screen's tables are rendered once per
plan version and language and kept under the generations of what they show (names and company
names bump the evening's scope, the plan the plan's scope: matchmaking/apps.py).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Event, Registration
from kag_portal import caching
from kag_portal.access import staff_required
from kag_portal.confirmation import ask_first

from ..forms import LeaveForm, LiveRoundForm, VersionForm
from ..models import Seat, SeatingPlan
from ..services import live_evening, seating
from .partners import SCOPE, event_scope, plan_scope

# Names per page of the big screen: readable from the back of the room at 1920 × 1080.
SCREEN_PAGE_SIZE = 24
SCREEN_CACHE_SECONDS = 12 * 3600


def _event(pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("town"), pk=pk)
    if not event.has_speed_dating:
        raise Http404("no speed dating")
    return event


def _plan(event: Event) -> SeatingPlan | None:
    plan = SeatingPlan.objects.filter(event=event).first()
    if plan is not None:
        plan.event = event  # the phase and countdown read the event's minutes
    return plan


def _screen_url(request: HttpRequest, plan: SeatingPlan) -> str:
    path = reverse("matchmaking:screen", args=[plan.event_id, plan.screen_token])
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)


@staff_required
def live_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    plan = _plan(event)
    context: dict = {"event": event, "plan": plan}
    if plan is not None:
        source = seating.default_source(event)
        present = [
            registration
            for registration in Registration.objects.filter(
                event=event, status=Registration.Status.CONFIRMED, departure__isnull=True
            )
            .select_related("company")
            .order_by("name", "pk")
            if source == SeatingPlan.Source.REGISTRATIONS or registration.checked_in_at
        ]
        shown = plan.shown_round
        seated = set(
            plan.seats.filter(round=shown).values_list("registration_id", flat=True)
            if shown
            else []
        )
        context.update(
            steps=live_evening.next_steps(plan),
            changes=list(plan.changes.select_related("by", "registration")[:5]),
            present=[(registration, registration.pk in seated) for registration in present],
            unseated=sum(1 for registration in present if registration.pk not in seated),
            shown_round=shown,
            open_rounds=(event.speed_dating_rounds or 0) - (plan.current_round or 0),
            screen_url=_screen_url(request, plan) if plan.screen_token else "",
        )
    return render(request, "matchmaking/staff/live.html", context)


def _back(event: Event) -> HttpResponse:
    return redirect("staff_matchmaking:live", event.pk)


def _run(request: HttpRequest, event: Event, form, step, done) -> HttpResponse:
    """Validate the form, run the step, say what happened (or why not) and show the page."""
    if not form.is_valid():
        messages.error(request, _("The button was out of date or damaged; nothing was changed."))
        return _back(event)
    try:
        plan = step(form.cleaned_data)
    except seating.SeatingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done(plan))
    return _back(event)


@staff_required
@require_POST
def start_round(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return _run(
        request,
        event,
        LiveRoundForm(request.POST),
        lambda data: live_evening.start_round(
            event=event,
            round_no=data["round"],
            expected_version=data["expected_version"],
            by=request.user,
        ),
        lambda plan: _("Round %(number)d has started.") % {"number": plan.current_round},
    )


@staff_required
@require_POST
def end_round(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return _run(
        request,
        event,
        LiveRoundForm(request.POST),
        lambda data: live_evening.end_round(
            event=event,
            round_no=data["round"],
            expected_version=data["expected_version"],
            by=request.user,
        ),
        lambda plan: _("Round %(number)d has ended.") % {"number": plan.current_round},
    )


@staff_required
@require_POST
def replan(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return _run(
        request,
        event,
        VersionForm(request.POST),
        lambda data: live_evening.replan_coming(
            event=event, expected_version=data["expected_version"], by=request.user
        ),
        lambda plan: _("The rounds to come are planned again with everyone in the room."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (the person loses their seats in the rounds to come), POST does it."""
    event = _event(pk)
    if request.method == "GET":
        form = LeaveForm(request.GET)
        registration = (
            Registration.objects.filter(pk=form.cleaned_data["registration"], event=event)
            .select_related("company")
            .first()
            if form.is_valid()
            else None
        )
        if registration is None:
            messages.error(
                request, _("The button was out of date or damaged; nothing was changed.")
            )
            return _back(event)
        name = registration.name or _("anonymous")
        return ask_first(
            request,
            title=_("%(name)s leaves the evening?") % {"name": name},
            subject=f"{name} ({registration.company.name})",
            consequences=[
                _(
                    "The rounds not played yet are planned again without this person; the "
                    "rounds played so far stay as they were."
                )
            ],
            confirm_label=_("Yes, leaves the evening"),
            back_url=reverse("staff_matchmaking:live", args=[event.pk]),
            back_label=_("No, stays"),
            hidden=[
                ("registration", registration.pk),
                ("expected_version", form.cleaned_data["expected_version"]),
            ],
        )
    return _run(
        request,
        event,
        LeaveForm(request.POST),
        lambda data: live_evening.leave_evening(
            event=event,
            registration_id=data["registration"],
            expected_version=data["expected_version"],
            by=request.user,
        ),
        lambda plan: _("Left the evening: the rounds to come are planned without them."),
    )


@staff_required
@require_POST
def renew_screen(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return _run(
        request,
        event,
        VersionForm(request.POST),
        lambda data: live_evening.renew_screen_link(
            event=event, expected_version=data["expected_version"], by=request.user
        ),
        lambda plan: _("The big-screen link is new; the old one no longer works."),
    )


# --- the big screen ----------------------------------------------------------------------------

_SCREEN_PLAN_FIELDS = [
    "event_id",
    "version",
    "current_round",
    "round_started_at",
    "round_ended_at",
    "screen_token",
    "event__title",
    "event__speed_dating_rounds",
    "event__speed_dating_round_minutes",
    "event__speed_dating_change_minutes",
]


def _screen_plan(pk: int, token: str) -> SeatingPlan:
    """The plan of the screen link, one query; any wrong part is a 404."""
    plan = (
        SeatingPlan.objects.filter(event_id=pk)
        .select_related("event")
        .only(*_SCREEN_PLAN_FIELDS)
        .first()
    )
    if plan is None or not live_evening.screen_token_matches(plan, token):
        raise Http404("no such screen")
    return plan


def _etag(plan: SeatingPlan) -> str:
    digest = hashlib.blake2b(
        f"{plan.event_id}:{plan.version}:{translation.get_language()}".encode(), digest_size=8
    )
    return f'"{digest.hexdigest()}"'


def _screen_pages(plan: SeatingPlan) -> list[list[tuple[str, str, int]]]:
    """The shown round's attendees (name, company, table) by name, in pages of
    SCREEN_PAGE_SIZE; one query."""
    shown = plan.shown_round
    if shown is None:
        return []
    seats = (
        Seat.objects.filter(plan_id=plan.pk, round=shown)
        .order_by()
        .values_list("registration__name", "registration__company__name", "table")
    )
    people = sorted(
        ((name or _("anonymous"), company, table) for name, company, table in seats),
        key=lambda row: (row[0].casefold(), row[2]),
    )
    return [
        people[start : start + SCREEN_PAGE_SIZE]
        for start in range(0, len(people), SCREEN_PAGE_SIZE)
    ]


def screen(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The projector's page: the round, a large countdown and everyone's table by name."""
    # The room's language: the portal default, whoever's browser shows it.
    with translation.override(settings.LANGUAGE_CODE):
        plan = _screen_plan(pk, token)
        etag = _etag(plan)
        key = f"page:{SCOPE}:screen:{pk}:{plan.version}:{settings.LANGUAGE_CODE}"
        stamps, entries = caching.get_many_current({key: [SCOPE, event_scope(pk), plan_scope(pk)]})
        body = entries.get(key)
        if body is None:
            body = render_to_string(
                "matchmaking/screen.html",
                {
                    "plan": plan,
                    "event": plan.event,
                    "pages": _screen_pages(plan),
                    "lang": settings.LANGUAGE_CODE,
                    "state_url": reverse("matchmaking:screen_state", args=[pk, token]),
                    "etag": etag,
                },
            )
            caching.set_current(key, stamps[key], body, SCREEN_CACHE_SECONDS)
    response = HttpResponse(body)
    response["Content-Language"] = settings.LANGUAGE_CODE
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_cache=True)
    return response


def screen_state(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What the screen polls: 304 while the plan version it shows is current, else 200 with the
    new ETag (the script then loads the page again)."""
    with translation.override(settings.LANGUAGE_CODE):
        plan = _screen_plan(pk, token)
        etag = _etag(plan)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(str(plan.version), content_type="text/plain; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response
