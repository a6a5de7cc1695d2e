"""Run pieces of work at the same moment, each in its own thread with its own database
connection, to show that the locks in a service hold (PostgreSQL tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import connection


class RunOutcome(NamedTuple):
    """What the threads returned and what they raised, each in the order they finished."""

    results: list[Any]
    errors: list[Exception]


def run_at_once(works: list[Callable[[], Any]], *, timeout: float = 60) -> RunOutcome:
    """Start every work in its own thread behind a barrier, so they all begin together.

    Unpacks as `results, errors = run_at_once(...)`. Each thread closes its database connection
    when it is done: Django opens one per thread and the test database cannot be flushed while
    they are still open.
    """
    barrier = threading.Barrier(len(works))
    results: list[Any] = []
    errors: list[Exception] = []

    def worker(work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    still_running = sum(thread.is_alive() for thread in threads)
    assert not still_running, f"{still_running} of {len(threads)} works still run after {timeout}s"
    return RunOutcome(results=results, errors=errors)
