"""Invitations: the staff page that invites an audience, and the personal link in the mail."""

from __future__ import annotations

import logging

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
from ..services import invitations as services
from ..tasks import send_event_invitations

logger = logging.getLogger(__name__)

# The chosen audience travels from the preview to the confirmation signed, so what is sent is
# exactly what was previewed and counted.
AUDIENCE_SALT = "events.invitation-audience"


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("town"), pk=pk)


def _page(
    request: HttpRequest, event: Event, form: AudienceForm, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "event": event,
        "form": form,
        "figures": services.event_figures(event),
        "can_invite": services.can_invite(event),
        **extra,
    }
    return render(request, "events/staff/invitations.html", context, status=status)


@staff_required
def staff_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: choose the audience. POST: preview count and mail. POST with `confirm`: send."""
    event = _event(pk)
    if request.method != "POST":
        return _page(request, event, AudienceForm(event=event))
    if not services.can_invite(event):
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
    # 2,000 mails are rendered by the worker, not while the page waits.
    try:
        send_event_invitations.delay(event.pk, audience, request.user.pk)
    except Exception:  # kombu's connection errors vary; the page must say it, not break
        logger.warning("Could not queue the invitations of event %s", event.pk, exc_info=True)
        # Nothing was created yet, and sending twice sends nothing twice: trying again is safe.
        messages.error(
            request,
            _(
                "The invitations could not be handed to the mail queue just now. Nothing has "
                "been sent; please try again in a few minutes."
            ),
        )
        return redirect("staff_events:invitations", event.pk)
    messages.success(
        request,
        ngettext(
            "The invitation is being sent to %(count)d recipient.",
            "The invitations are being sent to %(count)d recipients.",
            count,
        )
        % {"count": count},
    )
    return redirect("staff_events:invitations", event.pk)


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
