"""Reminders before an event, the thank-you after it, and finishing events.

The event of these tests: Friday 12 June 2026, 18:00–21:00 in Suhl (Europe/Berlin). Services take
`now`, so every boundary is checked at an exact moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from events.models import Event, Registration
from events.services import followups, public
from events.services.registration import RegistrationError, register
from kag_portal import mail
from kag_portal.models import MailTopic, OutboxMail
from tests.factories import CompanyFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


START = berlin(12, 18)


def evening(**kwargs) -> Event:
    defaults = {
        "starts_at": START,
        "ends_at": START + timedelta(hours=3),
        "registration_deadline": START - timedelta(days=1),
    }
    return EventFactory(**{**defaults, **kwargs})


def place(event: Event, *, person=None, email: str = "", **fields) -> Registration:
    person = person if person is not None else UserFactory()
    defaults = {
        "company": CompanyFactory(published=True),
        "name": person.display_name or "Gast",
        "email": email or person.email,
        "registered_by": person,
        "status": Registration.Status.CONFIRMED,
        "confirmed_at": START - timedelta(days=10),
    }
    return Registration.objects.create(event=event, person=person, **{**defaults, **fields})


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the task's service at `now` and deliver what it queued (locmem)."""

    def run(now: datetime) -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return followups.send_event_mails(now=now)

    return run


def keys() -> list[str]:
    return sorted(OutboxMail.objects.values_list("idempotency_key", flat=True))


# --- Reminder two days before ----------------------------------------------------------------


def test_no_reminder_is_sent_earlier_than_two_days_before(send):
    registration = place(evening())

    send(START - timedelta(hours=48, minutes=1))

    assert not OutboxMail.objects.filter(idempotency_key__endswith=f":{registration.pk}").exists()


def test_the_reminder_two_days_before_is_sent_once_however_often_the_task_runs(send):
    registration = place(evening())

    first = send(START - timedelta(hours=48))
    second = send(START - timedelta(hours=47, minutes=45))

    assert first["reminder_2d"] == 1
    assert second["reminder_2d"] == 0
    assert keys() == [f"event-reminder-2d:{registration.pk}"]
    assert [message.to for message in django_mail.outbox] == [[registration.email]]


def test_a_place_confirmed_within_the_last_two_days_gets_no_two_day_reminder(send):
    late = place(evening(), confirmed_at=START - timedelta(hours=30))

    send(START - timedelta(hours=24))

    assert f"event-reminder-2d:{late.pk}" not in keys()


def test_waitlisted_and_cancelled_people_get_no_reminder(send):
    event = evening()
    place(event, status=Registration.Status.WAITLISTED, confirmed_at=None)
    place(event, status=Registration.Status.CANCELLED)

    send(START - timedelta(hours=40))

    assert keys() == []


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_no_reminder_for_an_event_that_is_not_published(status, send):
    place(evening(status=status))

    send(START - timedelta(hours=40))

    assert keys() == []


def test_the_reminder_is_in_the_persons_language(send):
    registration = place(evening(), person=UserFactory(preferred_language="en"))

    send(START - timedelta(hours=40))

    assert OutboxMail.objects.get().language == "en"
    assert registration.event.title in django_mail.outbox[0].subject


def test_a_colleague_without_an_account_gets_the_reminder_in_german(send):
    event = evening()
    booker = UserFactory(preferred_language="en")
    Registration.objects.create(
        event=event,
        company=CompanyFactory(published=True),
        name="Kollegin",
        email="kollegin@spannwerk.example",
        registered_by=booker,
        status=Registration.Status.CONFIRMED,
        confirmed_at=START - timedelta(days=5),
    )

    send(START - timedelta(hours=40))

    row = OutboxMail.objects.get()
    assert (row.to_email, row.language) == ("kollegin@spannwerk.example", "de")


def test_the_reminder_carries_a_one_click_link_to_give_the_place_back(send):
    place(evening())

    send(START - timedelta(hours=40))

    assert "/events/decline/" in django_mail.outbox[0].body


# --- Reminder on the day ---------------------------------------------------------------------


def test_the_morning_reminder_waits_for_seven_o_clock(send):
    registration = place(evening())

    send(berlin(12, 6, 59))
    assert f"event-reminder-day:{registration.pk}" not in keys()

    send(berlin(12, 7, 0))
    assert f"event-reminder-day:{registration.pk}" in keys()


def test_a_run_on_the_morning_sends_only_the_morning_reminder_not_both(send):
    registration = place(evening())

    send(berlin(12, 8))

    assert keys() == [f"event-reminder-day:{registration.pk}"]


def test_no_reminder_is_sent_once_the_event_has_started(send):
    place(evening())

    sent = send(START)

    assert sent == {"reminder_2d": 0, "reminder_day": 0, "thanks": 0}
    assert keys() == []


def test_the_morning_reminder_is_sent_once_when_the_task_runs_twice(send):
    place(evening())

    send(berlin(12, 7))
    send(berlin(12, 7, 15))

    assert len(django_mail.outbox) == 1


def test_someone_who_unsubscribed_from_follow_ups_still_gets_reminders(send):
    registration = place(evening())
    mail.unsubscribe(email=registration.email, topic=MailTopic.EVENT_FOLLOW_UPS)

    send(START - timedelta(hours=40))
    send(berlin(12, 7))

    assert len(django_mail.outbox) == 2
    assert set(OutboxMail.objects.values_list("topic", flat=True)) == {""}


# --- Thank-you -------------------------------------------------------------------------------


def test_the_thank_you_waits_for_nine_o_clock_the_day_after(send):
    registration = place(evening())

    send(berlin(13, 8, 59))
    assert f"event-thanks:{registration.pk}" not in keys()

    send(berlin(13, 9))
    assert f"event-thanks:{registration.pk}" in keys()


def test_the_thank_you_is_not_sent_a_week_late(send):
    place(evening())

    send(berlin(20, 9))

    assert keys() == []


def test_the_thank_you_goes_only_to_those_checked_in_when_there_was_a_check_in(send):
    event = evening()
    came = place(event, checked_in_at=START + timedelta(minutes=5))
    place(event)  # did not come

    send(berlin(13, 9))

    assert keys() == [f"event-thanks:{came.pk}"]


def test_the_thank_you_goes_to_everyone_confirmed_when_nobody_was_checked_in(send):
    event = evening()
    first, second = place(event), place(event)

    send(berlin(13, 9))

    assert keys() == sorted([f"event-thanks:{first.pk}", f"event-thanks:{second.pk}"])


def test_someone_who_unsubscribed_from_follow_ups_gets_no_thank_you(send):
    registration = place(evening())
    mail.unsubscribe(email=registration.email, topic=MailTopic.EVENT_FOLLOW_UPS)

    send(berlin(13, 9))

    row = OutboxMail.objects.get()
    assert (row.topic, row.status) == (MailTopic.EVENT_FOLLOW_UPS, OutboxMail.Status.SKIPPED)
    assert django_mail.outbox == []


def test_the_thank_you_reaches_a_finished_event_and_is_sent_once(send):
    event = evening()
    place(event)
    followups.finish_past_events(now=berlin(13, 9))

    send(berlin(13, 9))
    send(berlin(13, 9, 15))

    assert len(django_mail.outbox) == 1
    assert django_mail.outbox[0].extra_headers["List-Unsubscribe"]


def test_the_thank_you_links_feedback_cooperation_and_conversations_after_speed_dating(send):
    event = evening(
        speed_dating_starts_at=START + timedelta(hours=1),
        speed_dating_rounds=3,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=2,
    )
    registration = place(event)

    send(berlin(13, 9))

    body = django_mail.outbox[0].body
    assert f"/events/{event.pk}/follow-ups/" in body
    assert f"/events/registrations/{registration.pk}/feedback/" in body
    assert f"/events/registrations/{registration.pk}/cooperation/" in body


def test_the_thank_you_after_an_event_without_speed_dating_has_no_conversations_link(send):
    event = evening()
    place(event)

    send(berlin(13, 9))

    assert "/follow-ups/" not in django_mail.outbox[0].body


# --- Queries ---------------------------------------------------------------------------------


def test_a_run_with_nothing_new_to_send_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    event = evening()
    for _n in range(8):
        place(event)
    followups.send_event_mails(now=START - timedelta(hours=40))

    with django_assert_max_num_queries(3):
        followups.send_event_mails(now=START - timedelta(hours=39))


def test_each_mail_costs_only_its_outbox_insert(django_assert_num_queries, send):
    def queries_for(count: int, day: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        start = berlin(day, 18)
        event = evening(
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            registration_deadline=start - timedelta(days=1),
        )
        for _n in range(count):
            place(event, confirmed_at=start - timedelta(days=10))
        with CaptureQueriesContext(connection) as captured:
            send(start - timedelta(hours=40))
        return len(captured)

    one, five = queries_for(1, 12), queries_for(5, 24)

    # Whatever one queue_mail() costs, times the extra mails; nothing else grows.
    assert (five - one) % 4 == 0
    per_mail = (five - one) // 4
    assert one - per_mail <= 3


# --- Finished --------------------------------------------------------------------------------


def test_events_that_have_ended_are_marked_finished_in_one_update(django_assert_num_queries):
    ended = evening()
    running = evening(starts_at=berlin(12, 20), ends_at=berlin(12, 23))
    draft = evening(status=Event.Status.DRAFT)

    with django_assert_num_queries(1):
        count = followups.finish_past_events(now=berlin(12, 22))

    assert count == 1
    for event in (ended, running, draft):
        event.refresh_from_db()
    assert ended.status == Event.Status.FINISHED
    assert running.status == Event.Status.PUBLISHED
    assert draft.status == Event.Status.DRAFT


def test_a_finished_event_is_listed_under_past_events():
    event = EventFactory(
        starts_at=datetime(2025, 3, 1, 18, tzinfo=BERLIN),
        ends_at=datetime(2025, 3, 1, 21, tzinfo=BERLIN),
        registration_deadline=datetime(2025, 2, 28, 18, tzinfo=BERLIN),
    )
    followups.finish_past_events(now=datetime(2025, 3, 2, tzinfo=BERLIN))

    assert list(public.past_events()) == [event]
    assert list(public.upcoming_events()) == []


def test_a_finished_event_refuses_registrations():
    event = EventFactory(status=Event.Status.FINISHED)
    member = UserFactory()
    company = MembershipFactory(user=member).company

    with pytest.raises(RegistrationError):
        register(
            event=event,
            company=company,
            person=member,
            name="Ines",
            email=member.email,
            registered_by=member,
        )

    assert not event.registrations.exists()


def test_the_page_of_a_finished_event_stays_and_takes_no_registration(client):
    event = EventFactory(
        starts_at=datetime(2025, 3, 1, 18, tzinfo=BERLIN),
        ends_at=datetime(2025, 3, 1, 21, tzinfo=BERLIN),
        registration_deadline=datetime(2025, 2, 28, 18, tzinfo=BERLIN),
        status=Event.Status.FINISHED,
    )
    membership = MembershipFactory(company__published=True)
    client.force_login(membership.user)

    page = client.get(f"/events/{event.pk}/")
    client.post(f"/events/{event.pk}/", {"company": membership.company_id, "attendee": "me"})

    assert page.status_code == 200
    assert page.context["event"].is_published is False
    assert 'id="register-heading"' not in page.content.decode()
    assert not event.registrations.exists()
