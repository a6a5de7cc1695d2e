"""Directory search: PostgreSQL German full-text search, a word-by-word fallback on SQLite."""

from __future__ import annotations

import pytest

from companies.models import Company
from companies.services.directory import public_companies
from companies.services.search import query_keys, search_companies
from tests.companies.directory_helpers import division, listed, names, town

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return [company.name for company in search_companies(public_companies(), query)]


def test_the_search_text_holds_name_descriptions_town_industry_and_tags():
    company = listed(
        name="Spannwerk Suhl GmbH",
        short_description="Spannköpfe nach Zeichnung",
        description="Seit 1955 in **Suhl**.",
        town=town("Suhl"),
        industry=division("28"),
        offers=["Spannzange"],
        needs=["Härten"],
    )

    company.refresh_from_db()

    for text in ("Spannwerk Suhl GmbH", "Spannköpfe", "Seit 1955", "Spannzange", "Härten"):
        assert text in company.search_document
    assert company.industry.name_de in company.search_document
    # The last line: every word in search spelling (no umlauts, no hyphens), which holds each
    # word's key.
    assert "spannkopfe" in company.search_document
    assert "spannzang" in company.search_document
    assert "harten" in company.search_document


def test_a_query_is_split_into_the_search_keys_of_its_words():
    assert query_keys("Spannzangen  für Härterei, spannzange!") == [
        "spannzang",
        "fur",
        "harterei",
    ]


# Both databases: the same behaviour for what people type most.


def test_the_plural_finds_a_company_offering_the_singular():
    listed(name="Spannwerk", offers=["Spannzange"])
    listed(name="Glaswerk", offers=["Glasbehälter"])

    assert found("Spannzangen") == ["Spannwerk"]


def test_a_word_spelled_without_umlaut_finds_the_tag_with_umlaut():
    listed(name="Fräserei Mehlis", offers=["Fräsen"])

    assert found("Fraesen") == ["Fräserei Mehlis"]


def test_lower_case_finds_upper_case():
    listed(name="Feinmess Suhl", short_description="Präzisionsbaugruppen für Messsysteme")

    assert found("präzisionsbaugruppen") == ["Feinmess Suhl"]


def test_every_word_of_the_search_must_match():
    listed(name="Spannwerk Suhl", town=town("Suhl"), offers=["Spannzange"])
    listed(name="Spannwerk Mehlis", town=town("Zella-Mehlis"), offers=["Spannzange"])

    assert found("Spannzange Suhl") == ["Spannwerk Suhl"]


def test_the_search_finds_words_in_the_long_description_and_the_needs():
    listed(name="Feinmess", description="Wir bauen Kalibrieranlagen.", needs=["Härten"])
    listed(name="Anderswo")

    assert found("Kalibrieranlagen") == ["Feinmess"]
    assert found("Härten") == ["Feinmess"]


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE companies_company; --", '"Spannzange', "-", "a & b | !c", "%_%"]
)
def test_odd_input_neither_fails_nor_finds_everything(client, query):
    listed(name="Spannwerk", offers=["Spannzange"])
    listed(name="Glaswerk", offers=["Glas"])

    response = client.get("/companies/", {"q": query})

    assert response.status_code == 200
    assert len(names(response)) < 2
    assert Company.objects.count() == 2


def test_an_empty_search_lists_everyone():
    listed(name="Spannwerk")
    listed(name="Glaswerk")

    assert found("   ") == ["Glaswerk", "Spannwerk"]


def test_a_very_long_search_is_cut_not_refused(client):
    listed(name="Spannwerk", offers=["Spannzange"])

    response = client.get("/companies/", {"q": "Spannzange " + "x" * 500})

    assert response.status_code == 200


# PostgreSQL: the stored tsvector with German stemming, ranked.


@pytest.mark.postgres
def test_postgres_stems_german_words():
    listed(name="Drehteile Schleusingen", short_description="Wir fertigen Drehteile in Serie.")
    listed(name="Glaswerk", short_description="Behälterglas aus Schleusingen")

    # "Fertigung" and "fertigen" share the stem "fertig".
    assert found("Fertigung") == ["Drehteile Schleusingen"]


@pytest.mark.postgres
def test_postgres_searches_the_stored_vector_through_its_gin_index():
    from django.db import connection
    from django.utils import timezone

    suhl = town("Suhl")
    Company.objects.bulk_create(
        Company(
            name=f"Firma {number}",
            slug=f"firma-{number}",
            town=suhl,
            short_description="Drehteile",
            search_document=f"Firma {number}\nDrehteile" + ("\nSpannzange" if number < 3 else ""),
            status=Company.Status.PUBLISHED,
            public_consent_at=timezone.now(),
        )
        for number in range(3000)
    )
    search = search_companies(public_companies(), "Spannzange")
    sql, params = search.query.get_compiler(using="default").as_sql()
    with connection.cursor() as cursor:
        # As autovacuum would: move new rows from the GIN pending list into the index proper.
        cursor.execute("SELECT gin_clean_pending_list('company_search_vector')")
        cursor.execute("ANALYZE companies_company")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "search_vector @@ (websearch_to_tsquery('german'" in sql
    assert "to_tsvector" not in sql  # never computed per query
    assert "Bitmap Index Scan on company_search_vector" in plan, plan
    assert len(search) == 3


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "tag"), [("Spann-Zange", "Spannzange"), ("Spannzange", "Spann-Zange")]
)
def test_postgres_finds_a_hyphenated_spelling_either_way(query, tag):
    listed(name="Spannwerk", offers=[tag])

    assert found(query) == ["Spannwerk"]


@pytest.mark.postgres
def test_postgres_ranks_the_better_match_first():
    listed(name="Glaswerk", description="Wir kaufen gelegentlich eine Spannzange.")
    listed(
        name="Spannzangen Suhl",
        short_description="Spannzangen nach Zeichnung",
        offers=["Spannzange", "Sonder-Spannzange"],
    )

    assert found("Spannzange") == ["Spannzangen Suhl", "Glaswerk"]


@pytest.mark.postgres
def test_postgres_understands_web_search_syntax():
    listed(name="Spannwerk Suhl", offers=["Spannzange"], town=town("Suhl"))
    listed(name="Glas und Spannzangen", offers=["Spannzange", "Glas"])

    assert found("Spannzange -Glas") == ["Spannwerk Suhl"]
    assert sorted(found("Glas or Suhl")) == ["Glas und Spannzangen", "Spannwerk Suhl"]


@pytest.mark.postgres
def test_postgres_a_search_of_stop_words_only_finds_nothing_and_does_not_fail(client):
    listed(name="Spannwerk", short_description="Wir und die anderen")

    response = client.get("/companies/", {"q": "und die"})

    assert response.status_code == 200
    assert names(response) == []
