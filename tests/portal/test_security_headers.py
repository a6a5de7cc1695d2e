from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_has_a_content_security_policy_without_inline_script(client):
    policy = client.get("/healthz")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_pages_may_not_be_framed(client):
    assert client.get("/healthz")["X-Frame-Options"] == "DENY"
