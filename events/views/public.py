"""The public calendar, event pages, registering and a person's own registration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from companies.models import Membership
from events.forms.registration import EventFilterForm, RegistrationForm
from events.models import Event, Registration
from events.services import public as selectors
from events.services.followups import feedback_closed_reason
from events.services.invitations import invitation_for_visitor
from events.services.registration import (
    RegistrationError,
    cancel,
    placed_by_a_stranger,
    read_decline_token,
    register,
)
from kag_portal import page_cache
from kag_portal.confirmation import ask_first
from kag_portal.page_cache import cache_anonymous_page

PAST_PER_PAGE = 20


# Events show host and attending companies and the stories that began there.
@cache_anonymous_page(["events", "stories"])
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = {"format": filters.get("format", ""), "town": filters.get("town")}
    upcoming = list(selectors.upcoming_events(**chosen))
    for event in upcoming:
        event.places_left = selectors.places_left(event)
        event.registration_closed = bool(event.registration_closed_reason())
        # A cached copy of the list is not kept past a deadline or an end (kag_portal/page_cache).
        now = timezone.now()
        page_cache.changes_at(
            request, *(m for m in (event.registration_deadline, event.ends_at) if m > now)
        )
    past = Paginator(selectors.past_events(**chosen), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "upcoming": upcoming,
            "past": past,
            "mine": (
                list(selectors.my_registrations(request.user))
                if request.user.is_authenticated
                else []
            ),
        },
    )


def _visible_event(request: HttpRequest, pk: int) -> Event:
    """Drafts are for staff only; cancelled events keep their page to say so."""
    event = get_object_or_404(Event.objects.select_related("town", "host_company"), pk=pk)
    if event.is_draft and not request.user.is_staff:
        raise Http404
    return event


@cache_anonymous_page(["events", "stories"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    _event_page_changes_at(request, event)
    form = None
    own = None
    invitation = None
    if request.user.is_authenticated:
        invitation = invitation_for_visitor(request.session, request.user, event)
        own = (
            event.registrations.exclude(status=Registration.Status.CANCELLED)
            .filter(person=request.user)
            .first()
        )
        if own is not None and placed_by_a_stranger(own, request.user):
            # Another firm booked this person: they register themselves, which replaces it.
            own = None
        form = RegistrationForm(
            request.POST or None, user=request.user, already_registered=own is not None
        )
        if request.method == "POST" and form.is_valid():
            try:
                registration = register(
                    event=event,
                    company=form.cleaned_data["company"],
                    registered_by=request.user,
                    topics=form.cleaned_data["topics"],
                    show_to_attendees=form.cleaned_data["show_to_attendees"],
                    invitation=invitation,
                    **form.attendee_details(),
                )
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                return redirect("events:registration", pk=registration.pk)
    elif request.method == "POST":
        raise PermissionDenied
    is_member = (
        request.user.is_authenticated and Membership.objects.filter(user=request.user).exists()
    )
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "agenda": event.agenda_items.all(),
            "places_left": selectors.places_left(event),
            "companies": selectors.visible_attendee_companies(event) if is_member else None,
            "is_member": is_member,
            "form": form if is_member else None,
            "own": own,
            "closed_reason": event.registration_closed_reason(invitation),
            "osm_query": event.address,
        },
    )


def _event_page_changes_at(request: HttpRequest, event: Event) -> None:
    """A cached copy of the event's page is not kept past its registration deadline or its end,
    nor while it has ended but is still "published" (the follow-up task finishes it soon)."""
    now = timezone.now()
    if event.ends_at <= now:
        if event.is_published:
            page_cache.changes_at(request, now)
        return
    page_cache.changes_at(
        request, *(m for m in (event.registration_deadline, event.ends_at) if m > now)
    )


def _registration_for(request: HttpRequest, pk: int) -> Registration:
    """The attendee, who registered them, and members of the same company; else 404."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "event__town", "company"), pk=pk
    )
    user = request.user
    if user.pk in (registration.person_id, registration.registered_by_id):
        return registration
    if Membership.objects.filter(company_id=registration.company_id, user=user).exists():
        return registration
    raise Http404


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for(request, pk)
    event = registration.event
    is_attendee = registration.person_id == request.user.pk
    return render(
        request,
        "events/registration.html",
        {
            "registration": registration,
            "event": event,
            "position": registration.waitlist_position,
            "active": registration.is_active,
            # Feedback and cooperations speak for the attendee: only they get the links, once
            # the event has started (the same rule as the pages themselves).
            "followups_open": is_attendee
            and not feedback_closed_reason(registration, now=timezone.now()),
            # The seat plan page shows this registration to the attendee and their company's
            # owners; the template adds "once the plan is published".
            "partners_possible": registration.is_confirmed
            and event.has_speed_dating
            and (
                is_attendee
                or Membership.objects.filter(
                    company_id=registration.company_id,
                    user=request.user,
                    role=Membership.Role.OWNER,
                ).exists()
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (the place goes to the waitlist at once), POST cancels."""
    registration = _registration_for(request, pk)
    back = reverse("events:registration", args=[registration.pk])
    if not registration.is_active:
        return redirect(back)
    if request.method == "GET":
        return ask_first(
            request,
            title=_("Cancel the registration?"),
            subject=f"{registration.event.title}: {registration.name}",
            consequences=_cancel_consequences(registration),
            confirm_label=_("Yes, cancel the registration"),
            back_url=back,
            back_label=_("No, keep the registration"),
        )
    cancel(registration=registration, by=request.user)
    messages.success(
        request,
        _(
            "The registration is cancelled. Thank you for letting us know. Changed your mind? "
            "You can register again on the event's page."
        ),
    )
    return redirect(back)


def _cancel_consequences(registration: Registration) -> list[str]:
    if registration.is_waitlisted:
        return [
            _("%(name)s leaves the waitlist (number %(number)s now).")
            % {"name": registration.name, "number": registration.waitlist_position}
        ]
    return [
        _(
            "The place of %(name)s is given up at once: the next person on the waitlist gets it "
            "and is told by email."
        )
        % {"name": registration.name},
        _(
            "If you register again later and the event is full by then, you are put on the "
            "waitlist."
        ),
    ]


def decline(request: HttpRequest, token: str) -> HttpResponse:
    """One-click link from the "you moved up" mail: GET asks, POST gives the place back."""
    try:
        pk = read_decline_token(token)
    except signing.BadSignature:
        raise Http404 from None
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    if request.method == "POST":
        cancel(
            registration=registration, by=request.user if request.user.is_authenticated else None
        )
        return render(request, "events/declined.html", {"event": registration.event})
    return render(
        request,
        "events/decline.html",
        {
            "registration": registration,
            "event": registration.event,
            "active": registration.is_active,
        },
    )


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """The person's coming registrations on "Mein Bereich" (nothing when there are none)."""
    mine = list(selectors.my_registrations(request.user))
    if not mine:
        return None
    return "events/me_section.html", {"mine": mine}
