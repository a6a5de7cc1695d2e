"""The directory's cached cards, filter fields and partner lists: every write that changes what
they show makes the next request show it, and nothing of one visitor reaches another."""

from __future__ import annotations

import pytest
from django.utils import timezone

from companies.models import Company, Town
from companies.services import logos, profiles, staff
from companies.services.directory import DIRECTORY_SCOPE
from companies.tags import normalize_tag
from kag_portal import caching
from tests.companies.directory_helpers import listed, town
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def spannwerk():
    return listed(
        name="Spannwerk Zella-Mehlis",
        town=town("Zella-Mehlis"),
        short_description="Wir machen Spannzangen.",
        offers=["Spannzange"],
        needs=["Kalibrieren"],
    )


@pytest.fixture
def owner(spannwerk):
    return MembershipFactory(company=spannwerk, role="owner").user


def html(client, path: str = "/companies/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_profile_edit_shows_on_the_next_directory_view(client, spannwerk):
    assert "Wir machen Spannzangen." in html(client)

    profiles.update_company(
        company=spannwerk,
        fields={"short_description": "Wir schleifen Spannzangen nach."},
        certifications=[],
    )

    page = html(client)
    assert "Wir schleifen Spannzangen nach." in page
    assert "Wir machen Spannzangen." not in page


def test_a_new_tag_shows_on_the_card_and_the_partner_lists(client, spannwerk):
    feinmess = listed(name="Feinmechanik Suhl", offers=["Härten"])
    assert "Härten" not in html(client, spannwerk.get_absolute_url())
    assert ">Härten<" in html(client)  # Feinmechanik's card

    profiles.set_tags(company=spannwerk, offers=["Spannzange"], needs=["Kalibrieren", "Härten"])

    assert "?need=haert" in html(client)  # Spannwerk's card
    assert feinmess.name in html(client, spannwerk.get_absolute_url())


def test_a_company_published_by_staff_appears_at_once(client, spannwerk):
    draft = listed(name="Härterei Schleusingen", published=False, public_consent_at=timezone.now())
    draft.status = Company.Status.IN_REVIEW
    draft.save()
    assert "Härterei Schleusingen" not in html(client)

    staff.approve_company(company=draft, staff_user=UserFactory(is_staff=True))

    assert "Härterei Schleusingen" in html(client)


def test_a_withdrawn_consent_takes_the_company_off_the_directory_and_the_partner_lists(
    client, spannwerk, owner
):
    seeker = listed(name="Feinmechanik Suhl", needs=["Spannzange"])
    assert "Spannwerk Zella-Mehlis" in html(client)
    assert "Spannwerk Zella-Mehlis" in html(client, seeker.get_absolute_url())

    profiles.withdraw_consent(company=spannwerk, user=owner)

    assert "Spannwerk Zella-Mehlis" not in html(client)
    assert "Spannwerk Zella-Mehlis" not in html(client, seeker.get_absolute_url())


def test_a_logo_change_makes_the_cached_directory_stale(spannwerk):
    before = caching.generations(DIRECTORY_SCOPE)

    logos.set_logo(company=spannwerk, content=b"\x89PNG not checked here")

    assert caching.generations(DIRECTORY_SCOPE) != before


def test_a_company_deleted_by_its_owner_is_gone_from_the_next_view(
    client, spannwerk, owner, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    seeker = listed(name="Feinmechanik Suhl", needs=["Spannzange"])
    assert "Spannwerk Zella-Mehlis" in html(client)
    assert "Spannwerk Zella-Mehlis" in html(client, seeker.get_absolute_url())

    profiles.delete_company(company=spannwerk, user=owner)

    assert "Spannwerk Zella-Mehlis" not in html(client)
    assert "Spannwerk Zella-Mehlis" not in html(client, seeker.get_absolute_url())


def test_a_renamed_town_shows_on_the_cards_and_in_the_filter(client, spannwerk):
    assert "Zella-Mehlis" in html(client)

    zella = Town.objects.get(pk=spannwerk.town_id)
    zella.name = "Zella-Mehlis (Thüringen)"
    zella.save()

    page = html(client, "/companies/?town=zella-mehlis")
    assert page.count("Zella-Mehlis (Thüringen)") >= 2  # the card and the filter's choice


def test_the_filter_fields_show_the_values_of_each_search(client, spannwerk):
    by_offer = html(client, f"/companies/?offer={normalize_tag('Spannzange')}")
    by_town = html(client, "/companies/?town=zella-mehlis")

    assert 'name="offer" value="Spannzange"' in by_offer
    assert 'name="offer" value=' not in by_town
    assert '<option value="zella-mehlis" selected>' in by_town
    assert '<option value="zella-mehlis" selected>' not in by_offer


def test_the_count_is_never_stale(client, spannwerk):
    assert "1 company" in html(client, "/companies/?q=Spannzange")

    listed(name="Spannmittel Suhl", offers=["Spannzange"])

    assert "2 companies" in html(client, "/companies/?q=Spannzange")


def test_a_logged_in_visitor_leaves_nothing_of_theirs_in_the_anonymous_directory(
    client, spannwerk, owner
):
    owner.email = "inhaberin@spannwerk.example"
    owner.save()
    client.force_login(owner)
    html(client)  # the fragments are rendered and kept during a logged-in view
    html(client, "/companies/?q=Spannzange&town=zella-mehlis")
    client.logout()

    for path in ("/companies/", "/companies/?q=Spannzange&town=zella-mehlis"):
        page = html(client, path)
        assert "Spannwerk Zella-Mehlis" in page
        assert "inhaberin@spannwerk.example" not in page
        assert "csrfmiddlewaretoken" not in page


def test_one_members_partners_never_appear_on_another_members_page(client):
    suhl = listed(name="Feinmechanik Suhl", offers=["Fräsen"], needs=["Spannzange"])
    glas = listed(name="Glaswerk Schleusingen", offers=["Behälterglas"], needs=["Logistik"])
    listed(name="Spannwerk Zella-Mehlis", offers=["Spannzange"])
    listed(name="Spedition Oberhof", offers=["Logistik"])
    anna = MembershipFactory(company=suhl).user
    bernd = MembershipFactory(company=glas).user

    client.force_login(anna)
    anna_page = html(client, "/me/")
    client.force_login(bernd)
    bernd_page = html(client, "/me/")
    client.force_login(anna)
    anna_again = html(client, "/me/")

    assert "Spannwerk Zella-Mehlis" in anna_page
    assert "Spedition Oberhof" not in anna_page
    assert "Spedition Oberhof" in bernd_page
    assert "Spannwerk Zella-Mehlis" not in bernd_page
    assert anna_again.count("Spannwerk Zella-Mehlis") == anna_page.count("Spannwerk Zella-Mehlis")
    assert "Spedition Oberhof" not in anna_again


def test_my_area_shows_a_new_partner_at_once(client, owner):
    client.force_login(owner)
    assert "Feinmechanik Suhl" not in html(client, "/me/")

    listed(name="Feinmechanik Suhl", needs=["Spannzange"])

    assert "Feinmechanik Suhl" in html(client, "/me/")


def test_a_profile_edit_shows_on_the_next_company_page_view(client, spannwerk):
    assert "Wir machen Spannzangen." in html(client, spannwerk.get_absolute_url())

    profiles.update_company(
        company=spannwerk,
        fields={"short_description": "Wir schleifen Spannzangen nach."},
        certifications=[],
    )

    assert "Wir schleifen Spannzangen nach." in html(client, spannwerk.get_absolute_url())


def test_a_member_viewing_a_draft_does_not_open_it_to_the_next_visitor(client, spannwerk, owner):
    profiles.withdraw_consent(company=spannwerk, user=owner)
    client.force_login(owner)
    assert client.get(spannwerk.get_absolute_url()).status_code == 200
    client.logout()

    assert client.get(spannwerk.get_absolute_url()).status_code == 404


def test_each_kind_of_visitor_gets_the_company_page_meant_for_them(client, spannwerk, owner):
    """The page body is kept per kind of viewer: the member's links, staff's link and the
    contact details never reach a visitor who should not see them, whoever came first."""
    url = spannwerk.get_absolute_url()
    owner.preferred_language = "en"
    owner.save()
    client.force_login(owner)
    as_member = html(client, url)
    client.logout()
    anonymous = html(client, url)
    client.force_login(StaffFactory(preferred_language="en"))
    as_staff = html(client, url)
    client.force_login(UserFactory(preferred_language="en"))
    as_other_member = html(client, url)

    assert "Edit the profile" in as_member
    assert "Edit the profile" not in anonymous + as_staff + as_other_member
    assert "Open in the staff tools" in as_staff
    assert "Open in the staff tools" not in anonymous + as_member + as_other_member
    assert "Log in to see contact details" in anonymous
    assert "Log in to see contact details" not in as_member + as_staff + as_other_member


def test_the_company_page_body_comes_from_the_cache(
    client, spannwerk, django_assert_max_num_queries
):
    url = spannwerk.get_absolute_url()
    html(client, url)

    with django_assert_max_num_queries(0):
        page = html(client, url)

    assert "Wir machen Spannzangen." in page
