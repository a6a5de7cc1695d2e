"""Staff keep the tags clean: rename and merge without losing any company's or request's link."""

from __future__ import annotations

import datetime

import pytest

from companies.models import Company, Cooperation, HelpRequest, Tag
from companies.services.search import refresh_search_document
from companies.services.staff import merge_tags, rename_tag, tags_with_usage
from tests.factories import CompanyFactory, StaffFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def help_request(company: Company, tags: list[Tag]) -> HelpRequest:
    request = HelpRequest.objects.create(
        company=company, title="Wir suchen Härten", description="Kleinserie"
    )
    request.tags.set(tags)
    return request


def cooperation(tags: list[Tag]) -> Cooperation:
    item = Cooperation.objects.create(
        description="Gemeinsam gefertigt",
        started_on=datetime.date(2025, 3, 14),
        origin=Cooperation.Origin.SPEED_DATING,
    )
    item.tags.set(tags)
    return item


def test_merging_moves_every_link_without_duplicates():
    haerten = TagFactory(name="Härten")
    waerme = TagFactory(name="Wärmebehandlung")
    haerterei = TagFactory(name="Härterei")
    both = CompanyFactory(offers=[haerten, waerme], needs=[waerme, haerterei])
    only_source = CompanyFactory(offers=[waerme])
    other = CompanyFactory(offers=["Spannzangen"])
    request = help_request(both, [waerme, haerterei])
    coop = cooperation([waerme, haerten])

    merge_tags(sources=[waerme, haerterei], target=haerten)

    assert not Tag.objects.filter(pk__in=[waerme.pk, haerterei.pk]).exists()
    assert list(both.offers.all()) == [haerten]
    assert list(both.needs.all()) == [haerten]  # two sources became one link
    assert list(only_source.offers.all()) == [haerten]
    assert [tag.name for tag in other.offers.all()] == ["Spannzangen"]
    assert list(request.tags.all()) == [haerten]
    assert list(coop.tags.all()) == [haerten]
    assert Company.offers.through.objects.filter(tag=haerten).count() == 2
    assert Company.needs.through.objects.filter(tag=haerten).count() == 1


def test_merging_updates_the_search_text():
    target = TagFactory(name="Härten")
    source = TagFactory(name="Einsatzhärten")
    company = CompanyFactory(offers=[source])
    refresh_search_document(company)

    merge_tags(sources=[source], target=target)

    company.refresh_from_db()
    assert "Härten" in company.search_document
    assert "Einsatzhärten" not in company.search_document


def test_renaming_changes_name_and_key():
    tag = TagFactory(name="Spannzang")
    company = CompanyFactory(offers=[tag])

    renamed, merged = rename_tag(tag=tag, name="Sonder-Spannmittel")

    assert not merged
    assert renamed.pk == tag.pk
    assert renamed.name == "Sonder-Spannmittel"
    assert renamed.key == "sonderspannmittel"
    assert list(company.offers.all()) == [renamed]


def test_renaming_into_an_existing_tag_merges_the_two():
    existing = TagFactory(name="Spannzangen")
    typo = TagFactory(name="Spanzangen")
    company = CompanyFactory(offers=[existing], needs=[typo])
    other = CompanyFactory(offers=[typo])

    result, merged = rename_tag(tag=typo, name="Spann-Zangen")

    assert merged
    assert result.pk == existing.pk
    assert result.name == "Spann-Zangen"  # the spelling staff typed
    assert not Tag.objects.filter(pk=typo.pk).exists()
    assert list(company.needs.all()) == [existing]
    assert list(other.offers.all()) == [existing]


def test_a_rename_to_nothing_is_refused(staff_client):
    tag = TagFactory(name="Fräsen")

    response = staff_client.post(f"/staff/companies/tags/{tag.pk}/rename/", {"name": " -- "})

    assert response.status_code == 400
    tag.refresh_from_db()
    assert tag.name == "Fräsen"


def test_staff_renames_a_tag_on_the_page_and_is_told_about_a_merge(staff_client):
    TagFactory(name="Spannzangen")
    typo = TagFactory(name="Spanzangen")

    response = staff_client.post(
        f"/staff/companies/tags/{typo.pk}/rename/", {"name": "spannzange"}, follow=True
    )

    assert response.status_code == 200
    assert "merged" in response.content.decode() or "zusammengeführt" in response.content.decode()
    assert Tag.objects.count() == 1


def test_staff_merges_selected_tags_on_the_page(staff_client):
    a = TagFactory(name="Lasergravur")
    b = TagFactory(name="Laserbeschriftung")
    c = TagFactory(name="Gravieren")
    company = CompanyFactory(offers=[b, c])

    confirm = staff_client.get("/staff/companies/tags/merge/", {"tags": [a.pk, b.pk, c.pk]})
    response = staff_client.post(
        "/staff/companies/tags/merge/", {"tags": [a.pk, b.pk, c.pk], "target": a.pk}
    )

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert list(Tag.objects.all()) == [a]
    assert list(company.offers.all()) == [a]


def test_the_kept_tag_must_be_one_of_the_selected(staff_client):
    a, b, outsider = TagFactory(name="Glas"), TagFactory(name="Glasbau"), TagFactory(name="Holz")

    response = staff_client.post(
        "/staff/companies/tags/merge/", {"tags": [a.pk, b.pk], "target": outsider.pk}
    )

    assert response.status_code == 400
    assert Tag.objects.count() == 3


def test_merging_needs_two_tags(staff_client):
    a = TagFactory(name="Glas")

    response = staff_client.get("/staff/companies/tags/merge/", {"tags": [a.pk]})

    assert response.status_code == 302
    assert response["Location"] == "/staff/companies/tags/"


def test_usage_counts_count_each_kind_of_link():
    tag = TagFactory(name="Härten")
    company = CompanyFactory(offers=[tag])
    CompanyFactory(offers=[tag], needs=[tag])
    CompanyFactory(needs=[tag])
    help_request(company, [tag])

    counted = tags_with_usage().get(pk=tag.pk)

    assert (counted.offer_count, counted.need_count, counted.request_count) == (2, 2, 1)
    assert counted.cooperation_count == 0


def test_the_tag_list_needs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    tags = [Tag(name=f"Stichwort {n:03}", key=f"stichwort{n:03}") for n in range(300)]
    Tag.objects.bulk_create(tags)
    tags = list(Tag.objects.all())
    for n in range(60):
        CompanyFactory(offers=tags[n : n + 5], needs=tags[n + 5 : n + 8])

    with django_assert_max_num_queries(5):
        response = staff_client.get("/staff/companies/tags/")
    with django_assert_max_num_queries(5):
        searched = staff_client.get("/staff/companies/tags/?q=stichwort+01&page=1")

    assert response.status_code == 200
    first = response.context["page"].object_list[0]
    assert (first.name, first.offer_count) == ("Stichwort 000", 1)
    assert searched.context["page"].paginator.count == 10
