"""An invitation to a company is for the person it was mailed to, not for whoever holds the link.

Only an account that has confirmed the invited address accepts; anyone else is told where the
invitation went and how to become that account, and the link keeps working for the invitee.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.models import Company, Invitation, Membership
from companies.services import members
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITED = "lena@spannwerk.example"


@pytest.fixture
def spannwerk() -> Company:
    return CompanyFactory(published=True, name="Spannwerk GmbH", slug="spannwerk")


@pytest.fixture
def invitation(spannwerk) -> Invitation:
    owner = MembershipFactory(company=spannwerk).user
    return members.invite(company=spannwerk, email=INVITED, role="owner", by=owner)


@pytest.fixture
def path(invitation) -> str:
    return f"/companies/invitations/{members.invitation_token(invitation)}/"


def is_open(invitation: Invitation) -> bool:
    invitation.refresh_from_db()
    return invitation.accepted_at is None and invitation.accepted_by is None


@pytest.mark.parametrize("who", ["someone", "staff"])
def test_another_account_with_the_link_is_refused_and_the_invitation_stays_open(
    client, spannwerk, invitation, path, who
):
    factory = StaffFactory if who == "staff" else UserFactory
    holder = factory(email="team@kag-demo.de", preferred_language="en")
    client.force_login(holder)

    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "This invitation was sent to l***@spannwerk.example." in html
    assert INVITED not in html
    assert 'href="/accounts/email/"' in html
    assert "Accept the invitation" not in html

    response = client.post(path)

    assert response.status_code == 403
    assert "Log in with that address, or add it to your account and confirm it" in (
        response.content.decode()
    )
    assert not Membership.objects.filter(company=spannwerk, user=holder).exists()
    assert is_open(invitation)

    # The invitee's own account still accepts with the same link.
    client.force_login(UserFactory(email=INVITED))
    assert client.post(path).status_code == 302
    assert not is_open(invitation)


def test_an_account_that_added_the_address_without_confirming_it_is_refused(
    client, spannwerk, invitation, path
):
    lena = UserFactory(email="lena.privat@example.org", preferred_language="en")
    EmailAddress.objects.create(user=lena, email="Lena@Spannwerk.example", verified=False)
    client.force_login(lena)

    page = client.get(path).content.decode()
    assert "not confirmed it yet" in page
    assert "Confirm the address" in page

    response = client.post(path)

    assert response.status_code == 403
    assert not Membership.objects.filter(company=spannwerk, user=lena).exists()
    assert is_open(invitation)


def test_once_the_address_is_confirmed_the_same_account_accepts(
    client, spannwerk, invitation, path
):
    lena = UserFactory(email="lena.privat@example.org", preferred_language="en")
    address = EmailAddress.objects.create(user=lena, email=INVITED, verified=False)
    client.force_login(lena)
    assert client.post(path).status_code == 403

    address.verified = True
    address.save(update_fields=["verified"])
    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == "/companies/spannwerk/edit/"
    assert Membership.objects.get(company=spannwerk, user=lena).role == Membership.Role.OWNER
    invitation.refresh_from_db()
    assert invitation.accepted_by == lena


def test_the_service_itself_refuses_an_account_without_the_address(invitation):
    stranger = UserFactory()

    with translation.override("en"), pytest.raises(ValidationError, match="l\\*\\*\\*@spannwerk"):
        members.accept_invitation(invitation=invitation, user=stranger)

    assert not Membership.objects.filter(user=stranger).exists()
    assert is_open(invitation)


def test_the_wrong_account_can_log_out_and_come_back_as_the_right_one(client, invitation, path):
    client.force_login(UserFactory(preferred_language="en"))

    html = client.get(path).content.decode()

    assert 'action="/accounts/logout/"' in html
    login_again = f"/accounts/login/?{urlencode({'next': path})}"
    assert f'name="next" value="{login_again}"' in html
    response = client.post("/accounts/logout/", {"next": login_again})
    assert response["Location"] == login_again


def test_an_anonymous_visitor_learns_which_address_to_use_without_seeing_it_whole(client, path):
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "The invitation was sent to l***@spannwerk.example" in html
    assert INVITED not in html
    assert "/accounts/login/?next=/companies/invitations/" in html
    # The sign-up link carries no token: the invitation waits in the session.
    assert 'href="/accounts/signup/"' in html
    assert "/accounts/signup/?" not in html
