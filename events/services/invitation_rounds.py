"""Invitation rounds: a staff member's "send" as a row in the database, resumed until done.

The broker only carries nudges. What must happen lives in `InvitationRound`: the audience and
the previewed count (pending), then the ids of the invitations made for it (mailing). Each step
reads the row and does what is still missing, so a step that runs twice, two steps at once, or a
step after Redis lost every queued message all end the same way:

1. pending → the invitations are made (unique per event and address) and their ids stored;
2. mailing → the invitations without an outbox mail (key `event-invitation:<pk>`) are handed to
   batch tasks that record the mails; the last batch, or the next step, finds none missing and
   marks the round recorded. From there the outbox sends each mail and resends after a loss.

`resume_rounds` (periodic, every minute) takes up every round not touched for
`RESUME_AFTER`: a lost nudge, a lost batch, a worker killed mid-batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from events.models import Event, InvitationRound
from kag_portal.mail import deliver_outbox_mails
from kag_portal.models import OutboxMail
from kag_portal.queueing import enqueue, enqueue_on_commit

from .invitations import chunks, invite, mail_invitations

# Mails recorded per task: small enough that both worker processes share a round of 2,000.
MAIL_BATCH = 100
# A round untouched this long has lost its queue message. Longer than a batch takes (seconds),
# shorter than the broker's visibility timeout, so a lost batch is redone within minutes.
RESUME_AFTER = timedelta(seconds=120)


def outbox_key(invitation_id: int) -> str:
    return f"event-invitation:{invitation_id}"


@transaction.atomic
def start_round(*, event: Event, audience: dict, planned_count: int, by) -> InvitationRound:
    """Record the round; its first step is queued once the row is committed."""
    round_ = InvitationRound.objects.create(
        event=event, audience=audience, planned_count=planned_count, started_by=by
    )
    from ..tasks import advance_invitation_round

    # A broker that is down leaves the round pending; resume_rounds takes it up.
    enqueue_on_commit(advance_invitation_round, round_.pk)
    return round_


def _touch(round_id: int) -> None:
    InvitationRound.objects.filter(pk=round_id).update(updated_at=timezone.now())


def unrecorded(invitation_ids: Iterable[int]) -> list[int]:
    """The invitations whose mail is not in the outbox yet, in order."""
    ids = list(invitation_ids)
    recorded: set[str] = set()
    for batch in chunks([outbox_key(pk) for pk in ids]):
        recorded.update(
            OutboxMail.objects.filter(idempotency_key__in=batch).values_list(
                "idempotency_key", flat=True
            )
        )
    return [pk for pk in ids if outbox_key(pk) not in recorded]


def _finish(round_id: int, status: str) -> bool:
    """Mark the round finished, once (a second call changes nothing)."""
    now = timezone.now()
    return bool(
        InvitationRound.objects.filter(
            pk=round_id, status__in=[InvitationRound.Status.PENDING, InvitationRound.Status.MAILING]
        ).update(status=status, finished_at=now, updated_at=now)
    )


def advance_round(round_id: int) -> None:
    """Do what the round still needs (see the module's steps); safe to run at any time."""
    round_ = InvitationRound.objects.select_related("event").filter(pk=round_id).first()
    if round_ is None or round_.is_finished:
        return
    if not round_.event.can_invite:
        # Cancelled or past the deadline meanwhile: the mails not recorded yet are not sent.
        _finish(round_id, InvitationRound.Status.STOPPED)
        return
    if round_.status == InvitationRound.Status.PENDING:
        made = invite(
            event_id=round_.event_id, audience=round_.audience, invited_by_id=round_.started_by_id
        )
        # Two steps at once make the same invitations (unique rows); the first one stores them.
        InvitationRound.objects.filter(pk=round_id, status=InvitationRound.Status.PENDING).update(
            status=InvitationRound.Status.MAILING,
            invitation_ids=made.invitation_ids,
            updated_at=timezone.now(),
        )
        round_.refresh_from_db()
    missing = unrecorded(round_.invitation_ids)
    if not missing:
        _finish(round_id, InvitationRound.Status.RECORDED)
        return
    from ..tasks import mail_invitation_batch

    _touch(round_id)
    # Outside any transaction (a task, a sweep): queued at once, and the first refusal ends the
    # loop; resume_rounds queues the rest.
    for batch in chunks(missing, MAIL_BATCH):
        if not enqueue(mail_invitation_batch, round_id, batch):
            return


def mail_batch(round_id: int, invitation_ids: list[int]) -> int:
    """Record one batch's mails and send them over one connection, while the other worker
    process renders the next batch; the batch that completes the round marks it recorded."""
    count = mail_invitations(invitation_ids)
    round_ = InvitationRound.objects.filter(pk=round_id).first()
    if round_ is not None and not round_.is_finished:
        if unrecorded(round_.invitation_ids):
            _touch(round_id)
        else:
            _finish(round_id, InvitationRound.Status.RECORDED)
    # This batch's queued mails, also those a task that died before sending left behind.
    queued = list(
        OutboxMail.objects.filter(
            idempotency_key__in=[outbox_key(pk) for pk in invitation_ids],
            status=OutboxMail.Status.QUEUED,
            due_at__lte=timezone.now(),
        ).values_list("pk", flat=True)
    )
    deliver_outbox_mails(outbox_ids=queued)
    return count


def resume_rounds(*, now: datetime | None = None) -> int:
    """Take up every unfinished round untouched for RESUME_AFTER; returns how many."""
    now = now or timezone.now()
    stale = InvitationRound.objects.filter(
        status__in=[InvitationRound.Status.PENDING, InvitationRound.Status.MAILING],
        updated_at__lt=now - RESUME_AFTER,
    ).values_list("pk", "updated_at")
    resumed = 0
    for pk, updated_at in stale[:100]:
        # Claimed by moving the heartbeat: a second sweep at the same moment finds it moved.
        if InvitationRound.objects.filter(pk=pk, updated_at=updated_at).update(updated_at=now):
            advance_round(pk)
            resumed += 1
    return resumed


# --- progress, as staff see it -----------------------------------------------------------------


@dataclass(frozen=True)
class RoundProgress:
    round: InvitationRound
    total: int
    sent: int
    unsubscribed: int
    failed: int
    waiting: int

    @property
    def done(self) -> int:
        return self.sent + self.unsubscribed + self.failed

    @property
    def is_complete(self) -> bool:
        """Said only when every mail has its final state, not when they are merely queued."""
        return self.round.is_finished and self.waiting == 0 and self.done >= self.total

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))


def progress(rounds: list[InvitationRound]) -> list[RoundProgress]:
    """Each round's mails by state, from the outbox (one query per 500 invitations)."""
    owner = {outbox_key(pk): r.pk for r in rounds for pk in r.invitation_ids}
    counts: dict[int, Counter] = {r.pk: Counter() for r in rounds}
    for keys in chunks(list(owner)):
        for key, status in OutboxMail.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", "status"
        ):
            counts[owner[key]][status] += 1
    result = []
    for r in rounds:
        c = counts[r.pk]
        recorded = sum(c.values())
        waiting = c[OutboxMail.Status.QUEUED] + c[OutboxMail.Status.SENDING]
        if not r.is_finished:
            # Not yet in the outbox counts as waiting too.
            waiting += max(r.total - recorded, 0)
        result.append(
            RoundProgress(
                round=r,
                # A stopped round stands for the mails it recorded before the event closed.
                total=recorded if r.status == InvitationRound.Status.STOPPED else r.total,
                sent=c[OutboxMail.Status.SENT],
                unsubscribed=c[OutboxMail.Status.SKIPPED],
                failed=c[OutboxMail.Status.FAILED],
                waiting=waiting,
            )
        )
    return result


def recent_rounds(event: Event, limit: int = 5) -> list[RoundProgress]:
    rounds = list(event.invitation_rounds.select_related("started_by")[:limit])
    return progress(rounds)
