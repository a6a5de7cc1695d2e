"""Celery tasks of the companies app: thin wrappers that load by key and call one service."""

from __future__ import annotations

from kag_portal.queueing import portal_task

from .services import digest


# Rendering a few thousand digests takes longer than a single mail; a run cut short is finished
# by the next one (idempotency keys), so the limit only guards against a hang.
@portal_task(long=True)
def send_weekly_digests() -> int:
    return digest.send_weekly_digests()
