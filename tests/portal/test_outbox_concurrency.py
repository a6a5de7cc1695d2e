"""The outbox under real concurrency: PostgreSQL and a live Celery worker on a real Redis."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from kag_portal import mail
from kag_portal.models import OutboxMail
from kag_portal.tasks import requeue_unsent_mail, send_outbox_mail
from tests.concurrency import run_at_once


def record(key: str) -> OutboxMail:
    return mail.record_mail(
        to_email="moritz@feinwerk.example",
        subject="Einladung zum Netzwerkabend",
        body_text="Hallo Moritz",
        idempotency_key=key,
    )


def unsent_row(key: str) -> OutboxMail:
    """A recorded mail that no task has been queued for yet."""
    return OutboxMail.objects.create(
        idempotency_key=key,
        to_email="moritz@feinwerk.example",
        subject="Erinnerung",
        body_text="Hallo Moritz",
        language="de",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_workers_claiming_one_mail_at_once_send_it_once():
    row = unsent_row("race:1")

    outcomes, errors = run_at_once(
        [lambda: mail.deliver_outbox_mail(outbox_id=row.pk).outcome] * 10, timeout=30
    )

    assert errors == []
    assert sorted(outcomes).count("sent") == 1
    assert outcomes.count("not-claimed") == 9
    assert len(django_mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recording_the_same_mail_at_once_from_many_requests_keeps_one_row():
    rows, errors = run_at_once([lambda: record("race:2").pk] * 10, timeout=30)

    assert errors == []
    assert len(set(rows)) == 1
    assert OutboxMail.objects.filter(idempotency_key="race:2").count() == 1


# --- with the live worker that .ci/run starts ---


def wait_for_status(pk: int, status: str, seconds: float = 30) -> OutboxMail:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = OutboxMail.objects.get(pk=pk)
        if row.status == status:
            return row
        time.sleep(0.2)
    raise AssertionError(f"mail {pk} is still {row.status}, expected {status}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_mail_queued_after_commit(live_worker):
    with transaction.atomic():
        row = record("worker:1")

    sent = wait_for_status(row.pk, OutboxMail.Status.SENT)
    assert sent.attempts == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_once_when_the_task_arrives_twice(live_worker):
    row = record("worker:2")  # outside a transaction: queued straight away

    send_outbox_mail.delay(row.pk)
    send_outbox_mail.delay(row.pk)

    sent = wait_for_status(row.pk, OutboxMail.Status.SENT)
    time.sleep(1)  # give the duplicate time to run; it must not send again
    sent.refresh_from_db()
    assert sent.attempts == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_periodic_sweep_in_the_worker_sends_a_mail_whose_message_was_lost(live_worker):
    # A row whose queue message was lost (Redis restarted before a worker took it): it is in
    # the database, queued, and nothing in the broker points at it.
    row = unsent_row("worker:3")
    OutboxMail.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    requeue_unsent_mail.delay()

    wait_for_status(row.pk, OutboxMail.Status.SENT)
