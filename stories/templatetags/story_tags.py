"""Published stories on other apps' pages (home, company, event) without those apps' views
knowing about stories: the lower apps stay unaware of this one (see README, Architecture)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from stories.services import published_stories

register = template.Library()

HOME_LIMIT = 3
PAGE_LIMIT = 6


@register.inclusion_tag("stories/includes/story_section.html")
def latest_stories() -> dict:
    return {
        "stories": list(published_stories()[:HOME_LIMIT]),
        "heading": _("Success stories"),
        "section_id": "stories-heading",
        "show_all_link": True,
    }


@register.inclusion_tag("stories/includes/story_section.html")
def company_stories(company) -> dict:
    return {
        "stories": list(published_stories().filter(companies=company)[:PAGE_LIMIT]),
        "heading": _("Success stories"),
        "section_id": "stories-heading",
        "show_all_link": False,
    }


@register.inclusion_tag("stories/includes/story_section.html")
def event_stories(event) -> dict:
    return {
        "stories": list(published_stories().filter(event=event)[:PAGE_LIMIT]),
        "heading": _("Cooperations that began here"),
        "section_id": "stories-heading",
        "show_all_link": False,
    }
