"""The public calendar, the event page, registering through it and one's own registration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import AgendaItem, Event, Registration
from events.services.registration import cancel, decline_token, register
from kag_portal.models import OutboxMail
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    StaffFactory,
    TownFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def form_data(company, **changes) -> dict:
    data = {"company": company.pk, "attendee": "me", "consent": "on", "topics": ""}
    data.update(changes)
    return data


@pytest.fixture
def member():
    return MembershipFactory(company=CompanyFactory(published=True, name="Spannwerk GmbH"))


def coming(page: str) -> str:
    """The "companies that are coming" section of an event page ("" when there is none)."""
    start = page.find('id="coming-heading"')
    return "" if start == -1 else page[start : page.index("</section>", start)]


def registration_of(membership, event, **kwargs):
    return register(
        event=event,
        company=membership.company,
        person=membership.user,
        name="Anna Schmidt",
        email=membership.user.email,
        registered_by=membership.user,
        **kwargs,
    )


# --- the list ---


def test_the_list_shows_upcoming_events_by_start_and_past_ones_apart(client):
    later = EventFactory(
        title="Unternehmerfrühstück", starts_at=timezone.now() + timedelta(days=30)
    )
    sooner = EventFactory(title="Netzwerkabend Suhl")
    past = EventFactory(
        title="Firmenlauf 2025",
        starts_at=timezone.now() - timedelta(days=30),
        registration_deadline=timezone.now() - timedelta(days=31),
        status=Event.Status.FINISHED,
    )
    EventFactory(title="Geheimer Entwurf", status=Event.Status.DRAFT)

    response = client.get("/events/")

    assert [e.pk for e in response.context["upcoming"]] == [sooner.pk, later.pk]
    assert [e.pk for e in response.context["past"]] == [past.pk]
    assert "Geheimer Entwurf" not in response.content.decode()


def test_the_list_filters_by_format_and_town(client):
    suhl = TownFactory(name="Suhl")
    wanted = EventFactory(format=Event.Format.BREAKFAST, town=suhl)
    EventFactory(format=Event.Format.BREAKFAST)
    EventFactory(format=Event.Format.NETWORK_EVENING, town=suhl)

    response = client.get("/events/", {"format": "breakfast", "town": suhl.pk})

    assert [e.pk for e in response.context["upcoming"]] == [wanted.pk]


def test_the_list_shows_places_left_and_a_full_event_as_waitlist(client, member):
    EventFactory(title="Voll", capacity=1)
    full = Event.objects.get(title="Voll")
    registration_of(member, full)
    EventFactory(title="Frei", capacity=5)

    page = client.get("/events/").content.decode()

    assert "Warteliste" in page
    assert "Noch 5 Plätze frei" in page


def test_the_list_needs_a_fixed_number_of_queries_for_a_hundred_events(
    client, member, django_assert_max_num_queries
):
    towns = [TownFactory() for _ in range(4)]
    for number in range(60):
        EventFactory(town=towns[number % 4])
    for number in range(40):
        EventFactory(
            town=towns[number % 4],
            starts_at=timezone.now() - timedelta(days=number + 2),
            registration_deadline=timezone.now() - timedelta(days=number + 3),
            status=Event.Status.FINISHED,
        )

    for event in Event.objects.filter(status=Event.Status.PUBLISHED)[:30]:
        register(
            event=event,
            company=member.company,
            name="Kollegin",
            email=f"kollegin-{event.pk}@spannwerk.example",
            registered_by=member.user,
        )
    client.force_login(member.user)

    with django_assert_max_num_queries(12):
        response = client.get("/events/")

    assert len(response.context["upcoming"]) == 60
    assert len(response.context["mine"]) == 30
    assert len(response.context["past"]) == 20


# --- the event page ---


def test_the_event_page_shows_time_place_agenda_speed_dating_and_a_map_link(client):
    host = CompanyFactory(published=True, name="Feinwerk GmbH")
    starts = timezone.make_aware(timezone.datetime(2030, 3, 5, 18, 0))
    event = EventFactory(
        title="Netzwerkabend Zella-Mehlis",
        host_company=host,
        venue_name="Stadthalle",
        venue_street="Louis-Anschütz-Str. 28",
        venue_postal_code="98544",
        town=TownFactory(name="Zella-Mehlis"),
        starts_at=starts,
        speed_dating_starts_at=starts + timedelta(minutes=30),
        speed_dating_rounds=3,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=3,
    )
    AgendaItem.objects.create(event=event, starts_at=starts, title="Begrüßung")

    page = client.get(f"/events/{event.pk}/").content.decode()

    assert "Begrüßung" in page
    # the rounds, in Berlin time
    assert "18:30" in page
    assert "18:38" in page
    assert "18:48" in page
    assert "https://www.openstreetmap.org/search?query=Stadthalle%2C%20Louis-Ansch" in page
    assert host.get_absolute_url() in page
    assert "<iframe" not in page


def test_anonymous_visitors_get_a_login_link_that_returns_to_the_event(client):
    event = EventFactory()

    page = client.get(f"/events/{event.pk}/").content.decode()

    assert f'href="/accounts/login/?next=/events/{event.pk}/"' in page
    assert 'name="consent"' not in page


def test_a_draft_event_is_not_found_except_by_staff(client, member):
    event = EventFactory(status=Event.Status.DRAFT)
    client.force_login(member.user)
    assert client.get(f"/events/{event.pk}/").status_code == 404

    client.force_login(StaffFactory())
    assert client.get(f"/events/{event.pk}/").status_code == 200


def test_a_cancelled_event_says_so_and_offers_no_registration(client, member):
    event = EventFactory(status=Event.Status.CANCELLED)
    client.force_login(member.user)

    page = client.get(f"/events/{event.pk}/").content.decode()

    assert "Diese Veranstaltung wurde abgesagt." in page
    assert 'name="consent"' not in page


def test_only_members_see_which_companies_come_and_only_those_who_opted_in(client, member):
    event = EventFactory()
    registration_of(member, event, show_to_attendees=True)
    shy = MembershipFactory(company=CompanyFactory(published=True, name="Stillwerk GmbH"))
    registration_of(shy, event, show_to_attendees=False)

    anonymous = client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(MembershipFactory(company=CompanyFactory(published=True)).user)
    as_member = client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(UserFactory())
    without_company = client.get(f"/events/{event.pk}/").content.decode()

    assert "Spannwerk GmbH" in coming(as_member)
    assert "Stillwerk GmbH" not in coming(as_member)
    assert coming(anonymous) == ""
    assert coming(without_company) == ""


# --- registering through the page ---


def test_a_member_registers_and_sees_the_confirmation(client, member):
    event = EventFactory()
    client.force_login(member.user)

    response = client.post(f"/events/{event.pk}/", form_data(member.company), follow=True)

    registration = Registration.objects.get(event=event)
    assert registration.person == member.user
    assert registration.status == Registration.Status.CONFIRMED
    assert response.redirect_chain[-1][0] == f"/events/registrations/{registration.pk}/"
    assert "ist ein Platz bestätigt" in response.content.decode()


def test_a_member_registers_a_colleague_without_an_account(client, member):
    event = EventFactory()
    client.force_login(member.user)

    client.post(
        f"/events/{event.pk}/",
        form_data(
            member.company,
            attendee="colleague",
            colleague_name="Bernd Kühn",
            colleague_email="bernd@spannwerk.example",
        ),
    )

    registration = Registration.objects.get(event=event)
    assert registration.person is None
    assert registration.registered_by == member.user
    mail = OutboxMail.objects.get(to_email="bernd@spannwerk.example")
    assert "hat Sie für Spannwerk GmbH angemeldet" in mail.body_text


def test_a_colleague_needs_name_and_address(client, member):
    event = EventFactory()
    client.force_login(member.user)

    response = client.post(f"/events/{event.pk}/", form_data(member.company, attendee="colleague"))

    assert response.status_code == 200
    assert "den Namen Ihrer Kollegin oder Ihres Kollegen" in response.content.decode()
    assert not Registration.objects.exists()


def test_without_consent_nothing_is_saved(client, member):
    event = EventFactory()
    client.force_login(member.user)
    data = form_data(member.company)
    del data["consent"]

    response = client.post(f"/events/{event.pk}/", data)

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_a_member_cannot_register_for_another_company(client, member):
    event = EventFactory()
    other = CompanyFactory(published=True)
    client.force_login(member.user)

    response = client.post(f"/events/{event.pk}/", form_data(other))

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_after_the_deadline_the_page_says_so(client, member):
    event = EventFactory(registration_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(member.user)

    response = client.post(f"/events/{event.pk}/", form_data(member.company))

    assert response.status_code == 200
    assert "Anmeldeschluss" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_per_company_limit_is_explained_on_the_page(client, member):
    event = EventFactory(places_per_company=1)
    registration_of(member, event)
    client.force_login(member.user)

    response = client.post(
        f"/events/{event.pk}/",
        form_data(
            member.company,
            attendee="colleague",
            colleague_name="Bernd",
            colleague_email="bernd@spannwerk.example",
        ),
    )

    assert "alle Plätze" in response.content.decode()
    assert Registration.objects.count() == 1


def test_registering_twice_leads_to_the_same_registration(client, member):
    event = EventFactory()
    client.force_login(member.user)

    first = client.post(f"/events/{event.pk}/", form_data(member.company))
    second = client.post(f"/events/{event.pk}/", form_data(member.company))

    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1


def test_anonymous_posts_are_refused(client):
    event = EventFactory()

    assert client.post(f"/events/{event.pk}/", {}).status_code == 403


# --- one's own registration ---


def test_a_waitlisted_person_sees_their_position_and_can_cancel(client, member):
    event = EventFactory(capacity=1)
    registration_of(MembershipFactory(), event)
    registration = registration_of(member, event)
    client.force_login(member.user)

    page = client.get(f"/events/registrations/{registration.pk}/").content.decode()
    assert "auf Platz 1 der Warteliste" in page

    client.post(f"/events/registrations/{registration.pk}/cancel/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_cancelling_a_confirmed_place_asks_first_and_says_the_place_goes_to_the_waitlist(
    client, member
):
    event = EventFactory(capacity=1)
    registration = registration_of(member, event)
    client.force_login(member.user)

    page = client.get(f"/events/registrations/{registration.pk}/cancel/").content.decode()

    assert "Anmeldung zurückziehen?" in page
    assert "nächste Person auf der Warteliste" in page
    assert "Nein, angemeldet bleiben" in page
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_after_cancelling_the_page_offers_to_register_again(client, member):
    event = EventFactory()
    registration = registration_of(member, event)
    client.force_login(member.user)

    response = client.post(f"/events/registrations/{registration.pk}/cancel/", follow=True)

    page = response.content.decode()
    assert "Erneut anmelden" in page
    assert f'href="/events/{event.pk}/#register-heading"' in page


def test_the_cancel_question_of_a_cancelled_registration_goes_back_to_it(client, member):
    registration = registration_of(member, EventFactory())
    client.force_login(member.user)
    client.post(f"/events/registrations/{registration.pk}/cancel/")

    response = client.get(f"/events/registrations/{registration.pk}/cancel/")

    assert response["Location"] == f"/events/registrations/{registration.pk}/"


def test_a_colleague_of_the_same_company_sees_the_registration_others_do_not(client, member):
    event = EventFactory()
    registration = registration_of(member, event)
    colleague = MembershipFactory(company=member.company).user
    outsider = MembershipFactory().user
    url = f"/events/registrations/{registration.pk}/"

    client.force_login(colleague)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_the_decline_link_asks_first_and_then_gives_the_place_to_the_next(client, member):
    event = EventFactory(capacity=1)
    promoted = registration_of(member, event)
    waiting = registration_of(MembershipFactory(), event)
    url = f"/events/decline/{decline_token(promoted)}/"

    assert "Ja, Platz freigeben" in client.get(url).content.decode()
    promoted.refresh_from_db()
    assert promoted.status == Registration.Status.CONFIRMED

    client.post(url)

    promoted.refresh_from_db()
    waiting.refresh_from_db()
    assert promoted.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED


def test_a_forged_decline_link_is_not_found(client):
    assert client.get("/events/decline/forged:token/").status_code == 404


def test_after_the_deadline_the_page_shows_no_form_but_the_reason(client, member):
    event = EventFactory(registration_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(member.user)

    page = client.get(f"/events/{event.pk}/").content.decode()

    assert "Der Anmeldeschluss für diese Veranstaltung ist vorbei." in page
    assert 'name="consent"' not in page


def test_an_invited_only_event_shows_no_form_to_members(client, member):
    event = EventFactory(audience=Event.Audience.INVITED)
    client.force_login(member.user)

    page = client.get(f"/events/{event.pk}/").content.decode()

    assert "nur eingeladene Gäste" in page
    assert 'name="consent"' not in page


def test_the_event_page_needs_a_fixed_number_of_queries_however_many_come(
    client, member, django_assert_max_num_queries
):
    event = EventFactory(capacity=100)
    for _ in range(60):
        registration_of(MembershipFactory(company=CompanyFactory(published=True)), event)
    Registration.objects.filter(event=event).update(show_to_attendees=True)
    for minute in range(10):
        AgendaItem.objects.create(
            event=event, starts_at=event.starts_at + timedelta(minutes=minute), title="Punkt"
        )
    client.force_login(member.user)

    with django_assert_max_num_queries(16):
        response = client.get(f"/events/{event.pk}/")

    assert len(response.context["companies"]) == 60


def test_the_promoted_mail_carries_the_decline_link_in_both_parts(member):
    event = EventFactory(capacity=1)
    first = registration_of(MembershipFactory(), event)
    second = registration_of(member, event)

    cancel(registration=first, by=first.person)

    mail = OutboxMail.objects.get(idempotency_key=f"registration-promoted:{second.pk}")
    link = f"/events/decline/{decline_token(second)}/"
    assert link in mail.body_text
    assert link in mail.body_html
    assert event.title in mail.subject


def test_the_list_shows_ones_own_registrations_and_those_made_for_colleagues(client, member):
    event = EventFactory(title="Unternehmerfrühstück Oberhof")
    register(
        event=event,
        company=member.company,
        name="Bernd Kühn",
        email="bernd@spannwerk.example",
        registered_by=member.user,
    )
    EventFactory(title="Nicht angemeldet")
    client.force_login(member.user)

    response = client.get("/events/")

    assert [r.event.title for r in response.context["mine"]] == ["Unternehmerfrühstück Oberhof"]
    assert "Bernd Kühn" in response.content.decode()
    client.force_login(MembershipFactory().user)
    assert client.get("/events/").context["mine"] == []


def test_the_list_says_when_registration_is_closed(client):
    EventFactory(registration_deadline=timezone.now() - timedelta(hours=1), capacity=7)

    page = client.get("/events/").content.decode()

    assert "Anmeldung geschlossen" in page
    assert "Noch 7 Plätze frei" not in page


def test_my_area_lists_my_coming_registrations(client):
    person = UserFactory(preferred_language="en")
    company = CompanyFactory(published=True)
    MembershipFactory(user=person, company=company, role="owner")
    event = EventFactory(title="Netzwerkabend im Glaswerk")
    Registration.objects.create(
        event=event,
        company=company,
        person=person,
        name="Ines",
        email=person.email,
        registered_by=person,
        status=Registration.Status.CONFIRMED,
    )
    client.force_login(person)

    html = client.get("/me/").content.decode()

    assert "Your registrations" in html
    assert "Netzwerkabend im Glaswerk" in html


def test_my_area_has_no_events_section_without_registrations(client):
    client.force_login(UserFactory(preferred_language="en"))

    assert "Your registrations" not in client.get("/me/").content.decode()


def test_a_past_event_shows_no_places_or_waitlist(client):
    EventFactory(title="Upcoming", capacity=1)
    EventFactory(
        title="Past",
        capacity=1,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=3),
        registration_deadline=timezone.now() - timedelta(days=31),
    )

    page = client.get("/events/").content.decode()
    past_part = page.split("Vergangene Veranstaltungen", 1)[1].split("</main>", 1)[0]

    assert "Past" in past_part
    assert "Warteliste" not in past_part
    assert "Plätze frei" not in past_part
    assert "Platz frei" not in past_part


def test_once_registered_the_form_offers_to_register_a_colleague(client, member):
    event = EventFactory()
    client.force_login(member.user)
    before = client.get(f"/events/{event.pk}/").context["form"]
    client.post(f"/events/{event.pk}/", form_data(member.company))

    after = client.get(f"/events/{event.pk}/").context["form"]

    assert before["attendee"].initial == "me"
    assert after["attendee"].initial == "colleague"
