"""Tag suggestions as you type: GET /companies/tags/suggest/?q=… (the contract other forms use)."""

from __future__ import annotations

import pytest

from tests.companies.directory_helpers import listed
from tests.factories import CompanyFactory, TagFactory

pytestmark = pytest.mark.django_db


def suggest(client, text: str) -> list[str]:
    response = client.get("/companies/tags/suggest/", {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [tag["name"] for tag in response.json()["tags"]]


def test_tags_starting_with_the_typed_key_are_suggested(client):
    listed(offers=["Spannzange", "Spannvorrichtungen"], needs=["Härten"])

    assert suggest(client, "spann") == ["Spannvorrichtungen", "Spannzange"]


@pytest.mark.parametrize("typed", ["Spannz", "SPANNZ", "Spann-Z", "spannzangen", " spannzange "])
def test_the_typed_text_is_normalised_like_a_tag(client, typed):
    listed(offers=["Spannzange"])

    assert suggest(client, typed) == ["Spannzange"]


def test_umlauts_may_be_typed_either_way(client):
    listed(offers=["Härten"])

    assert suggest(client, "Haer") == ["Härten"]
    assert suggest(client, "Här") == ["Härten"]


def test_the_most_used_tags_come_first(client):
    for _number in range(3):
        listed(offers=["Spannzange"])
    listed(offers=["Spannbacken"])

    assert suggest(client, "spann") == ["Spannzange", "Spannbacken"]


def test_a_tag_only_a_draft_uses_is_not_suggested(client):
    CompanyFactory(offers=["Geheimprojekt Spannsystem"])
    TagFactory(name="Spannlos")  # used by nobody

    assert suggest(client, "geheim") == []
    assert suggest(client, "spann") == []


def test_one_letter_suggests_nothing(client):
    listed(offers=["Spannzange"])

    assert suggest(client, "s") == []
    assert suggest(client, "") == []


def test_at_most_ten_suggestions(client):
    listed(offers=[f"Spannmittel {number}" for number in range(15)])

    assert len(suggest(client, "spann")) == 10


def test_the_answer_may_be_cached_by_the_browser(client):
    response = client.get("/companies/tags/suggest/?q=spann")

    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


def test_suggestions_cost_one_query_and_then_come_from_the_cache(client, django_assert_num_queries):
    listed(offers=["Spannzange"])

    with django_assert_num_queries(1):
        client.get("/companies/tags/suggest/?q=spann")
    with django_assert_num_queries(0):
        assert suggest(client, "Spann") == ["Spannzange"]


def test_the_directory_tag_filters_get_suggestions_from_the_same_endpoint(client):
    html = client.get("/companies/").content.decode()

    assert 'list="offer-suggestions"' in html
    assert '<datalist id="offer-suggestions" data-suggest-url="/companies/tags/suggest/">' in html
    assert '<script src="/static/js/tag-input.js" defer></script>' in html
