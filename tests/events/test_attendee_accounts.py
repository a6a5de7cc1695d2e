"""A place is for the person whose address it names: nobody books another firm's account.

Before this rule a member could register any existing account (a KAG staff account, someone of
another firm) as their "colleague"; that person's own registration then led to the other firm's
place. These stories play both sides.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone, translation

from companies.models import Membership
from events.models import Event, Registration
from events.services.registration import RegistrationError, Runner, register, register_team
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REFUSED = "This address belongs to an account that is not part of your company."


def member(company_name: str, **user) -> Membership:
    membership = MembershipFactory(
        company=CompanyFactory(published=True, name=company_name),
        user=UserFactory(preferred_language="en", **user),
    )
    return membership


@pytest.fixture
def firm_a():
    return member("Race Firma 52")


@pytest.fixture
def firm_b():
    return member("Spannwerk GmbH", email="anna@spannwerk.example")


def colleague_form(company, name: str, email: str) -> dict:
    return {
        "company": company.pk,
        "attendee": "colleague",
        "colleague_name": name,
        "colleague_email": email,
        "consent": "on",
        "topics": "",
    }


def stale_place(event: Event, *, booked_by, for_person) -> Registration:
    """A place booked the way the old code allowed: another firm's account as "colleague"."""
    return Registration.objects.create(
        event=event,
        company=booked_by.company,
        person=for_person,
        name=for_person.display_name,
        email=for_person.email,
        registered_by=booked_by.user,
        status=Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )


# --- the colleague registration on the event page ---


@pytest.mark.parametrize("stranger", ["staff", "other firm"])
def test_a_member_cannot_register_another_firms_account_as_colleague(
    client, firm_a, firm_b, stranger
):
    event = EventFactory()
    address = (
        StaffFactory(email="team@kag-demo.de").email if stranger == "staff" else firm_b.user.email
    )
    client.force_login(firm_a.user)

    response = client.post(
        f"/events/{event.pk}/", colleague_form(firm_a.company, "Kollege", address.upper())
    )

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Registration.objects.exists()


def test_an_address_the_stranger_confirmed_as_a_second_address_counts_too(client, firm_a, firm_b):
    event = EventFactory()
    EmailAddress.objects.create(user=firm_b.user, email="anna.privat@example.org", verified=True)
    client.force_login(firm_a.user)

    response = client.post(
        f"/events/{event.pk}/",
        colleague_form(firm_a.company, "Anna", "anna.privat@example.org"),
    )

    assert REFUSED in response.content.decode()
    assert not Registration.objects.exists()


def test_an_address_merely_waiting_for_confirmation_blocks_no_colleague(client, firm_a, firm_b):
    # Anyone can type any address into their account; it claims nothing until confirmed.
    event = EventFactory()
    EmailAddress.objects.create(user=firm_b.user, email="bernd@racefirma.example", verified=False)
    client.force_login(firm_a.user)

    client.post(
        f"/events/{event.pk}/", colleague_form(firm_a.company, "Bernd", "bernd@racefirma.example")
    )

    registration = Registration.objects.get(event=event)
    assert registration.company == firm_a.company
    assert registration.person is None


def test_a_colleague_with_an_account_in_the_same_firm_is_linked_to_it(client, firm_a):
    event = EventFactory()
    colleague = MembershipFactory(company=firm_a.company).user
    client.force_login(firm_a.user)

    client.post(f"/events/{event.pk}/", colleague_form(firm_a.company, "Kollegin", colleague.email))

    assert Registration.objects.get(event=event).person == colleague


def test_the_refusal_is_in_the_members_language(client, firm_a, firm_b):
    event = EventFactory()
    firm_a.user.preferred_language = "de"
    firm_a.user.save(update_fields=["preferred_language"])
    client.force_login(firm_a.user)

    response = client.post(
        f"/events/{event.pk}/", colleague_form(firm_a.company, "Anna", firm_b.user.email)
    )

    assert (
        "Diese Adresse gehört zu einem Konto, das nicht zu Ihrem Unternehmen gehört."
        in response.content.decode()
    )
    assert not Registration.objects.exists()


# --- the real person registers themselves ---


def test_the_real_person_registers_for_their_own_firm(client, firm_b):
    event = EventFactory()
    client.force_login(firm_b.user)

    response = client.post(
        f"/events/{event.pk}/",
        {"company": firm_b.company.pk, "attendee": "me", "consent": "on", "topics": ""},
    )

    registration = Registration.objects.get(event=event)
    assert response["Location"] == f"/events/registrations/{registration.pk}/"
    assert registration.company == firm_b.company
    assert registration.person == firm_b.user


def test_a_place_another_firm_booked_for_them_gives_way_to_their_own(client, firm_a, firm_b):
    # The event is full: the stale place holds the last seat, which is the person's to take.
    event = EventFactory(capacity=1)
    stale = stale_place(event, booked_by=firm_a, for_person=firm_b.user)
    client.force_login(firm_b.user)

    page = client.get(f"/events/{event.pk}/").content.decode()
    assert f"/events/registrations/{stale.pk}/" not in page
    response = client.post(
        f"/events/{event.pk}/",
        {"company": firm_b.company.pk, "attendee": "me", "consent": "on", "topics": ""},
    )

    own = Registration.objects.exclude(pk=stale.pk).get(event=event)
    assert response["Location"] == f"/events/registrations/{own.pk}/"
    assert own.company == firm_b.company
    assert own.registered_by == firm_b.user
    assert own.status == Registration.Status.CONFIRMED
    stale.refresh_from_db()
    assert stale.status == Registration.Status.CANCELLED


def test_a_colleague_of_their_own_firm_may_replace_the_stale_place_too(firm_a, firm_b):
    event = EventFactory()
    stale = stale_place(event, booked_by=firm_a, for_person=firm_b.user)
    colleague = MembershipFactory(company=firm_b.company).user

    registration = register(
        event=event,
        company=firm_b.company,
        name="Anna",
        email=firm_b.user.email,
        registered_by=colleague,
    )

    assert registration.pk != stale.pk
    assert registration.person == firm_b.user
    assert registration.company == firm_b.company
    stale.refresh_from_db()
    assert stale.status == Registration.Status.CANCELLED


def test_a_place_of_their_own_firm_is_kept(firm_b):
    event = EventFactory()
    colleague = MembershipFactory(company=firm_b.company).user
    first = register(
        event=event,
        company=firm_b.company,
        name="Anna",
        email=firm_b.user.email,
        registered_by=colleague,
    )

    again = register(
        event=event,
        company=firm_b.company,
        person=firm_b.user,
        name="Anna",
        email=firm_b.user.email,
        registered_by=firm_b.user,
    )

    assert again == first
    assert Registration.objects.count() == 1


def test_the_service_refuses_a_stranger_whatever_the_view_did(firm_a, firm_b):
    event = EventFactory()

    with translation.override("en"), pytest.raises(RegistrationError, match=REFUSED):
        register(
            event=event,
            company=firm_a.company,
            name="Anna",
            email=firm_b.user.email,
            registered_by=firm_a.user,
        )
    with translation.override("en"), pytest.raises(RegistrationError, match="own company"):
        register(
            event=event,
            company=firm_a.company,
            person=firm_b.user,
            name="Anna",
            email="irgendwas@example.org",
            registered_by=firm_a.user,
        )
    assert not Registration.objects.exists()


# --- the company run ---


def company_run(**kwargs) -> Event:
    return EventFactory(format=Event.Format.COMPANY_RUN, title="Firmenlauf Suhl", **kwargs)


def team_form(company, rows: list[dict]) -> dict:
    data = {
        "company": company.pk,
        "consent": "on",
        "runners-TOTAL_FORMS": str(len(rows)),
        "runners-INITIAL_FORMS": "0",
        "runners-MIN_NUM_FORMS": "0",
        "runners-MAX_NUM_FORMS": "30",
    }
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"runners-{number}-{key}"] = value
    return data


def test_a_runner_row_with_another_firms_account_refuses_the_team(client, firm_a, firm_b):
    event = company_run()
    StaffFactory(email="team@kag-demo.de")
    client.force_login(firm_a.user)

    response = client.post(
        f"/events/{event.pk}/team/",
        team_form(
            firm_a.company,
            [
                {"name": "Ich", "email": firm_a.user.email},
                {"name": "KAG", "email": "team@kag-demo.de"},
                {"name": "Anna", "email": firm_b.user.email},
            ],
        ),
    )

    assert response.status_code == 200
    assert response.content.decode().count(REFUSED) == 2
    assert not Registration.objects.exists()


def test_the_team_service_refuses_such_a_runner_and_saves_nothing(firm_a, firm_b):
    event = company_run()

    with translation.override("en"), pytest.raises(RegistrationError, match=REFUSED):
        register_team(
            event=event,
            company=firm_a.company,
            runners=[
                Runner(name="Neu", email="neu@racefirma.example"),
                Runner(name="Anna", email=firm_b.user.email),
            ],
            registered_by=firm_a.user,
        )
    assert not Registration.objects.exists()


def test_the_real_runner_gets_their_own_place_in_their_firms_team(client, firm_a, firm_b):
    event = company_run()
    stale = stale_place(event, booked_by=firm_a, for_person=firm_b.user)
    client.force_login(firm_b.user)

    response = client.post(
        f"/events/{event.pk}/team/",
        team_form(firm_b.company, [{"name": "Anna", "email": firm_b.user.email}]),
        follow=True,
    )

    own = Registration.objects.exclude(pk=stale.pk).get(event=event)
    assert own.company == firm_b.company
    assert own.person == firm_b.user
    assert own.status == Registration.Status.CONFIRMED
    stale.refresh_from_db()
    assert stale.status == Registration.Status.CANCELLED
    # A new place, not "registered already" (which would have meant the other firm's).
    assert "1 runner has a place." in response.content.decode()
    assert "registered already" not in response.content.decode()
