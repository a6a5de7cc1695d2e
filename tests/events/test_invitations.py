"""Invitations: staff choose an audience, preview and send; each address gets one mail in its
language with a personal signed link that opens the registration of the event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core import signing
from django.utils import timezone

from companies.models import Industry
from events.models import Event, EventInvitation, InvitationRound, Registration
from events.services import invitation_rounds, invitations
from events.services.invitations import Kind, invitation_token
from events.services.registration import RegistrationError, register
from kag_portal.mail import unsubscribe
from kag_portal.models import MailTopic, OutboxMail
from tests.events.invitation_helpers import send_round
from tests.events.staff_helpers import register as add_registration
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    StaffFactory,
    TownFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory(preferred_language="en")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def invited_addresses(event) -> set[str]:
    return set(EventInvitation.objects.filter(event=event).values_list("email", flat=True))


def send(event, audience, by=None) -> InvitationRound:
    return send_round(event, audience, by=by)


def member_of(company, **user_fields):
    return MembershipFactory(company=company, user=UserFactory(**user_fields)).user


# --- the audience ---


def test_all_published_companies_reach_their_active_members_only():
    event = EventFactory()
    published = CompanyFactory(published=True)
    anna = member_of(published)
    bernd = member_of(published)
    member_of(published, is_active=False)
    member_of(CompanyFactory())  # a draft company is not invited

    send(event, {"kind": Kind.ALL})

    assert invited_addresses(event) == {anna.email, bernd.email}
    invitation = EventInvitation.objects.get(event=event, email=anna.email)
    assert (invitation.person, invitation.company) == (anna, published)


def test_companies_by_town_reach_only_the_chosen_towns():
    event = EventFactory()
    suhl, oberhof, zella = TownFactory(), TownFactory(), TownFactory()
    in_suhl = member_of(CompanyFactory(published=True, town=suhl))
    in_oberhof = member_of(CompanyFactory(published=True, town=oberhof))
    member_of(CompanyFactory(published=True, town=zella))

    send(event, {"kind": Kind.TOWNS, "towns": [suhl.pk, oberhof.pk]})

    assert invited_addresses(event) == {in_suhl.email, in_oberhof.email}


def test_companies_by_industry_include_the_divisions_of_a_chosen_section():
    event = EventFactory()
    division = Industry.objects.filter(section__isnull=False).select_related("section").first()
    other = Industry.objects.filter(section__isnull=True).exclude(pk=division.section_id).first()
    in_division = member_of(CompanyFactory(published=True, industry=division))
    in_section = member_of(CompanyFactory(published=True, industry=division.section))
    member_of(CompanyFactory(published=True, industry=other))

    send(event, {"kind": Kind.INDUSTRIES, "industries": [division.section_id]})

    assert invited_addresses(event) == {in_division.email, in_section.email}


def test_attendees_of_earlier_events_are_those_who_had_a_confirmed_place():
    event = EventFactory()
    earlier = EventFactory(
        starts_at=timezone.now() - timedelta(days=30),
        registration_deadline=timezone.now() - timedelta(days=31),
        status=Event.Status.FINISHED,
    )
    came = add_registration(earlier)
    add_registration(earlier, Registration.Status.CANCELLED)
    add_registration(earlier, Registration.Status.WAITLISTED)

    send(event, {"kind": Kind.EVENTS, "events": [earlier.pk]})

    invitation = EventInvitation.objects.get(event=event)
    assert (invitation.email, invitation.person_id) == (came.email, came.person_id)
    assert invitation.company_id == came.company_id


def test_pasted_addresses_get_an_invitation_without_a_person_in_german():
    event = EventFactory()

    send(event, {"kind": Kind.EMAILS, "emails": ["info@neu-gmbh.example", "chef@werk.example"]})

    assert invited_addresses(event) == {"info@neu-gmbh.example", "chef@werk.example"}
    assert not EventInvitation.objects.filter(person__isnull=False).exists()
    assert set(OutboxMail.objects.values_list("language", flat=True)) == {"de"}


def test_people_already_registered_are_not_invited():
    event = EventFactory()
    company = CompanyFactory(published=True)
    registered = member_of(company)
    other = member_of(company)
    add_registration(event, person=registered, company=company)
    add_registration(event, email="Gast@Firma.example", person=UserFactory())

    send(event, {"kind": Kind.ALL})
    send(event, {"kind": Kind.EMAILS, "emails": ["gast@firma.example"]})

    assert invited_addresses(event) == {other.email}


def test_pasted_addresses_are_split_on_lines_and_commas_and_lower_cased():
    valid, invalid = invitations.parse_addresses(
        "Info@Neu-GmbH.example, chef@werk.example\n\n info@neu-gmbh.example;kein-at-zeichen"
    )

    assert valid == ["info@neu-gmbh.example", "chef@werk.example"]
    assert invalid == ["kein-at-zeichen"]


# --- the staff page ---


def test_the_page_shows_the_figures_and_the_audience_form(staff_client):
    event = EventFactory(capacity=30)
    add_registration(event)
    add_registration(event, checked_in_at=timezone.now())
    add_registration(event, Registration.Status.WAITLISTED)
    EventInvitation.objects.create(event=event, email="a@b.example")

    response = staff_client.get(f"/staff/events/{event.pk}/invitations/")

    assert response.status_code == 200
    assert response.context["figures"] == {
        "invited": 1,
        "registered": 2,
        "waitlisted": 1,
        "checked_in": 1,
    }
    assert 'name="kind"' in response.content.decode()


def test_pasted_invalid_addresses_are_rejected_naming_them(staff_client):
    event = EventFactory()

    response = staff_client.post(
        f"/staff/events/{event.pk}/invitations/",
        {"kind": Kind.EMAILS, "emails": "gut@firma.example\nschlecht@\nauch schlecht"},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["emails"][0]
    assert "schlecht@" in errors
    assert "auch" in errors
    assert "gut@firma.example" not in errors
    assert not EventInvitation.objects.exists()


def test_a_town_audience_needs_a_town(staff_client):
    event = EventFactory()

    response = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.TOWNS})

    assert response.status_code == 400
    assert "towns" in response.context["form"].errors


def test_the_preview_counts_recipients_and_shows_the_mail_in_german_and_english(staff_client):
    event = EventFactory(title="Netzwerkabend Suhl")
    company = CompanyFactory(published=True)
    member_of(company)
    member_of(company)

    response = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.ALL})

    assert response.status_code == 200
    assert response.context["count"] == 2
    previews = response.context["previews"]
    assert [code for code, _name, _subject, _text in previews] == ["de", "en"]
    for _code, _name, subject, text in previews:
        assert "Netzwerkabend Suhl" in subject
        assert "/events/invitation/" in text
    assert previews[0][2] != previews[1][2]  # really two languages
    page = response.content.decode()
    assert 'name="confirmation"' in page
    # Nothing is sent before the confirmation.
    assert not EventInvitation.objects.exists()
    assert not OutboxMail.objects.exists()


def test_the_preview_escapes_html_in_the_event_title(staff_client):
    # The rendered mail text is marked safe (a template's output): the page must escape it.
    event = EventFactory(title="Abend <b>x</b>")
    member_of(CompanyFactory(published=True))

    response = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.ALL})

    page = response.content.decode()
    assert "<b>x</b>" not in page
    assert "Abend &lt;b&gt;x&lt;/b&gt;" in page


def test_confirming_sends_in_the_background_and_says_so(
    staff_client, staff, django_capture_on_commit_callbacks
):
    event = EventFactory()
    anna = member_of(CompanyFactory(published=True))
    preview = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.ALL})

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/staff/events/{event.pk}/invitations/",
            {"confirm": "1", "confirmation": preview.context["confirmation"]},
        )

    assert response.status_code == 302
    assert response.url == f"/staff/events/{event.pk}/invitations/#rounds-heading"
    invitation = EventInvitation.objects.get(event=event)
    assert (invitation.email, invitation.invited_by) == (anna.email, staff)
    assert [message.to for message in django_mail.outbox] == [[anna.email]]
    page = staff_client.get(response.url).content.decode()
    assert 'id="invitation-figures"' in page
    assert "Finished: 1 of 1 sent." in page
    assert "data-hx-get" not in page  # nothing left to poll for


def test_with_the_broker_down_the_round_waits_in_the_database_and_is_sent_later(
    staff_client, django_capture_on_commit_callbacks
):
    from tests.portal.conftest import broker_at

    event = EventFactory()
    anna = member_of(CompanyFactory(published=True))
    preview = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.ALL})

    with broker_at("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(  # nothing listens there
            f"/staff/events/{event.pk}/invitations/",
            {"confirm": "1", "confirmation": preview.context["confirmation"]},
            follow=True,
        )

    assert response.status_code == 200
    page = response.content.decode()  # this staff member reads English
    assert "being sent to 1 recipient" in page
    assert "0 of 1 sent" in page
    round_ = InvitationRound.objects.get(event=event)
    assert round_.status == InvitationRound.Status.PENDING

    # The periodic resume takes it up once the broker is back (Celery eager again here).
    with django_capture_on_commit_callbacks(execute=True):
        resumed = invitation_rounds.resume_rounds(now=timezone.now() + timedelta(minutes=3))

    assert resumed == 1
    assert [message.to for message in django_mail.outbox] == [[anna.email]]
    page = staff_client.get(f"/staff/events/{event.pk}/invitations/").content.decode()
    assert "Finished: 1 of 1 sent." in page


def test_a_tampered_confirmation_is_refused(staff_client):
    event = EventFactory()
    forged = signing.dumps({"audience": {"kind": "all"}, "count": 1}, salt="other")

    response = staff_client.post(
        f"/staff/events/{event.pk}/invitations/", {"confirm": "1", "confirmation": forged}
    )

    assert response.status_code == 400
    assert not EventInvitation.objects.exists()


def test_only_a_published_event_can_be_invited_to(staff_client):
    event = EventFactory(status=Event.Status.DRAFT)
    member_of(CompanyFactory(published=True))

    page = staff_client.get(f"/staff/events/{event.pk}/invitations/")
    response = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.ALL})
    send(event, {"kind": Kind.ALL})

    assert 'name="kind"' not in page.content.decode()
    assert response.status_code == 302
    assert not EventInvitation.objects.exists()


def test_no_invitations_after_the_registration_deadline(staff_client):
    event = EventFactory(registration_deadline=timezone.now() - timedelta(minutes=1))
    member_of(CompanyFactory(published=True))

    response = staff_client.post(f"/staff/events/{event.pk}/invitations/", {"kind": Kind.ALL})
    send(event, {"kind": Kind.ALL})

    assert response.status_code == 302
    assert not EventInvitation.objects.exists()


def test_the_staff_list_shows_invited_and_checked_in_per_event(staff_client):
    event = EventFactory()
    add_registration(event, checked_in_at=timezone.now())
    add_registration(event)
    for number in range(3):
        EventInvitation.objects.create(event=event, email=f"p{number}@firma.example")

    response = staff_client.get("/staff/events/")

    listed = response.context["upcoming"][0]
    assert (listed.invited_count, listed.confirmed_count, listed.checked_in_count) == (3, 2, 1)
    assert f'href="/staff/events/{event.pk}/invitations/"' in response.content.decode()


def test_the_event_pages_link_the_invitations_in_the_staff_navigation(staff_client):
    event = EventFactory()

    page = staff_client.get(f"/staff/events/{event.pk}/").content.decode()

    assert f'href="/staff/events/{event.pk}/invitations/"' in page


# --- sending ---


def test_sending_the_same_audience_twice_sends_nothing_twice(django_capture_on_commit_callbacks):
    event = EventFactory()
    company = CompanyFactory(published=True)
    member_of(company)
    member_of(company)

    with django_capture_on_commit_callbacks(execute=True):
        first = send(event, {"kind": Kind.ALL})
        second = send(event, {"kind": Kind.ALL})
        send(event, {"kind": Kind.EMAILS, "emails": [company.memberships.first().user.email]})

    assert (len(first.invitation_ids), len(second.invitation_ids)) == (2, 2)
    assert EventInvitation.objects.filter(event=event).count() == 2
    assert OutboxMail.objects.count() == 2
    assert len(django_mail.outbox) == 2


def test_an_overlapping_audience_adds_only_the_new_addresses():
    event = EventFactory()
    suhl = TownFactory()
    member_of(CompanyFactory(published=True, town=suhl))
    send(event, {"kind": Kind.TOWNS, "towns": [suhl.pk]})
    newcomer = member_of(CompanyFactory(published=True))

    send(event, {"kind": Kind.ALL})

    assert OutboxMail.objects.count() == 2
    assert OutboxMail.objects.filter(to_email=newcomer.email).count() == 1


def test_the_same_address_at_another_event_is_invited_again():
    first, second = EventFactory(), EventFactory()

    send(first, {"kind": Kind.EMAILS, "emails": ["info@neu.example"]})
    send(second, {"kind": Kind.EMAILS, "emails": ["info@neu.example"]})

    assert OutboxMail.objects.filter(to_email="info@neu.example").count() == 2


def test_an_address_that_unsubscribed_from_invitations_gets_no_mail(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    unsubscribe(email="Weg@Firma.example", topic=MailTopic.INVITATIONS)

    with django_capture_on_commit_callbacks(execute=True):
        send(event, {"kind": Kind.EMAILS, "emails": ["weg@firma.example", "da@firma.example"]})

    skipped = OutboxMail.objects.get(to_email="weg@firma.example")
    assert skipped.status == OutboxMail.Status.SKIPPED
    assert [message.to for message in django_mail.outbox] == [["da@firma.example"]]


def test_each_person_gets_the_mail_in_their_language():
    event = EventFactory()
    company = CompanyFactory(published=True)
    german = member_of(company, preferred_language="de")
    english = member_of(company, preferred_language="en")

    send(event, {"kind": Kind.ALL})

    languages = dict(OutboxMail.objects.values_list("to_email", "language"))
    assert languages == {german.email: "de", english.email: "en"}
    subjects = dict(OutboxMail.objects.values_list("language", "subject"))
    assert subjects["de"] != subjects["en"]


def test_the_mail_carries_the_personal_link_and_unsubscribe_but_no_tracking_image():
    event = EventFactory(title="Unternehmerfrühstück")
    anna = member_of(CompanyFactory(published=True, name="Spannwerk GmbH"))

    send(event, {"kind": Kind.ALL})

    invitation = EventInvitation.objects.get()
    mail = OutboxMail.objects.get(idempotency_key=f"event-invitation:{invitation.pk}")
    link = f"/events/invitation/{invitation_token(invitation)}/"
    assert mail.to_email == anna.email
    assert mail.topic == MailTopic.INVITATIONS
    assert link in mail.body_text
    assert link in mail.body_html
    assert "Spannwerk GmbH" in mail.body_text
    assert "/unsubscribe/" in mail.body_text
    assert "List-Unsubscribe" in mail.headers
    assert "<img" not in mail.body_html.lower()


# --- the personal link ---


def link(invitation) -> str:
    return f"/events/invitation/{invitation_token(invitation)}/"


def test_the_link_remembers_the_invitation_and_opens_the_registration(client):
    event = EventFactory(audience=Event.Audience.INVITED)
    user = member_of(CompanyFactory(published=True))
    invitation = EventInvitation.objects.create(event=event, email="weitergeleitet@x.example")
    client.force_login(user)

    response = client.get(link(invitation))

    assert response.status_code == 302
    assert response.url == f"/events/{event.pk}/#register-heading"
    assert client.session[invitations.SESSION_KEY] == {str(event.pk): invitation.pk}
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert 'name="consent"' in page


def test_a_visitor_who_is_not_logged_in_logs_in_first_and_comes_back(client):
    invitation = EventInvitation.objects.create(event=EventFactory(), email="neu@x.example")

    response = client.get(link(invitation))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/events/invitation/")


@pytest.mark.parametrize(
    "token",
    ["forged", "1.2:abc:def", "", "%00"],
)
def test_a_forged_link_is_not_found(client, token):
    EventInvitation.objects.create(event=EventFactory(), email="neu@x.example")
    client.force_login(UserFactory())

    response = client.get(f"/events/invitation/{token}x/")

    assert response.status_code == 404


def test_a_link_signed_for_another_event_is_not_found(client):
    invitation = EventInvitation.objects.create(event=EventFactory(), email="neu@x.example")
    other = EventFactory()
    token = signing.TimestampSigner(salt=invitations.INVITATION_SALT).sign(
        f"{other.pk}.{invitation.pk}"
    )
    client.force_login(UserFactory())

    assert client.get(f"/events/invitation/{token}/").status_code == 404


def test_a_link_signed_with_another_salt_is_not_found(client):
    invitation = EventInvitation.objects.create(event=EventFactory(), email="neu@x.example")
    token = signing.TimestampSigner(salt="events.decline").sign(
        f"{invitation.event_id}.{invitation.pk}"
    )
    client.force_login(UserFactory())

    assert client.get(f"/events/invitation/{token}/").status_code == 404


def test_a_link_to_an_event_that_is_over_says_so(client):
    event = EventFactory()
    invitation = EventInvitation.objects.create(event=event, email="neu@x.example")
    token = invitation_token(invitation)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=5),
        ends_at=timezone.now() - timedelta(hours=1),
        registration_deadline=timezone.now() - timedelta(days=1),
    )
    client.force_login(UserFactory())

    response = client.get(f"/events/invitation/{token}/")

    assert response.status_code == 410
    assert invitations.SESSION_KEY not in client.session


def test_a_link_to_a_cancelled_event_says_so(client):
    invitation = EventInvitation.objects.create(
        event=EventFactory(status=Event.Status.CANCELLED), email="neu@x.example"
    )

    assert client.get(link(invitation)).status_code == 410


# --- registering for an invited-only event ---


def register_self(event, user, company, invitation=None):
    return register(
        event=event,
        company=company,
        person=user,
        name="Anna",
        email=user.email,
        registered_by=user,
        invitation=invitation,
    )


def test_an_invited_person_can_register_and_the_invitation_is_recorded():
    event = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    anna = member_of(company)
    invitation = EventInvitation.objects.create(event=event, email=anna.email, person=anna)

    registration = register_self(event, anna, company)

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.invitation == invitation


def test_someone_not_invited_cannot_register_for_an_invited_only_event():
    event = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    EventInvitation.objects.create(event=event, email="jemand@anders.example")

    with pytest.raises(RegistrationError):
        register_self(event, member_of(company), company)
    assert not Registration.objects.exists()


def test_a_member_invited_through_the_company_may_register_a_colleague():
    event = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    boss = member_of(company)
    invitation = EventInvitation.objects.create(
        event=event, email="andere@person.example", company=company
    )

    registration = register(
        event=event,
        company=company,
        name="Kollege Kühn",
        email="kuehn@firma.example",
        registered_by=boss,
    )

    assert registration.invitation == invitation


def test_an_invitation_to_another_event_does_not_open_this_one():
    event = EventFactory(audience=Event.Audience.INVITED)
    other = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    anna = member_of(company)
    elsewhere = EventInvitation.objects.create(event=other, email=anna.email, person=anna)

    with pytest.raises(RegistrationError):
        register_self(event, anna, company, invitation=elsewhere)


def test_registering_for_an_open_event_through_a_link_records_the_invitation():
    event = EventFactory()
    company = CompanyFactory(published=True)
    anna = member_of(company)
    invitation = EventInvitation.objects.create(event=event, email="info@firma.example")

    registration = register_self(event, anna, company, invitation=invitation)

    assert registration.invitation == invitation


def test_whoever_opened_the_link_registers_through_the_event_page(client):
    event = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    newcomer = member_of(company)
    invitation = EventInvitation.objects.create(event=event, email="info@neu-gmbh.example")
    client.force_login(newcomer)
    client.get(link(invitation))

    response = client.post(
        f"/events/{event.pk}/", {"company": company.pk, "attendee": "me", "consent": "on"}
    )

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert (registration.person, registration.invitation) == (newcomer, invitation)


def test_an_uninvited_member_sees_no_form_and_cannot_post_one(client):
    event = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    client.force_login(member_of(company))

    page = client.get(f"/events/{event.pk}/").content.decode()
    client.post(f"/events/{event.pk}/", {"company": company.pk, "attendee": "me", "consent": "on"})

    assert 'name="consent"' not in page
    assert not Registration.objects.exists()


def test_a_link_opened_for_one_event_does_not_open_another(client):
    event = EventFactory(audience=Event.Audience.INVITED)
    other = EventFactory(audience=Event.Audience.INVITED)
    company = CompanyFactory(published=True)
    client.force_login(member_of(company))
    client.get(link(EventInvitation.objects.create(event=other, email="x@y.example")))

    client.post(f"/events/{event.pk}/", {"company": company.pk, "attendee": "me", "consent": "on"})

    assert not Registration.objects.filter(event=event).exists()
