"""Members: asking to join, the owners' decision, invitations by e-mail, roles, leaving.
A company always keeps an owner."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.utils import timezone

from companies.models import Company, Invitation, JoinRequest, Membership
from companies.services import members
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spannwerk() -> Company:
    return CompanyFactory(published=True, name="Spannwerk GmbH", slug="spannwerk")


@pytest.fixture
def owner(spannwerk):
    return MembershipFactory(
        company=spannwerk, user=UserFactory(display_name="Ines Hollerbach")
    ).user


def link(mail: OutboxMail, path_part: str) -> str:
    """The path of the first link in a mail that contains path_part."""
    match = re.search(rf"https?://\S*{re.escape(path_part)}\S*", mail.body_text)
    assert match, mail.body_text
    return urlsplit(match.group(0)).path


# --- Asking to join -----------------------------------------------------------------------------


def test_a_person_finds_a_published_company_by_name(client, spannwerk):
    CompanyFactory(name="Spannwerk Entwurf GmbH")  # a draft: never listed
    client.force_login(UserFactory())

    response = client.get("/companies/join/", {"q": "spannw"})

    assert [c.name for c, _member, _pending in response.context["results"]] == ["Spannwerk GmbH"]


def test_the_search_keeps_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    person = UserFactory()
    for number in range(40):
        company = CompanyFactory(published=True, name=f"Spannwerk {number:02d}")
        if number % 3 == 0:
            MembershipFactory(company=company, user=person, role=Membership.Role.EDITOR)
        elif number % 3 == 1:
            JoinRequest.objects.create(company=company, user=person)
    client.force_login(person)

    with django_assert_max_num_queries(8):
        response = client.get("/companies/join/", {"q": "Spannwerk"})

    assert len(response.context["results"]) == 20


def test_asking_to_join_mails_every_owner_a_link_to_decide(client, spannwerk, owner):
    second_owner = MembershipFactory(company=spannwerk).user
    MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    person = UserFactory(display_name="Moritz Kühn")
    client.force_login(person)

    response = client.post("/companies/spannwerk/join/", {"message": "Ich bin der neue Einkäufer."})

    assert response.status_code == 302
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.status) == (person, JoinRequest.Status.PENDING)
    mails = OutboxMail.objects.filter(template="membership_join_request")
    assert sorted(mails.values_list("to_email", flat=True)) == sorted(
        [owner.email, second_owner.email]
    )
    mail = mails.get(to_email=owner.email)
    assert "Moritz Kühn" in mail.subject
    assert "Ich bin der neue Einkäufer." in mail.body_text
    assert f"/companies/spannwerk/members/requests/{join_request.pk}/" in mail.body_text


def test_asking_twice_keeps_one_request_and_mails_once(client, spannwerk, owner):
    client.force_login(UserFactory())

    client.post("/companies/spannwerk/join/", {"message": ""})
    client.post("/companies/spannwerk/join/", {"message": "Nochmal"})

    assert JoinRequest.objects.count() == 1
    assert OutboxMail.objects.filter(template="membership_join_request").count() == 1


def test_a_draft_cannot_be_joined_or_even_seen(client):
    draft = CompanyFactory()
    MembershipFactory(company=draft)
    client.force_login(UserFactory())

    assert client.get(f"/companies/{draft.slug}/join/").status_code == 404
    assert client.post(f"/companies/{draft.slug}/join/", {}).status_code == 404
    assert not JoinRequest.objects.exists()


def test_an_over_long_message_is_refused(client, spannwerk, owner):
    client.force_login(UserFactory())

    response = client.post("/companies/spannwerk/join/", {"message": "x" * 1001})

    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert not JoinRequest.objects.exists()


def test_the_owner_approves_from_the_mail_link(client, spannwerk, owner):
    person = UserFactory()
    join_request = members.request_to_join(company=spannwerk, user=person, message="Hallo")
    path = link(OutboxMail.objects.get(to_email=owner.email), "/members/requests/")
    client.force_login(owner)

    page = client.get(path)
    response = client.post(path, {"decision": "approve"})

    assert page.status_code == 200
    assert "Hallo" in page.content.decode()
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == owner
    membership = Membership.objects.get(company=spannwerk, user=person)
    assert membership.role == Membership.Role.EDITOR
    decided = OutboxMail.objects.get(template="membership_join_decided")
    assert decided.to_email == person.email
    assert "/companies/spannwerk/edit/" in decided.body_text


def test_the_owner_declines_and_the_person_is_told(client, spannwerk, owner):
    person = UserFactory()
    join_request = members.request_to_join(company=spannwerk, user=person)
    client.force_login(owner)

    client.post(
        f"/companies/spannwerk/members/requests/{join_request.pk}/", {"decision": "decline"}
    )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=person).exists()
    assert OutboxMail.objects.filter(
        template="membership_join_decided", to_email=person.email
    ).exists()


def test_a_decision_cannot_be_made_twice(client, spannwerk, owner):
    join_request = members.request_to_join(company=spannwerk, user=UserFactory())
    client.force_login(owner)
    path = f"/companies/spannwerk/members/requests/{join_request.pk}/"

    client.post(path, {"decision": "decline"})
    client.post(path, {"decision": "approve"})

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert OutboxMail.objects.filter(template="membership_join_decided").count() == 1


def test_only_owners_of_that_company_may_decide(client, spannwerk, owner):
    join_request = members.request_to_join(company=spannwerk, user=UserFactory())
    path = f"/companies/spannwerk/members/requests/{join_request.pk}/"
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user
    other_owner = MembershipFactory(company=CompanyFactory(published=True)).user

    for person, status in ((editor, 403), (other_owner, 403), (join_request.user, 403)):
        client.force_login(person)
        assert client.get(path).status_code == status
        assert client.post(path, {"decision": "approve"}).status_code == status

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_a_request_of_another_company_is_not_found_under_mine(client, spannwerk, owner):
    other = CompanyFactory(published=True)
    MembershipFactory(company=other)
    join_request = members.request_to_join(company=other, user=UserFactory())
    client.force_login(owner)

    response = client.get(f"/companies/spannwerk/members/requests/{join_request.pk}/")

    assert response.status_code == 404


# --- Invitations --------------------------------------------------------------------------------


def test_an_owner_invites_a_colleague_by_mail(client, spannwerk, owner):
    client.force_login(owner)

    response = client.post(
        "/companies/spannwerk/members/invite/",
        {"email": "Lena.Roth@spannwerk.example", "role": "editor"},
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.invited_by == owner
    assert invitation.role == Membership.Role.EDITOR
    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )
    mail = OutboxMail.objects.get(template="invitation_to_company")
    assert mail.to_email == "Lena.Roth@spannwerk.example"
    assert "Spannwerk GmbH" in mail.subject
    assert "/companies/invitations/" in mail.body_text


def test_the_invitation_link_works_for_a_person_without_an_account(client, spannwerk, owner):
    members.invite(company=spannwerk, email="lena@spannwerk.example", role="editor", by=owner)
    path = link(OutboxMail.objects.get(template="invitation_to_company"), "/invitations/")

    page = client.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Spannwerk GmbH" in html
    assert 'href="/accounts/signup/"' in html
    assert "/accounts/login/?next=/companies/invitations/" in html

    # An account made elsewhere and logged in: "Mein Bereich" offers the invitation from the
    # session (tests/portal/test_signup_redirects.py: signing up accepts it at once).
    lena = UserFactory(email="lena@spannwerk.example")
    client.force_login(lena)
    me = client.get("/me/").content.decode()
    assert path in me

    response = client.post(path)

    assert response.status_code == 302
    assert Membership.objects.get(company=spannwerk, user=lena).role == Membership.Role.EDITOR
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == lena
    assert invitation.accepted_at is not None
    assert path not in client.get("/me/").content.decode()


def test_an_anonymous_accept_is_sent_to_log_in_and_back(client, spannwerk, owner):
    invitation = members.invite(company=spannwerk, email="a@b.example", role="editor", by=owner)
    path = f"/companies/invitations/{members.invitation_token(invitation)}/"

    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=%2Fcompanies%2Finvitations")
    assert not Membership.objects.filter(role=Membership.Role.EDITOR).exists()


def test_my_area_lists_invitations_to_my_verified_address(client, spannwerk, owner):
    lena = UserFactory(email="lena@spannwerk.example")
    members.invite(company=spannwerk, email="LENA@spannwerk.example", role="owner", by=owner)
    client.force_login(lena)

    html = client.get("/me/").content.decode()

    assert "Spannwerk GmbH" in html
    assert "/companies/invitations/" in html


def test_an_invitation_works_once(client, spannwerk, owner):
    invitation = members.invite(company=spannwerk, email="a@b.example", role="editor", by=owner)
    path = f"/companies/invitations/{members.invitation_token(invitation)}/"
    client.force_login(UserFactory(email="a@b.example"))
    client.post(path)

    client.force_login(UserFactory())
    response = client.post(path)

    assert response.status_code == 404
    assert Membership.objects.filter(company=spannwerk).count() == 2


def test_an_invitation_expires_after_fourteen_days(client, spannwerk, owner, monkeypatch):
    invitation = members.invite(company=spannwerk, email="a@b.example", role="editor", by=owner)
    path = f"/companies/invitations/{members.invitation_token(invitation)}/"
    later = time.time() + 14 * 24 * 3600 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    client.force_login(UserFactory())

    response = client.post(path)

    assert response.status_code == 404
    assert "does not work" in response.content.decode() or "funktioniert" in (
        response.content.decode()
    )
    assert Membership.objects.filter(company=spannwerk).count() == 1


def test_an_invitation_past_its_date_does_not_work_even_with_a_fresh_signature(
    client, spannwerk, owner
):
    invitation = members.invite(company=spannwerk, email="a@b.example", role="editor", by=owner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client.force_login(UserFactory())

    response = client.post(f"/companies/invitations/{members.invitation_token(invitation)}/")

    assert response.status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "eyJpIjoxfQ:1u2v3w:forged-signature"])
def test_a_forged_invitation_link_does_not_work(client, token):
    assert client.get(f"/companies/invitations/{token}/").status_code == 404


def test_a_withdrawn_invitation_does_not_work(client, spannwerk, owner):
    invitation = members.invite(company=spannwerk, email="a@b.example", role="editor", by=owner)
    client.force_login(owner)

    client.post(f"/companies/spannwerk/members/invitations/{invitation.pk}/revoke/")

    assert not Invitation.objects.exists()
    client.force_login(UserFactory())
    response = client.get(f"/companies/invitations/{members.invitation_token(invitation)}/")
    assert response.status_code == 404


def test_inviting_the_same_address_again_renews_the_invitation(client, spannwerk, owner):
    first = members.invite(company=spannwerk, email="a@b.example", role="editor", by=owner)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(days=1))

    again = members.invite(company=spannwerk, email="A@b.example", role="owner", by=owner)

    assert again.pk == first.pk
    assert again.role == Membership.Role.OWNER
    assert again.expires_at > timezone.now() + timedelta(days=13)
    assert OutboxMail.objects.filter(template="invitation_to_company").count() == 2


def test_inviting_a_member_is_refused_with_a_message(client, spannwerk, owner):
    colleague = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user
    client.force_login(owner)

    response = client.post(
        "/companies/spannwerk/members/invite/", {"email": colleague.email.upper(), "role": "editor"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()
    assert not OutboxMail.objects.exists()


def test_a_bad_address_is_refused(client, spannwerk, owner):
    client.force_login(owner)

    response = client.post(
        "/companies/spannwerk/members/invite/", {"email": "keine adresse", "role": "editor"}
    )

    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_editors_cannot_invite(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    response = client.post(
        "/companies/spannwerk/members/invite/", {"email": "a@b.example", "role": "owner"}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_invitation_as_owner_upgrades_an_editor(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    EmailAddress.objects.create(user=editor.user, email="x@y.example", verified=True)
    invitation = members.invite(company=spannwerk, email="x@y.example", role="owner", by=owner)

    members.accept_invitation(invitation=invitation, user=editor.user)

    editor.refresh_from_db()
    assert editor.role == Membership.Role.OWNER


# --- Roles, removing, leaving, handing over -----------------------------------------------------


def test_an_owner_makes_an_editor_an_owner_and_back(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(owner)

    client.post(f"/companies/spannwerk/members/{editor.pk}/role/", {"role": "owner"})
    editor.refresh_from_db()
    assert editor.role == Membership.Role.OWNER

    client.post(f"/companies/spannwerk/members/{editor.pk}/role/", {"role": "editor"})
    editor.refresh_from_db()
    assert editor.role == Membership.Role.EDITOR


def test_the_last_owner_cannot_make_themselves_an_editor(client, spannwerk, owner):
    mine = Membership.objects.get(user=owner)
    client.force_login(owner)

    response = client.post(
        f"/companies/spannwerk/members/{mine.pk}/role/", {"role": "editor"}, follow=True
    )

    mine.refresh_from_db()
    assert mine.role == Membership.Role.OWNER
    [message] = response.context["messages"]
    assert message.level_tag == "error"


def test_the_last_owner_cannot_be_removed_or_leave(client, spannwerk, owner):
    mine = Membership.objects.get(user=owner)
    MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(owner)

    client.post(f"/companies/spannwerk/members/{mine.pk}/remove/")
    client.post("/companies/spannwerk/members/leave/")

    assert Membership.objects.filter(pk=mine.pk).exists()
    with pytest.raises(members.LastOwnerError):
        members.leave_company(company=spannwerk, user=owner)


def test_an_owner_removes_an_editor(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(owner)

    response = client.post(f"/companies/spannwerk/members/{editor.pk}/remove/")

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_one_of_two_owners_may_leave(client, spannwerk, owner):
    MembershipFactory(company=spannwerk)
    client.force_login(owner)

    response = client.post("/companies/spannwerk/members/leave/")

    assert response["Location"] == "/me/"
    assert not Membership.objects.filter(user=owner).exists()


def test_leaving_asks_first_and_says_what_it_means(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    page = client.get("/companies/spannwerk/members/leave/").content.decode()

    assert "Unternehmen verlassen?" in page
    assert "neu einladen" in page
    assert Membership.objects.filter(user=editor).exists()


def test_removing_a_member_asks_first_with_their_name(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(owner)

    page = client.get(f"/companies/spannwerk/members/{editor.pk}/remove/").content.decode()

    assert "Mitglied entfernen?" in page
    assert editor.user.email in page
    assert Membership.objects.filter(pk=editor.pk).exists()


def test_an_owner_cannot_ask_about_removing_someone_of_another_company(client, spannwerk, owner):
    stranger = MembershipFactory()
    client.force_login(owner)

    response = client.get(f"/companies/spannwerk/members/{stranger.pk}/remove/")

    assert response.status_code == 404


def test_an_editor_leaves(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    client.post("/companies/spannwerk/members/leave/")

    assert not Membership.objects.filter(user=editor).exists()


def test_handing_over_makes_the_other_the_owner_and_me_an_editor(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(owner)

    client.post(f"/companies/spannwerk/members/{editor.pk}/transfer/")

    editor.refresh_from_db()
    assert editor.role == Membership.Role.OWNER
    assert Membership.objects.get(user=owner).role == Membership.Role.EDITOR


def test_editors_cannot_change_roles_or_remove_anyone(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    mine = Membership.objects.get(user=owner)
    client.force_login(editor.user)

    assert (
        client.post(
            f"/companies/spannwerk/members/{editor.pk}/role/", {"role": "owner"}
        ).status_code
        == 403
    )
    assert client.post(f"/companies/spannwerk/members/{mine.pk}/remove/").status_code == 403
    assert client.post(f"/companies/spannwerk/members/{editor.pk}/transfer/").status_code == 403

    editor.refresh_from_db()
    assert editor.role == Membership.Role.EDITOR
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_a_membership_of_another_company_cannot_be_touched(client, spannwerk, owner):
    other = MembershipFactory(company=CompanyFactory(published=True), role=Membership.Role.EDITOR)
    client.force_login(owner)

    response = client.post(f"/companies/spannwerk/members/{other.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_a_wrong_role_is_refused(client, spannwerk, owner):
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    client.force_login(owner)

    client.post(f"/companies/spannwerk/members/{editor.pk}/role/", {"role": "admin"})

    editor.refresh_from_db()
    assert editor.role == Membership.Role.EDITOR


# --- The members page ---------------------------------------------------------------------------


def test_the_members_page_shows_requests_and_invitations_to_owners_only(client, spannwerk, owner):
    asking = UserFactory(display_name="Moritz Kühn")
    members.request_to_join(company=spannwerk, user=asking, message="Einkauf")
    members.invite(company=spannwerk, email="lena@spannwerk.example", role="editor", by=owner)
    editor = MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR).user

    client.force_login(owner)
    as_owner = client.get("/companies/spannwerk/members/").content.decode()
    client.force_login(editor)
    as_editor = client.get("/companies/spannwerk/members/").content.decode()

    assert "Moritz Kühn" in as_owner
    assert "lena@spannwerk.example" in as_owner
    assert owner.email in as_editor
    assert "Moritz Kühn" not in as_editor
    assert "lena@spannwerk.example" not in as_editor


def test_the_members_page_keeps_a_fixed_number_of_queries(
    client, spannwerk, owner, django_assert_max_num_queries
):
    for _ in range(30):
        MembershipFactory(company=spannwerk, role=Membership.Role.EDITOR)
    for _ in range(15):
        JoinRequest.objects.create(company=spannwerk, user=UserFactory(), message="Hallo")
    for number in range(10):
        members.invite(company=spannwerk, email=f"p{number}@x.example", role="editor", by=owner)
    client.force_login(owner)

    with django_assert_max_num_queries(12):
        response = client.get("/companies/spannwerk/members/")

    assert len(response.context["memberships"]) == 31
    assert len(response.context["join_requests"]) == 15
    assert len(response.context["invitations"]) == 10
