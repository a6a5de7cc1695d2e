"""Members of a company: join requests, invitations, roles, leaving, handing over ownership.

The rule that matters most: a company always has an owner. Every change that could take the last
owner away locks all memberships of the company first (select_for_update), so two requests at the
same moment (two owners removing each other) cannot both pass the check.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kag_portal.mail import absolute_url, queue_mail

from ..models import Company, Invitation, JoinRequest, Membership

logger = logging.getLogger(__name__)

INVITATION_SALT = "companies.invitation"
INVITATION_DAYS = 14


class LastOwnerError(ValidationError):
    """The change would leave the company without an owner."""


def _lock_memberships(company: Company) -> list[Membership]:
    # In primary key order, so two transactions lock in the same order and never deadlock.
    return list(Membership.objects.select_for_update().filter(company=company).order_by("pk"))


def _owner_count(memberships: list[Membership]) -> int:
    return sum(1 for m in memberships if m.role == Membership.Role.OWNER)


def _require_owner(memberships: list[Membership], user) -> Membership:
    for membership in memberships:
        if membership.user_id == user.pk and membership.role == Membership.Role.OWNER:
            return membership
    raise PermissionDenied


def _find(memberships: list[Membership], pk: int) -> Membership:
    for membership in memberships:
        if membership.pk == pk:
            return membership
    raise Membership.DoesNotExist


def _last_owner_error() -> LastOwnerError:
    return LastOwnerError(
        _("A company always needs an owner. Please make another member an owner first."),
        code="last_owner",
    )


def people_to_mail(company_id: int, *, role: str | None = None) -> list:
    """The company's active members (or those of one role) in a stable order: who gets its mail."""
    memberships = Membership.objects.filter(company_id=company_id, user__is_active=True)
    if role is not None:
        memberships = memberships.filter(role=role)
    return [m.user for m in memberships.select_related("user").order_by("pk")]


def mail_company(
    company_id: int,
    *,
    template: str,
    context: dict,
    key: str,
    role: str | None = None,
    about: list | None = None,
) -> int:
    """One mail to each of the company's active members (or those of one role), through the
    outbox; `key` plus the member's id makes each mail go out once. Returns how many."""
    people = people_to_mail(company_id, role=role)
    for member in people:
        queue_mail(
            to_email=member.email,
            recipient=member,
            template=template,
            context=context,
            idempotency_key=f"{key}:{member.pk}",
            about=about or [],
        )
    return len(people)


def people_to_mail_by_company(company_ids, *, role: str | None = None) -> dict[int, list]:
    """people_to_mail for many companies in one query: {company id: [users]}."""
    memberships = Membership.objects.filter(company_id__in=company_ids, user__is_active=True)
    if role is not None:
        memberships = memberships.filter(role=role)
    people: dict[int, list] = {}
    for membership in memberships.select_related("user").order_by("company_id", "pk"):
        people.setdefault(membership.company_id, []).append(membership.user)
    return people


def owners(company: Company) -> list:
    return people_to_mail(company.pk, role=Membership.Role.OWNER)


# --- Roles -------------------------------------------------------------------------------------


@transaction.atomic
def change_role(*, company: Company, membership_id: int, role: str, by) -> Membership:
    """An owner makes a member an owner or an editor."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Please choose a role."))
    memberships = _lock_memberships(company)
    _require_owner(memberships, by)
    membership = _find(memberships, membership_id)
    if membership.role == role:
        return membership
    if role != Membership.Role.OWNER and _owner_count(memberships) <= 1:
        raise _last_owner_error()
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    logger.info("membership %s is now %s (by user %s)", membership.pk, role, by.pk)
    return membership


@transaction.atomic
def remove_member(*, company: Company, membership_id: int, by) -> None:
    """An owner removes a member (or leaves, when it is their own membership)."""
    memberships = _lock_memberships(company)
    _require_owner(memberships, by)
    membership = _find(memberships, membership_id)
    if membership.role == Membership.Role.OWNER and _owner_count(memberships) <= 1:
        raise _last_owner_error()
    membership.delete()
    logger.info("membership %s removed by user %s", membership_id, by.pk)


@transaction.atomic
def leave_company(*, company: Company, user) -> None:
    """A member leaves. The last owner cannot: they hand over ownership or delete the company."""
    memberships = _lock_memberships(company)
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None:
        raise Membership.DoesNotExist
    if mine.role == Membership.Role.OWNER and _owner_count(memberships) <= 1:
        raise _last_owner_error()
    mine.delete()


@transaction.atomic
def transfer_ownership(*, company: Company, membership_id: int, by) -> Membership:
    """Hand over: the other member becomes owner, the person handing over becomes editor."""
    memberships = _lock_memberships(company)
    mine = _require_owner(memberships, by)
    target = _find(memberships, membership_id)
    if target.pk == mine.pk:
        raise ValidationError(_("You are the owner already."))
    target.role = Membership.Role.OWNER
    target.save(update_fields=["role", "updated_at"])
    mine.role = Membership.Role.EDITOR
    mine.save(update_fields=["role", "updated_at"])
    return target


# --- Join requests ------------------------------------------------------------------------------


def join_request_url(join_request: JoinRequest) -> str:
    return absolute_url(
        reverse("companies:join_request", args=[join_request.company.slug, join_request.pk])
    )


@transaction.atomic
def request_to_join(*, company: Company, user, message: str = "") -> JoinRequest:
    """A person asks to join a published company; every owner gets a mail with a link to the
    decision page. Asking twice keeps the first request."""
    if not company.is_public:
        raise ValidationError(_("This company cannot be joined."))
    if Membership.objects.filter(company=company, user=user).exists():
        raise ValidationError(_("You are a member of this company already."))
    pending = JoinRequest.objects.filter(
        company=company, user=user, status=JoinRequest.Status.PENDING
    ).first()
    if pending is not None:
        return pending
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                company=company, user=user, message=message.strip()
            )
    except IntegrityError:  # the same person clicked twice at once
        return JoinRequest.objects.get(
            company=company, user=user, status=JoinRequest.Status.PENDING
        )
    link = join_request_url(join_request)
    for owner in owners(company):
        queue_mail(
            to_email=owner.email,
            recipient=owner,
            template="membership_join_request",
            context={"join_request": join_request, "company": company, "decide_url": link},
            idempotency_key=f"join-request:{join_request.pk}:owner:{owner.pk}",
            about=[join_request.user],
        )
    return join_request


@transaction.atomic
def decide_join_request(*, join_request: JoinRequest, approve: bool, by) -> JoinRequest:
    """An owner approves (the person becomes an editor) or declines; the person gets a mail."""
    company = join_request.company
    memberships = _lock_memberships(company)
    _require_owner(memberships, by)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has been decided already."))
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if approve:
        Membership.objects.get_or_create(
            company=company, user=join_request.user, defaults={"role": Membership.Role.EDITOR}
        )
    queue_mail(
        to_email=join_request.user.email,
        recipient=join_request.user,
        template="membership_join_decided",
        context={
            "join_request": join_request,
            "company": company,
            "approved": approve,
            "edit_url": absolute_url(reverse("companies:edit", args=[company.slug])),
        },
        idempotency_key=f"join-request:{join_request.pk}:decided",
    )
    return join_request


# --- Invitations --------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return absolute_url(reverse("companies:accept_invitation", args=[invitation_token(invitation)]))


def read_invitation_token(token: str) -> Invitation:
    """The invitation for a link; signing.BadSignature (also when expired) or DoesNotExist
    for a forged, mangled, expired, revoked or used link."""
    data = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_DAYS))
    invitation = Invitation.objects.select_related("company", "invited_by").get(pk=data["i"])
    return invitation


def invitation_is_open(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > timezone.now()


@transaction.atomic
def invite(*, company: Company, email: str, role: str, by) -> Invitation:
    """An owner invites a colleague by e-mail. Inviting the same address again renews the open
    invitation (a new mail, a new expiry) rather than piling up links."""
    memberships = _lock_memberships(company)
    _require_owner(memberships, by)
    email = email.strip()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationError(_("This person is a member of the company already."))
    now = timezone.now()
    expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(company=company, email__iexact=email, accepted_at=None, expires_at__gt=now)
        .first()
    )
    if invitation is None:
        invitation = Invitation.objects.create(
            company=company, email=email, role=role, invited_by=by, expires_at=expires_at
        )
    else:
        invitation.role = role
        invitation.invited_by = by
        invitation.expires_at = expires_at
        invitation.save(update_fields=["role", "invited_by", "expires_at", "updated_at"])
    queue_mail(
        to_email=invitation.email,
        template="invitation_to_company",
        context={
            "invitation": invitation,
            "company": company,
            "invited_by": by,
            "accept_url": invitation_url(invitation),
        },
        # The language of the person inviting: the invitee may have no account yet.
        language=by.preferred_language,
        idempotency_key=f"invitation:{invitation.pk}:{expires_at.isoformat()}",
        about=[by],
    )
    return invitation


@transaction.atomic
def revoke_invitation(*, company: Company, invitation_id: int, by) -> None:
    memberships = _lock_memberships(company)
    _require_owner(memberships, by)
    Invitation.objects.filter(company=company, pk=invitation_id, accepted_at=None).delete()


def invited_address_of(invitation: Invitation, user) -> EmailAddress | None:
    """The account's entry for the address the invitation was sent to, confirmed or not."""
    return (
        EmailAddress.objects.filter(user=user, email__iexact=invitation.email)
        .order_by("-verified")
        .first()
    )


def holds_invited_address(invitation: Invitation, user) -> bool:
    """Whether the account has confirmed the address the invitation was sent to.

    The link alone proves nothing: it can be forwarded, or opened by whoever is logged in on
    the browser. A confirmed address is the portal's proof that the account is the invitee.
    """
    address = invited_address_of(invitation, user)
    return address is not None and address.verified


def masked_address(email: str) -> str:
    """The address as l***@spannwerk.example: the invitee recognises it, others learn little."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Membership:
    """The invited person joins with the role of the invitation (an existing member keeps the
    higher role). Each link works once, and only for an account that has confirmed the invited
    address; another account's try leaves the invitation open."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation_is_open(invitation):
        raise ValidationError(_("This invitation has been used already or has expired."))
    if not holds_invited_address(invitation, user):
        raise ValidationError(
            _(
                "This invitation was sent to %(address)s. Log in with that address, or add it "
                "to your account and confirm it."
            )
            % {"address": masked_address(invitation.email)}
        )
    memberships = _lock_memberships(invitation.company)
    existing = next((m for m in memberships if m.user_id == user.pk), None)
    if existing is None:
        membership = Membership.objects.create(
            company=invitation.company, user=user, role=invitation.role
        )
    else:
        membership = existing
        if invitation.role == Membership.Role.OWNER and existing.role != Membership.Role.OWNER:
            membership.role = Membership.Role.OWNER
            membership.save(update_fields=["role", "updated_at"])
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
    # A pending request to join the same company is answered by the invitation.
    JoinRequest.objects.filter(
        company=invitation.company, user=user, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.APPROVED, decided_at=timezone.now())
    return membership


def open_invitations_for(user) -> list[Invitation]:
    """Open invitations to any verified address of the person (shown on "Mein Bereich")."""
    # Only verified addresses: an address typed in but never confirmed proves nothing.
    emails = {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not emails:
        return []
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    return list(
        Invitation.objects.filter(query, accepted_at=None, expires_at__gt=timezone.now())
        .exclude(company__memberships__user=user)
        .select_related("company", "invited_by")
        .order_by("-created_at")
    )
