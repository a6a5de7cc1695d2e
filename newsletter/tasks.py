"""Celery tasks of the newsletter; the work is in newsletter.services."""

from __future__ import annotations

from kag_portal.queueing import portal_task

from . import services


@portal_task(long=True)
def send_newsletter(issue_id: int) -> int:
    return services.fan_out(issue_id)


@portal_task(long=True)
def resume_newsletter_sending() -> int:
    return services.resume_sending()
