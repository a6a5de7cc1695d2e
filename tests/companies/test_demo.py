"""seed_demo fills the demo region: fictional firms with the region's industry mix, whose offers
and needs make the founding story's pair find each other."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from companies.demo import DEMO_COMPANIES
from companies.matching import Profile, best_partners, fit
from companies.models import Company, HelpRequest, Membership, Tag, Town

pytestmark = pytest.mark.django_db


def profile(company: Company) -> Profile:
    return Profile(
        id=company.pk,
        company=company.pk,
        industry=company.industry.code,
        offers=frozenset(tag.key for tag in company.offers.all()),
        needs=frozenset(tag.key for tag in company.needs.all()),
    )


@pytest.fixture
def seeded(capsys):
    call_command("seed_demo")
    return capsys.readouterr().out


def test_about_sixty_companies_across_the_kag_towns_and_a_few_neighbours(seeded):
    assert 55 <= Company.objects.count() <= 70
    for town in Town.objects.filter(is_kag_member=True):
        assert Company.objects.filter(town=town).count() >= 6, town
    neighbours = Company.objects.filter(town__is_kag_member=False)
    assert 3 <= neighbours.count() <= 12
    assert "companies: " in seeded


def test_most_are_published_with_consent_and_searchable_a_few_wait_or_are_drafts(seeded):
    published = Company.objects.filter(status=Company.Status.PUBLISHED)
    assert published.count() >= 50
    assert not published.filter(public_consent_at=None).exists()
    assert not published.filter(search_document="").exists()
    assert Company.objects.filter(status=Company.Status.IN_REVIEW).count() >= 2
    drafts = Company.objects.filter(status=Company.Status.DRAFT)
    assert drafts.count() >= 1
    assert not drafts.exclude(public_consent_at=None).exists()


def test_the_regions_industry_mix_is_there(seeded):
    codes = set(Company.objects.values_list("industry__code", flat=True))
    # metal products (clamping tools, gunsmiths), measuring/optics, drives, machinery, glass,
    # plastics, hotels, IT, engineering offices, training academies, logistics, energy, crafts
    assert {"22", "23", "25", "26", "27", "28", "35", "43", "49", "55", "62", "71", "85"} <= codes
    searchable = " ".join(Company.objects.values_list("search_document", flat=True))
    for word in ("Solarglas", "Jagdwaffen", "Behälterglas", "Luftqualität", "Oberhof"):
        assert word in searchable, word


def test_the_demo_people_own_exactly_their_companies(seeded):
    def owned(email: str) -> list[str]:
        return list(
            Membership.objects.filter(user__email=email, role=Membership.Role.OWNER).values_list(
                "company__name", flat=True
            )
        )

    assert owned("inhaberin@spannwerk-demo.de") == ["Spannwerk Zella-Mehlis GmbH"]
    assert owned("leitung@feinwerk-demo.de") == ["Feinwerk Suhl GmbH"]
    glass = owned("chef@glaswerk-demo.de")
    assert len(glass) == 1
    assert "Glaswerk" in glass[0]
    assert Company.objects.get(slug="spannwerk-zella-mehlis").industry.code == "25"


def test_the_clamping_tool_maker_is_the_fine_mechanics_firms_best_partner(seeded):
    companies = list(
        Company.objects.filter(status=Company.Status.PUBLISHED)
        .select_related("industry")
        .prefetch_related("offers", "needs")
    )
    by_slug = {company.slug: company for company in companies}
    spannwerk, feinwerk = by_slug["spannwerk-zella-mehlis"], by_slug["feinwerk-suhl"]

    result = fit(profile(feinwerk), profile(spannwerk))
    ranked = best_partners(profile(feinwerk), [profile(c) for c in companies], limit=3)

    # Both ways: collets for the one, calibration for the other; clearly ahead of the rest.
    assert {"spannzang", "sonderspannmittel"} <= set(result.they_can_help_with)
    assert "kalibrierung" in result.we_can_help_with
    assert ranked[0][0].id == spannwerk.pk
    assert ranked[0][1].value > ranked[1][1].value
    assert spannwerk.founded_year == 1955
    assert spannwerk.apprenticeship_places == 6
    assert feinwerk.founded_year <= 1885
    offers = {tag.name for tag in spannwerk.offers.all()}
    assert {"Spannzangen", "Sonderspannmittel", "Spannköpfe"} <= offers
    assert {"Feinmechanik", "Baugruppenmontage"} <= {tag.name for tag in feinwerk.offers.all()}
    assert {"Spannzangen", "Härten"} <= {tag.name for tag in feinwerk.needs.all()}


def test_a_few_open_requests_with_tags_are_on_the_board(seeded):
    open_requests = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN)
    titles = list(open_requests.values_list("title", flat=True))

    assert 3 <= len(titles) <= 8
    collets = open_requests.get(title__startswith="Wir suchen mitlaufende Sonder-Spannzangen")
    assert collets.company.slug == "feinwerk-suhl"
    assert collets.author.email == "leitung@feinwerk-demo.de"
    assert "spannzang" in {tag.key for tag in collets.tags.all()}
    assert any("Winterdienst" in title for title in titles)
    assert any("härten" in title.lower() for title in titles)
    assert any("Ausbildung" in title or "ausbildung" in title for title in titles)


def test_every_demo_company_has_its_own_slug():
    assert all(demo.slug for demo in DEMO_COMPANIES)
    assert len({demo.slug for demo in DEMO_COMPANIES}) == len(DEMO_COMPANIES)


def test_running_seed_demo_again_changes_no_counts(seeded):
    def counts() -> tuple[int, ...]:
        return (
            Company.objects.count(),
            Tag.objects.count(),
            Membership.objects.count(),
            HelpRequest.objects.count(),
            Company.offers.through.objects.count(),
            Company.needs.through.objects.count(),
            Company.certifications.through.objects.count(),
            HelpRequest.tags.through.objects.count(),
        )

    before = counts()
    call_command("seed_demo")

    assert counts() == before
    assert Company.objects.filter(website__endswith=".example").count() == before[0]


def test_seed_demo_is_fast():
    started = time.monotonic()
    call_command("seed_demo")

    assert time.monotonic() - started < 5
