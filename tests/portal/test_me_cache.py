""" "Mein Bereich" is rendered once per person and language and kept: every write that changes
what it shows makes the next visit show it, nobody sees another person's copy, and a form on a
kept page still posts after a new login."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from companies.models import Company, Membership
from companies.services import help_requests, members, profiles
from events.services import calendar, registration
from newsletter.services import subscribe_member
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    UserFactory,
)
from tests.stories.helpers import cooperation_of, story_about

pytestmark = pytest.mark.django_db


def person(**fields):
    # People read the portal in English here (their account's language decides).
    return UserFactory(preferred_language="en", **fields)


@pytest.fixture
def petra():
    return person(display_name="Petra Prüfer", email="petra@spannwerk.example")


@pytest.fixture
def spannwerk(petra):
    company = CompanyFactory(published=True, name="Spannwerk Zella-Mehlis", offers=["Spannzange"])
    MembershipFactory(company=company, user=petra, role=Membership.Role.OWNER)
    return company


_browsers: dict[int, Client] = {}


@pytest.fixture(autouse=True)
def _one_browser_per_person():
    # A login saves the account (last_login), which would make every visit a fresh one.
    _browsers.clear()
    yield
    _browsers.clear()


def visit(person, client: Client | None = None) -> str:
    """The person's page, from the browser they logged in with once."""
    if client is None:
        client = _browsers.get(person.pk)
    if client is None:
        client = _browsers[person.pk] = Client()
    if client.session.get("_auth_user_id") != str(person.pk):
        client.force_login(person)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_visit_is_served_from_the_kept_body_with_fewer_queries(
    petra, spannwerk, django_assert_max_num_queries
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(petra)
    first = client.get("/me/").content.decode()
    # Session and user; the sections and the form come from the cache.
    with django_assert_max_num_queries(3):
        second = client.get("/me/").content.decode()
    assert "Spannwerk Zella-Mehlis" in second
    assert _without_tokens(first) == _without_tokens(second)


def test_nobody_sees_another_persons_kept_page(petra, spannwerk):
    emma = person(display_name="Emma Engel")
    CompanyFactory(published=True, name="Härterei Engel", offers=["Härten"])
    MembershipFactory(company=Company.objects.get(name="Härterei Engel"), user=emma)

    visit(petra)
    emmas = visit(emma)
    petras = visit(petra)

    assert "Emma Engel" in emmas
    assert "Härterei Engel" in emmas
    assert "Petra Prüfer" not in emmas
    assert "Spannwerk Zella-Mehlis" not in emmas
    assert "Emma Engel" not in petras
    assert "Härterei Engel" not in petras


def test_the_kept_page_is_per_language(petra, spannwerk):
    english = visit(petra)
    # Without a signal, so that only the key's language can tell the two pages apart.
    type(petra).objects.filter(pk=petra.pk).update(preferred_language="de")
    petra.refresh_from_db()
    german = visit(petra)
    assert "Your companies" in english
    assert "Ihre Unternehmen" in german


def test_the_forms_of_a_page_kept_for_the_laptop_post_from_the_phone(petra, spannwerk):
    """Each session has its own CSRF secret: the kept page must carry the visitor's own."""
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(petra)
    laptop = Client(enforce_csrf_checks=True)
    laptop.force_login(petra)
    laptops = visit(petra, laptop)
    page = visit(petra, phone)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert token not in laptops

    response = phone.post(
        "/me/",
        {
            "csrfmiddlewaretoken": token,
            "display_name": "Petra Prüfer-Schmidt",
            "preferred_language": "en",
        },
    )

    assert response.status_code == 302
    petra.refresh_from_db()
    assert petra.display_name == "Petra Prüfer-Schmidt"
    assert "Petra Prüfer-Schmidt" in visit(petra, phone)


def test_a_name_change_shows_at_once(petra, spannwerk):
    visit(petra)
    petra.display_name = "Petra Neu"
    petra.save()
    assert "Hello Petra" in visit(petra)
    assert 'value="Petra Neu"' in visit(petra)


def test_a_company_rename_shows_at_once(petra, spannwerk):
    visit(petra)
    profiles.update_company(company=spannwerk, fields={"name": "Spannwerk Suhl"}, certifications=[])
    assert "Spannwerk Suhl" in visit(petra)


def test_joining_and_leaving_a_company_show_at_once(petra, spannwerk):
    colleague = person()
    assert "Spannwerk Zella-Mehlis" not in visit(colleague)

    MembershipFactory(company=spannwerk, user=colleague, role=Membership.Role.EDITOR)
    assert "Spannwerk Zella-Mehlis" in visit(colleague)

    members.leave_company(company=spannwerk, user=colleague)
    assert "Spannwerk Zella-Mehlis" not in visit(colleague)


def test_an_invitation_to_a_verified_address_shows_at_once(petra, spannwerk):
    invited = person(email="kollege@spannwerk.example")
    assert "Spannwerk Zella-Mehlis" not in visit(invited)

    members.invite(company=spannwerk, email="kollege@spannwerk.example", role="editor", by=petra)

    assert "Spannwerk Zella-Mehlis" in visit(invited)


def test_an_address_confirmed_later_brings_its_invitation(petra, spannwerk):
    invited = person(email="kollege@spannwerk.example")
    members.invite(company=spannwerk, email="zweite@spannwerk.example", role="editor", by=petra)
    assert "Spannwerk Zella-Mehlis" not in visit(invited)

    EmailAddress.objects.create(user=invited, email="zweite@spannwerk.example", verified=True)

    assert "Spannwerk Zella-Mehlis" in visit(invited)


def test_a_matching_request_appears_and_goes_when_it_is_closed(petra, spannwerk):
    asker = person()
    asking = CompanyFactory(published=True, name="Feinmechanik Suhl")
    MembershipFactory(company=asking, user=asker)
    assert "Spezielle Spannzangen gesucht" not in visit(petra)

    request = help_requests.post_request(
        company=asking,
        author=asker,
        title="Spezielle Spannzangen gesucht",
        description="Für eine Sonderfertigung.",
        tag_labels=["Spannzange"],
    )
    assert "Spezielle Spannzangen gesucht" in visit(petra)

    # Closing is an update() that sends no signal.
    help_requests.close_request(help_request=request, user=asker)
    assert "Spezielle Spannzangen gesucht" not in visit(petra)


def test_a_registration_and_its_cancellation_show_at_once(petra, spannwerk):
    event = EventFactory(title="Netzwerkabend Zella-Mehlis")
    assert "Netzwerkabend Zella-Mehlis" not in visit(petra)

    place = registration.register(
        event=event,
        company=spannwerk,
        person=petra,
        name=petra.display_name,
        email=petra.email,
        registered_by=petra,
    )
    assert "Netzwerkabend Zella-Mehlis" in visit(petra)

    registration.cancel(registration=place, by=petra)
    assert "Netzwerkabend Zella-Mehlis" not in visit(petra)


def test_a_new_calendar_link_shows_at_once(petra, spannwerk):
    assert "Renew the link" not in visit(petra)
    calendar.renew_feed(user=petra)
    assert "Renew the link" in visit(petra)


def test_a_story_draft_shows_at_once(petra, spannwerk):
    visit(petra)
    partner = CompanyFactory(published=True)
    story_about(
        cooperation_of(spannwerk, partner), author=petra, title="Spannzangen aus der Nachbarschaft"
    )
    assert "Spannzangen aus der Nachbarschaft" in visit(petra)


def test_subscribing_to_the_newsletter_shows_at_once(petra, spannwerk):
    assert "Subscribe to the newsletter" in visit(petra)
    subscriber = subscribe_member(petra)
    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
    subscriber.save()
    assert "Unsubscribe from the newsletter" in visit(petra)


def test_becoming_staff_shows_the_team_sections_at_once(petra, spannwerk):
    assert "KAG team" not in visit(petra)
    petra.is_staff = True
    petra.save()
    assert "KAG team" in visit(petra)


def test_a_company_sent_for_review_counts_in_the_staff_queue_at_once(petra, spannwerk):
    staff = person(is_staff=True)
    before = visit(staff)
    CompanyFactory(status=Company.Status.IN_REVIEW)
    after = visit(staff)
    assert _queue_count(after) == _queue_count(before) + 1


def test_a_failed_save_is_rendered_afresh_with_its_errors(petra, spannwerk):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    visit(petra, client)
    response = client.post("/me/", {"display_name": "", "preferred_language": "en"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    # The next plain visit is the kept page again, without the error.
    assert "This field is required." not in visit(petra, client)


def test_an_invitation_opened_before_signing_up_is_shown_although_the_page_is_kept(
    petra, spannwerk
):
    newcomer = person(email="neu@anderswo.example")
    invitation = members.invite(
        company=spannwerk, email="neu@spannwerk.example", role="editor", by=petra
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Spannwerk Zella-Mehlis" not in visit(newcomer, client)

    session = client.session
    session["companies_invitation"] = members.invitation_token(invitation)
    session.save()

    assert "Spannwerk Zella-Mehlis" in visit(newcomer, client)


def _queue_count(page: str) -> int:
    match = re.search(r"(\d+) profiles? waits? for review", page)
    assert match, "the staff section shows the review queue with its count"
    return int(match.group(1))


def _without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)
