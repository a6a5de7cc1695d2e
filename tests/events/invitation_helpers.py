"""Sending an invitation round the way the worker does, in the test's own process."""

from __future__ import annotations

from events.models import InvitationRound
from events.services import invitation_rounds


def send_round(event, audience: dict, by=None) -> InvitationRound:
    """Start a round and take its step right away (Celery is eager in the tests, so the mail
    batches run here too); returns the round as the step left it."""
    round_ = invitation_rounds.start_round(event=event, audience=audience, planned_count=0, by=by)
    invitation_rounds.advance_round(round_.pk)
    round_.refresh_from_db()
    return round_
