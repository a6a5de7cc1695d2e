"""Invitations with a live Celery worker on Redis and PostgreSQL: each address gets one mail,
also when the same send reaches the worker twice at once (a double click, a redelivered task)."""

from __future__ import annotations

import time

import pytest

from events.models import EventInvitation, InvitationRound
from events.services.invitation_rounds import start_round
from events.tasks import advance_invitation_round
from kag_portal.models import OutboxMail
from tests.events.test_invitations_fanout import PEOPLE, region_with_people
from tests.factories import CompanyFactory, EventFactory, MembershipFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def wait_until_sent(keys: list[str], seconds: float = 60) -> list[OutboxMail]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = list(OutboxMail.objects.filter(idempotency_key__in=keys))
        if len(rows) == len(keys) and all(r.status == OutboxMail.Status.SENT for r in rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"not all of {len(keys)} invitations were sent in {seconds}s")


def test_the_worker_sends_each_invitation_once_when_the_send_arrives_twice(live_worker):
    event = EventFactory()
    for _ in range(10):
        company = CompanyFactory(published=True)
        MembershipFactory(company=company)
        MembershipFactory(company=company)
    audience = {"kind": "all"}

    round_ = start_round(event=event, audience=audience, planned_count=20, by=None)
    advance_invitation_round.delay(round_.pk)  # the step reaches the worker twice

    deadline = time.monotonic() + 60
    while EventInvitation.objects.filter(event=event).count() < 20:
        assert time.monotonic() < deadline, "the invitations were not created"
        time.sleep(0.2)
    keys = [
        f"event-invitation:{pk}"
        for pk in EventInvitation.objects.filter(event=event).values_list("pk", flat=True)
    ]
    rows = wait_until_sent(keys)
    time.sleep(2)  # let the duplicate task finish; it must add nothing

    assert EventInvitation.objects.filter(event=event).count() == 20
    round_.refresh_from_db()
    assert round_.status == InvitationRound.Status.RECORDED
    assert OutboxMail.objects.filter(idempotency_key__startswith="event-invitation:").count() == 20
    assert {row.to_email for row in rows} == set(
        EventInvitation.objects.filter(event=event).values_list("email", flat=True)
    )
    assert all(row.attempts == 1 for row in OutboxMail.objects.filter(pk__in=[r.pk for r in rows]))


def test_an_invitation_to_many_people_goes_out_through_the_worker(live_worker, capsys):
    region_with_people()
    event = EventFactory()

    started = time.perf_counter()
    start_round(event=event, audience={"kind": "all"}, planned_count=PEOPLE, by=None)
    # PEOPLE: 200 in the suite, 2,000 with KAG_FANOUT_COMPANIES=1000 (the README's figures).
    while (
        OutboxMail.objects.filter(idempotency_key__startswith="event-invitation:").count() < PEOPLE
    ):
        assert time.perf_counter() - started < 300, "the invitations were not queued"
        time.sleep(0.2)
    queued = time.perf_counter() - started
    while OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() < PEOPLE:
        assert time.perf_counter() - started < 600, "the invitations were not sent"
        time.sleep(0.5)
    sent = time.perf_counter() - started

    with capsys.disabled():
        print(
            f"\nfan-out to {PEOPLE} through the worker: all queued after {queued:.1f}s, "
            f"all sent after {sent:.1f}s ({PEOPLE / sent:.0f} mails/s end to end)"
        )
    assert EventInvitation.objects.filter(event=event).count() == PEOPLE
