from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class UserLanguageMiddleware:
    """A logged-in person sees the language they chose in their profile.

    Runs after LocaleMiddleware (cookie, then browser) and AuthenticationMiddleware, so the stored
    choice wins over the browser's Accept-Language. URLs carry no language prefix, so a link in
    a mail works for everyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language in self.supported:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request that announces a body larger than settings.REQUEST_BODY_MAX_BYTES with
    413 and a short page in the visitor's language, before anything reads the body: without it a
    100 MB upload is taken in whole only to be refused by the form afterwards.

    Placed before CSRF and the views, which read the body. A body sent without
    Content-Length (chunked) is never read by Django at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_BODY_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body for a length it cannot parse either
        if length > limit:
            logger.info(
                "refused a request body of %s bytes (limit %s) for %s", length, limit, request.path
            )
            return self.too_large(request)
        return self.get_response(request)

    def too_large(self, request) -> HttpResponse:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            page = render_to_string(
                "413.html", {"max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        response = HttpResponse(page, status=413)
        response.headers["Content-Language"] = language
        return response


# Powerful browser features the portal never uses; no page (or a script injected into one) may
# ask for them. The check-in QR code is read by the phone's own camera app, not by a page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy on every answer, cached pages included (it sits above them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
