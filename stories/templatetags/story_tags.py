"""Published stories on other apps' pages (home, company, event) without those apps' views
knowing about stories: the lower apps stay unaware of this one (see README, Architecture)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kag_portal import caching
from stories.services import published_stories

register = template.Library()

PAGE_LIMIT = 6
# A company page's stories are kept until a story, its images, approvals or a company change
# (the "stories" scope, stories/apps.py); this only frees the memory of pages nobody visits.
COMPANY_STORIES_SECONDS = 3600


@register.inclusion_tag("stories/includes/newest_story.html")
def newest_story() -> dict:
    """The home page's story: the one published last."""
    return {"story": published_stories().first()}


@register.simple_tag
def company_stories(company) -> SafeString:
    """The company's published stories, rendered once per company and language: the block is the
    same for every visitor and cost three queries on every company page."""
    key = f"page:stories:company:{company.pk}:{get_language()}"
    stamps, found = caching.get_many_current({key: ("stories",)})
    if key in found:
        # Our own template's output, escaped when it was rendered and kept as it was.
        return mark_safe(found[key])  # noqa: S308
    html = render_to_string(
        "stories/includes/story_section.html",
        {
            "stories": list(published_stories().filter(companies=company)[:PAGE_LIMIT]),
            "heading": _("Success stories"),
            "section_id": "stories-heading",
            "show_all_link": False,
        },
    )
    caching.set_current(key, stamps[key], str(html), COMPANY_STORIES_SECONDS)
    return mark_safe(html)  # noqa: S308


@register.inclusion_tag("stories/includes/story_section.html")
def event_stories(event) -> dict:
    return {
        "stories": list(published_stories().filter(event=event)[:PAGE_LIMIT]),
        "heading": _("Cooperations that began here"),
        "section_id": "stories-heading",
        "show_all_link": False,
    }
