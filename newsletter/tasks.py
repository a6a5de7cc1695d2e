"""Celery tasks of the newsletter; the work is in newsletter.services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=270,
)
def send_newsletter(issue_id: int) -> int:
    return services.fan_out(issue_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=270)
def resume_newsletter_sending() -> int:
    return services.resume_sending()
