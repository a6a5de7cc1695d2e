"""Who can help ("Wer kann helfen?") a company: companies.matching over the database.

The database picks a shortlist (public companies sharing at least one tag with the company, most
shared tags first, in one query with LIMIT); the pure function ranks it and names the reasons. The
tag weight (3) outweighs the industry bonus (1), so the shortlist, ordered by shared tags, holds
the best partners; it is bounded, so a tag that thousands of firms share costs no more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ..matching import Fit, Profile, best_partners
from ..models import Company, Tag
from .directory import public_companies, with_card_data


class Direction(Enum):
    BOTH = "both"
    THEY_HELP = "they_help"  # their offers meet the company's needs
    WE_HELP = "we_help"  # the company's offers meet their needs


@dataclass(frozen=True)
class Partner:
    """A company that fits, with the tags that make it fit, from the first company's view."""

    company: Company
    fit: Fit
    # What the partner offers that the company seeks, and what it seeks that the company offers.
    they_offer: tuple[Tag, ...]
    they_seek: tuple[Tag, ...]


def profile_of(company: Company) -> Profile:
    """The pure profile; uses prefetched offers and needs when there are any."""
    return Profile(
        id=company.pk,
        company=company.pk,
        industry=str(company.industry_id) if company.industry_id else None,
        offers=frozenset(tag.key for tag in company.offers.all()),
        needs=frozenset(tag.key for tag in company.needs.all()),
    )


def profiles_of(companies: Iterable[Company]) -> list[Profile]:
    return [profile_of(company) for company in companies]


def _shared_count(through, tag_ids: list[int]):
    """How many of tag_ids the outer company has in one of its tag relations (a subquery)."""
    if not tag_ids:
        return Value(0, output_field=IntegerField())
    rows = (
        through.objects.filter(company_id=OuterRef("pk"), tag_id__in=tag_ids)
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _shortlist(
    company: Company, direction: Direction, size: int, candidates: QuerySet[Company] | None
) -> list[Company]:
    need_ids = [tag.pk for tag in company.needs.all()]
    offer_ids = [tag.pk for tag in company.offers.all()]
    if not need_ids and not offer_ids:
        return []
    base = public_companies() if candidates is None else candidates
    # Only companies sharing a tag get the counting subqueries (an index lookup each).
    sharing = Q(
        pk__in=Company.offers.through.objects.filter(tag_id__in=need_ids).values("company_id")
    ) | Q(pk__in=Company.needs.through.objects.filter(tag_id__in=offer_ids).values("company_id"))
    companies = (
        base.filter(sharing)
        .exclude(pk=company.pk)
        .annotate(
            they_help=_shared_count(Company.offers.through, need_ids),
            we_help=_shared_count(Company.needs.through, offer_ids),
        )
    )
    if direction is Direction.THEY_HELP:
        companies = companies.filter(they_help__gt=0).order_by("-they_help", "-we_help", "pk")
    elif direction is Direction.WE_HELP:
        companies = companies.filter(we_help__gt=0).order_by("-we_help", "-they_help", "pk")
    else:
        companies = (
            companies.annotate(shared=F("they_help") + F("we_help"))
            .filter(shared__gt=0)
            .order_by("-shared", "pk")
        )
    return list(with_card_data(companies)[:size])


def best_partners_for(
    company: Company,
    limit: int = 5,
    *,
    direction: Direction = Direction.BOTH,
    candidates: QuerySet[Company] | None = None,
) -> list[Partner]:
    """The public companies that fit `company` best, best first, with the reasons.

    `company` should come with its offers and needs prefetched (else two more queries). Costs one
    query for the shortlist and two for its tags, whatever the number of companies.
    """
    shortlist = _shortlist(company, direction, max(limit * 4, 20), candidates)
    if not shortlist:
        return []
    by_pk = {other.pk: other for other in shortlist}
    ranked = best_partners(profile_of(company), profiles_of(shortlist), limit=len(shortlist))
    partners = []
    for other_profile, result in ranked:
        if direction is Direction.THEY_HELP and not result.they_can_help_with:
            continue
        if direction is Direction.WE_HELP and not result.we_can_help_with:
            continue
        other = by_pk[other_profile.id]
        offers = {tag.key: tag for tag in other.offers.all()}
        needs = {tag.key: tag for tag in other.needs.all()}
        partners.append(
            Partner(
                company=other,
                fit=result,
                they_offer=tuple(offers[key] for key in result.they_can_help_with),
                they_seek=tuple(needs[key] for key in result.we_can_help_with),
            )
        )
        if len(partners) == limit:
            break
    return partners
