"""What the companies app holds about a person (DSGVO export and deletion).

Registered with kag_portal.personal_data in CompaniesConfig.ready(). A person who is the only
owner of a company cannot simply vanish: the company would be left without anyone responsible.
`blockers` names those companies, and the account deletion waits until each is handed over or
deleted.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _

from kag_portal.personal_data import Blocker, address_q, addresses_of

from ..models import Company, Cooperation, CooperationParty, Invitation, JoinRequest, Membership


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def companies_blocking_deletion(user) -> list[Company]:
    """Companies where the person is the only owner."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).values("company")
    # The counts over a fresh query: filtering the same join first would count only this row.
    return list(
        Company.objects.filter(pk__in=owned)
        .annotate(
            owner_count=Count(
                "memberships", filter=Q(memberships__role=Membership.Role.OWNER), distinct=True
            ),
            member_count=Count("memberships", distinct=True),
        )
        .filter(owner_count=1)
        .order_by("name")
    )


def blockers(user) -> list[Blocker]:
    found = []
    for company in companies_blocking_deletion(user):
        actions = []
        # member_count: annotated by companies_blocking_deletion.
        if cast(Any, company).member_count > 1:
            actions.append(
                (
                    _("Hand over ownership to another member"),
                    reverse("companies:members", args=[company.slug]),
                )
            )
        else:
            actions.append(
                (
                    _("Invite a colleague who takes over"),
                    reverse("companies:invite", args=[company.slug]),
                )
            )
        actions.append((_("Delete the company"), reverse("companies:delete", args=[company.slug])))
        found.append(
            Blocker(
                message=_("You are the only owner of “%(name)s”.") % {"name": company.name},
                actions=tuple(actions),
            )
        )
    return found


def export(user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("company")
    join_requests = JoinRequest.objects.filter(user=user).select_related("company")
    sent = Invitation.objects.filter(invited_by=user).select_related("company")
    accepted = Invitation.objects.filter(accepted_by=user).select_related("company")
    consents = Company.objects.filter(public_consent_by=user)
    confirmed = CooperationParty.objects.filter(confirmed_by=user).select_related(
        "company", "cooperation"
    )
    recorded = Cooperation.objects.filter(created_by=user).prefetch_related("companies")
    return {
        "memberships": [
            {
                "company": m.company.name,
                "role": m.role,
                "since": _iso(m.created_at),
            }
            for m in memberships.order_by("created_at")
        ],
        "join_requests": [
            {
                "company": r.company.name,
                "message": r.message,
                "status": r.status,
                "asked_at": _iso(r.created_at),
                "decided_at": _iso(r.decided_at),
            }
            for r in join_requests.order_by("created_at")
        ],
        "invitations_sent": [
            {
                "company": i.company.name,
                "email": i.email,
                "role": i.role,
                "sent_at": _iso(i.created_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in sent.order_by("created_at")
        ],
        "invitations_accepted": [
            {"company": i.company.name, "role": i.role, "accepted_at": _iso(i.accepted_at)}
            for i in accepted.order_by("accepted_at")
        ],
        "public_directory_consents": [
            {"company": c.name, "given_at": _iso(c.public_consent_at)}
            for c in consents.order_by("name")
        ],
        "cooperations_confirmed": [
            {
                "company": party.company.name,
                "cooperation": party.cooperation.description,
                "started_on": _iso(party.cooperation.started_on),
                "confirmed_at": _iso(party.confirmed_at),
            }
            for party in confirmed.order_by("confirmed_at", "pk")
        ],
        "cooperations_recorded": [
            {
                "companies": sorted(company.name for company in cooperation.companies.all()),
                "description": cooperation.description,
                "started_on": _iso(cooperation.started_on),
                "recorded_at": _iso(cooperation.created_at),
            }
            for cooperation in recorded.order_by("created_at", "pk")
        ],
    }


@transaction.atomic
def delete(user) -> None:
    """Remove the person's memberships, requests and the invitations addressed to them. Their
    name disappears from what they did for a company (invitations sent, decisions, consents):
    those links are SET_NULL, and the facts stay with the company, as do the cooperations they
    confirmed or recorded (the companies' record, counted by the network)."""
    if companies_blocking_deletion(user):
        # kag_portal checks the blockers first; this is the last line of defence.
        raise ValueError("the person is the only owner of a company")
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    addresses = addresses_of(user)
    Invitation.objects.filter(address_q("email", addresses), accepted_at=None).delete()
    # Accepted ones are the company's record of who joined when; only the address goes.
    Invitation.objects.filter(address_q("email", addresses)).update(
        email=Concat(Value("deleted-"), Cast("pk", output_field=CharField()), Value("@invalid"))
    )
