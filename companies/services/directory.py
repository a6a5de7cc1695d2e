"""Read queries for the directory and the company page: what a visitor may see, in few queries."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from kag_portal import caching

from ..models import Company, Membership, Tag
from ..spelling import correct
from ..tags import normalize_tag
from .search import search_companies, spelling_vocabulary

PAGE_SIZE = 20
MAX_SUGGESTIONS = 10
# A search that finds fewer companies than this gets a "Meinten Sie …?" if a spelling finds more.
FEW_RESULTS = 3
# The generation scope of everything the directory shows (bumped in companies/apps.py).
DIRECTORY_SCOPE = "directory"
COMPANY_CACHE_SECONDS = 24 * 3600


def public_companies() -> QuerySet[Company]:
    """Published with the owner's consent (Company.is_public): the only ones the public sees."""
    return Company.objects.filter(status=Company.Status.PUBLISHED, public_consent_at__isnull=False)


def public_tags() -> QuerySet[Tag]:
    """Tags some public company offers or seeks: the words the public may see."""

    def used_by_public(through) -> Exists:
        return Exists(
            through.objects.filter(
                tag=OuterRef("pk"),
                company__status=Company.Status.PUBLISHED,
                company__public_consent_at__isnull=False,
            )
        )

    return Tag.objects.filter(
        used_by_public(Company.offers.through) | used_by_public(Company.needs.through)
    )


def _card_tags() -> list[Prefetch]:
    tags = Tag.objects.only("name", "key").order_by("name")
    return [Prefetch("offers", queryset=tags), Prefetch("needs", queryset=tags)]


def with_card_data(companies: QuerySet[Company]) -> QuerySet[Company]:
    """What a company card shows, in a fixed number of queries for any number of cards."""
    return without_card_tags(companies).prefetch_related(*_card_tags())


def without_card_tags(companies: QuerySet[Company]) -> QuerySet[Company]:
    """A card's company row (one query); its tags come from prefetch_card_tags() when the card
    is not in the cache."""
    return (
        companies.select_related("town", "industry")
        # Long texts a card never shows (the budget tests would catch a card that did).
        .defer("description", "search_document", "rejection_reason")
    )


def prefetch_card_tags(companies: list[Company]) -> None:
    """Offers and needs of these companies: two queries for any number of them."""
    prefetch_related_objects(companies, *_card_tags())


@dataclass(frozen=True)
class DirectoryFilters:
    """A directory search, as the cleaned filter form gives it. Empty strings mean "any"."""

    q: str = ""
    town: str = ""
    industry: str = ""
    offer: str = ""
    need: str = ""
    certification: str = ""
    size: str = ""
    trainees: bool = False


def search_directory(filters: DirectoryFilters) -> QuerySet[Company]:
    """The matching public companies, best first, as rows for a card without its tags (the
    directory takes each card from the cache and loads the tags only of those it misses)."""
    companies = public_companies()
    if filters.town:
        companies = companies.filter(town__slug=filters.town)
    if filters.industry:
        # A section letter takes in all its divisions ("C" finds "25" and "28").
        companies = companies.filter(
            Q(industry__code=filters.industry) | Q(industry__section__code=filters.industry)
        )
    if filters.offer:
        companies = companies.filter(offers__key=filters.offer)
    if filters.need:
        companies = companies.filter(needs__key=filters.need)
    if filters.certification:
        companies = companies.filter(certifications__code=filters.certification)
    if filters.size:
        companies = companies.filter(size_band=filters.size)
    if filters.trainees:
        companies = companies.filter(Q(apprenticeship_places__gt=0) | Q(internship_places__gt=0))
    # Each filter on a to-many relation matches one row at most (tag keys and certification codes
    # are unique), so no DISTINCT is needed.
    companies = companies.order_by("name", "pk")
    return without_card_tags(search_companies(companies, filters.q))


@dataclass(frozen=True)
class DirectorySearch:
    """What the directory lists for a search, and the spelling it may offer instead."""

    companies: QuerySet[Company]
    count: int
    # The search with its words corrected ("Spannzange" for "Spanzange"), when that finds more
    # companies than the search as typed; "" otherwise.
    suggestion: str = ""
    # True when the search as typed found nothing, so `companies` are the suggestion's.
    shows_suggestion: bool = False


def directory_search(filters: DirectoryFilters) -> DirectorySearch:
    """The directory's companies for these filters, with "Meinten Sie …?" when the search finds
    fewer than FEW_RESULTS; if it finds none, the companies the suggestion finds. Two queries
    more than the search alone on PostgreSQL (three on SQLite), and only then."""
    companies = search_directory(filters)
    count = companies.count()
    if not filters.q or count >= FEW_RESULTS:
        return DirectorySearch(companies, count)
    vocabulary = spelling_vocabulary(filters.q, companies=public_companies(), tags=public_tags())
    corrected = correct(filters.q, vocabulary)
    if corrected is None:
        return DirectorySearch(companies, count)
    suggested = search_directory(replace(filters, q=corrected))
    suggested_count = suggested.count()
    if suggested_count <= count:
        return DirectorySearch(companies, count)
    if count == 0:
        return DirectorySearch(suggested, suggested_count, corrected, shows_suggestion=True)
    return DirectorySearch(companies, count, corrected)


def company_for_viewer(user, slug: str) -> tuple[Company, bool]:
    """The company page's company and whether the viewer is one of its members.

    A company that is not public exists only for its members and KAG staff: everyone else gets
    the same 404 as for a slug that never existed.
    """
    company = _company_page_data(slug)
    if company is None:
        raise Http404("no such company")
    is_member = (
        user.is_authenticated and Membership.objects.filter(company=company, user=user).exists()
    )
    if not company.is_public and not (is_member or (user.is_authenticated and user.is_staff)):
        raise Http404("no such company")
    return company, is_member


def _company_page_data(slug: str) -> Company | None:
    """The company with what its page shows, kept under the directory's generation (the same
    for every viewer: who may see it is decided afterwards, on every request)."""
    key = f"page:directory:company:{slug}"
    stamps, found = caching.get_many_current({key: [DIRECTORY_SCOPE]})
    if key in found:
        return found[key]
    tags = Tag.objects.only("name", "key").order_by("name")
    company = (
        Company.objects.select_related("town", "industry", "industry__section")
        .prefetch_related(
            Prefetch("offers", queryset=tags),
            Prefetch("needs", queryset=tags),
            "certifications",
        )
        .filter(slug=slug)
        .first()
    )
    caching.set_current(key, stamps[key], company, COMPANY_CACHE_SECONDS)
    return company


def companies_of(user) -> list[Membership]:
    """The person's memberships with their companies, for "Mein Bereich"."""
    tags = Tag.objects.only("name", "key").order_by("name")
    return list(
        Membership.objects.filter(user=user)
        .select_related("company", "company__town")
        .prefetch_related(
            Prefetch("company__offers", queryset=tags), Prefetch("company__needs", queryset=tags)
        )
        .order_by("company__name")
    )


def tag_by_key(key: str) -> Tag | None:
    return Tag.objects.filter(key=key).first() if key else None


def suggest_tags(text: str, *, limit: int = MAX_SUGGESTIONS) -> list[Tag]:
    """Tags whose key starts with the typed text's key, most used by public companies first.

    Only tags that some public company offers or seeks: a word from a draft is not yet
    public vocabulary.
    """
    key = normalize_tag(text)
    if len(key) < 2:
        return []

    def public_uses(through) -> Coalesce:
        # A counting subquery per tag: joining both relations at once would multiply the rows.
        uses = (
            through.objects.filter(
                tag=OuterRef("pk"),
                company__status=Company.Status.PUBLISHED,
                company__public_consent_at__isnull=False,
            )
            .order_by()
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(uses, output_field=IntegerField()), 0)

    return list(
        Tag.objects.filter(key__startswith=key)
        .annotate(uses=public_uses(Company.offers.through) + public_uses(Company.needs.through))
        .filter(uses__gt=0)
        .order_by("-uses", "name")[:limit]
    )
