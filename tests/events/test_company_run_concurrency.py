"""Company-run teams racing each other and single registrations keep the seats exact
(PostgreSQL): a team is placed under one event lock, so its runners are never interleaved."""

from __future__ import annotations

import pytest

from events.models import Event, Registration
from events.services import registration as service
from tests.concurrency import run_at_once
from tests.events.test_registration_concurrency import people, registering
from tests.factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def team_of(event, membership, size: int):
    domain = f"firma{membership.company.pk}"

    def work():
        return service.register_team(
            event=event,
            company=membership.company,
            runners=[
                service.Runner(name=f"Läufer {n}", email=f"laeufer{n}@{domain}.example")
                for n in range(size)
            ],
            registered_by=membership.user,
        )

    return work


def test_teams_and_single_runners_at_once_never_exceed_the_capacity_and_stay_whole():
    event = EventFactory(capacity=20, format=Event.Format.COMPANY_RUN, places_per_company=6)
    teams = people(6)
    singles = people(10)

    results, errors = run_at_once(
        [team_of(event, m, 5) for m in teams] + [registering(event, m) for m in singles]
    )

    assert errors == []
    assert len(results) == 16
    rows = Registration.objects.filter(event=event)
    assert rows.count() == 6 * 5 + 10
    assert rows.filter(status=Registration.Status.CONFIRMED).count() == 20
    # Each team's runners were placed one after the other: their pks are consecutive.
    for membership in teams:
        pks = sorted(rows.filter(company=membership.company).values_list("pk", flat=True))
        assert pks == list(range(pks[0], pks[0] + 5))
    # The waitlist follows the order places were asked for.
    waiting = list(
        rows.filter(status=Registration.Status.WAITLISTED).order_by("requested_at", "pk")
    )
    assert [r.waitlist_position for r in waiting] == list(range(1, 21))


def test_two_teams_of_one_company_at_once_keep_the_per_company_limit():
    event = EventFactory(capacity=50, format=Event.Format.COMPANY_RUN, places_per_company=6)
    (membership,) = people(1)

    def team(start: int):
        def work():
            return service.register_team(
                event=event,
                company=membership.company,
                runners=[
                    service.Runner(name=f"Läufer {n}", email=f"l{n}@spannwerk.example")
                    for n in range(start, start + 4)
                ],
                registered_by=membership.user,
            )

        return work

    results, errors = run_at_once([team(0), team(10)])

    # One team of four gets in; the other would make eight and is refused whole.
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], service.RegistrationError)
    assert Registration.objects.filter(event=event).count() == 4
