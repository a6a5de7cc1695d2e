"""Reminders and thank-you mails go out once when runs overlap: PostgreSQL threads, a worker."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from events.models import Event, Registration
from events.services import followups
from events.tasks import send_event_mails
from kag_portal.models import OutboxMail
from tests.concurrency import run_at_once
from tests.factories import CompanyFactory, EventFactory, UserFactory


def event_with_places(count: int, *, starts_in: timedelta) -> tuple[Event, list[Registration]]:
    start = timezone.now() + starts_in
    event = EventFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        registration_deadline=start - timedelta(days=3),
        capacity=count,
    )
    places = []
    for _n in range(count):
        person = UserFactory()
        places.append(
            Registration.objects.create(
                event=event,
                company=CompanyFactory(published=True),
                person=person,
                name="Gast",
                email=person.email,
                registered_by=person,
                status=Registration.Status.CONFIRMED,
                confirmed_at=start - timedelta(days=10),
            )
        )
    return event, places


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_runs_at_once_send_each_reminder_once():
    _event, places = event_with_places(12, starts_in=timedelta(hours=40))
    now = timezone.now()

    results, errors = run_at_once([lambda: followups.send_event_mails(now=now)["reminder_2d"]] * 5)

    assert errors == []
    assert sum(results) >= 12  # a run may count a mail another run recorded first
    keys = sorted(OutboxMail.objects.values_list("idempotency_key", flat=True))
    assert keys == sorted(f"event-reminder-2d:{place.pk}" for place in places)
    assert len(django_mail.outbox) == 12
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(p.email for p in places)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_runs_at_once_send_each_thank_you_once():
    event, _places = event_with_places(8, starts_in=-timedelta(days=2))
    now = followups.thanks_window(event).opens + timedelta(minutes=1)
    assert run_at_once([lambda: followups.finish_past_events(now=now)] * 2).errors == []

    assert run_at_once([lambda: followups.send_event_mails(now=now)] * 5).errors == []

    event.refresh_from_db()
    assert event.status == Event.Status.FINISHED
    assert OutboxMail.objects.filter(idempotency_key__startswith="event-thanks:").count() == 8
    assert len(django_mail.outbox) == 8


# --- with the live worker that .ci/run starts ---


def wait_until_sent(keys: list[str], seconds: float = 30) -> list[OutboxMail]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = list(OutboxMail.objects.filter(idempotency_key__in=keys))
        if len(rows) == len(keys) and all(r.status == OutboxMail.Status.SENT for r in rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"not all of {keys} were sent in {seconds}s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_reminder_once_when_the_task_runs_twice(live_worker):
    _event, places = event_with_places(5, starts_in=timedelta(hours=40))
    keys = [f"event-reminder-2d:{place.pk}" for place in places]

    send_event_mails.delay()
    send_event_mails.delay()

    rows = wait_until_sent(keys)
    time.sleep(1)  # give the second run time to finish; it must add nothing
    assert OutboxMail.objects.filter(idempotency_key__startswith="event-").count() == 5
    for row in rows:
        row.refresh_from_db()
        assert row.attempts == 1
