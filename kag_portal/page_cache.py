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

Two places serve the copies. AnonymousPageCacheMiddleware, early in MIDDLEWARE, answers a visitor
with neither a session nor a messages cookie (nearly every anonymous visitor) before sessions,
CSRF, authentication and the view run, and keeps the page the whole chain below it produced. The
view decorator serves a visitor whose session turns out to hold no user and no messages.
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
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from . import caching

# Bounds anything a generation does not cover (a deploy with new templates or translations).
PAGE_SECONDS = 300
# Headers that the view set and that the copy must carry again.
KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control", "Content-Language", "X-Frame-Options")


def changes_at(request: HttpRequest, *moments: datetime | None) -> None:
    """The view's page changes by the clock at the earliest of these moments (a deadline passes,
    an event ends): a cached copy is not kept past it. A moment already past: not kept at all."""
    known = [moment for moment in (getattr(request, "_page_changes_at", None), *moments) if moment]
    if known:
        request._page_changes_at = min(known)


def _without_cookies(request: HttpRequest) -> bool:
    """Neither a session nor waiting messages: anonymous, known without loading a session."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def visitor_is_anonymous_without_messages(request: HttpRequest) -> bool:
    """True when nothing on the page could be personal (after sessions and authentication)."""
    if _without_cookies(request):
        return True
    if request.user.is_authenticated:
        return False
    # len() looks at the pending messages without marking them as shown.
    return len(messages.get_messages(request)) == 0


def _page_key(request: HttpRequest, language: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:anonymous:{language}:{path}"


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
    AnonymousPageCacheMiddleware keeps and serves the page; the decorator serves it too for a
    visitor with a session but no user (known only once the session is read).
    """
    scopes = tuple(scopes)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if (
                request.method in ("GET", "HEAD")
                and not _without_cookies(request)
                and visitor_is_anonymous_without_messages(request)
            ):
                key = _page_key(request, translation.get_language())
                found = caching.get_many_current({key: scopes})[1]
                if key in found:
                    return _response_from(found[key])
            return view(request, *args, **kwargs)

        wrapped.anonymous_page = (scopes, timeout)
        return wrapped

    return decorator


class AnonymousPageCacheMiddleware:
    """Answers a cookieless visitor's GET of a page marked with @cache_anonymous_page from the
    cache, before the rest of MIDDLEWARE runs; on a miss keeps the page the chain produced.

    Placed after SecurityMiddleware, WhiteNoise and the CSP middleware (their headers are added
    to every answer afresh) and before SessionMiddleware. The copy keeps the headers that the
    middleware below set (Vary, Content-Language, X-Frame-Options).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        marked = self._marked_view(request)
        if marked is None:
            return self.get_response(request)
        scopes, timeout = marked
        # Raises DisallowedHost for a Host not in ALLOWED_HOSTS, as CommonMiddleware would.
        request.get_host()
        language = translation.get_language_from_request(request)
        key = _page_key(request, language)
        stamps, found = caching.get_many_current({key: scopes})
        if key in found:
            return _response_from(found[key])
        response = self.get_response(request)
        if _may_keep(request, response) and response.get("Content-Language") == language:
            seconds = _seconds_to_keep(getattr(request, "_page_changes_at", None), timeout)
            if seconds > 0:
                caching.set_current(key, stamps[key], _entry_of(response), seconds)
        return response

    @staticmethod
    def _marked_view(request: HttpRequest) -> tuple[tuple[str, ...], int] | None:
        if request.method not in ("GET", "HEAD") or not _without_cookies(request):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return getattr(match.func, "anonymous_page", None)


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
