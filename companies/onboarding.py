"""Sign-up for companies (registered with kag_portal.onboarding in apps.py).

Two ways into the portal: "Unternehmen registrieren" (sign up, confirm the address, fill in the
company profile) and a colleague's invitation link (the invited address starts the sign-up form,
and confirming that very address makes the person a member at once).

The invitation opened before signing up is kept in the session (views/members.py), never in a
URL of the sign-up: the link's token stays out of the sign-up page, its redirects and the logs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from kag_portal.onboarding import SignupInvitation

from .models import Invitation, Membership
from .services import members as service
from .views.members import SESSION_INVITATION


def invitation_in_session(request) -> tuple[str, Invitation] | None:
    """The open invitation the visitor opened in this browser, with its token."""
    session = getattr(request, "session", None)
    token = session.get(SESSION_INVITATION) if session is not None else None
    if not token:
        return None
    try:
        invitation = service.read_invitation_token(token)
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError):
        return None
    if not service.invitation_is_open(invitation):
        return None
    return token, invitation


def signup_invitation(request) -> SignupInvitation | None:
    held = invitation_in_session(request)
    if held is None:
        return None
    _token, invitation = held
    return SignupInvitation(email=invitation.email, joining=invitation.company.name)


def accept_on_confirmation(sender, request, email_address, **kwargs) -> None:
    """allauth's email_confirmed: the address just confirmed is the one the invitation in this
    session was sent to, so its owner joins now. Any other address accepts nothing: the person
    then sees the invitation (next_step) and why it is not theirs."""
    if request is None:
        return
    held = invitation_in_session(request)
    if held is None:
        return
    _token, invitation = held
    if email_address.email.casefold() != invitation.email.casefold():
        return
    try:
        service.accept_invitation(invitation=invitation, user=email_address.user)
    except ValidationError:
        # Used up or expired meanwhile: "Mein Bereich" and the invitation page say so.
        return
    request.session.pop(SESSION_INVITATION, None)
    messages.success(
        request,
        _("Welcome! You are now a member of “%(name)s”.") % {"name": invitation.company.name},
    )


def next_step(request, user, signup: bool) -> str | None:
    """Where a person goes after signing up (signup=True) or logging in (False)."""
    held = invitation_in_session(request)
    if held is not None:
        token, invitation = held
        if not Membership.objects.filter(company=invitation.company, user=user).exists():
            # Not accepted on confirmation (another address, or an account that logged in):
            # the invitation page offers to accept it or says whose it is.
            return reverse("companies:accept_invitation", args=[token])
        request.session.pop(SESSION_INVITATION, None)
    if not signup:
        return None
    membership = (
        Membership.objects.filter(user=user).select_related("company").order_by("-pk").first()
    )
    if membership is not None:
        return reverse("companies:edit", args=[membership.company.slug])
    if service.open_invitations_for(user):
        # Invited, but the invitation was not opened in this browser: "Mein Bereich" lists it.
        return reverse("me")
    return reverse("companies:create")
