"""URLs under /companies/. Each area's views live in their own module of companies/views/."""

from django.urls import path

from .views import directory, members, profile

app_name = "companies"
urlpatterns = [
    # Directory, company pages, "Wer kann helfen?" (views/directory.py)
    path("", directory.directory, name="directory"),
    path("tags/suggest/", directory.tag_suggest, name="tag_suggest"),
    # Profiles, wizard, members, invitations, logo (views/profile.py, views/members.py)
    path("new/", profile.create, name="create"),
    path("join/", members.join_search, name="join_search"),
    path("invitations/<str:token>/", members.accept_invitation, name="accept_invitation"),
    path("<slug:slug>/edit/", profile.edit, name="edit"),
    path("<slug:slug>/edit/tags/", profile.edit_tags, name="edit_tags"),
    path("<slug:slug>/edit/consent/", profile.consent, name="consent"),
    path("<slug:slug>/submit/", profile.submit, name="submit"),
    path("<slug:slug>/logo/", profile.logo, name="logo"),
    path("<slug:slug>/delete/", profile.delete, name="delete"),
    path("<slug:slug>/join/", members.join, name="join"),
    path("<slug:slug>/members/", members.members, name="members"),
    path("<slug:slug>/members/invite/", members.invite, name="invite"),
    path("<slug:slug>/members/leave/", members.leave, name="leave"),
    path("<slug:slug>/members/<int:membership_id>/role/", members.change_role, name="change_role"),
    path(
        "<slug:slug>/members/<int:membership_id>/remove/",
        members.remove_member,
        name="remove_member",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/transfer/",
        members.transfer_ownership,
        name="transfer_ownership",
    ),
    path("<slug:slug>/members/requests/<int:pk>/", members.join_request, name="join_request"),
    path(
        "<slug:slug>/members/invitations/<int:pk>/revoke/",
        members.revoke_invitation,
        name="revoke_invitation",
    ),
    # Requests board lives under /help-requests/ (companies/urls_help_requests.py)
    # Must stay last: /companies/<slug>/
    path("<slug:slug>/", directory.detail, name="detail"),
]
