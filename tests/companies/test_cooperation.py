"""A closed request with a helper is recorded as a cooperation that both companies confirm."""

from __future__ import annotations

import pytest
from django.utils import timezone

from companies.models import Cooperation, CooperationParty
from companies.services import cooperations, help_requests
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def member_of(company, **user):
    fields = {f"user__{name}": value for name, value in user.items()}
    return MembershipFactory(company=company, user__preferred_language="en", **fields).user


@pytest.fixture
def feinwerk():
    return CompanyFactory(published=True, name="Feinwerk Suhl GmbH")


@pytest.fixture
def spannwerk():
    return CompanyFactory(published=True, name="Spannwerk Zella-Mehlis", offers=["Spannzangen"])


@pytest.fixture
def anna(feinwerk):
    return member_of(feinwerk, email="anna@feinwerk.example")


@pytest.fixture
def bernd(spannwerk):
    return member_of(spannwerk, email="bernd@spannwerk.example")


@pytest.fixture
def answered(feinwerk, anna, spannwerk, bernd):
    help_request = help_requests.post_request(
        company=feinwerk,
        author=anna,
        title="Mitlaufende Sonder-Spannzangen",
        description="Kleinserie",
        tag_labels=["Spannzangen", "Kleinserie"],
    )
    help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=bernd, message="Ja"
    )
    return help_request


def test_closing_with_a_helper_records_a_cooperation_of_both_companies(
    client, answered, anna, feinwerk, spannwerk
):
    client.force_login(anna)

    client.post(f"/help-requests/{answered.pk}/close/", {"helped_by": spannwerk.pk})

    cooperation = Cooperation.objects.get()
    assert cooperation.origin == Cooperation.Origin.REQUEST
    assert cooperation.help_request == answered
    assert cooperation.description == "Mitlaufende Sonder-Spannzangen"
    assert cooperation.started_on == timezone.localdate()
    assert cooperation.created_by == anna
    assert sorted(t.name for t in cooperation.tags.all()) == ["Kleinserie", "Spannzangen"]
    requester = CooperationParty.objects.get(cooperation=cooperation, company=feinwerk)
    helper = CooperationParty.objects.get(cooperation=cooperation, company=spannwerk)
    assert requester.confirmed_by == anna
    assert requester.confirmed_at is not None
    assert helper.confirmed_at is None
    assert helper.confirmed_by is None
    assert not cooperation.is_confirmed


def test_closing_without_a_helper_records_no_cooperation(client, answered, anna):
    client.force_login(anna)

    client.post(f"/help-requests/{answered.pk}/close/", {"helped_by": ""})

    assert not Cooperation.objects.exists()


def test_the_helpers_members_get_a_mail_asking_them_to_confirm(answered, anna, spannwerk, bernd):
    colleague = member_of(spannwerk, email="chefin@spannwerk.example")

    cooperation = help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)

    mails = OutboxMail.objects.filter(template="request_helped").order_by("to_email")
    assert [m.to_email for m in mails] == [bernd.email, colleague.email]
    assert mails[0].idempotency_key == f"request-helped:{cooperation.pk}:{bernd.pk}"
    assert "Feinwerk Suhl GmbH" in mails[0].subject
    assert f"/help-requests/{answered.pk}/" in mails[0].body_text
    assert "confirm" in mails[0].body_text


def test_a_member_of_the_helper_confirms_on_the_request_page(client, answered, anna, spannwerk):
    help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)
    carla = member_of(spannwerk)
    client.force_login(carla)

    page = client.get(f"/help-requests/{answered.pk}/")
    response = client.post(f"/help-requests/{answered.pk}/confirm/")

    helper = CooperationParty.objects.get(company=spannwerk)
    assert "Yes, we worked together" in page.content.decode()
    assert response.status_code == 302
    assert helper.confirmed_by == carla
    assert helper.confirmed_at is not None
    assert Cooperation.objects.get().is_confirmed
    after = client.get(f"/help-requests/{answered.pk}/").content.decode()
    assert "Yes, we worked together" not in after


def test_confirming_twice_keeps_the_first_confirmation(client, answered, anna, spannwerk, bernd):
    help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)
    client.force_login(bernd)
    client.post(f"/help-requests/{answered.pk}/confirm/")
    first = CooperationParty.objects.get(company=spannwerk).confirmed_at

    response = client.post(f"/help-requests/{answered.pk}/confirm/", follow=True)

    assert CooperationParty.objects.get(company=spannwerk).confirmed_at == first
    assert "already confirmed" in response.content.decode()


def test_the_requester_sees_whether_the_helper_has_confirmed(
    client, answered, anna, spannwerk, bernd
):
    cooperation = help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)
    client.force_login(anna)

    before = client.get(f"/help-requests/{answered.pk}/").content.decode()
    cooperations.confirm_cooperation(cooperation=cooperation, user=bernd)
    after = client.get(f"/help-requests/{answered.pk}/").content.decode()

    assert "Spannwerk Zella-Mehlis has not yet confirmed the cooperation." in before
    assert "Spannwerk Zella-Mehlis has confirmed the cooperation." in after


@pytest.mark.parametrize("who", ["outsider", "staff", "answered_but_not_named"])
def test_nobody_else_can_confirm_the_cooperation(client, answered, anna, spannwerk, who):
    help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)
    if who == "outsider":
        person = member_of(CompanyFactory(published=True))
    elif who == "staff":
        person = StaffFactory()
    else:
        rival = CompanyFactory(published=True)
        person = member_of(rival)
        answered.offers.create(company=rival, author=person, message="Wir auch")
    client.force_login(person)

    page = client.get(f"/help-requests/{answered.pk}/")
    response = client.post(f"/help-requests/{answered.pk}/confirm/")

    assert "Yes, we worked together" not in page.content.decode()
    assert response.status_code == 403
    assert CooperationParty.objects.get(company=spannwerk).confirmed_at is None


def test_confirming_a_request_without_a_cooperation_is_refused(client, answered, bernd):
    client.force_login(bernd)

    assert client.post(f"/help-requests/{answered.pk}/confirm/").status_code == 403


def test_recording_the_cooperation_of_a_request_twice_keeps_one(answered, anna, spannwerk):
    first = help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)

    again = cooperations.record_request_cooperation(help_request=answered, closed_by=anna)

    assert again == first
    assert Cooperation.objects.count() == 1
    assert CooperationParty.objects.count() == 2
