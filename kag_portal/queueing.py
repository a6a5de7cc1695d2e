"""One way to declare a portal task, one way to queue it.

Declare every Celery task with `@portal_task()` (`@portal_task(long=True)` for a run over
thousands of rows). It holds what every task shares: acks_late and ignore_result come from
settings (CELERY_TASK_ACKS_LATE, CELERY_TASK_IGNORE_RESULT), transient database errors are
retried three times with a short backoff, and the time limits stay below the broker's visibility
timeout, or Redis would hand a task that still runs to a second worker.

Queue work with `enqueue_on_commit(task, obj.pk)`, from the service that wrote the row:

- after commit, so the worker finds the row (a task queued before the commit may run first and
  find nothing), and work of a transaction that rolls back is never queued at all;
- by id, never the object: the task loads its row, so a retry or a late run works on what the
  database says now, not on a copy taken when it was queued.

Queueing never raises. The row in the database is the truth and a periodic sweep resumes it; the
broker only carries the nudge. A broker that is down is logged once, and for RETRY_AFTER_SECONDS
no more messages are offered to it, so a loop that queues a thousand mails costs one connect
timeout, not a thousand. `enqueue` is the same without waiting for a commit: for code that runs
outside any transaction (a sweep, a step queueing its batches) and wants to know it worked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)

# A broker that refused is left alone this long (per process and broker URL).
RETRY_AFTER_SECONDS = 10.0

# Kept between a task's soft and hard limit and the visibility timeout: the soft limit lets the
# task stop cleanly, the hard one ends it well before Redis would give its message to another.
_MARGIN_SECONDS = 30

_down_until: dict[str, float] = {}
_state_lock = threading.Lock()


def long_time_limits() -> tuple[int, int]:
    """(soft, hard) time limit of a long task: 240 s and 270 s under a 300 s visibility timeout."""
    hard = settings.BROKER_VISIBILITY_TIMEOUT - _MARGIN_SECONDS
    return hard - _MARGIN_SECONDS, hard


def portal_task(*, long: bool = False, **options: Any) -> Callable[[Callable], Task]:
    """Declare a task with the portal's shared options; `options` go to Celery as they are.

    Without `long` the limits are CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT.
    """
    defaults: dict[str, Any] = {
        "autoretry_for": (OperationalError,),
        "retry_backoff": True,
        # A retry waits in Redis too: never longer than the visibility timeout.
        "retry_backoff_max": 60,
        "max_retries": 3,
    }
    if long:
        defaults["soft_time_limit"], defaults["time_limit"] = long_time_limits()
    options = {**defaults, **options}
    time_limit = options.get("time_limit") or settings.CELERY_TASK_TIME_LIMIT
    if time_limit >= settings.BROKER_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(
            f"A task's time limit ({time_limit} s) must be shorter than the broker's visibility "
            f"timeout ({settings.BROKER_VISIBILITY_TIMEOUT} s)"
        )
    return shared_task(**options)


def enqueue_on_commit(task: Task, object_id: int, *args: Any, using: str | None = None) -> None:
    """Queue `task(object_id, *args)` once the current transaction commits (at once outside one).

    Never raises for a broker that is down; see the module's docstring.
    """
    _check_ids(task, (object_id, *args))
    transaction.on_commit(partial(enqueue, task, object_id, *args), using=using)


def enqueue(task: Task, *args: Any) -> bool:
    """Hand `task(*args)` to the broker now; False when the broker is down (logged once)."""
    _check_ids(task, args)
    conf = task.app.conf
    # Run in this process (development, most tests): there is no broker to be down.
    broker = "" if conf.task_always_eager else str(conf.broker_url)
    if broker and _is_resting(broker):
        return False
    try:
        task.delay(*args)
    except Exception as error:  # kombu raises a zoo of connection errors; none may break a page
        _mark_down(broker, task, args, error)
        return False
    if broker:
        _mark_up(broker)
    return True


def _check_ids(task: Task, values: tuple) -> None:
    # A model instance or a queryset would fail only in the broker's serializer, after the
    # commit, where nobody sees it. Refused here, at the line that is wrong.
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, int) and not isinstance(item, bool) for item in items):
            raise TypeError(f"{task.name} is queued with ids, not with {type(value).__name__}")


def _is_resting(broker: str) -> bool:
    until = _down_until.get(broker)
    return until is not None and time.monotonic() < until


def _mark_down(broker: str, task: Task, args: tuple, error: Exception) -> None:
    with _state_lock:
        was_up = broker not in _down_until
        if broker:
            _down_until[broker] = time.monotonic() + RETRY_AFTER_SECONDS
    if was_up:
        logger.warning(
            "Broker unreachable, %s(%s) not queued; the periodic sweeps take up what waits in "
            "the database (%s: %s)",
            task.name,
            ", ".join(_short(arg) for arg in args),
            type(error).__name__,
            error,
        )


def _short(arg: Any) -> str:
    return f"[{len(arg)} ids]" if isinstance(arg, list | tuple) else repr(arg)


def _mark_up(broker: str) -> None:
    if broker in _down_until:
        with _state_lock:
            was_down = _down_until.pop(broker, None) is not None
        if was_down:
            logger.info("Broker answers again")
