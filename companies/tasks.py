"""Celery tasks of the companies app: thin wrappers that load by key and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .services import digest


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    # Rendering a few thousand digests takes longer than a single mail; a run cut short is
    # finished by the next one (idempotency keys), so the limit only guards against a hang.
    soft_time_limit=240,
    time_limit=270,
)
def send_weekly_digests(self) -> int:
    return digest.send_weekly_digests()
