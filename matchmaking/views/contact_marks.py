"""After the evening, /events/<id>/follow-ups/: the attendee's partners, "stay in touch" and a
private note per partner.

Only the attendee themself: marks and notes are private, so neither their company's owner nor
staff see this page; anyone without a place at the event gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from events.models import Event

from ..forms_contact_marks import contact_mark_formset
from ..services import contact_marks as services


@login_required
def contact_marks(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("town"), pk=pk)
    if event.status in (Event.Status.DRAFT, Event.Status.CANCELLED):
        raise Http404("no evening")
    registration = services.own_registration(event, request.user)
    if registration is None:
        raise Http404("not registered")
    context = {"event": event, "registration": registration}
    if not services.has_started(event):
        return render(request, "matchmaking/contact_marks_not_yet.html", context)
    partners = services.partners_of(registration)
    formset = contact_mark_formset(partners)(request.POST or None, partners=partners)
    if request.method == "POST" and formset.is_valid():
        try:
            introduced = services.save_marks(registration=registration, marks=formset.marks())
        except services.ContactMarkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved. Only you can see your marks and notes."))
            if introduced:
                messages.success(
                    request,
                    _(
                        "You and someone you marked both want to stay in touch: we are sending "
                        "you each other's contact details by e-mail."
                    ),
                )
            return redirect("matchmaking:contact_marks", pk=event.pk)
    return render(
        request,
        "matchmaking/contact_marks.html",
        {**context, "partners": partners, "formset": formset},
    )
