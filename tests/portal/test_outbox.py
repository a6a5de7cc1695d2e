"""The mail outbox: recorded first, sent once, retried on temporary errors, never lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from kag_portal import mail
from kag_portal.models import MailOptOut, MailTopic, OutboxMail
from kag_portal.tasks import send_outbox_mail
from tests.factories import UserFactory

from .conftest import broker_at
from .smtp_servers import silent_server, smtp_server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_mail_templates")]

GERMAN_SUBJECT = "Bitte gültige E-Mail-Adresse eingeben."


def queue_notice(key: str = "notice:1", **kwargs) -> OutboxMail:
    kwargs.setdefault("to_email", "ines@spannwerk.example")
    return mail.queue_mail(
        template="test_notice", context={"name": "Ines"}, idempotency_key=key, **kwargs
    )


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1


def test_a_mail_is_recorded_in_the_recipients_language_before_it_is_sent():
    person = UserFactory(preferred_language="de")

    row = queue_notice(to_email=person.email, recipient=person)

    row.refresh_from_db()
    assert row.status == OutboxMail.Status.QUEUED  # on_commit has not run in this test
    assert row.subject.startswith(GERMAN_SUBJECT)
    assert "Hallo Ines" in row.body_text
    assert "<p>" in row.body_html
    assert django_mail.outbox == []


def test_an_english_speaker_gets_the_mail_in_english():
    person = UserFactory(preferred_language="en")

    row = queue_notice(to_email=person.email, recipient=person)

    assert row.subject == "Enter a valid email address. Ines"
    assert row.language == "en"


def test_it_sends_the_mail_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_notice()

    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT
    assert row.sent_at is not None
    assert len(django_mail.outbox) == 1
    assert django_mail.outbox[0].to == ["ines@spannwerk.example"]
    assert django_mail.outbox[0].alternatives[0][1] == "text/html"


def test_the_same_idempotency_key_records_and_sends_one_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_notice(key="invitation:7:person:3")
        second = queue_notice(key="invitation:7:person:3")

    assert first.pk == second.pk
    assert OutboxMail.objects.count() == 1
    assert len(django_mail.outbox) == 1


def test_a_task_that_runs_twice_sends_once():
    row = queue_notice()

    send_outbox_mail.apply(args=[row.pk])
    send_outbox_mail.apply(args=[row.pk])

    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT
    assert row.attempts == 1
    assert len(django_mail.outbox) == 1


def test_a_temporary_smtp_error_is_retried_with_backoff(settings):
    row = queue_notice()
    with smtp_server("451 4.3.0 Mailbox busy, try later") as (port, _handler):
        use_smtp(settings, port)
        result = mail.deliver_outbox_mail(outbox_id=row.pk)

    row.refresh_from_db()
    assert result.outcome == "retry"
    assert result.retry_in == mail.RETRY_BASE_SECONDS
    assert row.status == OutboxMail.Status.QUEUED
    assert row.attempts == 1
    assert "451" in row.last_error
    assert row.due_at > timezone.now() + timedelta(seconds=20)


def test_the_retry_succeeds_once_the_server_accepts_again(settings):
    row = queue_notice()
    with smtp_server("421 4.7.0 Try again later") as (port, _handler):
        use_smtp(settings, port)
        mail.deliver_outbox_mail(outbox_id=row.pk)
    OutboxMail.objects.filter(pk=row.pk).update(due_at=timezone.now())

    with smtp_server("250 OK") as (port, handler):
        use_smtp(settings, port)
        result = mail.deliver_outbox_mail(outbox_id=row.pk)

    row.refresh_from_db()
    assert result.outcome == "sent"
    assert row.status == OutboxMail.Status.SENT
    assert row.attempts == 2
    assert len(handler.received) == 1
    assert handler.received[0].rcpt_tos == ["ines@spannwerk.example"]


def test_the_backoff_doubles_and_is_capped():
    assert [mail.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert mail.retry_delay(20) == mail.RETRY_MAX_SECONDS


def test_a_permanent_smtp_error_fails_the_mail_for_staff_to_see(settings):
    row = queue_notice()
    with smtp_server("550 5.1.1 No such user here") as (port, _handler):
        use_smtp(settings, port)
        result = mail.deliver_outbox_mail(outbox_id=row.pk)

    row.refresh_from_db()
    assert result.outcome == "failed"
    assert row.status == OutboxMail.Status.FAILED
    assert "550" in row.last_error


def test_a_mail_fails_after_the_last_attempt(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = queue_notice()
    OutboxMail.objects.filter(pk=row.pk).update(attempts=1)
    with smtp_server("451 Try later") as (port, _handler):
        use_smtp(settings, port)
        result = mail.deliver_outbox_mail(outbox_id=row.pk)

    row.refresh_from_db()
    assert result.outcome == "failed"
    assert row.status == OutboxMail.Status.FAILED


def test_a_hanging_server_is_given_up_at_email_timeout(settings):
    row = queue_notice()
    with silent_server() as port:
        use_smtp(settings, port)
        started = time.monotonic()
        result = mail.deliver_outbox_mail(outbox_id=row.pk)
        waited = time.monotonic() - started

    row.refresh_from_db()
    assert result.outcome == "retry"
    assert waited < 5
    assert row.status == OutboxMail.Status.QUEUED
    assert "timed out" in row.last_error.lower()


def test_the_sweep_sends_a_mail_whose_queue_message_was_lost():
    row = queue_notice()  # the on_commit enqueue never ran: as if the message were lost
    assert django_mail.outbox == []

    queued = mail.requeue_unsent_mail(now=timezone.now() + timedelta(minutes=2))

    row.refresh_from_db()
    assert queued == 1
    assert row.status == OutboxMail.Status.SENT
    assert len(django_mail.outbox) == 1


def test_the_sweep_leaves_fresh_rows_to_their_own_queue_message():
    queue_notice()

    assert mail.requeue_unsent_mail() == 0


def test_the_sweep_frees_a_mail_claimed_by_a_worker_that_died():
    row = queue_notice()
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxMail.objects.filter(pk=row.pk).update(
        status=OutboxMail.Status.SENDING, claimed_at=long_ago, attempts=1
    )

    mail.requeue_unsent_mail(now=timezone.now())
    mail.requeue_unsent_mail(now=timezone.now() + timedelta(minutes=2))

    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT
    assert len(django_mail.outbox) == 1


def test_a_mail_due_in_three_days_waits_in_the_database(django_capture_on_commit_callbacks):
    due = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = queue_notice(due_at=due)

    assert callbacks == []  # no long ETA task parked in Redis
    assert mail.requeue_unsent_mail(now=timezone.now() + timedelta(days=1)) == 0

    # Three days later: the row is due.
    OutboxMail.objects.filter(pk=row.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert mail.requeue_unsent_mail(now=timezone.now() + timedelta(minutes=2)) == 1
    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT


def test_a_user_action_succeeds_while_the_broker_is_down_and_the_mail_goes_out_later(
    client, django_capture_on_commit_callbacks
):
    # Port 1 on loopback: a real Redis client, nobody listening.
    with broker_at("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/barrierefreiheit/melden/",
            {
                "page_url": "/events/",
                "description": "Der Kalender ist zu klein.",
                "contact_email": "",
            },
        )

    assert response.status_code == 302
    row = OutboxMail.objects.get(template="barrier_report")
    assert row.status == OutboxMail.Status.QUEUED
    assert django_mail.outbox == []

    # The broker is back; the periodic sweep finds the row.
    mail.requeue_unsent_mail(now=timezone.now() + timedelta(minutes=2))
    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT
    assert len(django_mail.outbox) == 1


class TestUnsubscribe:
    def test_a_non_transactional_mail_carries_one_click_unsubscribe_headers(self):
        row = queue_notice(topic=MailTopic.NEWSLETTER)

        assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = row.headers["List-Unsubscribe"].strip("<>")
        assert link.startswith("http://127.0.0.1:8000/unsubscribe/")
        assert link in row.body_text

    def test_a_transactional_mail_has_no_unsubscribe_header(self):
        row = queue_notice()

        assert "List-Unsubscribe" not in row.headers

    def test_the_mail_program_unsubscribes_with_one_post(self, client):
        row = queue_notice(topic=MailTopic.NEWSLETTER)
        path = row.headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")

        response = client.post(path, {"List-Unsubscribe": "One-Click"})

        assert response.status_code == 200
        assert MailOptOut.objects.filter(
            email="ines@spannwerk.example", topic=MailTopic.NEWSLETTER
        ).exists()

    def test_the_link_asks_before_it_unsubscribes(self, client):
        row = queue_notice(topic=MailTopic.NEWSLETTER)
        path = row.headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")

        response = client.get(path)

        assert response.status_code == 200
        assert not MailOptOut.objects.exists()

    def test_no_more_mail_of_that_topic_after_unsubscribing(self):
        mail.unsubscribe(email="Ines@Spannwerk.example", topic=MailTopic.NEWSLETTER)

        newsletter = queue_notice(key="n:2", topic=MailTopic.NEWSLETTER)
        invitation = queue_notice(key="i:2", topic=MailTopic.INVITATIONS)

        assert newsletter.status == OutboxMail.Status.SKIPPED
        assert invitation.status == OutboxMail.Status.QUEUED

    def test_a_forged_link_is_not_found(self, client):
        token = mail.unsubscribe_token(email="a@b.example", topic="newsletter")

        response = client.post(f"/unsubscribe/{token[:-3]}xyz/")

        assert response.status_code == 404
        assert not MailOptOut.objects.exists()


def test_the_periodic_runner_of_make_run_starts_in_a_fresh_process(tmp_path):
    """`make run` has no beat; run_periodic_tasks runs the beat schedule in its own process."""
    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    for command in (["migrate", "--noinput"], ["run_periodic_tasks", "--once"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr


def test_subject_and_text_are_not_html_escaped_but_the_html_part_is():
    row = mail.queue_mail(
        to_email="info@mueller.example",
        template="test_notice",
        context={"name": "Müller & Söhne <GmbH>"},
        idempotency_key="escape:1",
    )

    assert row.subject.endswith("Müller & Söhne <GmbH>")
    assert "Hallo Müller & Söhne <GmbH>" in row.body_text
    assert "Müller &amp; Söhne &lt;GmbH&gt;" in row.body_html
