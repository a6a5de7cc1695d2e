"""Who can help ("Wer kann helfen?") a company: companies.matching over the database.

One aggregate query reads which public companies offer one of the company's needs or need one of
its offers (the rows of the two tag tables for those tags, an index lookup each), for both
directions at once. From those rows the shortlist is taken in Python, ordered as before by shared
tags (most first, ties by id); the pure function ranks it and names the reasons. The tag weight (3)
outweighs the industry bonus (1), so the shortlist holds the best partners. A second query loads
the few partners shown (name, slug, town). The reasons are the company's own tags (a shared tag is
the same row on both sides), so no tag is loaded again.

The pages keep each company's result in the cache under the "directory" generation (companies/
apps.py bumps it on any write to companies, their tags, towns or industries): `cached_partners`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from django.core.cache import cache
from django.db.models import IntegerField, Value

from kag_portal import caching

from ..matching import Fit, Profile, best_partners
from ..models import Company, Tag

DIRECTORY_SCOPE = "directory"
PARTNERS_CACHE_SECONDS = 24 * 3600


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


@dataclass
class _Candidate:
    pk: int
    industry_id: int | None
    they_offer: set[int]  # ids of the company's needs this candidate offers
    they_seek: set[int]  # ids of the company's offers this candidate needs


def _candidates(company: Company, need_ids: list[int], offer_ids: list[int]) -> list[_Candidate]:
    """Every public company (but this one) sharing a tag, with the shared tags: one query (the
    public filter as in directory.public_companies, on the join the rows need anyway)."""
    rows = None
    # The two through models differ only in name; typed loosely, as the stubs cannot follow an
    # annotation on a union of them.
    links: list[tuple[Any, list[int], int]] = [
        (Company.offers.through, need_ids, 0),
        (Company.needs.through, offer_ids, 1),
    ]
    for through, tag_ids, kind in links:
        if not tag_ids:
            continue
        part = (
            through.objects.filter(
                tag_id__in=tag_ids,
                company__status=Company.Status.PUBLISHED,
                company__public_consent_at__isnull=False,
            )
            .exclude(company_id=company.pk)
            .order_by()
            .annotate(kind=Value(kind, output_field=IntegerField()))
            .values_list("company_id", "company__industry_id", "tag_id", "kind")
        )
        rows = part if rows is None else rows.union(part, all=True)
    found: dict[int, _Candidate] = {}
    for company_id, industry_id, tag_id, kind in rows if rows is not None else ():
        candidate = found.get(company_id)
        if candidate is None:
            candidate = found[company_id] = _Candidate(company_id, industry_id, set(), set())
        (candidate.they_offer if kind == 0 else candidate.they_seek).add(tag_id)
    return list(found.values())


def _sort_key(direction: Direction):
    if direction is Direction.THEY_HELP:
        return lambda c: (-len(c.they_offer), -len(c.they_seek), c.pk)
    if direction is Direction.WE_HELP:
        return lambda c: (-len(c.they_seek), -len(c.they_offer), c.pk)
    return lambda c: (-(len(c.they_offer) + len(c.they_seek)), c.pk)


def _ranked(
    company: Company,
    candidates: list[_Candidate],
    direction: Direction,
    limit: int,
    tags: dict[int, Tag],
) -> list[tuple[_Candidate, Fit]]:
    if direction is Direction.THEY_HELP:
        candidates = [c for c in candidates if c.they_offer]
    elif direction is Direction.WE_HELP:
        candidates = [c for c in candidates if c.they_seek]
    shortlist = sorted(candidates, key=_sort_key(direction))[: max(limit * 4, 20)]
    by_pk = {candidate.pk: candidate for candidate in shortlist}
    # The candidates' profiles hold only the shared tags: all the fit looks at is the overlap.
    profiles = [
        Profile(
            id=candidate.pk,
            company=candidate.pk,
            industry=str(candidate.industry_id) if candidate.industry_id else None,
            offers=frozenset(tags[tag_id].key for tag_id in candidate.they_offer),
            needs=frozenset(tags[tag_id].key for tag_id in candidate.they_seek),
        )
        for candidate in shortlist
    ]
    ranked = []
    for other, result in best_partners(profile_of(company), profiles, limit=len(profiles)):
        if direction is Direction.THEY_HELP and not result.they_can_help_with:
            continue
        if direction is Direction.WE_HELP and not result.we_can_help_with:
            continue
        ranked.append((by_pk[cast(int, other.id)], result))
        if len(ranked) == limit:
            break
    return ranked


def partners_in_directions(
    company: Company, limit: int, directions: tuple[Direction, ...]
) -> dict[Direction, list[Partner]]:
    """The best `limit` partners of `company` in each direction, best first, with the reasons.

    `company` should come with its offers and needs prefetched (else two more queries). Costs
    two queries (the shared tags, the partners shown) for any number of directions and companies.
    """
    needs = list(company.needs.all())
    offers = list(company.offers.all())
    if not needs and not offers:
        return {direction: [] for direction in directions}
    tags = {tag.pk: tag for tag in needs + offers}
    by_key = {tag.key: tag for tag in needs + offers}
    candidates = _candidates(company, [tag.pk for tag in needs], [tag.pk for tag in offers])
    ranked = {
        direction: _ranked(company, candidates, direction, limit, tags) for direction in directions
    }
    shown = {candidate.pk for pairs in ranked.values() for candidate, _fit in pairs}
    companies = (
        Company.objects.filter(pk__in=shown)
        .select_related("town")
        .only("name", "slug", "town__name", "industry_id", "status", "public_consent_at")
        .in_bulk()
        if shown
        else {}
    )
    return {
        direction: [
            Partner(
                company=companies[candidate.pk],
                fit=result,
                they_offer=tuple(by_key[key] for key in result.they_can_help_with),
                they_seek=tuple(by_key[key] for key in result.we_can_help_with),
            )
            for candidate, result in pairs
        ]
        for direction, pairs in ranked.items()
    }


def best_partners_for(
    company: Company, limit: int = 5, *, direction: Direction = Direction.BOTH
) -> list[Partner]:
    """The public companies that fit `company` best, best first, with the reasons."""
    return partners_in_directions(company, limit, (direction,))[direction]


def cached_partners(
    company: Company, limit: int, directions: tuple[Direction, ...]
) -> dict[Direction, list[Partner]]:
    """partners_in_directions(), kept until the directory changes. The result depends on the
    company and the public companies only, never on who asks, so members share it."""
    key = caching.cache_key(
        [DIRECTORY_SCOPE],
        "partners",
        company.pk,
        limit,
        ",".join(direction.value for direction in directions),
    )
    found = cache.get(key)
    if found is None:
        found = partners_in_directions(company, limit, directions)
        cache.set(key, found, PARTNERS_CACHE_SECONDS)
    return found
