"""The projector's big screen /events/<id>/screen/<token>/: no login, a secret link staff renew,
the round, its countdown and everyone's table by name, paged, cheap to poll."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from matchmaking.models import SeatingPlan
from matchmaking.services import live_evening, seating
from matchmaking.views.live import SCREEN_PAGE_SIZE
from tests.factories import StaffFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db


def evening_with_screen(people: int = 10, rounds: int = 4):
    event = speed_dating_event(rounds=rounds, starts_at=timezone.now() - timedelta(hours=1))
    registrations = attendees(event, people, checked_in=people)
    staff = StaffFactory()
    plan = seating.generate_plan(
        event=event, source=seating.default_source(event), expected_version=None, by=staff
    )
    plan = live_evening.renew_screen_link(event=event, expected_version=plan.version, by=staff)
    return event, registrations, staff, plan


def screen_url(plan, suffix: str = "") -> str:
    return f"/events/{plan.event_id}/screen/{plan.screen_token}/{suffix}"


def names_and_tables(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<span class="screen-name">([^<]*)</span>.*?<span class="screen-table">[^<]*?(\d+)</span>',
        html,
        re.S,
    )


def test_before_round_one_the_screen_shows_everyone_at_their_first_table_by_name(client):
    _event, people, _, plan = evening_with_screen()

    response = client.get(screen_url(plan))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    shown = names_and_tables(html)
    assert [name for name, _ in shown] == sorted((p.name for p in people), key=str.casefold)
    first_round = {
        str(registration_id): table
        for registration_id, table in plan.seats.filter(round=1).values_list(
            "registration__name", "table"
        )
    }
    assert {name: int(table) for name, table in shown} == first_round
    assert "data-countdown" not in html  # nothing counts down before the start


def test_the_screen_shows_names_and_companies_but_no_contact_data(client):
    _, people, _, plan = evening_with_screen()
    for person in people:
        company = person.company
        company.street, company.postal_code = "Am Rennsteig 4", "98559"
        company.public_email, company.public_phone = "info@firma.example", "03681 4711"
        company.website = "https://firma.example"
        company.save()
    html = client.get(screen_url(plan)).content.decode()
    for person in people:
        assert person.name in html
        assert person.company.name in html
        assert person.email not in html
    for contact in ("@", "Am Rennsteig", "98559", "4711", "firma.example"):
        assert contact not in html


def test_a_running_round_shows_its_number_and_the_end_time_to_count_down_to(client):
    event, _, staff, plan = evening_with_screen()
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    plan = live_evening.start_round(
        event=event, round_no=2, expected_version=plan.version, by=staff
    )
    plan = SeatingPlan.objects.select_related("event").get(pk=plan.pk)

    html = client.get(screen_url(plan)).content.decode()

    ends = timezone.localtime(plan.round_ends_at).replace(microsecond=0).isoformat()
    assert f'datetime="{ends}"' in html
    assert 'data-screen-state="' in html
    assert "js/live-evening.js" in html
    round_two = dict(plan.seats.filter(round=2).values_list("registration__name", "table"))
    assert {name: int(table) for name, table in names_and_tables(html)} == round_two


def test_a_big_room_is_paged_with_every_name_once(client):
    _, _people, _, plan = evening_with_screen(people=60)
    html = client.get(screen_url(plan)).content.decode()
    assert html.count("data-screen-page") == 3  # 24 + 24 + 12
    pages = html.split("data-screen-page")[1:]
    assert [len(names_and_tables(page)) for page in pages] == [SCREEN_PAGE_SIZE, 24, 12]
    assert len({name for name, _ in names_and_tables(html)}) == 60


def test_a_wrong_token_is_a_404_and_a_renewed_link_kills_the_old_one(client):
    event, _, staff, plan = evening_with_screen()
    old = plan.screen_token
    assert client.get(f"/events/{event.pk}/screen/{old[:-1]}x/").status_code == 404
    assert client.get(f"/events/{event.pk}/screen/{old}/state/").status_code == 200

    plan = live_evening.renew_screen_link(event=event, expected_version=plan.version, by=staff)

    assert plan.screen_token != old
    assert client.get(f"/events/{event.pk}/screen/{old}/").status_code == 404
    assert client.get(f"/events/{event.pk}/screen/{old}/state/").status_code == 404
    assert client.get(screen_url(plan)).status_code == 200


def test_without_a_link_made_no_token_opens_the_screen(client):
    event = speed_dating_event(rounds=2)
    attendees(event, 4)
    plan = seating.generate_plan(
        event=event, source="registrations", expected_version=None, by=StaffFactory()
    )
    assert plan.screen_token == ""
    assert client.get(f"/events/{event.pk}/screen/x/").status_code == 404


def test_the_poll_answers_304_until_staff_change_the_evening(client):
    event, _, staff, plan = evening_with_screen()
    first = client.get(screen_url(plan, "state/"))
    etag = first["ETag"]
    assert client.get(screen_url(plan, "state/"), HTTP_IF_NONE_MATCH=etag).status_code == 304

    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )

    changed = client.get(screen_url(plan, "state/"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_screen_follows_the_run_of_show_and_a_renamed_attendee(client):
    event, people, staff, plan = evening_with_screen()
    assert "data-countdown" not in client.get(screen_url(plan)).content.decode()
    plan = live_evening.start_round(
        event=event, round_no=1, expected_version=plan.version, by=staff
    )
    assert "data-countdown" in client.get(screen_url(plan)).content.decode()

    people[0].name = "Zora Neumann"
    people[0].save(update_fields=["name"])
    assert "Zora Neumann" in client.get(screen_url(plan)).content.decode()


@pytest.mark.parametrize("people", [10, 60])
def test_the_screen_and_its_poll_cost_few_queries_for_10_and_60_attendees(
    client, django_assert_max_num_queries, people
):
    _, _, _, plan = evening_with_screen(people=people)
    with django_assert_max_num_queries(2):
        assert client.get(screen_url(plan)).status_code == 200
    with django_assert_max_num_queries(1):  # kept for this plan version
        assert client.get(screen_url(plan)).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(screen_url(plan, "state/")).status_code == 200
