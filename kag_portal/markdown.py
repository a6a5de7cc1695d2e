"""Markdown written by members and staff, rendered to HTML that is safe to show."""

from __future__ import annotations

import re
from html import unescape

import markdown as md
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render_markdown(text: str) -> SafeString:
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has removed everything not on the allow-list


_BLOCK_END = re.compile(r"</(p|h2|h3|h4|blockquote|pre|table|ul|ol)>|<hr\s*/?>", re.IGNORECASE)
_LINE_END = re.compile(r"<br\s*/?>|</(li|tr)>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li>", re.IGNORECASE)
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def markdown_to_text(text: str) -> str:
    """The same Markdown as plain text, for places that show no HTML (a calendar entry's
    description): paragraphs stay apart, list items get a bullet, a link keeps its address,
    and no "**" or "#" is left over."""
    # The renderer's own line breaks between tags are layout, not text.
    html = re.sub(r">\s*\n\s*<", "><", str(render_markdown(text)))
    html = _LINK.sub(
        lambda link: link.group(2) if link.group(1) in link.group(2) else
        f"{link.group(2)} ({link.group(1)})",
        html,
    )  # fmt: skip
    html = _LIST_ITEM.sub("• ", html)
    html = _LINE_END.sub("\n", html)
    html = _BLOCK_END.sub("\n\n", html)
    plain = unescape(strip_tags(html))
    lines = [line.strip() for line in plain.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
