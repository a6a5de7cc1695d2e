"""Who may open the pages where members manage a company. Nobody outside sees another firm's
draft, members, requests to join or invitations; editors edit, owners also manage."""

from __future__ import annotations

import pytest

from companies.models import Company, Invitation, Membership
from companies.services import members
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBER_PAGES = ["edit/", "edit/tags/", "edit/consent/", "logo/", "members/"]
OWNER_PAGES = ["members/invite/", "delete/"]


@pytest.fixture
def draft() -> Company:
    company = CompanyFactory(name="Geheime Neugründung GmbH", slug="neugruendung")
    MembershipFactory(company=company, user=UserFactory(email="gruender@neu.example"))
    return company


@pytest.mark.parametrize("page", MEMBER_PAGES + OWNER_PAGES)
def test_another_firms_draft_is_not_found(client, draft, page):
    outsider = MembershipFactory(company=CompanyFactory(published=True)).user
    client.force_login(outsider)

    response = client.get(f"/companies/{draft.slug}/{page}")

    assert response.status_code == 404
    assert "Geheime Neugründung" not in response.content.decode()


@pytest.mark.parametrize("page", MEMBER_PAGES + OWNER_PAGES)
def test_staff_do_not_edit_drafts_here(client, draft, page):
    # The KAG team reviews in its own tools (/staff/companies/).
    client.force_login(StaffFactory())

    assert client.get(f"/companies/{draft.slug}/{page}").status_code == 404


@pytest.mark.parametrize("page", MEMBER_PAGES + OWNER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, draft, page):
    response = client.get(f"/companies/{draft.slug}/{page}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_an_editor_opens_the_member_pages(client, draft, page):
    editor = MembershipFactory(company=draft, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    assert client.get(f"/companies/{draft.slug}/{page}").status_code == 200


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_an_editor_does_not_open_the_owner_pages(client, draft, page):
    editor = MembershipFactory(company=draft, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    assert client.get(f"/companies/{draft.slug}/{page}").status_code == 403


def test_an_outsider_cannot_change_a_published_company(client):
    company = CompanyFactory(published=True, name="Spannwerk GmbH")
    MembershipFactory(company=company)
    client.force_login(UserFactory())

    response = client.post(
        f"/companies/{company.slug}/edit/tags/", {"offers": "Übernommen", "needs": ""}
    )

    assert response.status_code == 403
    assert not company.offers.exists()


def test_an_outsider_cannot_submit_or_withdraw(client):
    company = CompanyFactory(published=True)
    MembershipFactory(company=company)
    client.force_login(UserFactory())

    assert client.post(f"/companies/{company.slug}/submit/").status_code == 403
    response = client.post(f"/companies/{company.slug}/edit/consent/", {"action": "withdraw"})

    assert response.status_code == 403
    company.refresh_from_db()
    assert company.status == Company.Status.PUBLISHED


def test_an_outsider_cannot_accept_requests_or_revoke_invitations(client):
    company = CompanyFactory(published=True)
    owner = MembershipFactory(company=company).user
    join_request = members.request_to_join(company=company, user=UserFactory())
    invitation = members.invite(company=company, email="a@b.example", role="editor", by=owner)
    client.force_login(MembershipFactory(company=CompanyFactory(published=True)).user)

    decide = client.post(
        f"/companies/{company.slug}/members/requests/{join_request.pk}/", {"decision": "approve"}
    )
    revoke = client.post(f"/companies/{company.slug}/members/invitations/{invitation.pk}/revoke/")

    assert decide.status_code == 403
    assert revoke.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == "pending"
    assert Invitation.objects.filter(pk=invitation.pk, accepted_at=None).exists()


def test_an_owner_cannot_revoke_another_companys_invitation_through_their_own(client):
    mine = CompanyFactory(published=True)
    owner = MembershipFactory(company=mine).user
    other = CompanyFactory(published=True)
    other_owner = MembershipFactory(company=other).user
    invitation = members.invite(company=other, email="a@b.example", role="editor", by=other_owner)
    client.force_login(owner)

    response = client.post(f"/companies/{mine.slug}/members/invitations/{invitation.pk}/revoke/")

    # Revoking looks only among the owner's own company's invitations: the other one stays open.
    assert response.status_code == 302
    assert Invitation.objects.filter(pk=invitation.pk, accepted_at=None).exists()
