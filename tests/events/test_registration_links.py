"""A registration's page and its confirmation mails link on: the calendar file always, after the
event the feedback and "we started a cooperation" (for the attendee alone), and the seat plan of a
speed-dating evening once it is published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from companies.models import Membership
from events.models import Registration
from events.services.registration import cancel, register
from kag_portal.models import OutboxMail
from matchmaking.models import SeatingPlan
from tests.events.staff_helpers import make_event
from tests.events.staff_helpers import register as add_registration
from tests.factories import CompanyFactory, EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def page(client, user, registration) -> str:
    client.force_login(user)
    response = client.get(f"/events/registrations/{registration.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def links(registration) -> dict[str, str]:
    event_id, pk = registration.event_id, registration.pk
    return {
        "ics": f'href="/events/{event_id}/event.ics"',
        "feedback": f'href="/events/registrations/{pk}/feedback/"',
        "cooperation": f'href="/events/registrations/{pk}/cooperation/"',
        "partners": f'href="/events/{event_id}/my-partners/?registration={pk}"',
    }


def shown(html: str, registration) -> set[str]:
    return {name for name, link in links(registration).items() if link in html}


def started_evening(**kwargs):
    starts_at = timezone.now() - timedelta(hours=1)
    return make_event(
        starts_at=starts_at,
        speed_dating_starts_at=starts_at + timedelta(minutes=30),
        speed_dating_rounds=3,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=2,
        **kwargs,
    )


def attendee(event, **kwargs) -> tuple[Registration, Membership]:
    membership = MembershipFactory(company=CompanyFactory(published=True))
    registration = add_registration(
        event, person=membership.user, company=membership.company, **kwargs
    )
    return registration, membership


def publish_plan(event, status=SeatingPlan.Status.PUBLISHED) -> SeatingPlan:
    return SeatingPlan.objects.create(
        event=event,
        status=status,
        source=SeatingPlan.Source.REGISTRATIONS,
        generated_at=timezone.now(),
    )


# --- the page ---


def test_before_the_event_the_page_offers_only_the_calendar_file(client):
    registration, membership = attendee(make_event())

    assert shown(page(client, membership.user, registration), registration) == {"ics"}


def test_a_cancelled_registration_offers_no_calendar_file(client):
    registration, membership = attendee(make_event(), status=Registration.Status.CANCELLED)

    assert shown(page(client, membership.user, registration), registration) == set()


def test_after_the_start_the_attendee_gets_feedback_and_cooperation(client):
    registration, membership = attendee(make_event(starts_at=timezone.now() - timedelta(hours=1)))

    assert shown(page(client, membership.user, registration), registration) == {
        "ics",
        "feedback",
        "cooperation",
    }


def test_a_colleague_who_may_see_the_registration_gets_no_feedback_links(client):
    registration, membership = attendee(make_event(starts_at=timezone.now() - timedelta(hours=1)))
    colleague = MembershipFactory(company=membership.company, role=Membership.Role.EDITOR).user

    assert shown(page(client, colleague, registration), registration) == {"ics"}


def test_a_waitlisted_person_gets_no_feedback_links_after_the_start(client):
    registration, membership = attendee(
        make_event(starts_at=timezone.now() - timedelta(hours=1)),
        status=Registration.Status.WAITLISTED,
    )

    assert shown(page(client, membership.user, registration), registration) == {"ics"}


def test_the_seat_plan_link_appears_once_the_plan_is_published(client):
    event = started_evening()
    registration, membership = attendee(event)
    assert "partners" not in shown(page(client, membership.user, registration), registration)

    plan = publish_plan(event, status=SeatingPlan.Status.DRAFT)
    assert "partners" not in shown(page(client, membership.user, registration), registration)

    plan.status = SeatingPlan.Status.PUBLISHED
    plan.save(update_fields=["status"])
    html = page(client, membership.user, registration)
    assert shown(html, registration) == {"ics", "feedback", "cooperation", "partners"}
    # The link really opens the attendee's plan.
    assert (
        client.get(f"/events/{event.pk}/my-partners/?registration={registration.pk}").status_code
        == 200
    )


def test_the_seat_plan_link_goes_to_owners_of_the_company_not_to_editors(client):
    event = started_evening()
    registration, membership = attendee(event)
    publish_plan(event)
    owner = MembershipFactory(company=membership.company, role=Membership.Role.OWNER).user
    editor = MembershipFactory(company=membership.company, role=Membership.Role.EDITOR).user

    assert shown(page(client, owner, registration), registration) == {"ics", "partners"}
    assert shown(page(client, editor, registration), registration) == {"ics"}


def test_no_seat_plan_link_for_an_event_without_speed_dating_or_a_waitlisted_person(client):
    plain = make_event(starts_at=timezone.now() - timedelta(hours=1))
    publish_plan(plain)
    registration, membership = attendee(plain)
    assert "partners" not in shown(page(client, membership.user, registration), registration)

    evening = started_evening()
    publish_plan(evening)
    waiting, waiting_member = attendee(evening, status=Registration.Status.WAITLISTED)
    assert "partners" not in shown(page(client, waiting_member.user, waiting), waiting)


# --- the mails ---


def sign_up(event, membership):
    user = membership.user
    return register(
        event=event,
        company=membership.company,
        person=user,
        name=user.display_name or user.email,
        email=user.email,
        registered_by=user,
    )


def test_the_confirmation_mail_carries_the_absolute_calendar_link():
    event = EventFactory()
    registration = sign_up(event, MembershipFactory(company=CompanyFactory(published=True)))

    mail = OutboxMail.objects.get(idempotency_key=f"registration-confirmed:{registration.pk}")
    ics = f"{settings.SITE_URL}/events/{event.pk}/event.ics"
    assert ics in mail.body_text
    assert f'href="{ics}"' in mail.body_html


def test_the_moved_up_mail_carries_the_absolute_calendar_link():
    event = EventFactory(capacity=1)
    first = sign_up(event, MembershipFactory(company=CompanyFactory(published=True)))
    waiting = sign_up(event, MembershipFactory(company=CompanyFactory(published=True)))
    cancel(registration=first, by=first.person)

    mail = OutboxMail.objects.get(idempotency_key=f"registration-promoted:{waiting.pk}")
    ics = f"{settings.SITE_URL}/events/{event.pk}/event.ics"
    assert ics in mail.body_text
    assert f'href="{ics}"' in mail.body_html
