"""The text the directory searches in, kept on the company row, and the search over it.

PostgreSQL: German full-text search over the stored, GIN-indexed `search_vector` column that
migration 0004 generates from `search_document` (a vector computed per query is ~40× slower, see
shared/STYLE.md). SQLite has no tsvector: there every word of the query must occur in
`search_document`, compared by its tag key (companies.tags.normalize_tag), so "Spannzangen" finds
"Spannzange" and "Fraesen" finds "Fräsen" on both databases.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Exists, FloatField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Company
from ..tags import normalize_tag

# Long enough for any sensible search; longer input is cut, not rejected.
MAX_QUERY_LENGTH = 100
_WORDS = re.compile(r"[\w-]+")
# The words of a search document, for the folded line (hyphenated compounds stay one word).
_MIN_KEY_LENGTH = 2


def refresh_search_document(company: Company) -> None:
    """Rebuild the search text after a profile or its tags changed. Call it from every service
    that changes name, descriptions, town, industry, offers or needs."""
    offers = [tag.name for tag in company.offers.all()]
    needs = [tag.name for tag in company.needs.all()]
    parts = [
        company.name,
        company.short_description,
        company.description,
        company.town.name if company.town_id else "",
        company.industry.name_de if company.industry_id else "",
        " ".join(offers),
        " ".join(needs),
    ]
    text = "\n".join(part for part in parts if part)
    # A last line with every word folded to its tag key ("Spannzangen" -> "spannzang", "Fräsen"
    # -> "fraes") and the tags' whole keys ("Spann-Zange" -> "spannzang"): the SQLite search
    # compares keys, and PostgreSQL finds a tag under its folded spelling too.
    keys = dict.fromkeys(
        key
        for key in [normalize_tag(word) for word in _WORDS.findall(text)]
        + [normalize_tag(label) for label in offers + needs]
        if len(key) >= _MIN_KEY_LENGTH
    )
    document = f"{text}\n{' '.join(keys)}" if keys else text
    Company.objects.filter(pk=company.pk).update(search_document=document)
    company.search_document = document


def query_keys(query: str) -> list[str]:
    """The tag keys of the words of a search, in order, without repeats."""
    words = _WORDS.findall(query[:MAX_QUERY_LENGTH])
    return list(dict.fromkeys(k for k in map(normalize_tag, words) if len(k) >= _MIN_KEY_LENGTH))


def search_companies(companies: QuerySet[Company], query: str) -> QuerySet[Company]:
    """Companies matching a search, best first. An empty search leaves the queryset as it is."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return companies
    if not query_keys(query):
        # Only punctuation or single letters: nothing to look for, so nothing found (not
        # everything, which would look as if the search had matched).
        return companies.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(companies, query)
    return _search_plain(companies, query)


def _search_postgresql(companies: QuerySet[Company], query: str) -> QuerySet[Company]:
    # websearch_to_tsquery never raises on user input ("quotes", -minus and OR work as on the web).
    tsquery = "websearch_to_tsquery('german', %s)"
    column = f"{Company._meta.db_table}.search_vector"
    # The SQL text is constant; the user's words travel as a parameter.
    matches = RawSQL(f"{column} @@ {tsquery}", [query], output_field=BooleanField())  # noqa: S611
    rank = RawSQL(f"ts_rank({column}, {tsquery})", [query], output_field=FloatField())  # noqa: S611
    # A search that is exactly one tag in another spelling ("Fraesen" for "Fräsen", which the
    # German stemmer keeps apart) finds the companies offering or seeking that tag.
    whole_key = normalize_tag(query)
    tag_match = Exists(
        Company.offers.through.objects.filter(company=OuterRef("pk"), tag__key=whole_key)
    ) | Exists(Company.needs.through.objects.filter(company=OuterRef("pk"), tag__key=whole_key))
    return (
        companies.annotate(search_rank=rank)
        .filter(Q(matches) | tag_match)
        .order_by("-search_rank", "name", "pk")
    )


def _search_plain(companies: QuerySet[Company], query: str) -> QuerySet[Company]:
    # Every word must occur; the folded line of search_document holds each word's key.
    condition = Q()
    for key in query_keys(query):
        condition &= Q(search_document__icontains=key)
    return companies.filter(condition).order_by("name", "pk")
