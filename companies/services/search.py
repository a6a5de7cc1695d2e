"""The text the directory searches in, kept on the company row, and the search over it.

PostgreSQL: German full-text search over the stored, GIN-indexed `search_vector` column that
migration 0004 generates from `search_document` (a vector computed per query is ~40× slower:
migration 0004 says how it was measured). SQLite has no tsvector: there every word of the query
must occur in `search_document`, compared by its search key (companies.tags.search_key).

Both rely on a last line of the document with every word in its search spelling
(companies.tags.search_spelling: "Härten" -> "harten", "Spann-Zange" -> "spannzange"), and on
the query's words spelled the same way: so "Haerten", "Harten" and "Härten" find the same
companies on both databases, and the SQLite search finds a word's key ("hart") inside it.

When a search finds little, spelling_vocabulary() gives the names and tag labels that look like
its words (PostgreSQL: pg_trgm's word similarity through GIN trigram indexes, migration 0009;
SQLite: all of them), for companies.spelling.correct to make "Meinten Sie …?" of.
"""

from __future__ import annotations

import re

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Company, Tag
from ..spelling import MIN_WORD_LENGTH
from ..tags import search_key, search_spelling

# Long enough for any sensible search; longer input is cut, not rejected.
MAX_QUERY_LENGTH = 100
_WORDS = re.compile(r"[\w-]+")
# Hyphens inside a word: "Spann-Zange" is searched as "SpannZange" (a leading "-" excludes).
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
# A word between websearch's operators ("-" and quotes stay outside it).
_LETTERS = re.compile(r"\w+")
_MIN_KEY_LENGTH = 2
# At most so many words of a search are looked up for a spelling suggestion, and so many similar
# names and labels read for each.
MAX_SPELLING_WORDS = 4
MAX_SIMILAR_PER_WORD = 10


def search_document_text(parts: list[str], tag_labels: list[str]) -> str:
    """The search document: the texts, one a line, and a last line with each of their words and
    each tag (as one word) in search spelling. Pure, so migrations can rebuild documents too."""
    text = "\n".join(part for part in parts if part)
    spelled = dict.fromkeys(
        word
        for word in [search_spelling(w) for w in _WORDS.findall(text)]
        + [search_spelling(label) for label in tag_labels]
        if len(word) >= _MIN_KEY_LENGTH
    )
    return f"{text}\n{' '.join(spelled)}" if spelled else text


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
    document = search_document_text(parts, offers + needs)
    Company.objects.filter(pk=company.pk).update(search_document=document)
    company.search_document = document


def query_keys(query: str) -> list[str]:
    """The search keys of the words of a search, in order, without repeats."""
    words = _WORDS.findall(query[:MAX_QUERY_LENGTH])
    return list(dict.fromkeys(k for k in map(search_key, words) if len(k) >= _MIN_KEY_LENGTH))


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


def spelling_vocabulary(
    query: str, *, companies: QuerySet[Company], tags: QuerySet[Tag]
) -> list[str]:
    """Company names and tag labels to correct the search's words from, in one query on
    PostgreSQL (two on SQLite)."""
    if connection.vendor != "postgresql":
        # No trigram index: every name and label (fine for a fallback on a small database).
        return [*companies.values_list("name", flat=True), *tags.values_list("name", flat=True)]
    words: list[str] = []
    for word in _WORDS.findall(query[:MAX_QUERY_LENGTH])[:MAX_SPELLING_WORDS]:
        if len(search_spelling(word)) >= MIN_WORD_LENGTH:
            # As typed, and without umlauts, since names are indexed as written.
            words.extend(dict.fromkeys([word.lower(), search_spelling(word)]))
    words = list(dict.fromkeys(words))
    if not words:
        return []
    # The names most like each word, each word on its own: one condition per part lets the GIN
    # trigram index serve it, and a common word ("Suhl") cannot crowd out the others.
    parts = [
        _most_like(rows, model, word)
        for word in words
        for rows, model in ((companies, Company), (tags, Tag))
    ]
    return list(parts[0].union(*parts[1:], all=True))


def _most_like(rows: QuerySet, model: type[Model], word: str) -> QuerySet:
    # `name %> word`: the word is like some part of the name (word_similarity() at least
    # pg_trgm.word_similarity_threshold, 0.6). The similar rows are found in a subquery of their
    # own, so the planner reads them through the GIN trigram index: beside the public-companies
    # condition it would rather scan the partial index company_public_by_name and compute
    # word_similarity() for all 5,000 names (~20 µs each: 100 ms against 2–7 ms, measured on
    # the bench data set).
    like_word = model._default_manager.filter(TrigramWordSimilar(F("name"), word)).values("pk")
    return (
        rows.filter(pk__in=like_word)
        .annotate(likeness=TrigramWordSimilarity(word, "name"))
        .order_by("-likeness", "name")
        .values_list("name", flat=True)[:MAX_SIMILAR_PER_WORD]
    )


def _search_postgresql(companies: QuerySet[Company], query: str) -> QuerySet[Company]:
    # websearch_to_tsquery never raises on user input ("quotes", -minus and OR work as on the web).
    # The SQL text is constant; the user's words travel as parameters.
    query = _INNER_HYPHEN.sub("", query)
    # The search as typed OR with every word in search spelling, as in the document's last line
    # ("Haerten" -> "harten"; quotes, "-" and "or" between the words stay). Both, because only
    # the first drops German stop words: "für" is one, its spelling "fur" is not.
    spelled = _LETTERS.sub(lambda word: search_spelling(word.group()), query)
    tsquery = "(websearch_to_tsquery('german', %s) || websearch_to_tsquery('german', %s))"
    params = [query, spelled]
    column = f"{Company._meta.db_table}.search_vector"
    matches = RawSQL(f"{column} @@ {tsquery}", params, output_field=BooleanField())  # noqa: S611
    rank = RawSQL(f"ts_rank({column}, {tsquery})", params, output_field=FloatField())  # noqa: S611
    # A plain condition on the indexed column (no OR with other tables), so the GIN index serves it.
    return (
        companies.annotate(search_rank=rank).filter(matches).order_by("-search_rank", "name", "pk")
    )


def _search_plain(companies: QuerySet[Company], query: str) -> QuerySet[Company]:
    # Every word must occur; the last line of search_document holds each word's key.
    condition = Q()
    for key in query_keys(query):
        condition &= Q(search_document__icontains=key)
    return companies.filter(condition).order_by("name", "pk")
