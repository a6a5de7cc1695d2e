"""Celery tasks of the events app. The work itself lives in events.services; these only call it."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .services import invitations


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    # Recording a few thousand invitations takes seconds; a run cut short is completed by the
    # retry without sending anything twice (invitation rows and outbox keys are unique).
    soft_time_limit=300,
    time_limit=330,
)
def send_event_invitations(self, event_id: int, audience: dict, invited_by_id: int | None) -> int:
    """Record the invitations, then queue their mails in batches that workers render in parallel."""
    result = invitations.invite(event_id=event_id, audience=audience, invited_by_id=invited_by_id)
    for batch in invitations.chunks(result.invitation_ids, size=INVITATION_MAIL_BATCH):
        mail_event_invitations.delay(batch)
    return result.invitations


# Mails rendered per task: small enough that both worker processes share a send of 2,000.
INVITATION_MAIL_BATCH = 100


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=330,
)
def mail_event_invitations(self, invitation_ids: list[int]) -> int:
    return invitations.mail_invitations(invitation_ids)


# --- Reminders, thank-you, finishing, retention (events.services.followups / retention) ---
# Periodic (CELERY_BEAT_SCHEDULE); each run does what is due at that moment, and running one
# twice or two at once changes nothing more (outbox keys, conditional updates).


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def send_event_mails(self) -> dict:
    from django.utils import timezone

    from .services import followups

    return followups.send_event_mails(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def finish_past_events() -> int:
    from django.utils import timezone

    from .services import followups

    return followups.finish_past_events(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def anonymise_past_attendance() -> int:
    from django.utils import timezone

    from .services import retention

    return retention.anonymise_past_attendance(now=timezone.now())
