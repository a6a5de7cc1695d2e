"""Registry of sections on "Mein Bereich" (/me/).

kag_portal renders the page; higher apps (companies, events, …) add a section in their
AppConfig.ready() without kag_portal importing them. A section is a function of the request that
returns (template name, context) or None when it has nothing to show.

Each section names the cache scopes (kag_portal/caching.py) of the rows it shows, so the page
can keep its rendered body per person until one of them changes. A section that shows something
of the visitor's session rather than of stored rows says so with `uncached_when`: the page is
then rendered afresh for that visitor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import caching

# The body is kept at most this long: it bounds what the clock changes (an event that began
# leaves "coming registrations", an invitation expires) and what no signal reports.
BODY_SECONDS = 60
# Rendered in place of the CSRF token and replaced per request: the session's secret changes
# at every login, and a kept body must not carry an old one (or anyone's).
CSRF_SLOT = "csrf-token-slot"

Section = Callable[[object], tuple[str, dict] | None]


@dataclass(frozen=True)
class RegisteredSection:
    order: int
    name: str
    section: Section
    scopes: tuple[str, ...]
    uncached_when: Callable[[object], bool] | None = None


_sections: list[RegisteredSection] = []


def register(
    order: int,
    name: str,
    section: Section,
    *,
    scopes: tuple[str, ...],
    uncached_when: Callable[[object], bool] | None = None,
) -> None:
    """Add a section. `scopes`: every cache scope whose rows the section shows besides the
    person's own account (which the page watches itself); () for a section of links only."""
    if all(existing.name != name for existing in _sections):
        _sections.append(RegisteredSection(order, name, section, tuple(scopes), uncached_when))


def scopes() -> tuple[str, ...]:
    """The scopes of all sections: the page's cached body is stale when any of them changes."""
    return tuple(sorted({scope for entry in _sections for scope in entry.scopes}))


def cacheable_for(request) -> bool:
    return not any(entry.uncached_when and entry.uncached_when(request) for entry in _sections)


def render_sections(request) -> list[tuple[str, dict]]:
    rendered = []
    for entry in sorted(_sections, key=lambda item: item.order):
        result = entry.section(request)
        if result is not None:
            rendered.append(result)
    return rendered


def person_scope(user_pk: int) -> str:
    """The scope of one account's own fields (name, e-mail, staff or not): kag_portal/apps.py."""
    return f"person:{user_pk}"


def render_body(request, form) -> SafeString:
    """The page below the site header: the sections and the profile form. Rendered once per
    person and language and kept until a row it shows changes; a bound form (a failed save)
    or a section that shows the session is rendered afresh."""
    if form.is_bound or not cacheable_for(request):
        return _render_body(request, form, get_token(request))
    user = request.user
    key = f"page:me-body:{user.pk}:{get_language()}"
    stamps, found = caching.get_many_current({key: (*scopes(), person_scope(user.pk))})
    body = found.get(key)
    if body is None:
        body = str(_render_body(request, form, CSRF_SLOT))
        caching.set_current(key, stamps[key], body, BODY_SECONDS)
    # Our own template's output, escaped when it was rendered; the slot holds no markup.
    return mark_safe(body.replace(CSRF_SLOT, get_token(request)))  # noqa: S308


def _render_body(request, form, csrf_token: str) -> SafeString:
    context = {"form": form, "sections": render_sections(request), "csrf_token": csrf_token}
    return get_template("me/body.html").render(context, request)
