"""Queueing work (kag_portal.queueing): after the commit, by id, and never at the cost of a page.

A person's action writes a row; the nudge for the worker follows once the row is committed. A
broker that is down costs nothing but the wait for the periodic sweep.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Task
from django.conf import settings
from django.core import mail as django_mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from events.services.invitation_rounds import start_round
from kag_portal import mail, queueing
from kag_portal.celery import app as celery_app
from kag_portal.models import OutboxMail
from kag_portal.tasks import send_outbox_mail
from newsletter.models import NewsletterIssue
from newsletter.services import start_sending
from tests.factories import EventFactory

from .conftest import broker_at

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Port 1 on loopback: a real Redis client, nobody listening.
GONE = "redis://127.0.0.1:1/0"


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def broker_state():
    """Each test starts with a broker this process has not seen fail."""
    queueing._down_until.clear()
    yield
    queueing._down_until.clear()


@pytest.fixture
def handed_over(monkeypatch):
    """The messages handed to Celery, as (task name, arguments); nothing runs."""
    messages: list[tuple[str, tuple]] = []

    def apply_async(self, args=None, kwargs=None, **options):
        messages.append((self.name, tuple(args or ())))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return messages


@pytest.fixture
def flaky_broker(monkeypatch):
    """A broker that refuses every message while `down` is set (as kombu does, with an OSError)."""

    class Broker:
        down = False
        offered = 0

    broker = Broker()

    def apply_async(self, args=None, kwargs=None, **options):
        broker.offered += 1
        if broker.down:
            raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(Task, "apply_async", apply_async)
    with broker_at("redis://127.0.0.1:6399/0"):  # not eager: the broker is asked
        yield broker


def record(key: str = "queueing:1", to_email: str = "ines@spannwerk.example") -> OutboxMail:
    return mail.record_mail(
        to_email=to_email, subject="Einladung", body_text="Hallo Ines", idempotency_key=key
    )


# --- after the commit ---------------------------------------------------------------------------


def test_work_is_handed_to_the_worker_only_once_its_row_is_committed(
    handed_over, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = record()
        assert handed_over == []  # a worker could not see the row yet

    assert handed_over == [("kag_portal.tasks.send_outbox_mail", (row.pk,))]


def test_work_queued_inside_a_transaction_that_rolls_back_is_never_sent(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    with (  # noqa: PT012 - the block writes, then fails on purpose to roll back
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        record()
        start_round(event=event, audience={"kind": "all"}, planned_count=1, by=None)
        raise Rollback

    assert callbacks == []
    assert OutboxMail.objects.count() == 0
    assert django_mail.outbox == []


def test_mails_rounds_and_newsletters_are_all_queued_after_commit_with_their_id(
    handed_over, django_capture_on_commit_callbacks
):
    issue = NewsletterIssue.objects.create(subject="KAG-Brief", intro="Hallo")
    with django_capture_on_commit_callbacks(execute=True):
        row = record()
        round_ = start_round(
            event=EventFactory(), audience={"kind": "all"}, planned_count=1, by=None
        )
        start_sending(issue_id=issue.pk, by=None)

    assert handed_over == [
        ("kag_portal.tasks.send_outbox_mail", (row.pk,)),
        ("events.tasks.advance_invitation_round", (round_.pk,)),
        ("newsletter.tasks.send_newsletter", (issue.pk,)),
    ]


# --- by id ----------------------------------------------------------------------------------------


def test_work_is_queued_with_an_id_and_an_object_is_refused_where_it_is_queued(handed_over):
    row = record()

    with pytest.raises(TypeError, match="queued with ids"):
        queueing.enqueue_on_commit(send_outbox_mail, row)

    assert handed_over == []


def test_the_task_works_on_what_the_row_says_when_it_runs_not_when_it_was_queued(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        row = record()
    # Between the commit and the worker: someone unsubscribes the mail, say.
    OutboxMail.objects.filter(pk=row.pk).update(status=OutboxMail.Status.SKIPPED)

    for callback in callbacks:
        callback()

    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SKIPPED
    assert django_mail.outbox == []


# --- a broker that is down ----------------------------------------------------------------------


def test_work_queued_while_the_broker_is_down_is_not_lost_and_the_request_does_not_fail(
    client, django_capture_on_commit_callbacks
):
    with broker_at(GONE), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/barrierefreiheit/melden/",
            {"page_url": "/events/", "description": "Zu klein.", "contact_email": ""},
        )

    assert response.status_code == 302
    row = OutboxMail.objects.get(template="barrier_report")
    assert row.status == OutboxMail.Status.QUEUED
    assert django_mail.outbox == []

    # The broker is back (eager again); the periodic sweep finds the row.
    mail.requeue_unsent_mail(now=timezone.now() + timedelta(minutes=2))

    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT
    assert len(django_mail.outbox) == 1


def test_a_broker_that_is_down_is_logged_once_and_asked_once_not_for_every_mail(
    flaky_broker, caplog
):
    flaky_broker.down = True

    with caplog.at_level(logging.INFO, logger="kag_portal.queueing"):
        queued = [mail.enqueue_mail(record(f"queueing:{n}").pk) for n in range(5)]

    assert queued == [False] * 5
    assert flaky_broker.offered == 1  # the other four did not wait for a connect timeout
    assert len(caplog.records) == 1
    assert "Broker unreachable" in caplog.records[0].getMessage()
    assert "kag_portal.tasks.send_outbox_mail" in caplog.records[0].getMessage()


def test_the_broker_is_asked_again_after_a_pause_and_its_return_is_logged(
    flaky_broker, caplog, monkeypatch
):
    monkeypatch.setattr(queueing, "RETRY_AFTER_SECONDS", 0.05)
    row = record()
    flaky_broker.down = True
    assert mail.enqueue_mail(row.pk) is False

    flaky_broker.down = False
    assert mail.enqueue_mail(row.pk) is False  # still resting
    time.sleep(0.1)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="kag_portal.queueing"):
        assert mail.enqueue_mail(row.pk) is True

    assert flaky_broker.offered == 2
    assert [r.getMessage() for r in caplog.records] == ["Broker answers again"]


def test_an_invitation_round_stops_queueing_its_batches_at_the_first_refusal(
    flaky_broker, monkeypatch
):
    from events.services import invitation_rounds
    from tests.events.test_invitations_fanout import region_with_people

    monkeypatch.setattr(invitation_rounds, "MAIL_BATCH", 1)
    region_with_people(3)
    event = EventFactory()
    round_ = start_round(event=event, audience={"kind": "all"}, planned_count=0, by=None)
    flaky_broker.down = True

    invitation_rounds.advance_round(round_.pk)

    round_.refresh_from_db()
    assert round_.status == "mailing"  # waits for resume_rounds
    assert flaky_broker.offered == 1


# --- declaring a task -----------------------------------------------------------------------------


def portal_tasks() -> dict[str, Task]:
    celery_app.loader.import_default_modules()
    apps = ("kag_portal.", "companies.", "events.", "matchmaking.", "newsletter.", "stories.")
    return {name: task for name, task in celery_app.tasks.items() if name.startswith(apps)}


def test_every_portal_task_is_acked_late_keeps_no_result_and_ends_before_redis_hands_it_out_again():
    tasks = portal_tasks()

    assert len(tasks) >= 12
    for name, task in tasks.items():
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        assert task.acks_late is True, name
        assert task.ignore_result is True, name
        assert soft < hard < settings.BROKER_VISIBILITY_TIMEOUT, name


def test_a_long_task_gets_270_seconds_under_a_300_second_visibility_timeout():
    assert settings.BROKER_VISIBILITY_TIMEOUT == 300
    assert queueing.long_time_limits() == (240, 270)


def test_a_task_whose_limit_outlasts_the_visibility_timeout_is_refused_where_it_is_declared():
    with pytest.raises(ImproperlyConfigured, match="visibility timeout"):
        queueing.portal_task(time_limit=settings.BROKER_VISIBILITY_TIMEOUT)


def test_every_task_the_beat_schedule_runs_exists():
    tasks = portal_tasks()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in tasks


def test_no_task_is_declared_or_queued_past_the_helpers():
    # Views call a service; the service queues after commit. Tasks are declared @portal_task.
    pattern = re.compile(r"\.delay\(|\.apply_async\(|@shared_task|enqueue(_on_commit)?\(")
    offenders = []
    apps = [d for d in ROOT.iterdir() if (d / "__init__.py").exists() and d.name != "tests"]
    for path in (path for app in apps for path in app.rglob("*.py")):
        relative = path.relative_to(ROOT)
        is_view = relative.name == "views.py" or "views" in relative.parts
        text = path.read_text()
        if (is_view and pattern.search(text)) or "@shared_task" in text:
            offenders.append(str(relative))
    assert offenders == []


# --- on a real worker ----------------------------------------------------------------------------


@pytest.mark.faults
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_committed_work_arrives_rolled_back_never_and_an_outage_loses_none(
    monkeypatch,
):
    from tests.faults import own_redis, own_worker
    from tests.portal.smtp_servers import smtp_server

    monkeypatch.setattr(queueing, "RETRY_AFTER_SECONDS", 0)  # the test does not wait for it
    with (
        own_redis() as redis,
        smtp_server() as (port, sink),
        broker_at(redis.url),
        own_worker(broker_url=redis.url, email_url=f"smtp://127.0.0.1:{port}") as worker,
    ):
        with transaction.atomic():
            committed = record("real:1", "anna@spannwerk.example")
        with pytest.raises(Rollback), transaction.atomic():  # noqa: PT012 - writes, then fails
            record("real:2", "bert@spannwerk.example")
            raise Rollback
        wait_for_sent(committed.pk, worker)

        redis.kill()
        during_outage = record("real:3", "carla@spannwerk.example")  # does not raise
        redis.start()
        celery_app._pool = None  # connections to the Redis that died are useless
        requeue = mail.requeue_unsent_mail(now=timezone.now() + timedelta(minutes=2))
        wait_for_sent(during_outage.pk, worker)
        time.sleep(0.5)

    assert requeue == 1
    addresses = sorted(to for envelope in sink.received for to in envelope.rcpt_tos)
    assert addresses == ["anna@spannwerk.example", "carla@spannwerk.example"]


def wait_for_sent(pk: int, worker, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while OutboxMail.objects.get(pk=pk).status != OutboxMail.Status.SENT:
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.05)
