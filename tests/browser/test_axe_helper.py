"""The accessibility check itself must be able to fail, or every browser test proves nothing."""

from __future__ import annotations

import pytest

from tests.browser.axe import violations

pytestmark = pytest.mark.browser


def test_axe_reports_an_image_without_alt_text_and_a_page_without_language(browser):
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><head><title>t</title></head>"
                     "<body><main><img src='data:,'></main></body></html>")  # fmt: skip

    found = {violation["id"] for violation in violations(page)}

    page.close()
    assert {"image-alt", "html-has-lang"} <= found
