"""Celery tasks of the events app. The work itself lives in events.services; these only call it."""

from __future__ import annotations

from kag_portal.queueing import portal_task

from .services import invitation_rounds

# --- Invitation rounds (events.services.invitation_rounds) ---------------------------------------
# The round is a row; these tasks are nudges. Any of them lost, run twice or at once changes
# nothing: the periodic resume takes up what was not done. Making a few thousand invitations
# takes seconds; the long limits stay under the broker's visibility timeout all the same.


@portal_task(long=True)
def advance_invitation_round(round_id: int) -> None:
    invitation_rounds.advance_round(round_id)


@portal_task(long=True)
def mail_invitation_batch(round_id: int, invitation_ids: list[int]) -> int:
    return invitation_rounds.mail_batch(round_id, invitation_ids)


@portal_task(long=True)
def resume_invitation_rounds() -> int:
    return invitation_rounds.resume_rounds()


# --- Reminders, thank-you, finishing, retention (events.services.followups / retention) ---
# Periodic (CELERY_BEAT_SCHEDULE); each run does what is due at that moment, and running one
# twice or two at once changes nothing more (outbox keys, conditional updates).


@portal_task(long=True)
def send_event_mails() -> dict:
    from django.utils import timezone

    from .services import followups

    return followups.send_event_mails(now=timezone.now())


@portal_task()
def finish_past_events() -> int:
    from django.utils import timezone

    from .services import followups

    return followups.finish_past_events(now=timezone.now())


@portal_task(long=True)
def anonymise_past_attendance() -> int:
    from django.utils import timezone

    from .services import retention

    return retention.anonymise_past_attendance(now=timezone.now())
