"""The pages behind the thank-you mail: feedback and "we have started a cooperation"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from companies.models import Cooperation, CooperationParty
from events.models import Event, Feedback, Registration
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def past_event(**kwargs) -> Event:
    start = timezone.now() - timedelta(days=1)
    return EventFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        registration_deadline=start - timedelta(days=1),
        **kwargs,
    )


def attendee_of(event: Event, **fields) -> Registration:
    """A member of a published company with a confirmed place at the event."""
    person = UserFactory(display_name="Ines Hollerbach")
    company = MembershipFactory(user=person, company__published=True).company
    defaults = {"status": Registration.Status.CONFIRMED}
    return Registration.objects.create(
        event=event,
        company=company,
        person=person,
        name=person.display_name,
        email=person.email,
        registered_by=person,
        **{**defaults, **fields},
    )


@pytest.fixture
def registration() -> Registration:
    return attendee_of(past_event())


def feedback_url(registration: Registration) -> str:
    return f"/events/registrations/{registration.pk}/feedback/"


def cooperation_url(registration: Registration) -> str:
    return f"/events/registrations/{registration.pk}/cooperation/"


# --- Feedback --------------------------------------------------------------------------------


def test_the_attendee_sees_the_feedback_form(client, registration):
    client.force_login(registration.person)

    response = client.get(feedback_url(registration))

    assert response.status_code == 200
    assert response.context["form"] is not None
    assert b'name="rating" value="5"' in response.content


def test_the_attendee_gives_feedback(client, registration):
    client.force_login(registration.person)

    response = client.post(
        feedback_url(registration),
        {"rating": "4", "next_format": "breakfast", "topics": "Busverbindungen"},
    )

    assert response.status_code == 302
    feedback = Feedback.objects.get(registration=registration)
    assert (feedback.rating, feedback.next_format, feedback.topics) == (
        4,
        "breakfast",
        "Busverbindungen",
    )


def test_giving_feedback_again_changes_it_instead_of_adding_a_second(client, registration):
    client.force_login(registration.person)
    client.post(feedback_url(registration), {"rating": "2"})

    client.post(feedback_url(registration), {"rating": "5"})

    assert Feedback.objects.get(registration=registration).rating == 5


@pytest.mark.parametrize("rating", ["0", "6", "gut", ""])
def test_a_rating_outside_one_to_five_is_refused(client, registration, rating):
    client.force_login(registration.person)

    response = client.post(feedback_url(registration), {"rating": rating})

    assert response.status_code == 200
    assert "rating" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_an_unknown_format_is_refused(client, registration):
    client.force_login(registration.person)

    response = client.post(feedback_url(registration), {"rating": "3", "next_format": "rave"})

    assert "next_format" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_feedback_waits_until_the_event_has_started(client):
    registration = attendee_of(EventFactory())  # in two weeks
    client.force_login(registration.person)

    page = client.get(feedback_url(registration))
    posted = client.post(feedback_url(registration), {"rating": "5"})

    assert page.status_code == 200
    assert page.context["form"] is None
    assert page.context["closed_reason"]
    assert posted.status_code == 200
    assert not Feedback.objects.exists()


def test_a_cancelled_event_gets_no_feedback(client):
    registration = attendee_of(past_event(status=Event.Status.CANCELLED))
    client.force_login(registration.person)

    response = client.post(feedback_url(registration), {"rating": "5"})

    assert response.context["closed_reason"]
    assert not Feedback.objects.exists()


def test_a_cancelled_registration_gives_no_feedback(client):
    registration = attendee_of(past_event(), status=Registration.Status.CANCELLED)
    client.force_login(registration.person)

    client.post(feedback_url(registration), {"rating": "5"})

    assert not Feedback.objects.exists()


def test_a_colleague_of_the_same_company_gets_404_for_the_feedback(client, registration):
    colleague = UserFactory()
    MembershipFactory(user=colleague, company=registration.company, role="editor")
    client.force_login(colleague)

    assert client.get(feedback_url(registration)).status_code == 404
    assert client.post(feedback_url(registration), {"rating": "1"}).status_code == 404
    assert not Feedback.objects.exists()


def test_staff_get_404_for_someone_elses_feedback(client, registration, django_user_model):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(feedback_url(registration)).status_code == 404


def test_the_feedback_page_asks_anonymous_visitors_to_log_in(client, registration):
    response = client.get(feedback_url(registration))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Cooperation -----------------------------------------------------------------------------


def partner_with_member(**company_fields):
    member = UserFactory(email="moritz@feinwerk.example")
    company = MembershipFactory(user=member, company__published=True, **company_fields).company
    return company, member


def test_the_partner_list_offers_the_companies_at_the_event_first(client, registration):
    met = attendee_of(registration.event).company
    elsewhere = CompanyFactory(published=True)
    CompanyFactory()  # a draft is not offered
    client.force_login(registration.person)

    response = client.get(cooperation_url(registration))

    groups = response.context["form"].fields["partner"].choices
    at_event, everyone = groups[1], groups[2]
    assert [pk for pk, _name in at_event[1]] == [met.pk]
    offered = [pk for pk, _name in everyone[1]]
    assert elsewhere.pk in offered
    assert registration.company_id not in offered
    assert met.pk not in offered


def test_telling_a_cooperation_records_it_awaiting_the_partners_confirmation(
    client, registration, django_capture_on_commit_callbacks
):
    partner, partner_member = partner_with_member()
    client.force_login(registration.person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            cooperation_url(registration),
            {
                "partner": partner.pk,
                "description": "Gemeinsame Ausbildungsmesse",
                "without_kag": "probably_not",
            },
        )

    assert response.status_code == 302
    cooperation = Cooperation.objects.get()
    assert cooperation.origin == Cooperation.Origin.EVENT
    assert cooperation.would_have_happened_without_kag == "probably_not"
    parties = {p.company_id: p for p in CooperationParty.objects.filter(cooperation=cooperation)}
    assert parties[registration.company_id].confirmed_by == registration.person
    assert parties[partner.pk].confirmed_at is None
    assert OutboxMail.objects.get().idempotency_key == (
        f"cooperation-confirm:{cooperation.pk}:{partner_member.pk}"
    )
    assert django_mail.outbox[0].to == [partner_member.email]
    assert f"/events/cooperations/{cooperation.pk}/confirm/" in django_mail.outbox[0].body


def test_the_partner_confirms_the_cooperation(client, registration):
    partner, partner_member = partner_with_member()
    client.force_login(registration.person)
    client.post(
        cooperation_url(registration),
        {"partner": partner.pk, "description": "Werkzeugtausch", "without_kag": "no"},
    )
    cooperation = Cooperation.objects.get()
    client.force_login(partner_member)
    confirm_url = f"/events/cooperations/{cooperation.pk}/confirm/"

    page = client.get(confirm_url)
    response = client.post(confirm_url)

    assert page.status_code == 200
    assert page.context["to_confirm"]
    assert response.status_code == 302
    assert not CooperationParty.objects.filter(confirmed_at__isnull=True).exists()


def test_an_outsider_cannot_see_or_confirm_a_cooperation(client, registration):
    partner, _member = partner_with_member()
    client.force_login(registration.person)
    client.post(
        cooperation_url(registration),
        {"partner": partner.pk, "description": "Werkzeugtausch", "without_kag": "no"},
    )
    cooperation = Cooperation.objects.get()
    outsider = MembershipFactory(company__published=True).user
    client.force_login(outsider)

    assert client.get(f"/events/cooperations/{cooperation.pk}/confirm/").status_code == 404
    assert client.post(f"/events/cooperations/{cooperation.pk}/confirm/").status_code == 404
    assert CooperationParty.objects.filter(confirmed_at__isnull=True).count() == 1


def test_a_company_not_offered_is_refused(client, registration):
    draft = CompanyFactory()
    client.force_login(registration.person)

    response = client.post(
        cooperation_url(registration),
        {"partner": draft.pk, "description": "x", "without_kag": "no"},
    )

    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not Cooperation.objects.exists()


def test_the_cooperation_needs_a_description_and_an_answer_about_kag(client, registration):
    partner, _member = partner_with_member()
    client.force_login(registration.person)

    response = client.post(cooperation_url(registration), {"partner": partner.pk})

    assert set(response.context["form"].errors) == {"description", "without_kag"}
    assert not Cooperation.objects.exists()


def test_an_attendee_who_left_the_company_cannot_speak_for_it(client, registration):
    partner, _member = partner_with_member()
    registration.person.memberships.all().delete()
    client.force_login(registration.person)

    response = client.post(
        cooperation_url(registration),
        {"partner": partner.pk, "description": "x", "without_kag": "no"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Cooperation.objects.exists()


def test_the_cooperation_form_waits_until_the_event_has_started(client):
    registration = attendee_of(EventFactory())
    partner, _member = partner_with_member()
    client.force_login(registration.person)

    response = client.post(
        cooperation_url(registration),
        {"partner": partner.pk, "description": "x", "without_kag": "no"},
    )

    assert response.context["closed_reason"]
    assert not Cooperation.objects.exists()


def test_someone_else_gets_404_for_the_cooperation_form(client, registration):
    client.force_login(MembershipFactory(company=registration.company, role="editor").user)

    assert client.get(cooperation_url(registration)).status_code == 404
