"""The KAG team's event pages under /staff/events/: plan, publish, cancel, see who comes.

Every view is `staff_required`: anonymous visitors are sent to the login, members get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from companies.services import csv_io
from kag_portal.access import staff_required

from ..forms.staff import AgendaFormSet, DuplicateForm, EventForm, FormatChoiceForm, on_event_day
from ..models import Event, Registration
from ..services import staff as services


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("town", "host_company"), pk=pk)


@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    # Coming events first (soonest on top), then past ones (latest on top).
    events = (
        services.staff_events()
        .annotate(
            is_past=Case(
                When(ends_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("is_past", "starts_at")
    )
    events = list(events)
    upcoming = [event for event in events if not event.is_past]
    past = [event for event in events if event.is_past][::-1]
    return render(request, "events/staff/list.html", {"upcoming": upcoming, "past": past})


def _save(request: HttpRequest, form: EventForm, formset) -> Event:
    event = form.save(commit=False)
    items = []
    for item_form in formset.forms:
        if not item_form.has_changed() or item_form in formset.deleted_forms:
            continue
        item = item_form.save(commit=False)
        item.starts_at = on_event_day(event.starts_at, item_form.cleaned_data["time"])
        items.append(item)
    deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
    changed = services.save_event(
        event=event, agenda_items=items, deleted=deleted, user=request.user
    )
    if changed:
        messages.info(request, _("Time or place changed: everyone registered gets a mail."))
    return event


def _edit_page(request: HttpRequest, event: Event | None) -> HttpResponse:
    if request.method == "POST":
        form = EventForm(request.POST, instance=event)
        formset = AgendaFormSet(request.POST, instance=event or Event(), prefix="agenda")
        if form.is_valid() and formset.is_valid():
            saved = _save(request, form, formset)
            messages.success(request, _("The event is saved."))
            return redirect("staff_events:edit", saved.pk)
        status = 400
    else:
        initial = {}
        if event is None:
            chooser = FormatChoiceForm(request.GET)
            fmt = chooser.cleaned_data["format"] if chooser.is_valid() else ""
            initial = services.initial_for_format(fmt or Event.Format.NETWORK_EVENING)
        form = EventForm(instance=event, initial=initial)
        formset = AgendaFormSet(instance=event or Event(), prefix="agenda")
        status = 200
    context = {
        "event": event,
        "form": form,
        "formset": formset,
        # Its own ids: the event form below has a "format" field too.
        "format_form": FormatChoiceForm(request.GET, auto_id="chooser-%s")
        if event is None
        else None,
        "duplicate_form": DuplicateForm(initial={"on_date": services.default_date()}),
    }
    return render(request, "events/staff/edit.html", context, status=status)


@staff_required
def event_create(request: HttpRequest) -> HttpResponse:
    return _edit_page(request, None)


@staff_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page(request, _event(pk))


@staff_required
@require_POST
def event_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid date for the copy."))
        return redirect("staff_events:edit", event.pk)
    copy = services.duplicate_event(
        event=event, on_date=form.cleaned_data["on_date"], user=request.user
    )
    messages.success(request, _("A copy was made as a draft. Check it and publish it when ready."))
    return redirect("staff_events:edit", copy.pk)


@staff_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    if not event.is_draft:
        messages.error(request, _("Only a draft can be published."))
    else:
        services.publish_event(event=event)
        messages.success(request, _("The event is published."))
    return redirect("staff_events:edit", event.pk)


@staff_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    if event.is_cancelled:
        messages.info(request, _("The event is cancelled already."))
        return redirect("staff_events:edit", event.pk)
    if request.method == "POST":
        told = services.cancel_event(event=event)
        messages.success(
            request,
            ngettext(
                "The event is cancelled; %(count)d person gets a mail.",
                "The event is cancelled; %(count)d people get a mail.",
                told,
            )
            % {"count": told},
        )
        return redirect("staff_events:list")
    active = event.registrations.exclude(status=Registration.Status.CANCELLED).count()
    return render(request, "events/staff/cancel.html", {"event": event, "active": active})


def _registrations(event: Event):
    order = Case(
        When(status=Registration.Status.CONFIRMED, then=Value(0)),
        When(status=Registration.Status.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return event.registrations.select_related("company").order_by(order, "requested_at", "pk")


@staff_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    context = {
        "event": event,
        "registrations": _registrations(event),
        "counts": services.registration_counts(event),
    }
    return render(request, "events/staff/registrations.html", context)


def _csv_rows(event: Event):
    # The company run orders shirts: its list has the runners' sizes.
    shirts = event.format == Event.Format.COMPANY_RUN
    header = [
        _("Name"),
        _("Company"),
        _("E-mail"),
        _("Status"),
        _("Registered at"),
        _("Checked in"),
    ]
    yield [*header, _("Shirt size")] if shirts else header
    for registration in _registrations(event).iterator(chunk_size=500):
        cells = [
            registration.name,
            registration.company.name,
            registration.email,
            registration.get_status_display(),
            timezone.localtime(registration.requested_at).strftime("%d.%m.%Y %H:%M"),
            timezone.localtime(registration.checked_in_at).strftime("%d.%m.%Y %H:%M")
            if registration.checked_in_at
            else "",
        ]
        if shirts:
            cells.append(registration.shirt_size)
        yield [csv_io.excel_safe(cell) for cell in cells]


@staff_required
def registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    response = StreamingHttpResponse(
        csv_io.csv_lines(_csv_rows(event)), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localtime(event.starts_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="kag-anmeldungen-{event.pk}-{day}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def print_list(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    attendees = (
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("company")
        .order_by("name", "pk")
    )
    return render(request, "events/staff/print.html", {"event": event, "attendees": attendees})


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """A link to the events tools on "Mein Bereich", for KAG staff only."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return None
    return "events/staff/me_section.html", {}
