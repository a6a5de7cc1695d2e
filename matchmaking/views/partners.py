"""\"Meine Gesprächspartner\" at /events/<id>/my-partners/: an attendee's rounds, tables and
partners with the reasons, phone first.

Only the attendee, the owners of their company and staff see it, and only once the plan is
published; anyone else gets 404 (so nobody learns whose plan exists). The page polls a fragment
every 20 s (htmx) and is replaced only when the plan or the running round changed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from companies.models import Membership
from events.models import Event, Registration

from ..models import SeatingPlan
from ..services import seating


def _published_plan(pk: int) -> SeatingPlan:
    event = get_object_or_404(Event, pk=pk)
    plan = (
        SeatingPlan.objects.filter(event=event, status=SeatingPlan.Status.PUBLISHED)
        .select_related("event")
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


def _registration(request: HttpRequest, plan: SeatingPlan) -> Registration | None:
    """The registration whose plan is shown: ?registration=<id> (the person's own, one of their
    company's as its owner, any as staff) or the person's own. None: let them choose."""
    active = plan.event.registrations.exclude(status=Registration.Status.CANCELLED)
    wanted = request.GET.get("registration", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404("bad registration")
        registration = active.filter(pk=int(wanted)).select_related("company").first()
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
    own = active.filter(person=request.user).select_related("company").first()
    if own is None and not _company_registrations(request, plan):
        raise Http404("not registered")
    return own


def _company_registrations(request: HttpRequest, plan: SeatingPlan) -> list[Registration]:
    """The registrations an owner may choose from (their companies' people at this event)."""
    return list(
        plan.event.registrations.exclude(status=Registration.Status.CANCELLED)
        .filter(company_id__in=_owned_company_ids(request.user))
        .select_related("company")
        .order_by("company__name", "name", "pk")
    )


def _state(plan: SeatingPlan) -> str:
    """What the page shows depends on: the plan's version and the round on now."""
    return f"{plan.version}.{seating.running_round(plan) or 0}"


def _context(request: HttpRequest, plan: SeatingPlan, registration: Registration | None) -> dict:
    context = {
        "event": plan.event,
        "plan": plan,
        "registration": registration,
        "state": _state(plan),
        "is_own": registration is not None and registration.person_id == request.user.pk,
        # Keep polling until the evening is over.
        "live": plan.event.ends_at > timezone.now(),
        # The follow-up marks open once the evening has begun.
        "started": plan.event.starts_at <= timezone.now(),
    }
    if registration is not None:
        context["rounds"] = seating.personal_schedule(plan, registration)
    return context


@login_required
def my_partners(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _published_plan(pk)
    registration = _registration(request, plan)
    context = _context(request, plan, registration)
    if registration is None:
        context["choices"] = _company_registrations(request, plan)
    return render(request, "matchmaking/my_partners.html", context)


@login_required
def my_partners_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The rounds alone, for htmx polling: 204 (nothing to swap) while nothing changed."""
    plan = _published_plan(pk)
    registration = _registration(request, plan)
    if registration is None:
        raise Http404("choose a registration")
    if request.GET.get("state") == _state(plan):
        return HttpResponse(status=204)
    return render(
        request, "matchmaking/includes/my_rounds.html", _context(request, plan, registration)
    )
