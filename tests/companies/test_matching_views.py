"""Who can help ("Wer kann helfen?"): partners and reasons on company pages and on /me/."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from companies.models import Company
from companies.services.matching import Direction, best_partners_for
from tests.companies.directory_helpers import listed, town
from tests.factories import CompanyFactory, MembershipFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def founding_story():
    """The KAG's founding story: a fine-mechanics firm needs collets a clamping-tool maker makes."""
    return {
        "feinmess": listed(
            name="Feinmechanik Suhl",
            town=town("Suhl"),
            offers=["Präzisionsbaugruppen", "Kalibrieren"],
            needs=["Spannzangen", "Härten"],
        ),
        "spannwerk": listed(
            name="Spannwerk Zella-Mehlis",
            town=town("Zella-Mehlis"),
            offers=["Spannzange", "Sonderspannmittel"],
            needs=["Kalibrieren"],
        ),
        "haerterei": listed(name="Härterei Schleusingen", offers=["Härten"]),
        "glaswerk": listed(name="Glaswerk", offers=["Behälterglas"], needs=["Logistik"]),
    }


def test_the_best_partner_is_the_one_that_meets_needs_both_ways(founding_story):
    partners = best_partners_for(founding_story["feinmess"], 5)

    assert [p.company.name for p in partners] == ["Spannwerk Zella-Mehlis", "Härterei Schleusingen"]
    spannwerk = partners[0]
    assert [tag.name for tag in spannwerk.they_offer] == ["Spannzangen"]  # first spelling
    assert [tag.name for tag in spannwerk.they_seek] == ["Kalibrieren"]
    assert spannwerk.fit.value == 3 * 2  # two shared tags, same (no) industry


def test_a_company_without_a_shared_tag_is_no_partner(founding_story):
    partners = best_partners_for(founding_story["feinmess"], 5)

    assert "Glaswerk" not in [p.company.name for p in partners]


def test_drafts_and_hidden_companies_are_never_suggested(founding_story):
    CompanyFactory(name="Entwurf Spannzangen", offers=["Spannzange"])
    CompanyFactory(
        name="Versteckt Spannzangen",
        offers=["Spannzange"],
        status=Company.Status.HIDDEN,
        public_consent_at=timezone.now(),
    )

    partners = best_partners_for(founding_story["feinmess"], 10)

    assert all(p.company.is_public for p in partners)


def test_who_can_help_and_whom_it_can_help_are_separate_directions(founding_story):
    feinmess = founding_story["feinmess"]

    helpers = best_partners_for(feinmess, 5, direction=Direction.THEY_HELP)
    helped = best_partners_for(feinmess, 5, direction=Direction.WE_HELP)

    assert [p.company.name for p in helpers] == ["Spannwerk Zella-Mehlis", "Härterei Schleusingen"]
    assert [p.company.name for p in helped] == ["Spannwerk Zella-Mehlis"]


def test_a_company_without_tags_has_no_partners_and_costs_no_query(
    founding_story, django_assert_num_queries
):
    bare = listed(name="Ohne Stichworte")
    bare = Company.objects.prefetch_related("offers", "needs").get(pk=bare.pk)

    with django_assert_num_queries(0):
        assert best_partners_for(bare, 5) == []


def test_the_limit_is_kept_and_the_cost_is_fixed_however_many_firms_share_a_tag(
    django_assert_max_num_queries,
):
    collet = TagFactory(name="Spannzange")
    seeker = listed(name="Feinmechanik", needs=[collet])
    for number in range(150):
        listed(name=f"Spannwerk {number:03d}", offers=[collet])
    seeker = Company.objects.prefetch_related("offers", "needs").get(pk=seeker.pk)

    with django_assert_max_num_queries(3):
        partners = best_partners_for(seeker, 5)

    assert len(partners) == 5


def test_the_company_page_names_who_can_help_and_why(client, founding_story):
    html = client.get(founding_story["feinmess"].get_absolute_url()).content.decode()

    assert "Could help Feinmechanik Suhl" in html
    assert "offers Spannzangen" in html
    assert "offers Härten" in html
    assert "Feinmechanik Suhl could help" in html
    assert "is looking for Kalibrieren" in html
    assert 'href="/companies/' + founding_story["spannwerk"].slug + '/"' in html


def test_the_company_page_says_so_when_nobody_fits(client, founding_story):
    html = client.get(founding_story["glaswerk"].get_absolute_url()).content.decode()

    assert "No other company in the directory offers what this company is looking for" in html


def test_the_company_page_needs_a_fixed_number_of_queries(
    client, founding_story, django_assert_max_num_queries
):
    collet = TagFactory(name="Spannzange")
    for number in range(100):
        listed(name=f"Spannwerk {number:03d}", offers=[collet], needs=["Kalibrieren"])

    # company, offers, needs, certifications; two partner lists of 3 each; the company's
    # published stories (stories.templatetags.story_tags: one query, more only if there are any)
    with django_assert_max_num_queries(11):
        response = client.get(founding_story["feinmess"].get_absolute_url())

    assert len(response.context["helpers"]) == 6


@pytest.fixture
def owner(founding_story):
    user = UserFactory(preferred_language="en")
    MembershipFactory(user=user, company=founding_story["feinmess"])
    return user


def test_my_area_shows_my_company_with_its_best_partners_and_the_reasons(
    client, owner, founding_story
):
    client.force_login(owner)

    html = client.get("/me/").content.decode()

    assert "Your companies" in html
    assert "Feinmechanik Suhl" in html
    assert "Your role: owner" in html
    assert "Published" in html
    assert "looks for Kalibrieren, which you offer" in html
    assert "offers Spannzangen, which you are looking for" in html
    assert "offers Härten, which you are looking for" in html


def test_my_area_explains_a_draft_and_shows_no_partners(client, founding_story):
    user = UserFactory(preferred_language="en")
    draft = CompanyFactory(name="Mein Entwurf", needs=["Spannzange"])
    MembershipFactory(user=user, company=draft, role="editor")
    client.force_login(user)

    html = client.get("/me/").content.decode()

    assert "Mein Entwurf" in html
    assert "Your role: editor" in html
    assert "Draft – not public yet" in html
    assert "Complete the profile and send it for review." in html
    assert "Good partners in the region" not in html


def test_my_area_offers_to_create_or_join_a_company_when_i_have_none(client):
    client.force_login(UserFactory(preferred_language="en"))

    html = client.get("/me/").content.decode()

    assert "You do not belong to a company yet." in html
    for name, label in [
        ("companies:create", "Create a company"),
        ("companies:join_search", "Join an existing company"),
    ]:
        try:
            url = reverse(name)
        except NoReverseMatch:  # that area's URL is not there yet: no dead button
            assert label not in html
        else:
            assert f'href="{url}">{label}</a>' in html


def test_my_area_needs_a_fixed_number_of_queries_per_company(
    client, owner, founding_story, django_assert_max_num_queries
):
    collet = TagFactory(name="Spannzange")
    for number in range(100):
        listed(name=f"Spannwerk {number:03d}", offers=[collet])
    client.force_login(owner)
    client.get("/me/")  # warm up: the first request of a session may save it

    with django_assert_max_num_queries(25):
        response = client.get("/me/")

    assert response.status_code == 200


def test_my_area_shows_open_requests_my_company_could_help_with(client, owner, founding_story):
    from companies.models import HelpRequest
    from companies.services.tags import get_or_create_tags

    request = HelpRequest.objects.create(
        company=founding_story["spannwerk"],
        title="Wir suchen eine Kalibrierung für Messmittel",
        description="Zehn Messschieber, jährlich.",
    )
    request.tags.set(get_or_create_tags(["Kalibrieren"]))
    closed = HelpRequest.objects.create(
        company=founding_story["spannwerk"],
        title="Schon erledigt",
        description="…",
        status=HelpRequest.Status.CLOSED,
    )
    closed.tags.set(get_or_create_tags(["Kalibrieren"]))
    client.force_login(owner)

    html = client.get("/me/").content.decode()

    assert "Requests you could help with" in html
    assert "Wir suchen eine Kalibrierung für Messmittel" in html
    assert "asks for Kalibrieren, which you offer" in html
    assert "Schon erledigt" not in html
