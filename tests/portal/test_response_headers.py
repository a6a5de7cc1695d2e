"""What every answer tells the browser about itself: no powerful features for any page, and the
server does not name its software or version."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_every_page_forbids_camera_microphone_and_location(client):
    for path in ("/", "/companies/", "/accounts/login/"):
        policy = client.get(path).headers["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy, (path, feature)


def test_a_cached_public_page_carries_the_policy_too(client):
    client.get("/")
    again = client.get("/")  # from AnonymousPageCacheMiddleware
    assert "camera=()" in again.headers["Permissions-Policy"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_answers_without_naming_itself(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
         "kag_portal.wsgi:application"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        headers = None
        deadline = time.monotonic() + 20
        while headers is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page/") as answer:
                    headers = answer.headers
            except urllib.error.HTTPError as answer:
                headers = answer.headers
            except OSError:
                time.sleep(0.2)
        assert headers is not None, "gunicorn did not answer"
        assert headers["Server"] == "KAG Portal"
        assert "gunicorn" not in str(headers).lower()
    finally:
        server.terminate()
        server.wait(timeout=10)
