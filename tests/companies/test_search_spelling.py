"""Typo-tolerant search (issue 13): "Meinten Sie …?" and umlaut spellings, on both databases.

People type on phones, without umlauts, with one letter missing. The directory still finds the
company and offers the word the companies use.
"""

from __future__ import annotations

import html
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from companies.models import Company, Tag
from companies.services.directory import public_companies, public_tags
from companies.services.search import search_companies, spelling_vocabulary
from companies.spelling import correct
from companies.tags import normalize_tag, search_key, search_spelling
from tests.companies.directory_helpers import listed, names, town
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def collet_maker():
    listed(name="Spannwerk Suhl", town=town("Suhl"), offers=["Spannzange"])
    listed(name="Glaswerk Schleusingen", offers=["Behälterglas"])


def found(query: str) -> list[str]:
    return [company.name for company in search_companies(public_companies(), query)]


# "Meinten Sie …?"


def test_an_owner_who_types_spanzange_finds_the_collet_maker_and_sees_the_right_spelling(
    client, collet_maker
):
    response = client.get("/companies/", {"q": "Spanzange"})

    assert response.status_code == 200
    assert names(response) == ["Spannwerk Suhl"]
    assert response.context["suggestion"] == "Spannzange"
    page = html.unescape(response.content.decode())
    assert "No company matches “Spanzange”. These companies match “Spannzange”." in page
    assert 'Did you mean: <a href="?q=Spannzange">Spannzange</a>?' in page
    assert "1 company" in page


def test_the_suggestion_is_a_link_that_runs_the_corrected_search(client, collet_maker):
    first = client.get("/companies/", {"q": "Spanzange"})

    response = client.get("/companies/" + first.context["suggestion_url"])

    assert names(response) == ["Spannwerk Suhl"]
    assert response.context["form"]["q"].value() == "Spannzange"
    # The search as corrected finds what it finds; nothing more to suggest.
    assert response.context["suggestion"] == ""
    assert "Did you mean" not in response.content.decode()


def test_the_suggestion_keeps_the_other_filters(client, collet_maker):
    response = client.get("/companies/", {"q": "Spanzange", "town": "suhl"})

    assert names(response) == ["Spannwerk Suhl"]
    assert response.context["suggestion_url"] == "?q=Spannzange&town=suhl"


def test_a_misspelled_company_name_is_corrected_too(client):
    listed(name="Müller Metallbau", short_description="Stahlbau und Geländer")
    listed(name="Glaswerk Schleusingen")

    response = client.get("/companies/", {"q": "Müler Metallbau"})

    assert names(response) == ["Müller Metallbau"]
    assert response.context["suggestion"] == "Müller Metallbau"


def test_a_search_that_finds_a_few_keeps_them_and_offers_the_spelling_that_finds_more(client):
    # One firm wrote the word wrong in its own text; two others offer it.
    listed(name="Handel Mehlis", short_description="Wir liefern Spanzange und Bohrer.")
    listed(name="Spannwerk Suhl", offers=["Spannzange"])
    listed(name="Spannmittel Oberhof", offers=["Spannzange"])

    response = client.get("/companies/", {"q": "Spanzange"})

    assert names(response) == ["Handel Mehlis"]
    assert response.context["suggestion"] == "Spannzange"
    assert response.context["shows_suggestion"] is False
    page = html.unescape(response.content.decode())
    assert 'Did you mean: <a href="?q=Spannzange">Spannzange</a>?' in page
    assert "No company matches" not in page


def test_no_suggestion_when_nothing_is_close(client, collet_maker):
    response = client.get("/companies/", {"q": "Xylophon"})

    assert names(response) == []
    assert response.context["suggestion"] == ""
    page = response.content.decode()
    assert "Did you mean" not in page
    assert "No company matches your search." in page


def test_no_suggestion_when_the_search_finds_enough(client):
    for name in ("Spannwerk Suhl", "Spannmittel Oberhof", "Spanntechnik Mehlis"):
        listed(name=name, offers=["Spannzange"])
    listed(name="Spanzange Handel")  # a name close to the word, which must not be offered

    response = client.get("/companies/", {"q": "Spannzange"})

    assert len(names(response)) == 3
    assert response.context["suggestion"] == ""


def test_a_word_from_a_draft_is_never_suggested(client):
    CompanyFactory(name="Geheimprojekt Spannzange", offers=["Spannzange"])  # a draft
    listed(name="Glaswerk Schleusingen")

    response = client.get("/companies/", {"q": "Spanzange"})

    assert names(response) == []
    assert response.context["suggestion"] == ""


def test_a_company_published_after_a_typo_search_is_suggested_on_the_next_search(client):
    listed(name="Glaswerk Schleusingen")
    assert client.get("/companies/", {"q": "Spanzange"}).context["suggestion"] == ""

    listed(name="Spannwerk Suhl", offers=["Spannzange"])
    response = client.get("/companies/", {"q": "Spanzange"})

    assert response.context["suggestion"] == "Spannzange"
    assert names(response) == ["Spannwerk Suhl"]


def test_a_correct_word_is_kept_and_only_the_typo_replaced():
    vocabulary = ["Spannwerk Suhl", "Spannzange", "Drehteile"]

    assert correct("Spanzange Suhl", vocabulary) == "Spannzange Suhl"
    assert correct("spannzange", vocabulary) is None
    assert correct("Drehteil", vocabulary) is None  # its key is in "Drehteile": it matches
    assert correct("Bau", vocabulary) is None  # too short to correct
    assert correct("Spanzange", []) is None


# Umlauts, ß and ss: every spelling finds the same companies, on both databases.


@pytest.mark.parametrize("query", ["Härten", "Haerten", "Harten", "härten", "HAERTEN"])
def test_every_spelling_of_haerten_finds_the_hardening_shop(query):
    listed(name="Wärmebehandlung Zella-Mehlis", offers=["Härten"])
    listed(name="Glaswerk Schleusingen", offers=["Behälterglas"])

    assert found(query) == ["Wärmebehandlung Zella-Mehlis"]


@pytest.mark.parametrize(
    ("written", "queries"),
    [
        ("Straßenbau Oberhof", ["Straßenbau", "Strassenbau"]),
        ("Lötwerk Suhl", ["Lötwerk", "Loetwerk", "Lotwerk"]),
        ("Müller Metallbau", ["Müller", "Mueller", "Muller"]),
        ("Strassenbau Suhl", ["Straßenbau", "Strassenbau"]),
        ("Loetwerk Mehlis", ["Lötwerk", "Loetwerk", "Lotwerk"]),
    ],
)
def test_umlaut_and_sharp_s_spellings_meet(written, queries):
    listed(name=written)
    listed(name="Glaswerk Schleusingen")

    for query in queries:
        assert found(query) == [written], query


def test_harten_on_the_page_finds_haerten_without_a_suggestion(client):
    listed(name="Wärmebehandlung Zella-Mehlis", offers=["Härten"])

    response = client.get("/companies/", {"q": "Harten"})

    assert names(response) == ["Wärmebehandlung Zella-Mehlis"]
    assert response.context["suggestion"] == ""


# Odd input: never a 500, never everything.


@pytest.mark.parametrize(
    "query",
    [
        "Spanzange " * 200,
        "%",
        "_",
        "%_%",
        "Spann%",
        "Spann_ange",
        '"Spanzange',
        "'Spanzange'",
        "\"\" ''",
        "Spanzange OR or -",
        "<script>alert(1)</script>",
        "Spanzange\x00",
        "ÄÖÜß" * 50,
    ],
)
def test_a_hostile_search_gives_a_page_not_an_error(client, collet_maker, query):
    response = client.get("/companies/", {"q": query})

    assert response.status_code == 200
    assert len(names(response)) < 2
    assert "<script>alert(1)</script>" not in response.content.decode()


# The spelling functions: what the search relies on.


@pytest.mark.parametrize(
    "word",
    [
        "Kalibrieren",
        "Spannzangen",
        "Fräsern",
        "Leitern",
        "Dienstleistungen",
        "Schweißen",
        "Härten",
        "Services",
        "Gehäuse",
        "Drehteile",
        "Lasers",
        "Messer",
    ],
)
def test_a_tag_key_is_its_own_key(word):
    key = normalize_tag(word)

    assert normalize_tag(key) == key


def test_kalibrieren_and_its_key_are_one_tag():
    assert normalize_tag("Kalibrieren") == normalize_tag("kalibrier") == "kalibri"
    assert normalize_tag("Leiter") == normalize_tag("Leitern")


@given(st.text(max_size=40))
def test_normalize_tag_is_idempotent_for_any_text(text):
    key = normalize_tag(text)

    assert normalize_tag(key) == key


@given(st.text(max_size=40))
def test_a_words_search_key_is_found_in_its_own_search_spelling(text):
    assert search_spelling(text).startswith(search_key(text))


def test_a_link_with_an_old_key_still_filters_by_its_tag(client):
    # "?offer=kalibrier" in a mail sent before keys were their own keys.
    listed(name="Feinmess Suhl", offers=["Kalibrieren"])
    listed(name="Glaswerk Schleusingen")

    response = client.get("/companies/", {"offer": "kalibrier"})

    assert names(response) == ["Feinmess Suhl"]


def test_the_migration_gives_old_keys_their_new_key_and_merges_what_became_one_word():
    migration = importlib.import_module("companies.migrations.0009_spelling_search")
    # As the old normalize_tag stored them: "Leiter" and "Leitern" were two tags.
    leiter = Tag.objects.create(name="Leiter", key="leit")
    leitern = Tag.objects.create(name="Leitern", key="leiter")
    Tag.objects.create(name="Kalibrieren", key="kalibrier")
    both = listed(name="Leiterbau Suhl", offers=[leiter, leitern], needs=[leitern])
    one = listed(name="Gerüstbau Mehlis", offers=[leitern])

    migration.recompute_tag_keys(apps, connection.schema_editor())
    migration.rebuild_search_documents(apps, connection.schema_editor())

    keys = dict(Tag.objects.values_list("name", "key"))
    assert keys == {"Leiter": "leit", "Kalibrieren": "kalibri"}
    assert not Tag.objects.filter(pk=leitern.pk).exists()
    assert [t.name for t in both.offers.all()] == ["Leiter"]
    assert [t.name for t in both.needs.all()] == ["Leiter"]
    assert [t.name for t in one.offers.all()] == ["Leiter"]
    # The search documents are in search spelling and name the tag that stayed.
    document = Company.objects.get(pk=one.pk).search_document
    assert document.split("\n")[-1].startswith("gerustbau mehlis ")
    assert document.endswith("\nLeiter\n" + document.split("\n")[-1])
    assert "Leitern" not in document


# PostgreSQL: the trigram index finds the similar names without reading every company.


@pytest.mark.postgres
def test_postgres_still_drops_german_stop_words_with_umlauts():
    listed(name="Wärmebehandlung Zella-Mehlis", offers=["Spannzange", "Härterei"])

    # "für" is a stop word; its search spelling "fur" is not, and occurs nowhere here.
    assert found("Spannzangen für Härterei") == ["Wärmebehandlung Zella-Mehlis"]
    assert found("Spannzangen fuer Haerterei") == []  # "fuer" is no stop word either


@pytest.mark.postgres
def test_postgres_reads_only_names_like_the_search_words(collet_maker):
    listed(name="Müller Metallbau")

    vocabulary = spelling_vocabulary("Spanzange", companies=public_companies(), tags=public_tags())

    assert "Spannzange" in vocabulary
    assert "Glaswerk Schleusingen" not in vocabulary
    assert "Müller Metallbau" not in vocabulary


@pytest.mark.postgres
def test_postgres_has_trigram_indexes_on_company_and_tag_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('company_name_trgm', 'tag_name_trgm') ORDER BY indexname"
        )
        indexes = cursor.fetchall()

    assert [name for name, _definition in indexes] == ["company_name_trgm", "tag_name_trgm"]
    assert all("gin_trgm_ops" in definition for _name, definition in indexes)


@pytest.mark.postgres
def test_postgres_looks_up_similar_names_through_the_trigram_index():
    suhl = town("Suhl")
    Company.objects.bulk_create(
        Company(
            name=f"Firma {number} Drehteile",
            slug=f"drehteile-{number}",
            town=suhl,
            short_description="Drehteile",
            status=Company.Status.PUBLISHED,
            public_consent_at=timezone.now(),
        )
        for number in range(3000)
    )
    listed(name="Spannwerk Suhl", offers=["Spannzange"])
    with CaptureQueriesContext(connection) as queries:
        spelling_vocabulary("Spanwerk", companies=public_companies(), tags=public_tags())
    company_sql = next(
        q["sql"]
        for q in queries.captured_queries
        if "companies_company" in q["sql"].split("FROM")[1]
    )
    with connection.cursor() as cursor:
        # As autovacuum would: move new rows from the GIN pending list into the index proper.
        cursor.execute("SELECT gin_clean_pending_list('company_name_trgm')")
        cursor.execute("ANALYZE companies_company")
        cursor.execute("EXPLAIN " + company_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "company_name_trgm" in plan, plan
