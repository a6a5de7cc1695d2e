"""Two people marking each other at the same moment (PostgreSQL): exactly one intro mail each.

Without the row locks in save_marks both saves would read the other's mark as not yet there and
nobody would be introduced; with a check-then-send and no fixed keys both would send. Every
save runs in its own thread and connection, released together by a Barrier.
"""

from __future__ import annotations

import pytest

from companies.models import Cooperation
from kag_portal.models import OutboxMail
from matchmaking.models import ContactMark
from matchmaking.services import contact_marks
from tests.concurrency import run_at_once
from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def marking(registration, partner):
    def work():
        contact_marks.save_marks(
            registration=registration, marks=[contact_marks.MarkInput(partner.pk, True, "")]
        )

    return work


def test_pairs_marking_each_other_at_the_same_moment_get_exactly_two_mails_each():
    event = evening(rounds=1)
    people = [attendee(event) for _ in range(16)]
    pairs = [(people[i], people[i + 1]) for i in range(0, 16, 2)]
    seat_plan(event, [[list(pair) for pair in pairs]])

    _, errors = run_at_once([marking(a, b) for a, b in pairs] + [marking(b, a) for a, b in pairs])

    assert errors == []
    assert ContactMark.objects.filter(wants_contact=True).count() == 16
    mails = OutboxMail.objects.filter(template="contact_intro")
    assert mails.count() == 16
    for a, b in pairs:
        assert sorted(
            mails.filter(to_email__in=[a.email, b.email]).values_list("to_email", flat=True)
        ) == sorted([a.email, b.email])
    assert mails.exclude(status=OutboxMail.Status.SENT).count() == 0
    assert Cooperation.objects.filter(origin=Cooperation.Origin.SPEED_DATING).count() == 8


def test_two_pairs_of_the_same_two_firms_turning_mutual_at_once_make_one_lead():
    from tests.factories import CompanyFactory

    event = evening(rounds=1)
    spannwerk, feinwerk = CompanyFactory(published=True), CompanyFactory(published=True)
    a1, a2 = attendee(event, company=spannwerk), attendee(event, company=spannwerk)
    b1, b2 = attendee(event, company=feinwerk), attendee(event, company=feinwerk)
    seat_plan(event, [[[a1, b1], [a2, b2]]])
    contact_marks.save_marks(registration=a1, marks=[contact_marks.MarkInput(b1.pk, True)])
    contact_marks.save_marks(registration=a2, marks=[contact_marks.MarkInput(b2.pk, True)])

    _, errors = run_at_once([marking(b1, a1), marking(b2, a2)])

    assert errors == []
    assert OutboxMail.objects.filter(template="contact_intro").count() == 4
    assert Cooperation.objects.filter(origin=Cooperation.Origin.SPEED_DATING).count() == 1
