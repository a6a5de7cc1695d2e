"""Seats stay exact when many people register and cancel at the same moment (PostgreSQL).

Every worker is a thread with its own database connection; a Barrier lets them all start at
once. The last test removes the lock and shows that the same scenario then goes wrong, so the
tests above really exercise the race.
"""

from __future__ import annotations

import time

import pytest

from events.models import Registration
from events.services import registration as service
from tests.concurrency import run_at_once
from tests.factories import CompanyFactory, EventFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def people(count: int) -> list:
    """count members, each of their own company."""
    return [MembershipFactory(company=CompanyFactory(published=True)) for _ in range(count)]


def registering(event, membership):
    def work():
        return service.register(
            event=event,
            company=membership.company,
            person=membership.user,
            name=membership.user.email,
            email=membership.user.email,
            registered_by=membership.user,
        )

    return work


def test_fifty_people_registering_at_once_for_twenty_places():
    event = EventFactory(capacity=20)
    members = people(50)

    results, errors = run_at_once([registering(event, m) for m in members])

    assert errors == []
    assert len(results) == 50
    rows = Registration.objects.filter(event=event)
    assert rows.filter(status=Registration.Status.CONFIRMED).count() == 20
    assert rows.filter(status=Registration.Status.WAITLISTED).count() == 30
    # The waitlist is in the order places were asked for: each position is requested later
    # than all confirmed places and the positions are 1..30 without gaps.
    waiting = list(
        rows.filter(status=Registration.Status.WAITLISTED).order_by("requested_at", "pk")
    )
    assert [r.waitlist_position for r in waiting] == list(range(1, 31))
    last_confirmed = rows.filter(status=Registration.Status.CONFIRMED).order_by("-pk").first()
    assert all(r.pk > last_confirmed.pk for r in waiting)
    assert all(r.requested_at >= last_confirmed.requested_at for r in waiting)


def test_one_person_submitting_twenty_times_at_once_gets_one_registration():
    event = EventFactory(capacity=20)
    (membership,) = people(1)

    results, errors = run_at_once([registering(event, membership) for _ in range(20)])

    assert errors == []
    assert len({r.pk for r in results}) == 1
    assert Registration.objects.filter(event=event).count() == 1


def test_cancellations_racing_registrations_never_exceed_the_capacity():
    event = EventFactory(capacity=10)
    first = people(15)
    booked = [registering(event, m)() for m in first]  # 10 confirmed, 5 waiting
    newcomers = people(20)

    def cancelling(registration):
        return lambda: service.cancel(registration=registration, by=registration.person)

    works = [cancelling(r) for r in booked[:8]] + [registering(event, m) for m in newcomers]
    _, errors = run_at_once(works)

    assert errors == []
    rows = Registration.objects.filter(event=event)
    confirmed = rows.filter(status=Registration.Status.CONFIRMED).count()
    waiting = rows.filter(status=Registration.Status.WAITLISTED).count()
    assert confirmed == 10
    assert confirmed + waiting == 15 - 8 + 20
    # Freed seats went to the waitlist first: nobody confirmed asked later than anyone waiting.
    last_confirmed = rows.filter(status=Registration.Status.CONFIRMED).order_by("-requested_at")[0]
    first_waiting = rows.filter(status=Registration.Status.WAITLISTED).order_by("requested_at")[0]
    assert last_confirmed.requested_at <= first_waiting.requested_at


def test_without_the_lock_the_same_scenario_overbooks(monkeypatch):
    """Proof that the tests above catch the race: take the lock away and it goes wrong."""
    event = EventFactory(capacity=20)
    members = people(50)
    counted = service._confirmed_count

    def slow_count(event):
        seats = counted(event)
        time.sleep(0.05)  # widen the gap between counting and inserting
        return seats

    monkeypatch.setattr(
        service, "_lock_event", lambda event_id: service.Event.objects.get(pk=event_id)
    )
    monkeypatch.setattr(service, "_confirmed_count", slow_count)

    _, errors = run_at_once([registering(event, m) for m in members])

    assert errors == []
    confirmed = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED
    ).count()
    print(f"without the lock: {confirmed} confirmed for 20 places")
    assert confirmed > 20
