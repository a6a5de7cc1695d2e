"""Check-in at the door under /staff/events/<id>/checkin/, made for a phone in one hand.

Every view is `staff_required`. GET never changes anything: a scanned QR code opens a page with
one button, and only its POST checks the person in. Plain forms, so it works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kag_portal.access import staff_required

from ..forms.checkin import CodeForm, SearchForm, WalkInForm
from ..models import Event, Registration
from ..services import checkin as services


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("town"), pk=pk)


def _registration(event: Event, registration_pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event", "company"), event=event, pk=registration_pk
    )


def _back(event: Event) -> HttpResponse:
    return redirect("staff_events:checkin", event.pk)


def _checked_in_message(request: HttpRequest, registration: Registration, changed: bool) -> None:
    details = {"name": registration.name, "company": registration.company.name}
    if changed:
        messages.success(request, _("%(name)s (%(company)s) is checked in.") % details)
    else:
        messages.info(request, _("%(name)s (%(company)s) was checked in already.") % details)


def _refused(request: HttpRequest, event: Event) -> HttpResponse | None:
    try:
        services.check_open(event)
    except services.CheckInError as error:
        messages.error(request, str(error))
        return _back(event)
    return None


@staff_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    registrations = list(services.attendees(event, query=query))
    ended = event.ends_at < timezone.now()
    return _page(request, event, search, registrations, query=query, ended=ended)


def _page(
    request: HttpRequest,
    event: Event,
    search: SearchForm,
    registrations: list[Registration],
    *,
    query: str,
    ended: bool,
    code_form: CodeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        services.check_open(event)
        closed_reason = ""
    except services.CheckInError as error:
        closed_reason = str(error)
    counts = services.checkin_counts(event)
    context = {
        "event": event,
        "search": search,
        "query": query,
        "registrations": registrations,
        "counts": counts,
        "over_capacity": counts["confirmed"] > event.capacity,
        "code_form": code_form or CodeForm(),
        "closed_reason": closed_reason,
        "event_day": services.is_event_day(event),
        "ended": ended,
        # After the event: who had a place and did not come (when check-in was used at all).
        "no_shows": [r for r in registrations if r.checked_in_at is None]
        if ended and counts["checked_in"]
        else [],
    }
    return render(request, "events/staff/checkin.html", context, status=status)


@staff_required
@require_POST
def checkin_in(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event(pk)
    registration = _registration(event, registration_pk)
    try:
        changed = services.check_in(registration=registration, by=request.user)
    except services.CheckInError as error:
        messages.error(request, str(error))
    else:
        _checked_in_message(request, registration, changed)
    return _back(event)


@staff_required
@require_POST
def checkin_undo(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event(pk)
    registration = _registration(event, registration_pk)
    try:
        services.undo_check_in(registration=registration, by=request.user)
    except services.CheckInError as error:
        messages.error(request, str(error))
    else:
        messages.info(
            request, _("The check-in of %(name)s is undone.") % {"name": registration.name}
        )
    return _back(event)


@staff_required
@require_POST
def checkin_lookup(request: HttpRequest, pk: int) -> HttpResponse:
    """A typed (or scanner-typed) code: a valid one checks the person in straight away."""
    event = _event(pk)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_for_code(
                event=event, code=form.cleaned_data["code"]
            )
            changed = services.check_in(registration=registration, by=request.user)
        except services.CheckInError as error:
            form.add_error("code", str(error))
        else:
            _checked_in_message(request, registration, changed)
            return _back(event)
    registrations = list(services.attendees(event))
    return _page(
        request,
        event,
        SearchForm(),
        registrations,
        query="",
        ended=event.ends_at < timezone.now(),
        code_form=form,
        status=400,
    )


@staff_required
def checkin_code(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The page a scanned QR code opens: who it is, and one button to check them in.

    A code that is forged or belongs to another event is a 404, like any unknown page.
    """
    event = _event(pk)
    try:
        registration = services.registration_for_code(event=event, code=code)
    except services.CheckInError:
        raise Http404 from None
    if request.method == "POST":
        try:
            changed = services.check_in(registration=registration, by=request.user)
        except services.CheckInError as error:
            messages.error(request, str(error))
        else:
            _checked_in_message(request, registration, changed)
        return _back(event)
    try:
        services.check_open(event)
        closed_reason = ""
    except services.CheckInError as error:
        closed_reason = str(error)
    return render(
        request,
        "events/staff/checkin_code.html",
        {
            "event": event,
            "registration": registration,
            "code": services.checkin_code(registration),
            "closed_reason": closed_reason,
            "event_day": services.is_event_day(event),
        },
    )


@staff_required
def checkin_walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = WalkInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refused = _refused(request, event)
        if refused:
            return refused
        if form.is_valid():
            walk_in = services.register_walk_in(
                event=event,
                company=form.cleaned_data["company"],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                by=request.user,
            )
            registration = walk_in.registration
            if walk_in.was_registered:
                messages.info(
                    request,
                    _("%(name)s had registered already and is now checked in.")
                    % {"name": registration.name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s (%(company)s) is registered at the door and checked in.")
                    % {"name": registration.name, "company": registration.company.name},
                )
            if walk_in.over_capacity:
                messages.warning(
                    request,
                    _("More people are now confirmed than the event has places (%(places)d).")
                    % {"places": event.capacity},
                )
            return _back(event)
        status = 400
    try:
        services.check_open(event)
        closed_reason = ""
    except services.CheckInError as error:
        closed_reason = str(error)
    counts = services.checkin_counts(event)
    return render(
        request,
        "events/staff/checkin_walk_in.html",
        {
            "event": event,
            "form": form,
            "closed_reason": closed_reason,
            "full": counts["confirmed"] >= event.capacity,
        },
        status=status,
    )
