"""How long an invitation to 2,000 people takes: recording the invitations and queueing the mails,
then sending them (Celery eager, the locmem mail backend). Figures are printed (`pytest -s`); the
bounds are generous on purpose, they only catch a fan-out that went quadratic."""

from __future__ import annotations

import os
import time

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Company, Membership
from events.models import EventInvitation
from events.services.invitations import Kind, recipients
from kag_portal.models import OutboxMail, User
from tests.events.invitation_helpers import send_round
from tests.factories import CompanyFactory, EventFactory, TownFactory, UserFactory

pytestmark = pytest.mark.django_db

# 2,000 people take 20-50 s here; the suite runs a tenth of it, KAG_FANOUT_COMPANIES=1000 the
# full measurement quoted in the README.
COMPANIES = int(os.environ.get("KAG_FANOUT_COMPANIES", "100"))
PEOPLE_PER_COMPANY = 2
PEOPLE = COMPANIES * PEOPLE_PER_COMPANY


def region_with_people(companies: int = COMPANIES) -> None:
    """Published companies (1,000 for the README's figures) with two members each, made in a few
    bulk inserts."""
    town = TownFactory()
    Company.objects.bulk_create(
        [CompanyFactory.build(published=True, town=town) for _ in range(companies)]
    )
    template = UserFactory.build()  # one password hash for everyone: hashing is not measured
    User.objects.bulk_create(
        [
            User(
                email=f"person{n}@fanout.example",
                display_name=f"Person {n}",
                # Every fourth person reads English.
                preferred_language="en" if n % 4 == 0 else "de",
                password=template.password,
            )
            for n in range(companies * PEOPLE_PER_COMPANY)
        ]
    )
    made = list(Company.objects.filter(town=town).order_by("pk").values_list("pk", flat=True))
    people = list(
        User.objects.filter(email__endswith="@fanout.example")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Membership.objects.bulk_create(
        [
            Membership(company_id=made[n // PEOPLE_PER_COMPANY], user_id=person, role="owner")
            for n, person in enumerate(people)
        ]
    )


def test_an_invitation_to_thousands_of_people_is_queued_and_sent_in_seconds(
    django_capture_on_commit_callbacks, capsys
):
    region_with_people()
    event = EventFactory()
    audience = {"kind": Kind.ALL}

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as counted:
        count = len(recipients(audience))
    counting = time.perf_counter() - started

    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        result = send_round(event, audience)
    queueing = time.perf_counter() - started

    started = time.perf_counter()
    for send_task in queued:
        send_task()
    sending = time.perf_counter() - started

    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        again = send_round(event, audience)
    repeating = time.perf_counter() - started

    assert count == len(result.invitation_ids) == PEOPLE
    assert result.status == again.status == result.Status.RECORDED
    assert EventInvitation.objects.filter(event=event).count() == PEOPLE
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == PEOPLE
    assert OutboxMail.objects.filter(language="en").count() == PEOPLE // 4
    assert len(django_mail.outbox) == PEOPLE
    # The second send found every invitation mailed: no mail more.
    assert OutboxMail.objects.count() == PEOPLE
    with capsys.disabled():
        print(
            f"\nfan-out to {PEOPLE} ({connection.vendor}): count recipients {counting:.2f}s "
            f"({len(counted)} queries), create + queue {queueing:.2f}s, "
            f"send {sending:.2f}s ({PEOPLE / sending:.0f} mails/s), repeat {repeating:.2f}s"
        )
    assert queueing < 120
    assert sending < 120
