"""After an event: feedback, "we started a cooperation", confirming one; staff's retention page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from companies.services import cooperations
from kag_portal.access import staff_required

from ..forms.followups import CooperationForm, FeedbackForm, RetentionForm
from ..models import Feedback, Registration, RetentionPolicy
from ..services import followups as services
from ..services import retention


def _own_registration(request: HttpRequest, pk: int) -> Registration:
    """Only the attendee themself: feedback and cooperations speak for them. Others get 404."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "event__town", "company"),
        pk=pk,
        person=request.user,
    )
    return registration


@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    now = timezone.now()
    closed_reason = services.feedback_closed_reason(registration, now=now)
    existing = Feedback.objects.filter(registration=registration).first()
    form = None
    if not closed_reason:
        form = FeedbackForm(request.POST or None, instance=existing)
        if request.method == "POST" and form.is_valid():
            try:
                services.give_feedback(registration=registration, now=now, **form.cleaned_data)
            except services.FollowUpError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect("events:feedback", pk=registration.pk)
    return render(
        request,
        "events/feedback.html",
        {
            "registration": registration,
            "event": registration.event,
            "form": form,
            "closed_reason": closed_reason,
            "given": existing is not None,
        },
    )


@login_required
def cooperation(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    now = timezone.now()
    closed_reason = services.feedback_closed_reason(registration, now=now)
    form = None
    if not closed_reason:
        others = (
            Company.objects.filter(status=Company.Status.PUBLISHED)
            .exclude(pk=registration.company_id)
            .only("pk", "name")
            .order_by("name")
        )
        form = CooperationForm(
            request.POST or None,
            at_event=services.companies_at_event(registration).only("pk", "name"),
            others=others,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.start_cooperation(
                    registration=registration,
                    partner=form.cleaned_data["partner"],
                    description=form.cleaned_data["description"],
                    without_kag=form.cleaned_data["without_kag"],
                    user=request.user,
                    now=now,
                )
            except services.FollowUpError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you! We have asked %(company)s to confirm the cooperation.")
                    % {"company": form.cleaned_data["partner"].name},
                )
                return redirect("events:registration", pk=registration.pk)
    return render(
        request,
        "events/feedback_cooperation.html",
        {
            "registration": registration,
            "event": registration.event,
            "form": form,
            "closed_reason": closed_reason,
        },
    )


@login_required
def cooperation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The page the partner's mail links to: GET shows the cooperation, POST confirms it."""
    found = services.cooperation_for(request.user, pk)
    if found is None:
        raise Http404
    to_confirm = cooperations.parties_to_confirm(request.user, found)
    if request.method == "POST":
        if cooperations.confirm_cooperation(cooperation=found, user=request.user):
            messages.success(request, _("Thank you. The cooperation is confirmed."))
        else:
            messages.info(request, _("Your company has already confirmed this cooperation."))
        return redirect("events:cooperation_confirm", pk=found.pk)
    return render(
        request,
        "events/feedback_cooperation_confirm.html",
        {
            "cooperation": found,
            "parties": list(found.parties.all()),
            "to_confirm": to_confirm,
            "confirmed": found.is_confirmed,
        },
    )


@staff_required
def retention_settings(request: HttpRequest) -> HttpResponse:
    policy = RetentionPolicy.current()
    form = RetentionForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        policy = form.save(commit=False)
        policy.updated_by = request.user
        policy.save()
        messages.success(request, _("The retention period is saved."))
        return redirect("staff_events:retention")
    now = timezone.now()
    return render(
        request,
        "events/staff/retention.html",
        {
            "form": form,
            "policy": policy,
            "cutoff": retention.retention_cutoff(now=now, months=policy.months),
            "due": retention.registrations_due(now=now, months=policy.months).count(),
        },
    )
