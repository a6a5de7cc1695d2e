"""The directory at /companies/: only public companies, filters, pagination, query budget."""

from __future__ import annotations

import pytest
from django.utils import timezone

from companies.models import Certification, Company, Industry
from companies.services.search import search_document_text
from tests.companies.directory_helpers import division, listed, names, town
from tests.factories import CompanyFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_directory_shows_published_companies_and_nothing_else(client):
    listed(name="Spannwerk Suhl")
    for status in ("draft", "in_review", "rejected", "hidden"):
        CompanyFactory(name=f"Firma {status}", status=status, public_consent_at=timezone.now())
    CompanyFactory(name="Entwurf ohne Zustimmung")

    response = client.get("/companies/")

    assert response.status_code == 200
    assert names(response) == ["Spannwerk Suhl"]
    html = response.content.decode()
    assert "Firma draft" not in html
    assert "Firma hidden" not in html


def test_the_page_says_how_many_companies_were_found(client):
    for number in range(3):
        listed(name=f"Firma {number}")

    html = client.get("/companies/").content.decode()

    assert "3 companies" in html


def test_filtering_by_town_shows_only_that_towns_companies(client):
    listed(name="Spannwerk Suhl", town=town("Suhl"))
    listed(name="Glaswerk Schleusingen", town=town("Schleusingen"))

    response = client.get("/companies/?town=suhl")

    assert names(response) == ["Spannwerk Suhl"]


def test_a_section_takes_in_its_divisions(client):
    manufacturing = Industry.objects.get(code="C")
    listed(name="Maschinenbau Suhl", industry=division("28"))
    listed(name="Metall Mehlis", industry=division("25"))
    listed(name="Verarbeitung allgemein", industry=manufacturing)
    listed(name="Bau Oberhof", industry=Industry.objects.get(code="F"))

    response = client.get("/companies/?industry=C")

    assert names(response) == ["Maschinenbau Suhl", "Metall Mehlis", "Verarbeitung allgemein"]


def test_a_division_shows_only_that_division(client):
    listed(name="Maschinenbau Suhl", industry=division("28"))
    listed(name="Metall Mehlis", industry=division("25"))

    response = client.get("/companies/?industry=28")

    assert names(response) == ["Maschinenbau Suhl"]


def test_the_industry_filter_offers_every_section_but_only_divisions_in_use(client):
    listed(name="Maschinenbau Suhl", industry=division("28"))
    CompanyFactory(name="Entwurf", industry=division("25"))

    choices = client.get("/companies/").context["form"].fields["industry"].choices
    codes = [code for _group, options in choices[1:] for code, _label in options]

    assert "28" in codes
    assert "25" not in codes  # only a draft is in it
    assert {"A", "C", "F", "U"} <= set(codes)


def test_filtering_by_an_offer_tag_key(client):
    listed(name="Spannwerk", offers=["Spannzange"], needs=["Härten"])
    listed(name="Härterei", offers=["Härten"], needs=["Spannzange"])

    response = client.get("/companies/?offer=spannzang")

    assert names(response) == ["Spannwerk"]
    # The field shows the word, not the key.
    assert 'value="Spannzange"' in response.content.decode()


def test_the_offer_filter_accepts_any_spelling_of_the_tag(client):
    listed(name="Spannwerk", offers=["Spannzange"])

    response = client.get("/companies/?offer=Spann-Zangen")

    assert names(response) == ["Spannwerk"]


def test_filtering_by_a_need_tag_key(client):
    listed(name="Spannwerk", offers=["Spannzange"], needs=["Härten"])
    listed(name="Härterei", offers=["Härten"], needs=["Spannzange"])

    response = client.get("/companies/?need=haert")

    assert names(response) == ["Spannwerk"]


def test_filtering_by_certification(client):
    certified = listed(name="Medizintechnik Suhl")
    certified.certifications.add(Certification.objects.get(code="iso-13485"))
    listed(name="Ohne Zertifikat")

    response = client.get("/companies/?certification=iso-13485")

    assert names(response) == ["Medizintechnik Suhl"]


def test_filtering_by_size_band(client):
    listed(name="Klein", size_band=Company.SizeBand.MICRO)
    listed(name="Mittel", size_band=Company.SizeBand.SMALL)

    response = client.get("/companies/?size=10-49")

    assert names(response) == ["Mittel"]


def test_filtering_by_trainee_places_finds_apprenticeships_and_internships(client):
    listed(name="Ausbildungsbetrieb", apprenticeship_places=6)
    listed(name="Praktikumsbetrieb", internship_places=2)
    listed(name="Ohne Ausbildung")

    response = client.get("/companies/?trainees=1")

    assert names(response) == ["Ausbildungsbetrieb", "Praktikumsbetrieb"]


def test_filters_and_search_combine(client):
    suhl = town("Suhl")
    listed(name="Spannwerk Suhl", town=suhl, offers=["Spannzange"], size_band="10-49")
    listed(name="Spannwerk Mehlis", town=town("Zella-Mehlis"), offers=["Spannzange"])
    listed(name="Glas Suhl", town=suhl, offers=["Glas"])

    response = client.get("/companies/?q=Spannzangen&town=suhl&size=10-49")

    assert names(response) == ["Spannwerk Suhl"]


def test_an_unknown_filter_value_is_dropped_with_a_message(client):
    listed(name="Spannwerk Suhl", town=town("Suhl"))

    response = client.get("/companies/?town=atlantis")

    assert response.status_code == 200
    assert names(response) == ["Spannwerk Suhl"]
    assert "Select a valid choice" in response.content.decode()


def test_no_result_shows_a_helpful_empty_state(client):
    listed(name="Spannwerk Suhl")

    response = client.get("/companies/?q=Raumfahrt")

    html = response.content.decode()
    assert names(response) == []
    assert "No company matches your search." in html
    assert 'href="/companies/"' in html


def test_the_filters_in_use_are_listed_above_the_results_each_with_a_link_to_remove_it(client):
    listed(name="Spannwerk Suhl", town=town("Suhl"), offers=["Spannzange"])

    response = client.get("/companies/?q=Spann&town=suhl&offer=spannzang&page=1")

    html = response.content.decode()
    assert "Filters (2 active)" in html
    assert "Town: <strong>Suhl</strong>" in html
    assert "Offers: <strong>Spannzange</strong>" in html
    assert 'href="/companies/?q=Spann&amp;offer=spannzang">remove' in html
    assert 'href="/companies/?q=Spann&amp;town=suhl">remove' in html


def test_twenty_companies_a_page_and_the_links_keep_the_search(client):
    suhl = town("Suhl")
    for number in range(45):
        listed(name=f"Firma {number:02d}", town=suhl, offers=["Spannzange"])

    first = client.get("/companies/?q=Spannzange&town=suhl")
    third = client.get("/companies/?q=Spannzange&town=suhl&page=3")

    assert len(first.context["companies"]) == 20
    assert len(third.context["companies"]) == 5
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?q=Spannzange&amp;town=suhl&amp;page=2"' in first.content.decode()
    assert 'href="?q=Spannzange&amp;town=suhl&amp;page=2"' in third.content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(client):
    for number in range(25):
        listed(name=f"Firma {number:02d}")

    response = client.get("/companies/?page=99")

    assert response.status_code == 200
    assert response.context["page"].number == 2


def test_tags_on_a_card_link_to_the_directory_filtered_by_that_tag(client):
    listed(name="Spannwerk", offers=["Spannzange"], needs=["Härten"])

    html = client.get("/companies/").content.decode()

    assert 'href="/companies/?offer=spannzang">Spannzange</a>' in html
    assert 'href="/companies/?need=haert">Härten</a>' in html


def test_names_and_descriptions_are_escaped(client):
    listed(name="<script>alert(1)</script> GmbH", short_description="<b>fett</b>")

    html = client.get("/companies/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html


@pytest.fixture
def five_hundred_companies():
    """500 published companies in 8 towns with tags, industries and certifications."""
    towns = [town(name) for name in ("Suhl", "Oberhof", "Schleusingen", "Zella-Mehlis")]
    tags = [TagFactory(name=f"Leistung {number}") for number in range(40)]
    industries = [division("25"), division("28"), Industry.objects.get(code="F")]
    iso = Certification.objects.get(code="iso-9001")
    companies = Company.objects.bulk_create(
        Company(
            name=f"Firma {number:03d}",
            slug=f"firma-{number:03d}",
            town=towns[number % 4],
            industry=industries[number % 3],
            short_description="Wir fertigen Präzisionsteile.",
            # As refresh_search_document writes it, the words in search spelling last.
            search_document=search_document_text([f"Firma {number:03d}", "Präzisionsteile"], []),
            size_band="10-49",
            apprenticeship_places=number % 2,
            status=Company.Status.PUBLISHED,
            public_consent_at=timezone.now(),
        )
        for number in range(500)
    )
    Offers = Company.offers.through
    Needs = Company.needs.through
    Certs = Company.certifications.through
    Offers.objects.bulk_create(
        Offers(company=company, tag=tags[(i + k) % 40])
        for i, company in enumerate(companies)
        for k in range(4)
    )
    Needs.objects.bulk_create(
        Needs(company=company, tag=tags[(i + 7 + k) % 40])
        for i, company in enumerate(companies)
        for k in range(3)
    )
    Certs.objects.bulk_create(Certs(company=company, certification=iso) for company in companies)
    return companies


# Count, page, offers, needs; the two filter tags' names 2. The filter choices (towns,
# industries, certifications: 3 more) come from the cache, but for the first view every 5 minutes.
QUERY_BUDGET = 6
COLD_CACHE = 3


@pytest.mark.parametrize(
    "path",
    [
        "/companies/",
        "/companies/?page=7",
        "/companies/?q=Präzisionsteile&town=suhl&industry=C&certification=iso-9001&size=10-49",
        "/companies/?offer=leistung1&need=leistung9&trainees=1&page=2",
    ],
)
def test_the_directory_needs_a_fixed_number_of_queries_for_500_companies(
    client, five_hundred_companies, django_assert_max_num_queries, path
):
    with django_assert_max_num_queries(QUERY_BUDGET + COLD_CACHE):
        response = client.get(path)
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(path)

    assert response.status_code == 200
    assert response.context["companies"]


# "Meinten Sie …?" for a search that finds nothing: the names and the labels like its words (one
# query on PostgreSQL, two on SQLite) and the count of the corrected search (1); its page and
# tags are the usual ones.
SPELLING_QUERIES = 3


def test_a_misspelled_search_costs_a_fixed_number_of_queries_more(
    client, five_hundred_companies, django_assert_max_num_queries
):
    with django_assert_max_num_queries(QUERY_BUDGET + SPELLING_QUERIES + COLD_CACHE):
        response = client.get("/companies/?q=Firmma&page=2")

    assert response.context["suggestion"] == "Firma"
    assert response.context["shows_suggestion"] is True
    assert len(response.context["companies"]) == 20
    # The next visitor with the same typo gets the suggestion from the cache.
    with django_assert_max_num_queries(QUERY_BUDGET):
        again = client.get("/companies/?q=Firmma&page=2")
    assert again.context["suggestion"] == "Firma"
    assert names(again) == names(response)


def test_a_logged_in_visitor_costs_only_the_session_and_user_on_top(
    client, five_hundred_companies, django_assert_max_num_queries
):
    client.force_login(UserFactory(preferred_language="en"))
    client.get("/companies/")

    with django_assert_max_num_queries(QUERY_BUDGET + 2):
        response = client.get("/companies/?q=Firma&page=3")

    assert len(response.context["companies"]) == 20


def test_a_submitted_form_is_redirected_to_a_short_link_without_empty_fields(client):
    response = client.get("/companies/?q=Spannzange&town=&industry=&offer=&size=&page=")

    assert response.status_code == 302
    assert response["Location"] == "/companies/?q=Spannzange"


def test_a_form_submitted_with_nothing_filled_in_leads_to_the_plain_directory(client):
    response = client.get("/companies/?q=+&town=")

    assert response.status_code == 302
    assert response["Location"] == "/companies/"
