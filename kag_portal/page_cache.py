"""Whole public pages cached for anonymous visitors, per language and path.

The home page, the events and the stories look the same for every visitor who is not logged in,
so the first such visitor's page is kept and handed to the next ones without a template or a
query. What makes a page personal keeps it out of the cache: a logged-in person, messages waiting
to be shown, a request that is not GET/HEAD, a response that is not 200, sets a cookie or used a
CSRF token (then the page holds a per-visitor secret).

Entries carry the generations of the scopes the page shows (kag_portal/caching.py), so the write
that changes what a page shows makes it stale at once; they also expire after PAGE_SECONDS at the
latest, or at the next moment the page changes by itself (a registration deadline passing), which
the view names with changes_at().
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from . import caching

# Bounds anything a generation does not cover (a deploy with new templates or translations).
PAGE_SECONDS = 300
# Headers that the view set and that the copy must carry again.
KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control", "Content-Language")


def changes_at(request: HttpRequest, *moments: datetime | None) -> None:
    """The view's page changes by the clock at the earliest of these moments (a deadline passes,
    an event ends): a cached copy is not kept past it. A moment already past: not kept at all."""
    known = [moment for moment in (getattr(request, "_page_changes_at", None), *moments) if moment]
    if known:
        request._page_changes_at = min(known)


def visitor_is_anonymous_without_messages(request: HttpRequest) -> bool:
    """True when nothing on the page could be personal. Without a session or messages cookie
    that is known without loading a session (the common visitor)."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        return True
    if request.user.is_authenticated:
        return False
    # len() looks at the pending messages without marking them as shown.
    return len(messages.get_messages(request)) == 0


def _page_key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:anonymous:{translation.get_language()}:{path}"


def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a cookie or a CSRF token is this visitor's own
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _seconds_to_keep(until: datetime | None, timeout: int) -> int:
    if until is None:
        return timeout
    seconds = int((until - timezone.now()).total_seconds())
    return max(0, min(timeout, seconds))


def cache_anonymous_page(scopes: Iterable[str], *, timeout: int = PAGE_SECONDS):
    """Serve the view's page to anonymous visitors from the cache, per language and full path.

    scopes: what the page shows ("events", "stories", …), bumped by the writes that change it.
    The view names the moments its page changes without a write with changes_at().
    """
    scopes = tuple(scopes)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not visitor_is_anonymous_without_messages(
                request
            ):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            stamps, found = caching.get_many_current({key: scopes})
            if key in found:
                return _response_from(found[key])
            response = view(request, *args, **kwargs)
            if _may_keep(request, response):
                seconds = _seconds_to_keep(getattr(request, "_page_changes_at", None), timeout)
                if seconds > 0:
                    caching.set_current(key, stamps[key], _entry_of(response), seconds)
            return response

        return wrapped

    return decorator


def _entry_of(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    return response.content, headers


def _response_from(entry: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    # The page depends on the visitor's cookies (session, language): no shared cache may hand it
    # to a logged-in person.
    patch_vary_headers(response, ("Cookie",))
    return response
