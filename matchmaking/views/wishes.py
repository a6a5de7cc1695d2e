"""/events/registrations/<id>/wishes/: the attendee chooses whom they would like to meet at the
speed dating, on a phone: suggestions for their firm with the reason, a search box (htmx fills the
list as they type; without JavaScript the search button does), up to MAX_WISHES companies.

The attendee and whoever registered them may choose; anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from events.models import Registration

from ..forms_wishes import WishesForm
from ..services import wishes as services


def _registration(request: HttpRequest, pk: int) -> Registration:
    registration = get_object_or_404(Registration.objects.select_related("event", "company"), pk=pk)
    if request.user.pk not in (registration.person_id, registration.registered_by_id):
        raise Http404("not yours")
    if not registration.event.has_speed_dating:
        raise Http404("no speed dating")
    return registration


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _context(registration: Registration, form: WishesForm, chosen: list[int], query: str) -> dict:
    return {
        "registration": registration,
        "event": registration.event,
        "form": form,
        "choices": services.choices(registration, chosen, query),
        "max_wishes": services.MAX_WISHES,
        "closed_reason": services.wishes_closed_reason(registration),
    }


@login_required
def wishes(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    if request.method == "POST":
        form = WishesForm(request.POST, registration=registration)
        chosen = _ids(request.POST.getlist("wish"))
        query = request.POST.get("q", "")
        # Without JavaScript the search button sends the form: show what it found, keep the ticks.
        if request.POST.get("action") != "search" and form.is_valid():
            try:
                services.set_wishes(
                    registration=registration, companies=list(form.cleaned_data["wish"])
                )
            except services.WishError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your wishes are saved. The seat plan takes them in."))
                return redirect("events:registration", pk=registration.pk)
        status = 400 if form.errors else 200
        context = _context(registration, form, chosen, query)
        return render(request, "matchmaking/wishes.html", context, status=status)
    chosen = list(registration.wish_partners.values_list("pk", flat=True))
    query = request.GET.get("q", "")
    form = WishesForm(registration=registration, initial={"q": query})
    return render(request, "matchmaking/wishes.html", _context(registration, form, chosen, query))


@login_required
@require_GET
def wish_choices(request: HttpRequest, pk: int) -> HttpResponse:
    """The list alone, for htmx as the person types: the ticked companies stay on top."""
    registration = _registration(request, pk)
    choices = services.choices(
        registration, _ids(request.GET.getlist("wish")), request.GET.get("q", "")[:100]
    )
    return render(
        request,
        "matchmaking/wishes_choices.html",
        {
            "choices": choices,
            "closed_reason": services.wishes_closed_reason(registration),
            "max_wishes": services.MAX_WISHES,
        },
    )
