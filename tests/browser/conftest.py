"""Playwright against Debian's chromium and pytest-django's live server.

Every test gets a fresh browser context (no cookies carried over), German as the browser
language and a phone-sized window, because that is how most members will see the portal.

Every HTML page a browser context loads goes through the Nu Html Checker (html_checker.py); a
test fails when one of its pages is not valid HTML.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import html_checker as vnu
from tests.browser.helpers import PHONE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse to touch
# the database from it ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def html_checker() -> Iterator[vnu.HtmlChecker | None]:
    """The Nu Html Checker as a service for the session; None where Java or vnu.jar is missing
    (tests/browser/test_html_checker.py then skips and says why)."""
    if vnu.unavailable_reason():
        yield None
        return
    checker = vnu.HtmlChecker()
    checker.start()
    _checkers.append(checker)
    yield checker
    checker.stop()


_checkers: list[vnu.HtmlChecker] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for checker in _checkers:
        terminalreporter.write_line(checker.summary())


class HtmlCheckedBrowser:
    """The browser, but every context it opens sends its pages to the HTML checker: the tests
    that open a second context (another person, JavaScript off) are checked too."""

    def __init__(self, browser: Browser, checker: vnu.HtmlChecker) -> None:
        self._browser = browser
        self._checker = checker

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **options) -> BrowserContext:
        context = self._browser.new_context(**options)
        self._checker.watch(context)
        return context

    def new_page(self, **options) -> Page:
        page = self._browser.new_page(**options)
        self._checker.watch(page.context)
        return page


@pytest.fixture(scope="session")
def browser(html_checker: vnu.HtmlChecker | None) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield HtmlCheckedBrowser(browser, html_checker) if html_checker else browser  # type: ignore[misc]
        browser.close()


@pytest.fixture(autouse=True)
def _pages_are_valid_html(html_checker: vnu.HtmlChecker | None) -> Iterator[None]:
    """After each browser test: what vnu found on the pages the test loaded."""
    yield
    if html_checker is not None:
        found = html_checker.collect()
        assert not found, f"the Nu Html Checker found invalid HTML:\n{found}"


@pytest.fixture
def site_pages(transactional_db) -> None:
    """The legal pages: a data migration creates them, but live-server tests empty the tables."""
    from kag_portal.models import SitePage
    from kag_portal.site_page_texts import create_site_pages

    create_site_pages(SitePage)


@pytest.fixture
def towns(transactional_db) -> None:
    from companies.demo import seed_towns

    seed_towns(lambda _message: None)


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser context per test: German, phone-sized, relative URLs go to the live server.

    Fails the test when the page broke the Content-Security-Policy: an inline style or script is
    blocked in production, so the page would look or behave differently from what was tested.
    """
    context = browser.new_context(locale="de-DE", viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp_violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not csp_violations, "\n".join(csp_violations)
