"""Attendance details of past events are anonymised after the period staff set; counts stay."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events.models import Event, Feedback, Registration, RetentionPolicy
from events.services import retention
from kag_portal import personal_data
from tests.factories import CompanyFactory, EventFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=BERLIN)


def ended(months_ago: int, days: int = 0) -> Event:
    end = retention.months_before(NOW, months_ago) - timedelta(days=days)
    return EventFactory(
        starts_at=end - timedelta(hours=3),
        ends_at=end,
        registration_deadline=end - timedelta(days=2),
        status=Event.Status.FINISHED,
    )


def attended(event: Event) -> Registration:
    person = UserFactory()
    company = CompanyFactory(published=True)
    registration = Registration.objects.create(
        event=event,
        company=company,
        person=person,
        name="Ines Hollerbach",
        email=person.email,
        registered_by=person,
        status=Registration.Status.CONFIRMED,
        topics="Kinderbetreuung",
        show_to_attendees=True,
        checked_in_at=event.starts_at + timedelta(minutes=3),
        checked_in_by=StaffFactory(),
    )
    registration.wish_partners.add(CompanyFactory(published=True))
    Feedback.objects.create(registration=registration, rating=5, topics="Mehr davon")
    return registration


def test_registrations_of_events_older_than_the_period_are_anonymised():
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 12})
    old = attended(ended(12, days=1))

    count = retention.anonymise_past_attendance(now=NOW)

    old.refresh_from_db()
    assert count == 1
    assert (old.person, old.name, old.topics, old.show_to_attendees) == (None, "", "", False)
    assert old.email == f"deleted-{old.pk}@invalid"
    assert old.registered_by is None
    assert old.checked_in_by is None
    assert not old.wish_partners.exists()
    assert old.anonymised_at == NOW


def test_anonymous_counts_stay():
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 12})
    old = attended(ended(13))
    company, checked_in_at = old.company_id, old.checked_in_at

    retention.anonymise_past_attendance(now=NOW)

    old.refresh_from_db()
    assert old.company_id == company
    assert old.status == Registration.Status.CONFIRMED
    assert old.checked_in_at == checked_in_at
    assert Feedback.objects.get(registration=old).rating == 5


def test_events_within_the_period_are_left_alone():
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 12})
    recent = attended(ended(11))
    coming = attended(
        EventFactory(starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2))
    )

    assert retention.anonymise_past_attendance(now=NOW) == 0

    for registration in (recent, coming):
        registration.refresh_from_db()
        assert registration.anonymised_at is None
        assert registration.name == "Ines Hollerbach"


def test_running_it_again_changes_nothing():
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 6})
    old = attended(ended(7))
    retention.anonymise_past_attendance(now=NOW)

    again = retention.anonymise_past_attendance(now=NOW + timedelta(days=1))

    old.refresh_from_db()
    assert again == 0
    assert old.anonymised_at == NOW


def test_a_shorter_period_reaches_more_events():
    event = ended(4)
    registration = attended(event)
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 24})
    assert retention.anonymise_past_attendance(now=NOW) == 0

    RetentionPolicy.objects.filter(pk=1).update(months=3)

    assert retention.anonymise_past_attendance(now=NOW) == 1
    registration.refresh_from_db()
    assert registration.anonymised_at is not None


def test_months_are_calendar_months():
    assert (
        retention.months_before(datetime(2026, 3, 31, 12, tzinfo=BERLIN), 1).date()
        == datetime(2026, 2, 28).date()
    )
    assert (
        retention.months_before(datetime(2026, 1, 15, 12, tzinfo=BERLIN), 13).date()
        == datetime(2024, 12, 15).date()
    )


def test_deleting_an_account_anonymises_with_the_same_function_and_marks_it():
    registration = attended(ended(1))

    personal_data.delete_user_data(registration.person)

    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert registration.name == ""
    assert registration.checked_in_at is not None


def test_the_export_holds_the_persons_feedback(client):
    registration = attended(ended(1))
    client.force_login(registration.person)

    events = client.get("/me/export/").json()["data"]["events"]

    assert events[0]["feedback"]["rating"] == 5
    assert events[0]["feedback"]["topics"] == "Mehr davon"


# --- The staff page --------------------------------------------------------------------------


def test_staff_set_the_retention_period(client):
    staff = StaffFactory()
    client.force_login(staff)

    page = client.get("/staff/events/retention/")
    response = client.post("/staff/events/retention/", {"months": "18"})

    assert page.status_code == 200
    assert response.status_code == 302
    policy = RetentionPolicy.current()
    assert (policy.months, policy.updated_by) == (18, staff)


@pytest.mark.parametrize("months", ["0", "121", "zwei", ""])
def test_a_period_outside_one_to_120_months_is_refused(client, months):
    client.force_login(StaffFactory())

    response = client.post("/staff/events/retention/", {"months": months})

    assert response.status_code == 200
    assert "months" in response.context["form"].errors
    assert RetentionPolicy.current().months == 24


def test_the_staff_page_says_how_many_registrations_are_due(client):
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 1})
    attended(ended(2, days=0))
    client.force_login(StaffFactory())

    response = client.get("/staff/events/retention/")

    assert response.context["due"] >= 1


def test_members_cannot_change_the_retention_period(client):
    client.force_login(UserFactory())

    response = client.post("/staff/events/retention/", {"months": "1"})

    assert response.status_code == 403
    assert RetentionPolicy.current().months == 24


def test_the_retention_task_runs(settings):
    from events.tasks import anonymise_past_attendance

    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months": 1})
    registration = attended(ended(1, days=60))
    registration.event.ends_at = timezone.now() - timedelta(days=90)
    registration.event.starts_at = registration.event.ends_at - timedelta(hours=2)
    registration.event.registration_deadline = registration.event.starts_at
    registration.event.save()

    anonymise_past_attendance.delay()

    registration.refresh_from_db()
    assert registration.anonymised_at is not None
