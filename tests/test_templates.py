"""Rules for the templates that a browser test could miss on a page it does not visit."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string

from kag_portal.mail import render_mail
from kag_portal.models import BarrierReport

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Mail clients ignore style sheets, so mails (and only mails) carry inline styles.
PAGE_TEMPLATES = sorted(
    path for path in TEMPLATES.rglob("*.html") if path.relative_to(TEMPLATES).parts[0] != "emails"
)
FORBIDDEN = re.compile(r"""\sstyle\s*=|\son[a-z]+\s*=|<script(?![^>]*\ssrc=)|<style[\s>]""", re.I)
COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
# hx-get and friends are not HTML; htmx reads data-hx-get just as well.
HTMX_ATTRIBUTE = re.compile(r"""\shx-[a-z-]+\s*=""")
# A <time datetime> of `date:'c'` carries microseconds, which HTML does not allow.
TIME_WITHOUT_FILTER = re.compile(r"""datetime="(?![^"]*\|datetime_attribute)""")


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_template_has_no_inline_style_or_script(path):
    # The Content-Security-Policy (style-src/script-src 'self') would block them in the browser.
    markup = COMMENTS.sub("", path.read_text())
    assert not FORBIDDEN.search(markup), f"inline style or script in {path}"


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_template_writes_valid_html_attributes(path):
    markup = COMMENTS.sub("", path.read_text())
    assert not HTMX_ATTRIBUTE.search(markup), f"write data-hx-… instead of hx-… in {path}"
    assert not TIME_WITHOUT_FILTER.search(markup), (
        f"a <time datetime> without |datetime_attribute in {path}"
    )


def test_a_time_attribute_is_to_the_second_in_the_portals_time_zone():
    moment = datetime(2026, 12, 1, 22, 59, 57, 903061, tzinfo=UTC)
    html = Template('{% load kag %}<time datetime="{{ moment|datetime_attribute }}">').render(
        Context({"moment": moment})
    )
    assert html == '<time datetime="2026-12-01T23:59:57+01:00">'
    day = Template("{% load kag %}{{ day|datetime_attribute }}").render(
        Context({"day": moment.date()})
    )
    assert day == "2026-12-01"


@pytest.mark.parametrize("name", ["500.html", "403_csrf.html"])
def test_error_page_renders_without_a_request(name):
    # Django renders these two with a plain dict: no request, no context processors.
    html = render_to_string(name, {"reason": "CSRF cookie not set."})
    assert 'href="/"' in html
    assert "/static/css/site.css" in html


@pytest.mark.parametrize("language", ["de", "en"])
def test_barrier_report_mail_renders_the_report(language):
    report = BarrierReport(
        pk=7,
        page_url="/events/",
        description="Die Schrift <klein> ist zu klein.",
        contact_email="leser@example.org",
        created_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )
    subject, text, html = render_mail(
        template="barrier_report",
        context={"report": report, "site_url": "https://portal.example"},
        language=language,
    )
    assert subject
    assert "\n" not in subject
    assert "Die Schrift <klein> ist zu klein." in text
    assert "Die Schrift &lt;klein&gt; ist zu klein." in html
    assert "https://portal.example/admin/kag_portal/barrierreport/7/change/" in text
    assert "mailto:leser@example.org" in html


def test_mail_layout_shows_an_unsubscribe_link_only_when_there_is_one():
    report = BarrierReport(pk=1, description="x", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    _s, _t, without = render_mail(
        template="barrier_report", context={"report": report}, language="en"
    )
    _s, _t, with_link = render_mail(
        template="barrier_report",
        context={"report": report, "unsubscribe_url": "https://portal.example/unsubscribe/abc/"},
        language="en",
    )
    assert "/unsubscribe/" not in without
    assert 'href="https://portal.example/unsubscribe/abc/"' in with_link
