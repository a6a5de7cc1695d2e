"""`make bench-web` starts on a fresh clone: its help, a dry run that builds nothing, the bare
project's two yardstick pages, and the readers of wrk's output and of the staff forms. The
benchmark itself is never run here (it takes minutes and a quiet machine)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.live import form_fields, poll_path
from bench.load import parse_wrk

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_runner_explains_its_options():
    done = _run("-m", "bench.web", "--help")
    assert done.returncode == 0, done.stderr
    for option in ("--rounds", "--duration", "--rebuild", "--no-mail", "--dry-run"):
        assert option in done.stdout


def test_a_dry_run_lists_every_page_with_its_target_and_builds_nothing(tmp_path):
    out = tmp_path / "bench.json"
    done = _run("-m", "bench.web", "--dry-run", "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "load average at start" in done.stdout
    assert "/events/{evening}/my-partners/  >= 2x bare-directory" in done.stdout
    assert "/healthz  >= 0.5x bare-template" in done.stdout
    assert not out.exists()


def test_the_bare_pages_render_a_15_kb_template_without_a_query_and_a_directory_in_four(
    tmp_path,
):
    done = _run(
        "-m",
        "bench.bare_site.check",
        "--scratch",
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'bare.sqlite3'}"},
    )
    assert done.returncode == 0, done.stderr
    pages = json.loads(done.stdout.strip().splitlines()[-1])
    assert pages["bare-template"]["status"] == 200
    assert pages["bare-template"]["queries"] == 0
    assert 14_000 < pages["bare-template"]["bytes"] < 17_000
    assert pages["bare-directory"]["status"] == 200
    assert pages["bare-directory"]["queries"] == 4  # COUNT, the page, offers, needs


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/healthz
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    4.20ms  80.10ms   90.00%
  Latency Distribution
     50%   11.50ms
     75%   13.00ms
     90%   16.00ms
     99%    1.20s
  2500 requests in 10.00s, 1.20MB read
  Socket errors: connect 0, read 2500, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    249.80
Transfer/sec:    122.00KB
"""


def test_wrk_figures_are_read_with_their_units_and_failures_counted():
    result = parse_wrk(WRK_OUTPUT)
    assert result.rps == 249.8
    assert result.p50_ms == 11.5
    assert result.p99_ms == 1200.0
    assert result.requests == 2500
    # Closed keep-alive connections (read) are how gunicorn's sync workers answer, not failures.
    assert result.errors == 7 + 3


STAFF_PAGE = b"""
<form method="post" action="/staff/events/4/seating/publish/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="expected_version" value="9">
</form>
<form method="post" action="/staff/events/4/seating/round/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="expected_version" value="3">
  <select name="round">
    <option value="0">not started</option><option value="2" selected>Round 2</option>
  </select>
</form>
<div id="my-rounds" data-hx-get="/events/4/my-partners/rounds/?registration=7&amp;state=abc"></div>
"""


def test_staff_forms_are_sent_as_the_page_shows_them_and_the_poll_url_is_found():
    fields = form_fields(STAFF_PAGE, "/seating/round/")
    assert fields == {"csrfmiddlewaretoken": "tok", "expected_version": "3", "round": "2"}
    assert poll_path(STAFF_PAGE) == "/events/4/my-partners/rounds/?registration=7&state=abc"
