"""An attendee of an evening with speed dating chooses, on a phone, whom they would like to meet:
the companies that fit their firm are suggested with the reason, a search finds others, up to five,
changeable until the seat plan is made."""

from __future__ import annotations

import pytest

from events.models import Registration
from matchmaking.models import SeatingPlan
from matchmaking.services import seating, wishes
from tests.companies.directory_helpers import listed
from tests.events.staff_helpers import make_event, register
from tests.factories import CompanyFactory, MembershipFactory

from .seating_helpers import attendees, speed_dating_event, staff

pytestmark = pytest.mark.django_db


def url(registration) -> str:
    return f"/events/registrations/{registration.pk}/wishes/"


@pytest.fixture
def evening():
    """Anna of a collet maker at an evening; a hardening shop seeks collets, a bakery nothing."""
    event = speed_dating_event(rounds=3)
    anna = register(
        event,
        company=CompanyFactory(published=True, name="Spannwerk", offers=["Spannzangen"]),
        name="Anna",
    )
    harte = listed(name="Härterei Zella", needs=["Spannzangen"])
    bakery = listed(name="Bäckerei Suhl", offers=["Brot"])
    return event, anna, harte, bakery


def test_the_best_fitting_companies_are_suggested_with_the_reason(client, evening):
    _event, anna, _harte, _bakery = evening
    client.force_login(anna.person)

    page = client.get(url(anna)).content.decode()

    assert "Härterei Zella" in page
    assert "sucht Spannzangen" in page
    assert "Bäckerei Suhl" not in page
    assert "Spannwerk</label>" not in page  # one's own firm is never offered
    assert "Strg" not in page


def test_a_search_finds_other_companies_and_keeps_the_ticks(client, evening):
    _event, anna, harte, _bakery = evening
    client.force_login(anna.person)

    page = client.post(url(anna), {"q": "Bäckerei", "wish": [harte.pk], "action": "search"})

    html = page.content.decode()
    assert "Bäckerei Suhl" in html
    assert f'value="{harte.pk}" id="wish-{harte.pk}" checked' in html
    assert not anna.wish_partners.exists()


def test_as_the_person_types_the_list_follows(client, evening):
    _event, anna, harte, _bakery = evening
    client.force_login(anna.person)

    fragment = client.get(f"{url(anna)}choices/", {"q": "Bäck", "wish": [harte.pk]})

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.strip().startswith('<div id="wish-choices"')
    assert "Bäckerei Suhl" in html
    assert f'value="{harte.pk}" id="wish-{harte.pk}" checked' in html


def test_saving_stores_the_wishes_and_the_registration_page_shows_them(client, evening):
    _event, anna, harte, bakery = evening
    client.force_login(anna.person)

    response = client.post(url(anna), {"wish": [harte.pk, bakery.pk], "action": "save"})

    assert response["Location"] == f"/events/registrations/{anna.pk}/"
    assert set(anna.wish_partners.all()) == {harte, bakery}
    page = client.get(response["Location"]).content.decode()
    assert "Bäckerei Suhl, Härterei Zella" in page
    assert "Wünsche ändern" in page


def test_more_than_five_wishes_are_refused_with_a_message_and_nothing_is_saved(client, evening):
    _event, anna, _harte, _bakery = evening
    many = [CompanyFactory(published=True) for _ in range(6)]
    client.force_login(anna.person)

    response = client.post(url(anna), {"wish": [c.pk for c in many], "action": "save"})

    assert response.status_code == 400
    assert "höchstens 5 Unternehmen" in response.content.decode()
    assert not anna.wish_partners.exists()


def test_a_hidden_or_own_company_cannot_be_wished_for(client, evening):
    _event, anna, _harte, _bakery = evening
    hidden = CompanyFactory()
    client.force_login(anna.person)

    response = client.post(url(anna), {"wish": [hidden.pk], "action": "save"})

    assert response.status_code == 400
    assert not anna.wish_partners.exists()
    with pytest.raises(wishes.WishError):
        wishes.set_wishes(registration=anna, companies=[anna.company])


def test_once_the_plan_is_made_the_wishes_are_shown_not_changed(client):
    event = speed_dating_event(rounds=2)
    people = attendees(event, 6)
    anna = people[0]
    wished = people[1].company
    anna.wish_partners.add(wished)
    seating.generate_plan(
        event=event,
        source=SeatingPlan.Source.REGISTRATIONS,
        expected_version=None,
        by=staff(),
    )
    client.force_login(anna.person)

    page = client.get(url(anna)).content.decode()
    refused = client.post(url(anna), {"wish": [], "action": "save"})

    assert "Der Sitzplan steht" in page
    assert refused.status_code == 400
    assert list(anna.wish_partners.all()) == [wished]
    registration_page = client.get(f"/events/registrations/{anna.pk}/").content.decode()
    assert wished.name in registration_page
    assert "Wünsche ändern" not in registration_page


def test_an_event_without_speed_dating_has_no_wishes(client):
    anna = register(make_event())
    client.force_login(anna.person)

    assert client.get(url(anna)).status_code == 404
    assert (
        "Wen möchten Sie treffen?"
        not in client.get(f"/events/registrations/{anna.pk}/").content.decode()
    )


def test_someone_else_gets_404_and_a_cancelled_registration_says_so(client, evening):
    _event, anna, _harte, _bakery = evening
    client.force_login(MembershipFactory().user)
    assert client.get(url(anna)).status_code == 404

    anna.status = Registration.Status.CANCELLED
    anna.save(update_fields=["status"])
    client.force_login(anna.person)
    assert "Diese Anmeldung wurde zurückgezogen" in client.get(url(anna)).content.decode()


def test_the_chooser_needs_the_same_few_queries_for_few_or_many_companies(
    client, evening, django_assert_max_num_queries
):
    _event, anna, _harte, _bakery = evening
    client.force_login(anna.person)
    client.get(url(anna))  # the suggestions are cached per firm
    for _ in range(30):
        listed(name="Bäckerei Nord", offers=["Brot"])

    with django_assert_max_num_queries(12):
        client.get(url(anna), {"q": "Bäckerei"})
