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
    # The folded line: every word by its tag key.
    assert "spannzang" in company.search_document
    assert "haert" in company.search_document


def test_a_query_is_split_into_the_tag_keys_of_its_words():
    assert query_keys("Spannzangen  für Härterei, spannzange!") == [
        "spannzang",
        "fuer",
        "haerterei",
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
def test_postgres_uses_the_stored_indexed_vector():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'company_search_vector'")
        (definition,) = cursor.fetchone()
    sql = str(search_companies(public_companies(), "Spannzange").query)

    assert "gin (search_vector)" in definition
    assert "search_vector @@ websearch_to_tsquery('german'" in sql
    assert "to_tsvector" not in sql


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
