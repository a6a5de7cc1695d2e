"""The text the directory searches in, kept on the company row, and the search over it.

PostgreSQL: German full-text search over the stored, GIN-indexed `search_vector` column that
migration 0004 generates from `search_document` (a vector computed per query is ~40× slower:
migration 0004 says how it was measured). SQLite has no tsvector: there every word of the query
must occur in `search_document`, compared by its tag key (companies.tags.normalize_tag).

Both rely on a last line of the document with every word folded ("Fräsen" -> "fraesen",
"Spann-Zange" -> "spannzange"): so "Fraesen" finds "Fräsen" on both databases, and the SQLite
search finds a word's key ("spannzang") inside it.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Company
from ..tags import normalize_tag

# Long enough for any sensible search; longer input is cut, not rejected.
MAX_QUERY_LENGTH = 100
_WORDS = re.compile(r"[\w-]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Hyphens inside a word: "Spann-Zange" is searched as "SpannZange" (a leading "-" excludes).
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_MIN_KEY_LENGTH = 2


def fold(word: str) -> str:
    """A word as companies.tags.normalize_tag spells it, but with its ending: "Fräsen" ->
    "fraesen". The key ("fraes") is always a prefix of it."""
    folded = unicodedata.normalize("NFKC", word).lower().translate(_UMLAUTS)
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    return _NOT_ALNUM.sub("", folded)


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
        company.industry.name_de if company.industry is not None else "",
        " ".join(offers),
        " ".join(needs),
    ]
    text = "\n".join(part for part in parts if part)
    # The folded line (see the module's docstring): each word, and each tag as one word.
    keys = dict.fromkeys(
        key
        for key in [fold(word) for word in _WORDS.findall(text)] + [fold(t) for t in offers + needs]
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
    # The SQL text is constant; the user's words travel as a parameter.
    query = _INNER_HYPHEN.sub("", query)
    tsquery = "websearch_to_tsquery('german', %s)"
    column = f"{Company._meta.db_table}.search_vector"
    matches = RawSQL(f"{column} @@ {tsquery}", [query], output_field=BooleanField())  # noqa: S611
    rank = RawSQL(f"ts_rank({column}, {tsquery})", [query], output_field=FloatField())  # noqa: S611
    # A plain condition on the indexed column (no OR with other tables), so the GIN index serves it.
    return (
        companies.annotate(search_rank=rank).filter(matches).order_by("-search_rank", "name", "pk")
    )


def _search_plain(companies: QuerySet[Company], query: str) -> QuerySet[Company]:
    # Every word must occur; the folded line of search_document holds each word's key.
    condition = Q()
    for key in query_keys(query):
        condition &= Q(search_document__icontains=key)
    return companies.filter(condition).order_by("name", "pk")
