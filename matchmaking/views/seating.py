"""The KAG team's seat plan of an event under /staff/events/<id>/seating/: generate, swap,
re-plan, mark the running round, publish, print. Every view is `staff_required`.

Each change posts the plan version the page showed; when someone else saved first the change is
refused and the page shows the plan as it is now.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Event, Registration
from kag_portal.access import staff_required

from ..forms import GenerateForm, ReplanForm, RoundForm, SwapForm, VersionForm
from ..models import SeatingPlan
from ..services import seating, seating_pages


def _event(pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("town"), pk=pk)
    if not event.has_speed_dating:
        raise Http404("no speed dating")
    return event


def _plan(event: Event) -> SeatingPlan | None:
    return SeatingPlan.objects.filter(event=event).select_related("event").first()


def _swap_form(plan: SeatingPlan, grid: seating_pages.Grid, data=None) -> SwapForm:
    open_rounds = [r.number for r in grid.rounds if r.number > (plan.current_round or 0)]
    people = [
        (person.pk, f"{person.name or _('anonymous')} ({person.company.name})")
        for person in grid.people
    ]
    return SwapForm(
        data, rounds=open_rounds, people=people, initial={"expected_version": plan.version}
    )


@staff_required
def seating_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    plan = _plan(event)
    source = seating.default_source(event)
    counts = {
        "confirmed": event.registrations.filter(status=Registration.Status.CONFIRMED).count(),
        "checked_in": event.registrations.filter(
            status=Registration.Status.CONFIRMED, checked_in_at__isnull=False
        ).count(),
    }
    context = {
        "event": event,
        "plan": plan,
        "counts": counts,
        "generate_form": GenerateForm(
            initial={"source": source, "expected_version": plan.version if plan else None}
        ),
    }
    if plan is not None:
        grid = seating_pages.grid(plan)
        context.update(
            grid=grid,
            first_meetings=seating_pages.first_meetings(event, grid.rounds, grid.people),
            swap_form=_swap_form(plan, grid),
            replan_form=ReplanForm(initial={"source": source, "expected_version": plan.version}),
            round_form=RoundForm(
                rounds=event.speed_dating_rounds,
                initial={"round": plan.current_round or 0, "expected_version": plan.version},
            ),
            version_form=VersionForm(initial={"expected_version": plan.version}),
            open_rounds=event.speed_dating_rounds - (plan.current_round or 0),
        )
    return render(request, "matchmaking/staff/seating.html", context)


def _back(event: Event) -> HttpResponse:
    return redirect("staff_matchmaking:seating", event.pk)


def _invalid(request: HttpRequest, form) -> None:
    errors = [error for errors in form.errors.values() for error in errors]
    messages.error(request, " ".join(errors) or _("Please check the form."))


@staff_required
@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(event)
    try:
        plan = seating.generate_plan(
            event=event,
            source=form.cleaned_data["source"],
            expected_version=form.cleaned_data["expected_version"],
            by=request.user,
        )
    except seating.SeatingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The seat plan is made: the pairs fit with %(value)d points.")
            % {"value": plan.value},
        )
    return _back(event)


@staff_required
@require_POST
def swap(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    plan = _plan(event)
    if plan is None:
        raise Http404("no plan")
    form = SwapForm(
        request.POST,
        rounds=list(range(1, event.speed_dating_rounds + 1)),
        people=list(plan.seats.values_list("registration_id", "registration_id").distinct()),
    )
    if not form.is_valid():
        _invalid(request, form)
        return _back(event)
    try:
        result = seating.swap(
            event=event,
            round_no=form.cleaned_data["round"],
            first=form.cleaned_data["first"],
            second=form.cleaned_data["second"],
            expected_version=form.cleaned_data["expected_version"],
            by=request.user,
        )
    except seating.SeatingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Swapped. The pairs now fit with %(after)d points (before: %(before)d).")
            % {"after": result.value_after, "before": result.value_before},
        )
    return _back(event)


@staff_required
@require_POST
def replan(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = ReplanForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(event)
    try:
        plan = seating.replan(
            event=event,
            source=form.cleaned_data["source"],
            expected_version=form.cleaned_data["expected_version"],
            by=request.user,
        )
    except seating.SeatingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The rounds to come are planned again: the pairs fit with %(value)d points.")
            % {"value": plan.value},
        )
    return _back(event)


@staff_required
@require_POST
def current_round(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = RoundForm(request.POST, rounds=event.speed_dating_rounds)
    if not form.is_valid():
        _invalid(request, form)
        return _back(event)
    try:
        plan = seating.set_current_round(
            event=event,
            round_no=form.cleaned_data["round"],
            expected_version=form.cleaned_data["expected_version"],
            by=request.user,
        )
    except seating.SeatingError as error:
        messages.error(request, str(error))
    else:
        if plan.current_round:
            messages.success(
                request, _("Round %(number)d is running.") % {"number": plan.current_round}
            )
        else:
            messages.success(request, _("No round is running."))
    return _back(event)


def _status_change(request: HttpRequest, pk: int, change, done: str) -> HttpResponse:
    event = _event(pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(event)
    try:
        change(event=event, expected_version=form.cleaned_data["expected_version"], by=request.user)
    except seating.SeatingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back(event)


@staff_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(
        request,
        pk,
        seating.publish,
        _(
            "The seat plan is published: attendees see it now. Everyone whose seats are new to "
            "them gets one mail with their first table."
        ),
    )


@staff_required
@require_POST
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(
        request, pk, seating.unpublish, _("The seat plan is hidden from attendees again.")
    )


def _print(request: HttpRequest, pk: int, template: str) -> HttpResponse:
    event = _event(pk)
    plan = _plan(event)
    if plan is None:
        raise Http404("no plan")
    context = {"event": event, "plan": plan, "grid": seating_pages.grid(plan)}
    return render(request, template, context)


@staff_required
def print_tables(request: HttpRequest, pk: int) -> HttpResponse:
    """One card per table: who sits here in which round."""
    return _print(request, pk, "matchmaking/staff/print_tables.html")


@staff_required
def print_wall(request: HttpRequest, pk: int) -> HttpResponse:
    """The wall chart: every person and their table in every round."""
    return _print(request, pk, "matchmaking/staff/print_wall.html")


@staff_required
def print_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """A slip per attendee with their rounds, tables and partners."""
    return _print(request, pk, "matchmaking/staff/print_slips.html")
