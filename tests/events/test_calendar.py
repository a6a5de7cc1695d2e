"""Calendar files: one event's .ics, the public feed and a person's secret feed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from events.models import CalendarFeed, Event, Registration
from events.services import calendar as services
from events.services.staff import cancel_event, save_event
from tests.events.staff_helpers import local, make_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    assert len(calendar.events) == 1
    return calendar.events[0]


def uids(calendar: icalendar.Calendar) -> set[str]:
    return {str(component["UID"]) for component in calendar.events}


def test_the_event_file_is_a_complete_calendar(client, settings):
    settings.SITE_URL = "https://portal.kag.example"
    event = make_event(
        title="Netzwerkabend Suhl",
        description="Mit **Speed-Dating**",
        starts_at=local(2026, 12, 3, 18),
    )

    response = client.get(f"/events/{event.pk}/event.ics")

    calendar = parse(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="kag-netzwerkabend-suhl-2026-12-03.ics"'
    )
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == services.PRODID
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    entry = only_event(calendar)
    assert entry["UID"] == f"{event.calendar_uid}@portal.kag.example"
    assert entry["SEQUENCE"] == 0
    assert entry["SUMMARY"] == "Netzwerkabend Suhl"
    assert entry["STATUS"] == "CONFIRMED"
    assert entry["LOCATION"] == "Glashütte, Hüttenweg 1, 98527 " + event.town.name
    assert entry["URL"] == f"https://portal.kag.example/events/{event.pk}/"
    # Plain text from the Markdown: no "**" in a calendar app (issue 13).
    assert "Mit Speed-Dating" in entry["DESCRIPTION"]
    assert "**" not in entry["DESCRIPTION"]
    assert "DTSTAMP" in entry
    assert entry.start == datetime(2026, 12, 3, 18, tzinfo=BERLIN)
    assert entry.end == datetime(2026, 12, 3, 22, tzinfo=BERLIN)
    assert b"DTSTART;TZID=Europe/Berlin:20261203T180000" in response.content


def test_times_stay_right_across_the_change_to_summer_time(client):
    # 29 March 2026: clocks go from 2:00 to 3:00; 10:00 that day is 08:00 UTC.
    event = make_event(starts_at=local(2026, 3, 29, 10))

    entry = only_event(parse(client.get(f"/events/{event.pk}/event.ics")))

    assert entry.start == datetime(2026, 3, 29, 10, tzinfo=BERLIN)
    assert entry.start.utcoffset() == timedelta(hours=2)
    assert entry.start.astimezone(ZoneInfo("UTC")).hour == 8
    assert entry.end == datetime(2026, 3, 29, 14, tzinfo=BERLIN)


def test_the_vtimezone_knows_both_offsets_of_a_summer_time_year(client):
    event = make_event(starts_at=local(2026, 3, 29, 10))

    calendar = parse(client.get(f"/events/{event.pk}/event.ics"))

    vtimezone = calendar.timezones[0]
    offsets = {sub["TZOFFSETTO"].to_ical() for sub in vtimezone.subcomponents}
    assert offsets == {"+0100", "+0200"}


def test_uid_is_stable_and_sequence_rises_on_changes_people_must_see(client):
    event = make_event()
    first = only_event(parse(client.get(f"/events/{event.pk}/event.ics")))

    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    save_event(event=event, agenda_items=[], deleted=[], user=None)
    moved = only_event(parse(client.get(f"/events/{event.pk}/event.ics")))
    event.refresh_from_db()
    event.title = "Netzwerkabend Zella-Mehlis"
    save_event(event=event, agenda_items=[], deleted=[], user=None)
    renamed = only_event(parse(client.get(f"/events/{event.pk}/event.ics")))

    assert first["UID"] == moved["UID"] == renamed["UID"]
    assert (first["SEQUENCE"], moved["SEQUENCE"], renamed["SEQUENCE"]) == (0, 1, 2)
    assert renamed["SUMMARY"] == "Netzwerkabend Zella-Mehlis"


def test_saving_without_a_change_keeps_the_sequence():
    event = make_event()

    save_event(event=Event.objects.get(pk=event.pk), agenda_items=[], deleted=[], user=None)

    event.refresh_from_db()
    assert event.calendar_sequence == 0


def test_a_cancelled_event_is_cancelled_in_the_calendar(client):
    event = make_event()

    cancel_event(event=event)

    entry = only_event(parse(client.get(f"/events/{event.pk}/event.ics")))
    assert entry["STATUS"] == "CANCELLED"
    assert entry["SEQUENCE"] == 1


def test_a_finished_event_has_its_file_too(client):
    event = make_event(status=Event.Status.FINISHED, starts_at=timezone.now() - timedelta(days=3))

    assert client.get(f"/events/{event.pk}/event.ics").status_code == 200


def test_a_draft_has_no_file_except_for_staff(client):
    event = make_event(status=Event.Status.DRAFT)

    assert client.get(f"/events/{event.pk}/event.ics").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/events/{event.pk}/event.ics").status_code == 200


def test_the_file_of_a_missing_event_is_404(client):
    assert client.get("/events/999999/event.ics").status_code == 404


def test_a_title_with_quotes_and_slashes_gives_a_safe_filename():
    event = make_event(title='Frühstück "bei" A/B; rm -rf', starts_at=local(2026, 12, 3, 8))

    assert services.event_filename(event) == "kag-fruhstuck-bei-ab-rm-rf-2026-12-03.ics"


def test_the_event_page_links_its_calendar_file(client):
    event = make_event()

    response = client.get(f"/events/{event.pk}/")

    assert f'href="/events/{event.pk}/event.ics"'.encode() in response.content


# The public feed


def test_the_public_feed_holds_published_and_recent_cancelled_or_finished_events(client):
    now = timezone.now()
    coming = make_event()
    cancelled = make_event(status=Event.Status.CANCELLED)
    finished = make_event(status=Event.Status.FINISHED, starts_at=now - timedelta(days=30))
    make_event(status=Event.Status.DRAFT)
    make_event(status=Event.Status.FINISHED, starts_at=now - timedelta(days=200))

    calendar = parse(client.get("/events/feed.ics"))

    assert uids(calendar) == {services.event_uid(e) for e in (coming, cancelled, finished)}
    statuses = {str(entry["UID"]): entry["STATUS"] for entry in calendar.events}
    assert statuses[services.event_uid(cancelled)] == "CANCELLED"


def test_the_public_feed_needs_one_query_however_many_events(client, django_assert_num_queries):
    for _number in range(8):
        make_event()

    with django_assert_num_queries(1):
        response = client.get("/events/feed.ics")

    assert len(parse(response).events) == 8


def test_the_events_page_links_the_public_feed(client):
    assert b'href="/events/feed.ics"' in client.get("/events/").content


# The personal feed


def feed_of(user) -> CalendarFeed:
    return services.renew_feed(user=user)


def test_the_personal_feed_holds_exactly_the_persons_own_places(client):
    person = UserFactory()
    confirmed = register(make_event(), person=person)
    waiting = register(make_event(), status=Registration.Status.WAITLISTED, person=person)
    cancelled_event = make_event()
    register(cancelled_event, person=person)
    cancel_event(event=cancelled_event)
    register(make_event(), status=Registration.Status.CANCELLED, person=person)
    # A place the person booked for a colleague, and someone else's place.
    register(make_event(), registered_by=person)
    register(make_event())

    calendar = parse(client.get(f"/events/feed/{feed_of(person).token}.ics"))

    statuses = {str(entry["UID"]): str(entry["STATUS"]) for entry in calendar.events}
    assert statuses == {
        services.event_uid(confirmed.event): "CONFIRMED",
        services.event_uid(waiting.event): "TENTATIVE",
        services.event_uid(cancelled_event): "CANCELLED",
    }


def test_the_personal_feed_names_no_one(client):
    person = UserFactory(email="ich@spannwerk.example")
    event = make_event()
    register(event, person=person)
    other = register(event, name="Berta Beispiel")

    response = client.get(f"/events/feed/{feed_of(person).token}.ics")

    assert b"ich@spannwerk.example" not in response.content
    assert other.email.encode() not in response.content
    assert b"Berta" not in response.content
    assert response["Cache-Control"] == "private, no-store"


def test_the_personal_feed_needs_no_login_and_few_queries(client, django_assert_num_queries):
    person = UserFactory()
    for _number in range(6):
        register(make_event(), person=person)
    token = feed_of(person).token

    with django_assert_num_queries(2):
        response = client.get(f"/events/feed/{token}.ics")

    assert len(parse(response).events) == 6


def test_renewing_the_link_makes_the_old_one_404(client):
    person = UserFactory()
    register(make_event(), person=person)
    old = feed_of(person).token
    client.force_login(person)

    response = client.post("/events/feed/renew/")

    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=person).token
    assert new != old
    assert len(new) == 43
    client.logout()
    assert client.get(f"/events/feed/{old}.ics").status_code == 404
    assert client.get(f"/events/feed/{new}.ics").status_code == 200


def test_the_first_post_creates_the_link(client):
    person = UserFactory()
    client.force_login(person)

    client.post("/events/feed/renew/")

    assert CalendarFeed.objects.filter(user=person).count() == 1


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "A" * 44, "-" * 43],
)
def test_a_guessed_token_is_404(client, token):
    feed_of(UserFactory())

    assert client.get(f"/events/feed/{token}.ics").status_code == 404


def test_the_feed_of_a_deactivated_account_is_404(client):
    person = UserFactory()
    token = feed_of(person).token
    person.is_active = False
    person.save()

    assert client.get(f"/events/feed/{token}.ics").status_code == 404


def test_renewing_needs_a_post(client):
    client.force_login(UserFactory())

    assert client.get("/events/feed/renew/").status_code == 405


def test_my_area_offers_to_create_then_shows_the_webcal_link(client, settings):
    settings.SITE_URL = "https://portal.kag.example"
    person = UserFactory()
    client.force_login(person)

    before = client.get("/me/")
    client.post("/events/feed/renew/")
    after = client.get("/me/")

    assert b'action="/events/feed/renew/"' in before.content
    assert b"webcal://" not in before.content
    token = CalendarFeed.objects.get(user=person).token
    assert f"webcal://portal.kag.example/events/feed/{token}.ics".encode() in after.content
    assert f"https://portal.kag.example/events/feed/{token}.ics".encode() in after.content


# Personal data


def test_the_data_export_holds_the_calendar_link(client):
    person = UserFactory()
    token = feed_of(person).token
    client.force_login(person)

    export = client.get("/me/export/").json()

    assert token in export["data"]["events_calendar"]["feed_url"]


def test_deleting_the_account_deletes_the_feed_and_its_link_stops_working(client):
    from kag_portal.personal_data import delete_user_data

    person = UserFactory()
    token = feed_of(person).token

    delete_user_data(person)

    assert not CalendarFeed.objects.exists()
    assert client.get(f"/events/feed/{token}.ics").status_code == 404


def test_the_personal_feed_speaks_the_persons_language(client):
    person = UserFactory(preferred_language="en")
    register(make_event(), status=Registration.Status.WAITLISTED, person=person)

    calendar = parse(client.get(f"/events/feed/{feed_of(person).token}.ics"))

    assert calendar.calendar_name == "My KAG events"
    assert "waitlist" in calendar.events[0]["DESCRIPTION"]


def test_the_file_of_one_event_has_no_calendar_name_but_feeds_do(client):
    # Outlook opens a named file as a calendar of its own instead of adding the event.
    event = make_event()

    single = parse(client.get(f"/events/{event.pk}/event.ics"))
    feed = parse(client.get("/events/feed.ics"))

    assert "X-WR-CALNAME" not in single
    assert "NAME" not in single
    assert feed["X-WR-CALNAME"]
    assert feed["REFRESH-INTERVAL"]


def test_creating_the_calendar_link_says_so_beside_the_link_and_only_once(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post("/events/feed/renew/", follow=True)

    page = response.content.decode()
    section = page.split('id="me-calendar-heading"')[1]
    assert response.redirect_chain[-1][0] == "/me/#me-calendar-heading"
    assert "Ihr Kalender-Link ist bereit" in section
    assert 'id="calendar-feed-url"' in section
    assert "Ihr Kalender-Link ist bereit" not in page.split('id="me-calendar-heading"')[0]
    # The next visit shows the link without the message (the cached page holds none).
    assert "Ihr Kalender-Link ist bereit" not in client.get("/me/").content.decode()
