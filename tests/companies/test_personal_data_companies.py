"""DSGVO for the companies part: the export lists memberships, requests, invitations and
consents; deleting an account removes them, and the last owner of a company decides first what
happens to the company (hand over or delete it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from companies.models import Company, HelpRequest, Invitation, JoinRequest, Membership
from companies.services import members, profiles
from companies.services.personal_data import companies_blocking_deletion
from kag_portal import personal_data
from kag_portal.models import User
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ines():
    return UserFactory(email="ines@spannwerk.example", display_name="Ines Hollerbach")


def test_the_export_lists_memberships_requests_invitations_and_consents(client, ines):
    spannwerk = CompanyFactory(published=True, name="Spannwerk GmbH")
    MembershipFactory(company=spannwerk, user=ines)
    profiles.give_consent(company=spannwerk, user=ines)
    Company.objects.filter(pk=spannwerk.pk).update(public_consent_by=ines)
    feinwerk = CompanyFactory(published=True, name="Feinwerk GmbH")
    feinwerk_owner = MembershipFactory(company=feinwerk).user
    members.request_to_join(company=feinwerk, user=ines, message="Ich wechsle zu Ihnen.")
    members.invite(company=spannwerk, email="lena@spannwerk.example", role="editor", by=ines)
    glaswerk = CompanyFactory(published=True, name="Glaswerk Schleusingen")
    invitation = members.invite(
        company=glaswerk,
        email=ines.email,
        role="editor",
        by=MembershipFactory(company=glaswerk).user,
    )
    members.accept_invitation(invitation=invitation, user=ines)
    client.force_login(ines)

    data = client.get("/me/export/").json()["data"]["companies"]

    assert {(m["company"], m["role"]) for m in data["memberships"]} == {
        ("Spannwerk GmbH", "owner"),
        ("Glaswerk Schleusingen", "editor"),
    }
    assert data["join_requests"][0]["company"] == "Feinwerk GmbH"
    assert data["join_requests"][0]["message"] == "Ich wechsle zu Ihnen."
    assert data["invitations_sent"][0]["email"] == "lena@spannwerk.example"
    assert data["invitations_accepted"][0]["company"] == "Glaswerk Schleusingen"
    assert data["public_directory_consents"][0]["company"] == "Spannwerk GmbH"
    assert feinwerk_owner.email not in str(data)


def test_deleting_an_account_removes_memberships_requests_and_invitations_to_it(client, ines):
    spannwerk = CompanyFactory(published=True)
    MembershipFactory(company=spannwerk)  # another owner stays
    MembershipFactory(company=spannwerk, user=ines, role=Membership.Role.EDITOR)
    feinwerk = CompanyFactory(published=True)
    feinwerk_owner = MembershipFactory(company=feinwerk).user
    members.request_to_join(company=feinwerk, user=ines)
    members.invite(company=feinwerk, email=ines.email, role="editor", by=feinwerk_owner)
    client.force_login(ines)

    response = client.post("/me/delete/", {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=ines.pk).exists()
    assert not Membership.objects.filter(user_id=ines.pk).exists()
    assert not JoinRequest.objects.filter(user_id=ines.pk).exists()
    assert not Invitation.objects.filter(email=ines.email).exists()
    assert Membership.objects.filter(company=spannwerk).count() == 1


def test_the_last_owner_is_asked_what_happens_to_the_company_first(client, ines):
    spannwerk = CompanyFactory(published=True, name="Spannwerk GmbH")
    MembershipFactory(company=spannwerk, user=ines)
    MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(ines)

    page = client.get("/me/delete/").content.decode()
    response = client.post("/me/delete/", {"password": DEFAULT_PASSWORD})

    assert "Spannwerk GmbH" in page
    assert f"/companies/{spannwerk.slug}/members/" in page
    assert f"/companies/{spannwerk.slug}/delete/" in page
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert User.objects.filter(pk=ines.pk).exists()
    assert Membership.objects.filter(user=ines).exists()


def test_after_handing_over_the_account_can_be_deleted(client, ines):
    spannwerk = CompanyFactory(published=True)
    mine = MembershipFactory(company=spannwerk, user=ines)
    colleague = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    members.transfer_ownership(company=spannwerk, membership_id=colleague.pk, by=ines)
    client.force_login(ines)

    client.post("/me/delete/", {"password": DEFAULT_PASSWORD})

    assert not User.objects.filter(pk=ines.pk).exists()
    assert not Membership.objects.filter(pk=mine.pk).exists()
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.OWNER


def test_a_sole_member_is_offered_to_invite_a_successor_or_delete(client, ines):
    spannwerk = CompanyFactory(published=True)
    MembershipFactory(company=spannwerk, user=ines)
    client.force_login(ines)

    [blocker] = personal_data.deletion_blockers(ines)

    urls = [url for _label, url in blocker.actions]
    assert urls == [
        f"/companies/{spannwerk.slug}/members/invite/",
        f"/companies/{spannwerk.slug}/delete/",
    ]


def test_while_a_company_blocks_deletion_the_button_is_off_and_says_why_beside_it(client, ines):
    MembershipFactory(company=CompanyFactory(published=True), user=ines)
    client.force_login(ines)

    page = client.get("/me/delete/").content.decode()

    assert 'disabled aria-describedby="delete-blocked-reason"' in page
    assert 'id="delete-blocked-reason"' in page
    assert "Noch nicht möglich" in page


def test_without_blockers_the_delete_button_is_on(client, ines):
    client.force_login(ines)

    page = client.get("/me/delete/").content.decode()

    assert "disabled" not in page.split('id="delete-heading"')[1]


def test_one_of_two_owners_is_no_blocker(ines):
    spannwerk = CompanyFactory(published=True)
    MembershipFactory(company=spannwerk, user=ines)
    MembershipFactory(company=spannwerk)

    assert companies_blocking_deletion(ines) == []


def test_the_registry_refuses_to_delete_while_a_company_would_be_left_without_owner(ines):
    MembershipFactory(company=CompanyFactory(), user=ines)

    with pytest.raises(personal_data.DeletionBlocked):
        personal_data.delete_user_data(ines)

    assert User.objects.filter(pk=ines.pk).exists()


def test_the_owner_deletes_the_company_and_only_anonymous_counts_stay(
    client, ines, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    spannwerk = CompanyFactory(published=True, name="Spannwerk GmbH")
    MembershipFactory(company=spannwerk, user=ines)
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    JoinRequest.objects.create(company=spannwerk, user=UserFactory())
    members.invite(company=spannwerk, email="a@b.example", role="editor", by=ines)
    HelpRequest.objects.create(company=spannwerk, author=ines, title="Spannzangen", description="…")
    spannwerk.logo.save("spannwerk.webp", ContentFile(b"RIFF"), save=True)
    logo = Path(spannwerk.logo.path)
    client.force_login(ines)

    refused = client.post(f"/companies/{spannwerk.slug}/delete/", {})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/companies/{spannwerk.slug}/delete/", {"confirm": "on"})

    assert refused.status_code == 200
    assert response.status_code == 302
    # The row stays for the network's counts, with nothing left that names the firm.
    deleted = Company.objects.get(pk=spannwerk.pk)
    assert deleted.status == Company.Status.DELETED
    assert "Spannwerk" not in deleted.name
    assert (deleted.slug, deleted.public_email, deleted.logo.name) == (
        f"deleted-{spannwerk.pk}",
        "",
        "",
    )
    assert deleted.public_consent_at is None
    assert client.get(f"/companies/{spannwerk.slug}/").status_code == 404
    assert not Membership.objects.filter(pk=editor.pk).exists()
    assert not JoinRequest.objects.exists()
    assert not Invitation.objects.exists()
    counted = HelpRequest.objects.get()
    assert (counted.title, counted.description, counted.status) == ("–", "", "closed")
    assert not logo.exists()
    # Now nothing stands in the way of deleting the account.
    assert personal_data.deletion_blockers(ines) == []


def test_an_editor_cannot_delete_the_company(client):
    spannwerk = CompanyFactory(published=True)
    MembershipFactory(company=spannwerk)
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    response = client.post(f"/companies/{spannwerk.slug}/delete/", {"confirm": "on"})

    assert response.status_code == 403
    assert Company.objects.filter(pk=spannwerk.pk).exists()
