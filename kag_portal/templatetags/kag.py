from __future__ import annotations

import datetime

from django import template

from kag_portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter(expects_localtime=True)
def datetime_attribute(value: datetime.datetime | datetime.date | None) -> str:
    """The machine-readable value of a <time datetime="…">: ISO 8601 in the portal's time zone,
    to the second. HTML allows at most three decimals, and `date:'c'` writes all six."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
