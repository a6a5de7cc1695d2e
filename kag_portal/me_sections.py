"""Registry of sections on "Mein Bereich" (/me/).

kag_portal renders the page; higher apps (companies, events, …) add a section in their
AppConfig.ready() without kag_portal importing them. A section is a function of the request that
returns (template name, context) or None when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable

Section = Callable[[object], tuple[str, dict] | None]
_sections: list[tuple[int, str, Section]] = []


def register(order: int, name: str, section: Section) -> None:
    if all(existing != name for _order, existing, _section in _sections):
        _sections.append((order, name, section))


def render_sections(request) -> list[tuple[str, dict]]:
    rendered = []
    for _order, _name, section in sorted(_sections, key=lambda item: item[0]):
        result = section(request)
        if result is not None:
            rendered.append(result)
    return rendered
