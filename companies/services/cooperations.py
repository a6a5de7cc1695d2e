"""Cooperations between companies: the network's result, counted by the stories and impact issue.

A cooperation counts once every company in it has confirmed it. The company that records it is
confirmed by the person recording; the others confirm when one of their members clicks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from ..models import Company, Cooperation, CooperationParty, HelpRequest, Membership


@transaction.atomic
def record_request_cooperation(*, help_request: HelpRequest, closed_by) -> Cooperation:
    """A closed request with a helper: requester and helper work together. Recording it twice for
    the same request returns the first record."""
    if help_request.helped_by_id is None:
        raise ValueError("a request closed without a helper has no cooperation")
    existing = Cooperation.objects.filter(
        help_request=help_request, origin=Cooperation.Origin.REQUEST
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    cooperation = Cooperation.objects.create(
        description=help_request.title,
        started_on=timezone.localdate(),
        origin=Cooperation.Origin.REQUEST,
        help_request=help_request,
        created_by=closed_by,
    )
    cooperation.tags.set(help_request.tags.all())
    CooperationParty.objects.bulk_create(
        [
            CooperationParty(
                cooperation=cooperation,
                company_id=help_request.company_id,
                confirmed_at=now,
                confirmed_by=closed_by,
            ),
            CooperationParty(cooperation=cooperation, company_id=help_request.helped_by_id),
        ]
    )
    return cooperation


@transaction.atomic
def propose_cooperation(
    *,
    proposer: Company,
    partners: Sequence[Company],
    description: str,
    origin: str,
    created_by,
    without_kag: str = "",
    started_on: date | None = None,
    proposer_confirms: bool = True,
    description_kind: str = Cooperation.DescriptionKind.WRITTEN,
    description_params: dict[str, str] | None = None,
) -> Cooperation:
    """A cooperation told by one company (an event's attendee, a speed-dating pair): the proposer
    is confirmed by the person telling it, every partner still has to confirm. Mailing the
    partners is the caller's part, since the confirmation page depends on where it began.
    `proposer_confirms=False` makes a lead nobody has confirmed yet (a mutual speed-dating
    follow-up, proposed by the portal rather than told by a person)."""
    now = timezone.now()
    cooperation = Cooperation.objects.create(
        description=description,
        description_kind=description_kind,
        description_params=description_params or {},
        started_on=started_on or timezone.localdate(),
        origin=origin,
        would_have_happened_without_kag=without_kag,
        created_by=created_by,
    )
    CooperationParty.objects.bulk_create(
        [
            CooperationParty(
                cooperation=cooperation,
                company=proposer,
                confirmed_at=now if proposer_confirms else None,
                confirmed_by=created_by if proposer_confirms else None,
            ),
            *(
                CooperationParty(cooperation=cooperation, company=partner)
                for partner in partners
                if partner.pk != proposer.pk
            ),
        ]
    )
    return cooperation


def request_cooperation(help_request: HelpRequest) -> Cooperation | None:
    """The cooperation recorded when the request was closed, with its parties and companies."""
    return (
        Cooperation.objects.filter(help_request=help_request, origin=Cooperation.Origin.REQUEST)
        .prefetch_related("parties__company")
        .first()
    )


def parties_to_confirm(user, cooperation: Cooperation) -> list[CooperationParty]:
    """The unconfirmed parties of companies the person acts for."""
    company_ids = set(Membership.objects.filter(user=user).values_list("company_id", flat=True))
    return [
        party
        for party in cooperation.parties.all()
        if party.confirmed_at is None and party.company_id in company_ids
    ]


@transaction.atomic
def confirm_cooperation(*, cooperation: Cooperation, user) -> int:
    """Confirm the cooperation for every company of the person's that has not yet confirmed.
    Returns how many parties this confirmed (0 when there was nothing left to confirm)."""
    company_ids = Membership.objects.filter(user=user).values("company_id")
    # A conditional update: two colleagues clicking at once confirm once.
    return CooperationParty.objects.filter(
        cooperation=cooperation, company_id__in=company_ids, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now(), confirmed_by=user)
