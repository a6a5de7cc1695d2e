"""The KAG team plans events at /staff/events/: list, create and edit with agenda and speed
dating, duplicate, publish, cancel, and change notices to the people registered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import AgendaItem, Event, Registration
from kag_portal.models import OutboxMail
from tests.events.staff_helpers import local, make_event, register
from tests.factories import CompanyFactory, StaffFactory, TownFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    # English pages: the messages are checked in the language they are written in.
    client.force_login(StaffFactory(preferred_language="en"))
    return client


def form_data(town, **overrides) -> dict:
    data = {
        "title": "Netzwerkabend im Frühling",
        "format": "network_evening",
        "description": "Mit **Speed-Dating**.",
        "host_company": "",
        "venue_name": "Glashütte Suhl",
        "venue_street": "Hüttenweg 1",
        "venue_postal_code": "98527",
        "town": town.pk,
        "starts_at": "2030-03-12T18:00",
        "ends_at": "2030-03-12T22:00",
        "registration_deadline": "2030-03-10T12:00",
        "capacity": "60",
        "places_per_company": "2",
        "audience": "members",
        "speed_dating_time": "19:00",
        "speed_dating_rounds": "6",
        "speed_dating_round_minutes": "8",
        "speed_dating_change_minutes": "2",
        "speed_dating_table_size": "2",
        "agenda-TOTAL_FORMS": "5",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
        "agenda-0-time": "18:00",
        "agenda-0-title": "Ankommen",
        "agenda-0-description": "Sekt und Brezeln",
        "agenda-1-time": "19:00",
        "agenda-1-title": "Speed-Dating",
    }
    data.update(overrides)
    return data


def test_the_list_shows_drafts_and_published_events_coming_first_with_places_and_waitlist(
    staff_client,
):
    soon = make_event(title="Frühstück bald", starts_at=timezone.now() + timedelta(days=3))
    later = make_event(title="Entwurf später", status=Event.Status.DRAFT)
    past = make_event(title="Vorbei", starts_at=timezone.now() - timedelta(days=30))
    register(soon)
    register(soon)
    register(soon, Registration.Status.WAITLISTED)
    register(soon, Registration.Status.CANCELLED)

    response = staff_client.get("/staff/events/")

    assert response.status_code == 200
    assert [e.pk for e in response.context["upcoming"]] == [soon.pk, later.pk]
    assert [e.pk for e in response.context["past"]] == [past.pk]
    first = response.context["upcoming"][0]
    assert (first.confirmed_count, first.waitlist_count) == (2, 1)
    assert "2 / 60" in response.content.decode()


def test_the_list_needs_the_same_few_queries_for_100_events(
    staff_client, django_assert_max_num_queries
):
    town = TownFactory()
    for n in range(100):
        event = make_event(
            title=f"Abend {n}", town=town, starts_at=timezone.now() + timedelta(days=n)
        )
        if n % 10 == 0:
            register(event)

    with django_assert_max_num_queries(8):
        response = staff_client.get("/staff/events/")

    assert len(response.context["upcoming"]) == 100


def test_the_create_page_is_prefilled_for_the_chosen_format(staff_client):
    response = staff_client.get("/staff/events/new/?format=breakfast")

    initial = response.context["form"].initial
    assert timezone.localtime(initial["starts_at"]).hour == 8
    assert timezone.localtime(initial["ends_at"]).hour == 10
    assert initial["capacity"] == 30


def test_staff_create_a_network_evening_with_agenda_and_speed_dating_and_see_the_rounds(
    staff_client,
):
    town = TownFactory()

    response = staff_client.post("/staff/events/new/", form_data(town))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == f"/staff/events/{event.pk}/"
    assert event.status == Event.Status.DRAFT
    assert event.starts_at == local(2030, 3, 12, 18)
    assert event.speed_dating_starts_at == local(2030, 3, 12, 19)
    assert event.speed_dating_table_size == 2
    assert [(i.title, i.starts_at) for i in event.agenda_items.all()] == [
        ("Ankommen", local(2030, 3, 12, 18)),
        ("Speed-Dating", local(2030, 3, 12, 19)),
    ]
    page = staff_client.get(response.url).content.decode()
    assert "Round 1: 19:00–19:08" in page
    assert "Round 6: 19:50–19:58" in page


def test_an_event_without_speed_dating_leaves_the_block_empty(staff_client):
    town = TownFactory()
    data = form_data(town, format="breakfast")
    for name in ("time", "rounds", "round_minutes", "change_minutes", "table_size"):
        data[f"speed_dating_{name}"] = ""

    staff_client.post("/staff/events/new/", data)

    event = Event.objects.get()
    assert not event.has_speed_dating
    assert event.speed_dating_rounds is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-03-12T17:00"}, "ends_at", "The event must end after it starts."),
        (
            {"registration_deadline": "2030-03-13T12:00"},
            "registration_deadline",
            "Registration must close before the event ends.",
        ),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ({"speed_dating_table_size": "5"}, "speed_dating_table_size", "less than or equal to 4"),
        (
            {"speed_dating_time": "23:00"},
            "speed_dating_time",
            "Speed dating must start during the event.",
        ),
        (
            {"speed_dating_rounds": "12", "speed_dating_round_minutes": "30"},
            "speed_dating_rounds",
            "beyond the end of the event",
        ),
        ({"agenda-2-time": "20:00"}, None, "Please say what happens at this time."),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    staff_client, overrides, field, message
):
    town = TownFactory()

    response = staff_client.post("/staff/events/new/", form_data(town, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    if field:
        assert field in response.context["form"].errors
    assert not Event.objects.exists()
    assert not AgendaItem.objects.exists()


def test_a_half_filled_speed_dating_block_is_refused_with_one_message(staff_client):
    town = TownFactory()

    response = staff_client.post("/staff/events/new/", form_data(town, speed_dating_rounds=""))

    assert response.status_code == 400
    assert "or leave all five empty" in response.content.decode()
    assert not Event.objects.exists()


def test_the_host_company_must_be_a_published_company(staff_client):
    draft = CompanyFactory()
    town = TownFactory()

    response = staff_client.post("/staff/events/new/", form_data(town, host_company=draft.pk))

    assert response.status_code == 400
    assert "host_company" in response.context["form"].errors


def edit_data(event: Event, **overrides) -> dict:
    data = form_data(
        event.town,
        title=event.title,
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        registration_deadline=timezone.localtime(event.registration_deadline).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        venue_name=event.venue_name,
        venue_street=event.venue_street,
        venue_postal_code=event.venue_postal_code,
        speed_dating_time="",
        speed_dating_rounds="",
        speed_dating_round_minutes="",
        speed_dating_change_minutes="",
        speed_dating_table_size="",
        **{"agenda-0-time": "", "agenda-0-title": "", "agenda-0-description": ""},
        **{"agenda-1-time": "", "agenda-1-title": ""},
    )
    data.update(overrides)
    return data


def published_with_people() -> tuple[Event, list[Registration]]:
    event = make_event(starts_at=local(2030, 5, 6, 18), ends_at=local(2030, 5, 6, 22))
    people = [register(event), register(event, Registration.Status.WAITLISTED)]
    register(event, Registration.Status.CANCELLED)
    return event, people


def test_a_new_time_for_a_published_event_mails_everyone_registered_once(staff_client):
    event, people = published_with_people()
    data = edit_data(event, starts_at="2030-05-06T19:00")

    staff_client.post(f"/staff/events/{event.pk}/", data)
    staff_client.post(f"/staff/events/{event.pk}/", data)  # saved again unchanged

    event.refresh_from_db()
    assert event.starts_at == local(2030, 5, 6, 19)
    assert event.calendar_sequence == 1
    mails = OutboxMail.objects.filter(idempotency_key__startswith="event-changed:")
    assert sorted(m.to_email for m in mails) == sorted(p.email for p in people)
    assert {m.idempotency_key for m in mails} == {
        f"event-changed:{event.pk}:1:{p.pk}" for p in people
    }


def test_each_change_of_place_mails_again_with_the_new_sequence(staff_client):
    event, _people = published_with_people()

    staff_client.post(f"/staff/events/{event.pk}/", edit_data(event, venue_name="Rathaus"))
    staff_client.post(f"/staff/events/{event.pk}/", edit_data(event, venue_name="Stadthalle"))

    event.refresh_from_db()
    assert event.calendar_sequence == 2
    assert OutboxMail.objects.filter(idempotency_key__startswith="event-changed:").count() == 4


def test_a_new_title_or_a_change_to_a_draft_mails_nobody(staff_client):
    event, _people = published_with_people()
    draft = make_event(status=Event.Status.DRAFT)
    register(draft)

    staff_client.post(f"/staff/events/{event.pk}/", edit_data(event, title="Neuer Titel"))
    staff_client.post(f"/staff/events/{draft.pk}/", edit_data(draft, venue_name="Anderswo"))

    assert not OutboxMail.objects.exists()
    event.refresh_from_db()
    # No mail, but calendars must show the new title: the SEQUENCE rises.
    assert (event.title, event.calendar_sequence) == ("Neuer Titel", 1)


def test_an_agenda_item_can_be_changed_and_removed(staff_client):
    event = make_event(starts_at=local(2030, 5, 6, 18), ends_at=local(2030, 5, 6, 22))
    keep = AgendaItem.objects.create(event=event, starts_at=local(2030, 5, 6, 18), title="Start")
    drop = AgendaItem.objects.create(event=event, starts_at=local(2030, 5, 6, 19), title="Weg")
    data = edit_data(
        event,
        **{
            "agenda-TOTAL_FORMS": "7",
            "agenda-INITIAL_FORMS": "2",
            "agenda-0-id": keep.pk,
            "agenda-0-time": "18:30",
            "agenda-0-title": "Start später",
            "agenda-1-id": drop.pk,
            "agenda-1-time": "19:00",
            "agenda-1-title": "Weg",
            "agenda-1-DELETE": "on",
        },
    )

    response = staff_client.post(f"/staff/events/{event.pk}/", data)

    assert response.status_code == 302
    assert [(i.title, i.starts_at) for i in event.agenda_items.all()] == [
        ("Start später", local(2030, 5, 6, 18, 30))
    ]


def test_duplicating_copies_everything_into_a_draft_on_the_new_date(staff_client):
    march = make_event(
        title="Speed-Dating-Abend",
        starts_at=local(2026, 3, 12, 18),
        ends_at=local(2026, 3, 12, 22),
        registration_deadline=local(2026, 3, 10, 12),
        speed_dating_starts_at=local(2026, 3, 12, 19),
        speed_dating_rounds=6,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=3,
        calendar_sequence=3,
    )
    AgendaItem.objects.create(event=march, starts_at=local(2026, 3, 12, 18), title="Ankommen")
    AgendaItem.objects.create(event=march, starts_at=local(2026, 3, 12, 19), title="Runden")
    register(march)

    response = staff_client.post(f"/staff/events/{march.pk}/duplicate/", {"on_date": "2026-11-26"})

    copy = Event.objects.exclude(pk=march.pk).get()
    assert response.url == f"/staff/events/{copy.pk}/"
    assert copy.status == Event.Status.DRAFT
    assert copy.title == "Speed-Dating-Abend"
    assert copy.calendar_uid != march.calendar_uid
    assert copy.calendar_sequence == 0
    # Wall-clock times stay the same although March is winter time and so is November here.
    assert copy.starts_at == local(2026, 11, 26, 18)
    assert copy.ends_at == local(2026, 11, 26, 22)
    assert copy.registration_deadline == local(2026, 11, 24, 12)
    assert copy.speed_dating_starts_at == local(2026, 11, 26, 19)
    assert copy.speed_dating_table_size == 3
    assert [(i.title, i.starts_at) for i in copy.agenda_items.all()] == [
        ("Ankommen", local(2026, 11, 26, 18)),
        ("Runden", local(2026, 11, 26, 19)),
    ]
    assert not copy.registrations.exists()
    assert march.agenda_items.count() == 2


def test_a_copy_into_summer_time_keeps_the_wall_clock_times(staff_client):
    winter = make_event(starts_at=local(2026, 3, 12, 18), ends_at=local(2026, 3, 12, 22))

    staff_client.post(f"/staff/events/{winter.pk}/duplicate/", {"on_date": "2026-06-11"})

    copy = Event.objects.exclude(pk=winter.pk).get()
    assert timezone.localtime(copy.starts_at).hour == 18


def test_the_copy_date_defaults_to_the_same_weekday_four_weeks_ahead(staff_client):
    event = make_event()

    response = staff_client.get(f"/staff/events/{event.pk}/")

    default = response.context["duplicate_form"].initial["on_date"]
    assert default == timezone.localdate() + timedelta(weeks=4)
    assert default.weekday() == timezone.localdate().weekday()


def test_publishing_a_draft_sets_status_and_time(staff_client):
    draft = make_event(status=Event.Status.DRAFT)

    staff_client.post(f"/staff/events/{draft.pk}/publish/")

    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    assert draft.published_at is not None


def test_cancelling_asks_first_then_mails_everyone_registered_once(staff_client):
    event, people = published_with_people()

    confirm = staff_client.get(f"/staff/events/{event.pk}/cancel/")
    assert confirm.status_code == 200
    assert confirm.context["active"] == 2
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    staff_client.post(f"/staff/events/{event.pk}/cancel/")
    staff_client.post(f"/staff/events/{event.pk}/cancel/")

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancelled_at is not None
    assert event.calendar_sequence == 1
    mails = OutboxMail.objects.all()
    assert {m.idempotency_key for m in mails} == {
        f"event-cancelled:{event.pk}:{p.pk}" for p in people
    }
    assert all(event.title in m.subject for m in mails)


def test_staff_see_a_link_to_the_events_on_their_page(staff_client, client):
    page = staff_client.get("/me/").content.decode()
    assert "/staff/events/" in page

    client.force_login(UserFactory())
    assert "/staff/events/" not in client.get("/me/").content.decode()


@pytest.mark.parametrize("action", ["publish", "cancel", "duplicate"])
def test_a_member_cannot_publish_cancel_or_copy_an_event(client, action):
    event, _people = published_with_people()
    draft = make_event(status=Event.Status.DRAFT)
    client.force_login(UserFactory())

    for target in (event, draft):
        response = client.post(f"/staff/events/{target.pk}/{action}/", {"on_date": "2030-06-01"})
        assert response.status_code == 403

    assert Event.objects.count() == 2
    assert set(Event.objects.values_list("status", flat=True)) == {"published", "draft"}
    assert not OutboxMail.objects.exists()


def test_a_copy_without_a_valid_date_is_refused_and_nothing_is_made(staff_client):
    event = make_event()

    response = staff_client.post(f"/staff/events/{event.pk}/duplicate/", {"on_date": "morgen"})

    assert response.status_code == 302
    assert Event.objects.count() == 1
