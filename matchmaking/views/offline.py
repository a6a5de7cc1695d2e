"""The schedule on the phone without a network: the service worker and the address the installed
web page starts at.

The worker script is a file under static/ (static/js/my-partners-worker.js), but a worker controls
only the pages under its own address: served from /static/ it would control /static/ alone. So
this view serves it at /events/my-partners-worker.js, which makes its scope /events/ (said again
in Service-Worker-Allowed), and with no-cache, so a new release reaches the phones at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from events.models import Registration

from ..models import SeatingPlan

WORKER_FILE = "js/my-partners-worker.js"
# Every schedule page is /events/<id>/my-partners/.
WORKER_SCOPE = "/events/"


@require_GET
def my_partners_worker(request: HttpRequest) -> HttpResponse:
    path = finders.find(WORKER_FILE)
    if not path:
        raise Http404("no worker script")
    with open(path, "rb") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = WORKER_SCOPE
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def my_partners_today(request: HttpRequest) -> HttpResponse:
    """Where the installed schedule opens (the manifest's start_url): the person's schedule of
    today's evening, else of their next evening with a published plan, else "Mein Bereich".
    Offline, the worker shows the schedule kept last. One query."""
    registration = (
        Registration.objects.filter(
            person=request.user,
            event__ends_at__gte=timezone.now() - timedelta(hours=12),
            event__seating_plan__status=SeatingPlan.Status.PUBLISHED,
        )
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("event__starts_at", "pk")
        .only("event_id")
        .first()
    )
    if registration is None:
        return redirect("me")
    return redirect("matchmaking:my_partners", registration.event_id)
