"""Calendar files: one event's .ics, the public feed, a person's secret feed and its renewal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import CalendarFeed, Event
from ..services import calendar as services


def _ics(body: bytes, *, filename: str, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        # A personal feed: not kept by shared caches, not indexed if its link ever leaks.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """Published, finished and cancelled events (as cancelled); drafts for staff only."""
    event = get_object_or_404(Event.objects.select_related("town"), pk=pk)
    if event.is_draft and not request.user.is_staff:
        raise Http404
    return _ics(services.event_calendar(event), filename=services.event_filename(event))


def public_feed(request: HttpRequest) -> HttpResponse:
    return _ics(services.public_feed(), filename="kag-veranstaltungen.ics")


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar apps cannot log in, the secret token is the key."""
    feed = services.find_feed(token)
    if feed is None:
        raise Http404
    # Calendar apps send no useful language: the feed speaks the person's language.
    with translation.override(feed.user.preferred_language):
        body = services.personal_feed(feed)
    return _ics(body, filename="kag-meine-veranstaltungen.ics", private=True)


@login_required
@require_POST
def renew_feed(request: HttpRequest) -> HttpResponse:
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.renew_feed(user=request.user)
    # Shown inside the calendar section (extra tag "calendar"), where the page lands, rather
    # than at the top of a long page where nobody would see it.
    if had_feed:
        messages.success(
            request,
            _("Your calendar link is renewed. The old link no longer works: subscribe again."),
            extra_tags="calendar",
        )
    else:
        messages.success(
            request,
            _("Your calendar link is ready. Add it to your calendar app."),
            extra_tags="calendar",
        )
    return redirect(reverse("me") + "#me-calendar-heading")


def has_calendar_message(request: HttpRequest) -> bool:
    """The section shows this request's "link is ready" message: render it afresh, uncached."""
    return any(
        "calendar" in (message.extra_tags or "") for message in messages.get_messages(request)
    )


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """The person's calendar subscription on "Mein Bereich"."""
    if not request.user.is_authenticated:
        return None
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return "events/calendar_me_section.html", {
        "links": services.feed_links(feed) if feed else None,
    }
