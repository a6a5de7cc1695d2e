"""Intro mails through a live Celery worker on Redis and PostgreSQL: two attendees marking each
other at the same moment get one intro mail each, sent by the worker."""

from __future__ import annotations

import time

import pytest

from companies.models import Cooperation
from kag_portal.models import OutboxMail
from tests.concurrency import run_at_once
from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan
from tests.matchmaking.test_contact_marks_concurrency import marking

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_the_worker_sends_both_intro_mails_once(live_worker):
    event = evening(rounds=1)
    a, b = attendee(event), attendee(event)
    seat_plan(event, [[[a, b]]])

    assert run_at_once([marking(a, b), marking(b, a)]).errors == []

    deadline = time.monotonic() + 60
    while True:
        rows = list(OutboxMail.objects.filter(template="contact_intro"))
        if len(rows) == 2 and all(row.status == OutboxMail.Status.SENT for row in rows):
            break
        assert time.monotonic() < deadline, f"intro mails not sent: {rows}"
        time.sleep(0.2)
    assert sorted(row.to_email for row in rows) == sorted([a.email, b.email])
    assert all(row.attempts == 1 for row in rows)
    time.sleep(1)  # a duplicate task would have run by now; it must add nothing
    assert OutboxMail.objects.filter(template="contact_intro").count() == 2
    assert Cooperation.objects.filter(origin=Cooperation.Origin.SPEED_DATING).count() == 1
