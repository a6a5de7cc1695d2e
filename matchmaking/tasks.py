"""Celery tasks of the matchmaking app. The work itself lives in matchmaking.services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .services import followups


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def introduce_contacts(self, first_id: int, second_id: int) -> bool:
    """Two attendees marked each other: one intro mail each, one cooperation lead. Safe to run
    twice (fixed outbox keys, the lead is looked up first)."""
    return followups.introduce(first_id=first_id, second_id=second_id)
