"""Celery tasks of the events app. The work itself lives in events.services; these only call it."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .services import invitation_rounds

# --- Invitation rounds (events.services.invitation_rounds) ---------------------------------------
# The round is a row; these tasks are nudges. Any of them lost, run twice or at once changes
# nothing: the periodic resume takes up what was not done.


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    # Making a few thousand invitations takes seconds; the limit stays under the broker's
    # visibility timeout, so a message is never handed out twice while its task still runs.
    soft_time_limit=240,
    time_limit=270,
)
def advance_invitation_round(round_id: int) -> None:
    invitation_rounds.advance_round(round_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=270,
)
def mail_invitation_batch(round_id: int, invitation_ids: list[int]) -> int:
    return invitation_rounds.mail_batch(round_id, invitation_ids)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=270)
def resume_invitation_rounds() -> int:
    return invitation_rounds.resume_rounds()


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
    soft_time_limit=240,
    time_limit=270,
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


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=270)
def anonymise_past_attendance() -> int:
    from django.utils import timezone

    from .services import retention

    return retention.anonymise_past_attendance(now=timezone.now())
