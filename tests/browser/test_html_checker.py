"""The HTML check itself must be able to fail, and must see the pages the browser loads, or every
browser test's "valid HTML" proves nothing."""

from __future__ import annotations

import pytest

from tests.browser import html_checker as vnu

pytestmark = pytest.mark.browser

VALID = (
    "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>t</title></head>"
    "<body><main><h1>Abend</h1><label for='n'>Plätze</label>"
    "<input id='n' type='number' inputmode='numeric' data-hx-get='/'>"
    "<time datetime='2026-12-01T23:59:57+01:00'>1. Dezember</time></main></body></html>"
)


@pytest.fixture
def checker(html_checker: vnu.HtmlChecker | None) -> vnu.HtmlChecker:
    if html_checker is None:
        pytest.skip(vnu.unavailable_reason() or "the Nu Html Checker is not available")
    return html_checker


def test_vnu_reports_a_duplicate_id_an_htmx_attribute_and_a_time_with_microseconds(checker):
    page = (
        "<!DOCTYPE html><html lang='de'><head><title>t</title></head><body><main>"
        "<p id='round'>1</p><p id='round' hx-get='/'>2</p>"
        "<time datetime='2026-12-01T23:59:57.903061+01:00'>1. Dezember</time>"
        "<input type='search' maxlength='None' aria-label='Suche'></main></body></html>"
    )

    found = " | ".join(message["message"] for message in checker.messages(page.encode()))

    assert "Duplicate ID “round”" in found
    assert "“hx-get” not allowed" in found
    assert "fraction of a second" in found
    assert "“maxlength”" in found


def test_vnu_passes_a_valid_page_and_leaves_out_the_known_false_positives(checker):
    assert checker.messages(VALID.encode()) == []


def test_every_page_a_browser_context_loads_is_checked(checker, page):
    before = checker.checked + checker.unreadable

    page.goto("/events/")
    page.goto("/companies/")

    # Each page is checked, or counted as one whose body was gone before it could be read (the
    # next navigation came first: on a busy machine that happens); none is missed silently. The
    # last response's event may reach the handler just after goto() returned: let it arrive.
    for _ in range(50):
        if checker.checked + checker.unreadable - before >= 2:
            break
        page.wait_for_timeout(100)
    assert checker.checked + checker.unreadable - before == 2
