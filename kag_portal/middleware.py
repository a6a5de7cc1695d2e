from __future__ import annotations

from django.conf import settings
from django.utils import translation


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
