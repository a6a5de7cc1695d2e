"""The company-run team page: a member registers several runners of their company at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext

from companies.models import Membership

from ..forms.company_run import RunnerFormSet, TeamForm
from ..models import Event
from ..services import company_run as services
from ..services.invitations import invitation_for_visitor
from ..services.registration import RegistrationError


def _company_run(request: HttpRequest, pk: int) -> Event:
    """A company run that is not a draft (staff see drafts); any other event is 404."""
    event = get_object_or_404(
        Event.objects.select_related("town"), pk=pk, format=Event.Format.COMPANY_RUN
    )
    if event.is_draft and not request.user.is_staff:
        raise Http404
    return event


def _summary(places) -> str:
    new = [place.registration for place in places if place.new]
    confirmed = sum(1 for r in new if r.is_confirmed)
    waiting = len(new) - confirmed
    parts = [
        ngettext("%(count)d runner has a place.", "%(count)d runners have a place.", confirmed)
        % {"count": confirmed}
    ]
    if waiting:
        parts.append(
            ngettext(
                "%(count)d runner is on the waitlist.",
                "%(count)d runners are on the waitlist.",
                waiting,
            )
            % {"count": waiting}
        )
    known = len(places) - len(new)
    if known:
        parts.append(
            ngettext(
                "%(count)d runner was registered already.",
                "%(count)d runners were registered already.",
                known,
            )
            % {"count": known}
        )
    return " ".join(parts)


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    event = _company_run(request, pk)
    if not Membership.objects.filter(user=request.user).exists():
        raise PermissionDenied
    closed_reason = event.registration_closed_reason(
        invitation_for_visitor(request.session, request.user, event)
    )
    if request.method == "POST" and not closed_reason:
        form = TeamForm(request.POST, user=request.user)
        formset = RunnerFormSet(request.POST, prefix="runners")
        if (
            form.is_valid()
            and formset.is_valid()
            and formset.check_accounts(form.cleaned_data["company"])
        ):
            try:
                places = services.register_runners(
                    event=event,
                    company=form.cleaned_data["company"],
                    rows=formset.runners(),
                    registered_by=request.user,
                    show_to_attendees=form.cleaned_data["show_to_attendees"],
                )
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _summary(places))
                return redirect("events:team", event.pk)
    else:
        form = TeamForm(user=request.user)
        # The member's own row comes prefilled; it may be cleared when they do not run.
        formset = RunnerFormSet(
            prefix="runners",
            initial=[{"name": request.user.display_name, "email": request.user.email}],
        )
    runners = services.with_positions(event, services.company_runners(event, request.user))
    return render(
        request,
        "events/company_run_team.html",
        {
            "event": event,
            "form": form,
            "formset": formset,
            "closed_reason": closed_reason,
            "runners": runners,
        },
    )
