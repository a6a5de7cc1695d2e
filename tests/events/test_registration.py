"""Registering for an event, the waitlist and cancelling (the service, on any database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone, translation

from events.models import Event, Registration
from events.services.registration import (
    RegistrationError,
    cancel,
    decline_token,
    read_decline_token,
    register,
)
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    # The service's messages are checked by their English wording. Without this, the language a
    # previous test's request left active on the thread would decide.
    with translation.override("en"):
        yield


def member(company=None):
    membership = MembershipFactory(company=company or CompanyFactory(published=True))
    return membership.user, membership.company


def sign_up(event, user=None, company=None, **kwargs):
    if user is None:
        user, company = member(company)
    return register(
        event=event,
        company=company,
        person=user,
        name=user.display_name or user.email,
        email=user.email,
        registered_by=user,
        **kwargs,
    )


def test_a_member_gets_a_confirmed_place_and_a_mail():
    event = EventFactory(capacity=2)

    registration = sign_up(event)

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert OutboxMail.objects.filter(
        idempotency_key=f"registration-confirmed:{registration.pk}", to_email=registration.email
    ).exists()


def test_when_the_event_is_full_people_go_on_the_waitlist_in_order():
    event = EventFactory(capacity=1)
    sign_up(event)

    second = sign_up(event)
    third = sign_up(event)

    assert second.status == third.status == Registration.Status.WAITLISTED
    assert second.waitlist_position == 1
    assert third.waitlist_position == 2
    assert OutboxMail.objects.filter(idempotency_key=f"registration-waitlisted:{third.pk}").exists()


def test_the_waitlist_position_is_one_query(django_assert_num_queries):
    event = EventFactory(capacity=1)
    sign_up(event)
    waiting = [sign_up(event) for _ in range(5)]

    with django_assert_num_queries(1):
        assert waiting[-1].waitlist_position == 5


def test_registering_twice_returns_the_same_registration():
    event = EventFactory()
    user, company = member()

    first = sign_up(event, user, company)
    again = sign_up(event, user, company)

    assert again.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_the_same_address_in_other_letters_counts_as_the_same_person():
    event = EventFactory()
    user, company = member()
    first = register(
        event=event, company=company, name="Anna", email="anna@firma.example", registered_by=user
    )

    again = register(
        event=event, company=company, name="Anna", email="ANNA@Firma.example ", registered_by=user
    )

    assert again.pk == first.pk


def test_a_colleague_without_an_account_holds_the_place_in_their_name_and_gets_a_mail():
    event = EventFactory()
    user, company = member()

    registration = register(
        event=event,
        company=company,
        name="Bernd Kühn",
        email="bernd@firma.example",
        registered_by=user,
    )

    assert registration.person is None
    assert registration.name == "Bernd Kühn"
    mail = OutboxMail.objects.get(idempotency_key=f"registration-confirmed:{registration.pk}")
    assert mail.to_email == "bernd@firma.example"
    assert "Bernd Kühn" in mail.body_text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Event.Status.DRAFT}, "not open"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"status": Event.Status.FINISHED}, "not open"),
        ({"audience": Event.Audience.INVITED}, "invited"),
    ],
)
def test_closed_events_refuse_registrations(change, message):
    event = EventFactory(**change)

    with pytest.raises(RegistrationError, match=message):
        sign_up(event)
    assert not Registration.objects.exists()


def test_after_the_deadline_registration_is_refused():
    event = EventFactory(registration_deadline=timezone.now() - timedelta(minutes=1))

    with pytest.raises(RegistrationError, match="deadline"):
        sign_up(event)


def test_nobody_registers_for_a_company_they_do_not_belong_to():
    event = EventFactory()
    user, _ = member()
    other = CompanyFactory(published=True)

    with pytest.raises(RegistrationError, match="own company"):
        sign_up(event, user, other)
    assert not Registration.objects.exists()


def test_the_per_company_limit_counts_confirmed_and_waitlisted_places():
    event = EventFactory(capacity=1, places_per_company=2)
    boss, company = member()
    sign_up(event, boss, company)  # confirmed
    register(event=event, company=company, name="B", email="b@x.example", registered_by=boss)

    with pytest.raises(RegistrationError, match="all the places"):
        register(event=event, company=company, name="C", email="c@x.example", registered_by=boss)


def test_cancelling_frees_the_seat_for_the_first_on_the_waitlist_who_gets_a_decline_link():
    event = EventFactory(capacity=1)
    first = sign_up(event)
    second = sign_up(event)
    third = sign_up(event)

    cancel(registration=first, by=first.person)

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert second.status == Registration.Status.CONFIRMED
    assert third.waitlist_position == 1
    mail = OutboxMail.objects.get(idempotency_key=f"registration-promoted:{second.pk}")
    assert "/events/decline/" in mail.body_text


def test_cancelling_a_waitlisted_place_promotes_nobody():
    event = EventFactory(capacity=1)
    first = sign_up(event)
    second = sign_up(event)

    cancel(registration=second, by=second.person)

    first.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert not OutboxMail.objects.filter(
        idempotency_key__startswith="registration-promoted"
    ).exists()


def test_cancelling_twice_is_harmless():
    event = EventFactory(capacity=1)
    first = sign_up(event)
    cancel(registration=first, by=first.person)

    again = cancel(registration=first, by=first.person)

    assert again.status == Registration.Status.CANCELLED


def test_after_cancelling_one_can_register_again():
    event = EventFactory()
    user, company = member()
    first = sign_up(event, user, company)
    cancel(registration=first, by=user)

    again = sign_up(event, user, company)

    assert again.pk != first.pk
    assert again.status == Registration.Status.CONFIRMED


def test_the_decline_token_names_the_registration_and_cannot_be_forged():
    event = EventFactory()
    registration = sign_up(event)

    assert read_decline_token(decline_token(registration)) == registration.pk
    with pytest.raises(signing.BadSignature):
        read_decline_token(decline_token(registration) + "x")


def test_wish_partners_topics_and_opt_in_are_kept():
    event = EventFactory()
    partner = CompanyFactory(published=True)

    registration = sign_up(
        event, wish_partners=[partner], topics="Lohnhärten", show_to_attendees=True
    )

    assert list(registration.wish_partners.all()) == [partner]
    assert registration.topics == "Lohnhärten"
    assert registration.show_to_attendees is True


def test_a_user_without_display_name_still_registers():
    event = EventFactory()
    user = UserFactory(display_name="")
    membership = MembershipFactory(user=user)

    registration = sign_up(event, user, membership.company)

    assert registration.name == user.email
