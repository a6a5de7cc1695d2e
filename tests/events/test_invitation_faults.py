"""No invitation is lost when Redis loses its queue or a worker dies: the round is a row that the
periodic sweeps take up again. Each test runs its own Redis and worker and kills them; the mails
arrive at a real SMTP server on loopback, which counts what it received per address.

Delivery is at least once: a mail goes twice only if the worker died after the server accepted it
and before the row said "sent", so duplicates are bounded by the mails being sent at that moment.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import EventInvitation, InvitationRound
from events.services.invitation_rounds import resume_rounds, start_round
from kag_portal.celery import app as celery_app
from kag_portal.mail import requeue_unsent_mail
from kag_portal.models import OutboxMail
from tests.events.test_invitations_fanout import PEOPLE_PER_COMPANY, region_with_people
from tests.factories import EventFactory
from tests.faults import own_redis, own_worker
from tests.portal.conftest import broker_at
from tests.portal.smtp_servers import smtp_server

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

# Six batches of 100 for two worker processes: four of them wait in Redis when it dies.
COMPANIES = 300
PEOPLE = COMPANIES * PEOPLE_PER_COMPANY


def wait_for(condition, *, worker, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{worker.output()}"
        time.sleep(0.02)


def outbox_figures() -> tuple[int, int]:
    rows = OutboxMail.objects.filter(idempotency_key__startswith="event-invitation:")
    return rows.count(), rows.filter(status=OutboxMail.Status.SENT).count()


def wait_until_idle(seconds: float = 2.0) -> None:
    """Until nothing changes in the outbox for `seconds`: the worker has nothing left to do."""
    last, stable_since = None, time.monotonic()
    while time.monotonic() - stable_since < seconds:
        now = outbox_figures()
        if now != last:
            last, stable_since = now, time.monotonic()
        time.sleep(0.2)


def sweep_until_everything_is_sent(worker, rounds: int = 8) -> int:
    """What beat does every minute, run once the worker is idle (its time moved on, so that
    "untouched for two minutes" is true of what the dead processes left). Returns the sweeps."""
    for sweep in range(1, rounds + 1):
        worker.keep_running()
        wait_until_idle()
        if outbox_figures() == (PEOPLE, PEOPLE):
            return sweep - 1
        # Each sweep a few minutes after the one before, as beat's would be.
        later = timezone.now() + timedelta(minutes=5 * sweep)
        celery_app._pool = None  # connections to the Redis that died are useless
        resume_rounds(now=later)
        requeue_unsent_mail(now=later)
    raise AssertionError(f"after {rounds} sweeps: {outbox_figures()} of {PEOPLE} recorded, sent")


def received(sink) -> Counter:
    return Counter(address for envelope in sink.received for address in envelope.rcpt_tos)


def assert_each_invited_once(sink, in_flight: int) -> Counter:
    addresses = set(EventInvitation.objects.values_list("email", flat=True))
    counts = received(sink)
    assert len(addresses) == PEOPLE
    assert set(counts) == addresses  # 0 lost
    duplicates = sum(count - 1 for count in counts.values())
    # Only the mails a dead worker had in hand may go twice (the documented case).
    assert duplicates <= in_flight
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == PEOPLE
    return counts


@pytest.fixture
def evening():
    region_with_people(COMPANIES)
    return EventFactory()


def test_redis_dies_while_the_batches_are_recorded_and_comes_back_empty(evening, capsys):
    with (
        own_redis() as redis,
        smtp_server() as (port, sink),
        broker_at(redis.url),
        own_worker(broker_url=redis.url, email_url=f"smtp://127.0.0.1:{port}") as worker,
    ):
        round_ = start_round(event=evening, audience={"kind": "all"}, planned_count=PEOPLE, by=None)
        wait_for(
            lambda: outbox_figures()[0] >= 100,
            what="the first batch of invitations to be recorded",
            worker=worker,
        )
        redis.kill()
        recorded_at_kill, _sent = outbox_figures()
        # What the worker's two processes had in hand: one mail running, one prefetched each.
        in_flight = 4
        time.sleep(1)
        redis.start()  # empty: every queued batch and mail message is gone

        try:
            sweeps = sweep_until_everything_is_sent(worker)
        except AssertionError:
            print(worker.output())
            raise
        counts = assert_each_invited_once(sink, in_flight)

    round_.refresh_from_db()
    assert round_.status == InvitationRound.Status.RECORDED
    with capsys.disabled():
        print(
            f"\nRedis lost at {recorded_at_kill}/{PEOPLE} recorded: {len(counts)} of {PEOPLE} "
            f"arrived after {sweeps} sweeps, {sum(counts.values()) - len(counts)} duplicates, "
            f"{worker.restarts} worker restarts"
        )


def test_a_worker_killed_mid_batch_loses_nothing(evening, capsys):
    with (
        own_redis() as redis,
        smtp_server() as (port, sink),
        broker_at(redis.url),
    ):
        email_url = f"smtp://127.0.0.1:{port}"
        with own_worker(broker_url=redis.url, email_url=email_url) as worker:
            start_round(event=evening, audience={"kind": "all"}, planned_count=PEOPLE, by=None)
            wait_for(
                lambda: outbox_figures()[1] >= 50,
                what="the first invitations to be sent",
                worker=worker,
            )
            worker.kill()
            recorded_at_kill, sent_at_kill = outbox_figures()
            in_flight = OutboxMail.objects.filter(status=OutboxMail.Status.SENDING).count()
        # Its messages stay unacknowledged in Redis; a new worker comes up.
        with own_worker(broker_url=redis.url, email_url=email_url) as worker:
            sweeps = sweep_until_everything_is_sent(worker)
            counts = assert_each_invited_once(sink, in_flight)

    with capsys.disabled():
        print(
            f"\nworker killed at {recorded_at_kill} recorded, {sent_at_kill} sent: {len(counts)} "
            f"of {PEOPLE} arrived after {sweeps} sweeps, "
            f"{sum(counts.values()) - len(counts)} duplicates"
        )


def test_redis_lost_after_staff_clicked_send_before_a_worker_took_it(evening):
    with (
        own_redis() as redis,
        smtp_server() as (port, sink),
        broker_at(redis.url),
    ):
        # No worker yet: the round's first step waits in Redis, and Redis loses it.
        round_ = start_round(event=evening, audience={"kind": "all"}, planned_count=PEOPLE, by=None)
        redis.kill()
        redis.start()
        with own_worker(broker_url=redis.url, email_url=f"smtp://127.0.0.1:{port}") as worker:
            assert InvitationRound.objects.get(pk=round_.pk).status == "pending"
            sweep_until_everything_is_sent(worker)
            assert_each_invited_once(sink, in_flight=0)
