"""The company run: a member registers several runners of their company in one form."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from events.models import Event, Registration
from events.services.registration import (
    RegistrationError,
    Runner,
    register,
    register_team,
)
from kag_portal.models import OutboxMail
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def company_run(**kwargs) -> Event:
    return EventFactory(format=Event.Format.COMPANY_RUN, title="Firmenlauf Suhl", **kwargs)


def member(company=None):
    membership = MembershipFactory(company=company or CompanyFactory(published=True))
    return membership.user, membership.company


def runners(count: int, start: int = 1) -> list[Runner]:
    return [
        Runner(name=f"Läufer {n}", email=f"laeufer{n}@spannwerk.example", shirt_size="M")
        for n in range(start, start + count)
    ]


def form_data(rows: list[dict], company, **extra) -> dict:
    data = {
        "company": company.pk,
        "consent": "on",
        "runners-TOTAL_FORMS": str(max(len(rows), 1)),
        "runners-INITIAL_FORMS": "0",
        "runners-MIN_NUM_FORMS": "0",
        "runners-MAX_NUM_FORMS": "30",
    }
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"runners-{number}-{key}"] = value
    data.update(extra)
    return data


def rows(count: int) -> list[dict]:
    return [
        {"name": f"Läufer {n}", "email": f"laeufer{n}@spannwerk.example", "shirt_size": "L"}
        for n in range(1, count + 1)
    ]


# The service


def test_a_team_of_five_for_three_free_places_gets_three_places_and_two_on_the_waitlist():
    event = company_run(capacity=4)
    user, company = member()
    other, other_company = member()
    register(
        event=event,
        company=other_company,
        person=other,
        name="Erste",
        email=other.email,
        registered_by=other,
    )

    places = register_team(event=event, company=company, runners=runners(5), registered_by=user)

    statuses = [place.registration.status for place in places]
    assert statuses == ["confirmed"] * 3 + ["waitlisted"] * 2
    waiting = Registration.objects.filter(event=event, status="waitlisted").order_by(
        "requested_at", "pk"
    )
    assert [r.name for r in waiting] == ["Läufer 4", "Läufer 5"]
    assert all(place.new for place in places)
    assert {r.shirt_size for r in Registration.objects.filter(company=company)} == {"M"}


def test_every_runner_gets_their_own_mail():
    event = company_run(capacity=1)
    user, company = member()

    places = register_team(event=event, company=company, runners=runners(2), registered_by=user)

    keys = set(OutboxMail.objects.values_list("idempotency_key", flat=True))
    assert keys == {
        f"registration-confirmed:{places[0].registration.pk}",
        f"registration-waitlisted:{places[1].registration.pk}",
    }


def test_a_team_beyond_the_per_company_limit_is_refused_and_nothing_is_saved():
    event = company_run(capacity=50, places_per_company=4)
    user, company = member()
    register_team(event=event, company=company, runners=runners(2), registered_by=user)

    with pytest.raises(RegistrationError, match="2 places left"):
        register_team(event=event, company=company, runners=runners(3, start=3), registered_by=user)

    assert Registration.objects.filter(event=event).count() == 2


def test_runners_registered_already_keep_their_place_and_do_not_count_again():
    event = company_run(capacity=50, places_per_company=3)
    user, company = member()
    first = register_team(event=event, company=company, runners=runners(2), registered_by=user)

    again = register_team(event=event, company=company, runners=runners(3), registered_by=user)

    assert [place.new for place in again] == [False, False, True]
    assert again[0].registration == first[0].registration
    assert Registration.objects.filter(event=event).count() == 3


def test_a_team_is_only_for_the_company_run():
    event = EventFactory()
    user, company = member()

    with pytest.raises(RegistrationError):
        register_team(event=event, company=company, runners=runners(1), registered_by=user)

    assert not Registration.objects.exists()


def test_a_team_for_someone_elses_company_is_refused_whole():
    event = company_run()
    user, _company = member()

    with pytest.raises(RegistrationError):
        register_team(event=event, company=CompanyFactory(), runners=runners(2), registered_by=user)

    assert not Registration.objects.exists()
    assert not OutboxMail.objects.exists()


# The page


def test_the_event_page_of_a_company_run_links_the_team_form(client):
    event = company_run()
    user, _company = member()
    client.force_login(user)

    response = client.get(f"/events/{event.pk}/")

    assert f'href="/events/{event.pk}/team/"'.encode() in response.content


def test_the_team_form_comes_with_the_members_own_row(client):
    event = company_run()
    user, _company = member()
    client.force_login(user)

    response = client.get(f"/events/{event.pk}/team/")

    assert response.status_code == 200
    assert f'value="{user.email}"'.encode() in response.content


def test_a_member_registers_a_team_and_sees_each_runners_status(client):
    event = company_run(capacity=3)
    user, company = member()
    client.force_login(user)

    response = client.post(f"/events/{event.pk}/team/", form_data(rows(5), company))

    assert response.status_code == 302
    team = Registration.objects.filter(event=event).order_by("pk")
    assert [r.status for r in team] == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert all(r.shirt_size == "L" and r.registered_by == user for r in team)
    page = client.get(response["Location"])
    assert page.content.count(b"<tr>") == 1 + 5  # header and five runners
    assert "Läufer 5" in page.content.decode()


def test_the_members_own_row_is_linked_to_their_account(client):
    event = company_run()
    user, company = member()
    other = UserFactory(email="kollegin@spannwerk.example")
    MembershipFactory(company=company, user=other)
    client.force_login(user)

    client.post(
        f"/events/{event.pk}/team/",
        form_data(
            [
                {"name": "Ich", "email": user.email.upper()},
                {"name": "Kollegin", "email": "Kollegin@Spannwerk.example"},
                {"name": "Neu", "email": "neu@spannwerk.example"},
            ],
            company,
        ),
    )

    people = {r.email: r.person for r in Registration.objects.filter(event=event)}
    assert people == {
        user.email.lower(): user,
        "kollegin@spannwerk.example": other,
        "neu@spannwerk.example": None,
    }


@pytest.mark.parametrize(
    "bad_row",
    [
        {"name": "", "email": "ohne-name@spannwerk.example"},
        {"name": "Ohne Adresse", "email": ""},
        {"name": "Kaputt", "email": "keine-adresse"},
        {"name": "Riese", "email": "riese@spannwerk.example", "shirt_size": "XXXL"},
        # The same address twice.
        {"name": "Doppelt", "email": "laeufer1@spannwerk.example"},
    ],
)
def test_an_invalid_row_refuses_the_whole_team(client, bad_row):
    event = company_run()
    user, company = member()
    client.force_login(user)

    response = client.post(f"/events/{event.pk}/team/", form_data([*rows(2), bad_row], company))

    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert not OutboxMail.objects.exists()


def test_empty_rows_are_left_out(client):
    event = company_run()
    user, company = member()
    client.force_login(user)

    client.post(
        f"/events/{event.pk}/team/",
        form_data([*rows(1), {"name": "", "email": "", "shirt_size": ""}], company),
    )

    assert Registration.objects.filter(event=event).count() == 1


def test_a_form_without_any_runner_is_refused(client):
    event = company_run()
    user, company = member()
    client.force_login(user)

    response = client.post(f"/events/{event.pk}/team/", form_data([], company))

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_beyond_the_per_company_limit_the_page_says_so_and_saves_nothing(client):
    event = company_run(places_per_company=2)
    user, company = member()
    client.force_login(user)

    response = client.post(f"/events/{event.pk}/team/", form_data(rows(3), company))

    assert response.status_code == 200
    assert "noch 2 Plätze frei" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_team_for_a_company_one_does_not_belong_to_is_refused(client):
    event = company_run()
    user, _company = member()
    client.force_login(user)

    response = client.post(f"/events/{event.pk}/team/", form_data(rows(2), CompanyFactory()))

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_someone_without_a_company_gets_403(client):
    event = company_run()
    client.force_login(UserFactory())

    assert client.get(f"/events/{event.pk}/team/").status_code == 403
    assert client.post(f"/events/{event.pk}/team/", {}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    event = company_run()

    response = client.get(f"/events/{event.pk}/team/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_other_formats_and_drafts_have_no_team_page(client):
    user, _company = member()
    client.force_login(user)

    assert client.get(f"/events/{EventFactory().pk}/team/").status_code == 404
    draft = company_run(status=Event.Status.DRAFT)
    assert client.get(f"/events/{draft.pk}/team/").status_code == 404


def test_after_the_deadline_the_page_takes_no_team(client):
    event = company_run(registration_deadline=timezone.now() - timedelta(hours=1))
    user, company = member()
    client.force_login(user)

    response = client.post(f"/events/{event.pk}/team/", form_data(rows(2), company))

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_the_team_list_shows_only_ones_own_companys_runners(client):
    event = company_run()
    user, _company = member()
    other, other_company = member()
    register_team(event=event, company=other_company, runners=runners(2), registered_by=other)
    client.force_login(user)

    response = client.get(f"/events/{event.pk}/team/")

    assert "laeufer1@spannwerk.example" not in response.content.decode()
    assert "laeufer2@spannwerk.example" not in response.content.decode()


def test_the_team_page_needs_few_queries(client, django_assert_max_num_queries):
    event = company_run(capacity=10)
    user, company = member()
    register_team(event=event, company=company, runners=runners(15), registered_by=user)
    client.force_login(user)

    with django_assert_max_num_queries(10):
        response = client.get(f"/events/{event.pk}/team/")

    assert response.status_code == 200


# What the KAG team sees


def test_staff_see_the_shirt_sizes_of_a_company_run_on_the_list_and_in_the_csv(client):
    event = company_run()
    user, company = member()
    register_team(event=event, company=company, runners=runners(2), registered_by=user)
    client.force_login(StaffFactory(preferred_language="en"))

    page = client.get(f"/staff/events/{event.pk}/registrations/").content.decode()
    body = b"".join(client.get(f"/staff/events/{event.pk}/registrations.csv").streaming_content)

    assert 'data-label="Shirt size">M</td>' in page
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Shirt size"
    assert [row[-1] for row in rows[1:]] == ["M", "M"]


def test_other_formats_have_no_shirt_column(client):
    event = EventFactory()
    client.force_login(StaffFactory(preferred_language="en"))

    page = client.get(f"/staff/events/{event.pk}/registrations/").content.decode()
    body = b"".join(client.get(f"/staff/events/{event.pk}/registrations.csv").streaming_content)

    assert "Shirt size" not in page
    assert b"Shirt size" not in body
