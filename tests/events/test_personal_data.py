"""DSGVO: a person's registrations are in their data export and leave with their account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Registration
from kag_portal import personal_data
from tests.factories import CompanyFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def place(event, user, company, status=Registration.Status.CONFIRMED) -> Registration:
    return Registration.objects.create(
        event=event,
        company=company,
        person=user,
        name=user.display_name,
        email=user.email,
        registered_by=user,
        status=status,
        topics="Busverbindungen",
    )


@pytest.fixture
def ines():
    user = UserFactory(email="ines@spannwerk.example", display_name="Ines Hollerbach")
    company = CompanyFactory(published=True)
    MembershipFactory(user=user, company=company, role="editor")
    user.company = company
    return user


def test_the_export_lists_the_persons_registrations(client, ines):
    place(EventFactory(title="Netzwerkabend im Glaswerk"), ines, ines.company)
    client.force_login(ines)

    events = client.get("/me/export/").json()["data"]["events"]

    assert [entry["event"] for entry in events] == ["Netzwerkabend im Glaswerk"]
    assert events[0]["topics"] == "Busverbindungen"


def test_deleting_the_account_gives_coming_places_to_the_waitlist(ines):
    event = EventFactory(capacity=1)
    mine = place(event, ines, ines.company)
    other = UserFactory()
    waiting = place(event, other, CompanyFactory(published=True), Registration.Status.WAITLISTED)

    personal_data.delete_user_data(ines)

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED


def test_past_attendance_stays_only_as_an_anonymous_count(ines):
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=40),
        ends_at=timezone.now() - timedelta(days=40) + timedelta(hours=3),
        registration_deadline=timezone.now() - timedelta(days=41),
    )
    attended = place(past, ines, ines.company)

    personal_data.delete_user_data(ines)

    attended.refresh_from_db()
    assert attended.status == Registration.Status.CONFIRMED  # still counts for the statistics
    assert attended.person is None
    assert attended.name == ""
    assert "ines" not in attended.email
    assert attended.topics == ""
    assert Registration.objects.filter(event=past).count() == 1


def test_invitations_are_exported_and_stay_only_as_anonymous_counts(ines):
    from events.models import EventInvitation

    user = ines
    event = EventFactory(title="Netzwerkabend im Mai")
    EventInvitation.objects.create(event=event, email=user.email.upper())
    EventInvitation.objects.create(event=event, email="jemand@anders.example")

    exported = personal_data.export_user_data(user)["event_invitations"]
    assert [row["event"] for row in exported] == ["Netzwerkabend im Mai"]

    personal_data.delete_user_data(user)

    assert EventInvitation.objects.filter(event=event).count() == 2
    assert not EventInvitation.objects.filter(email__iexact=user.email).exists()
