"""Invitations: the staff page that invites an audience, and the personal link in the mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kag_portal.access import staff_required

from ..forms.invitations import AudienceForm
from ..models import Event
from ..services import invitation_rounds
from ..services import invitations as services

# The chosen audience travels from the preview to the confirmation signed, so what is sent is
# exactly what was previewed and counted.
AUDIENCE_SALT = "events.invitation-audience"


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("town"), pk=pk)


def _rounds(event: Event) -> dict:
    rounds = invitation_rounds.recent_rounds(event)
    return {"rounds": rounds, "rounds_under_way": any(not p.is_complete for p in rounds)}


def _page(
    request: HttpRequest, event: Event, form: AudienceForm, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "event": event,
        "form": form,
        "figures": services.event_figures(event),
        "can_invite": event.can_invite,
        **_rounds(event),
        **extra,
    }
    return render(request, "events/staff/invitations.html", context, status=status)


@staff_required
def staff_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: choose the audience. POST: preview count and mail. POST with `confirm`: send."""
    event = _event(pk)
    if request.method != "POST":
        return _page(request, event, AudienceForm(event=event))
    if not event.can_invite:
        messages.error(
            request, _("Invitations go out only for a published event that is open to register.")
        )
        return redirect("staff_events:invitations", event.pk)
    if "confirm" in request.POST:
        return _send(request, event)
    form = AudienceForm(request.POST, event=event)
    if not form.is_valid():
        return _page(request, event, form, status=400)
    audience = form.audience()
    count = len(services.recipients(audience, event=event))
    previews = [
        (code, name, *services.preview(event=event, language=code))
        for code, name in settings.LANGUAGES
    ]
    return _page(
        request,
        event,
        form,
        previewing=True,
        count=count,
        previews=previews,
        confirmation=signing.dumps(
            {"audience": audience, "count": count}, salt=AUDIENCE_SALT, compress=True
        ),
    )


def _send(request: HttpRequest, event: Event) -> HttpResponse:
    try:
        confirmed = signing.loads(request.POST.get("confirmation", ""), salt=AUDIENCE_SALT)
        audience, count = confirmed["audience"], int(confirmed["count"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return HttpResponseBadRequest()
    # The round is a row: the worker makes the invitations and their mails, and the periodic
    # resume finishes it if the broker loses the message. Nothing waits on Redis here.
    invitation_rounds.start_round(
        event=event, audience=audience, planned_count=count, by=request.user
    )
    messages.success(
        request,
        ngettext(
            "The invitation is being sent to %(count)d recipient. The progress shows below.",
            "The invitations are being sent to %(count)d recipients. The progress shows below.",
            count,
        )
        % {"count": count},
    )
    return redirect(reverse("staff_events:invitations", args=[event.pk]) + "#rounds-heading")


@staff_required
def staff_invitation_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The rounds' progress alone, polled by the invitations page while mails are going out."""
    event = _event(pk)
    return render(
        request, "events/staff/_invitation_rounds.html", {"event": event, **_rounds(event)}
    )


def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link of the mail: remember the invitation, open the registration form.

    A forged link is simply not found; a genuine one to an event that is over or cancelled says
    so. Visitors who are not logged in log in (or sign up) first and come back here.
    """
    try:
        invitation = services.read_invitation_token(token)
    except services.InvalidInvitation:
        raise Http404 from None
    except services.ExpiredInvitation as expired:
        return render(
            request, "events/invitation_invalid.html", {"event": expired.event}, status=410
        )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    services.remember(request.session, invitation)
    messages.info(request, _("You are invited: the registration form is ready below."))
    return redirect(reverse("events:detail", args=[invitation.event_id]) + "#register-heading")
