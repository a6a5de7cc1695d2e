"""Creating a company in the wizard (basics, offers and needs, consent, submit) and editing it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import IntegrityError

from companies.models import Company, Industry, Membership, Tag, Town
from companies.services import profiles
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    from companies.demo import seed_towns

    seed_towns(lambda _message: None)
    return {town.slug: town for town in Town.objects.all()}


@pytest.fixture
def person(client):
    user = UserFactory(display_name="Ines Hollerbach")
    client.force_login(user)
    return user


def basics(town: Town, /, **changes) -> dict:
    data = {
        "name": "Spannwerk Suhl GmbH",
        "short_description": "Spannzangen und Sonderspannmittel nach Zeichnung.",
        "description": "Seit 1955 in **Suhl**.",
        "town": town.pk,
        "street": "Friedberg 12",
        "postal_code": "98527",
        "website": "spannwerk-suhl.example",
        "public_email": "info@spannwerk-suhl.example",
        "public_phone": "03681 123456",
        "founded_year": "1955",
        "size_band": "50-249",
        "industry": "",
        "serves_regional": "on",
        "serves_international": "on",
        "apprenticeship_places": "6",
        "internship_places": "2",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def owned_company(**kwargs) -> tuple[Company, object]:
    company = CompanyFactory(**kwargs)
    owner = MembershipFactory(company=company).user
    return company, owner


# --- Step 1: basics -----------------------------------------------------------------------------


def test_the_basics_create_a_draft_with_the_person_as_owner(client, person, towns):
    response = client.post("/companies/new/", basics(towns["suhl"]))

    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/companies/spannwerk-suhl-gmbh/edit/tags/"
    assert company.status == Company.Status.DRAFT
    assert company.town == towns["suhl"]
    assert company.website == "https://spannwerk-suhl.example"
    assert company.founded_year == 1955
    assert company.serves_international
    assert not company.serves_national
    assert company.apprenticeship_places == 6
    assert Membership.objects.get(company=company).user == person
    assert Membership.objects.get(company=company).role == Membership.Role.OWNER
    assert "Spannzangen und Sonderspannmittel" in company.search_document
    assert "Suhl" in company.search_document


def test_the_form_lists_the_four_kag_towns_first_then_the_region(client, person, towns):
    html = client.get("/companies/new/").content.decode()

    select = html[html.index('name="town"') : html.index("</select>", html.index('name="town"'))]
    kag_group, region_group = select.split("<optgroup")[1:3]
    for name in ("Oberhof", "Schleusingen", "Suhl", "Zella-Mehlis"):
        assert f">{name}</option>" in kag_group
    assert ">Ilmenau</option>" in region_group
    assert ">Suhl</option>" not in region_group


def test_the_industry_select_shows_the_regions_typical_divisions_first(client, person):
    focus = Industry.objects.filter(is_regional_focus=True).order_by("code").first()
    if focus is None:  # before the division data exists: mark one to see it on top
        focus = Industry.objects.order_by("code").last()
        focus.is_regional_focus = True
        focus.save()

    html = client.get("/companies/new/").content.decode()

    first_group = html.index("<optgroup", html.index('name="industry"'))
    assert html.index(f'value="{focus.pk}"', first_group) < html.index(
        "<optgroup", first_group + 10
    )


def test_a_name_that_is_taken_gets_a_number(client, person, towns):
    CompanyFactory(slug="spannwerk-suhl-gmbh")
    CompanyFactory(slug="spannwerk-suhl-gmbh-2")

    client.post("/companies/new/", basics(towns["suhl"]))

    assert Company.objects.filter(slug="spannwerk-suhl-gmbh-3").exists()


def test_umlauts_are_spelled_out_in_the_address(client, person, towns):
    client.post("/companies/new/", basics(towns["suhl"], name="Glashütte Schleusingen – Müller"))

    assert Company.objects.get().slug == "glashuette-schleusingen-mueller"


def test_a_name_like_a_page_of_the_portal_does_not_take_its_address(client, person, towns):
    client.post("/companies/new/", basics(towns["suhl"], name="New"))

    assert Company.objects.get().slug == "new-2"


def test_two_people_creating_the_same_name_at_once_both_get_a_company(towns, monkeypatch):
    # The other request wins the race between looking for a free slug and saving.
    first = UserFactory()
    CompanyFactory(slug="spannwerk")
    calls = []
    real_free_slug = profiles._free_slug

    def stale_free_slug(base: str) -> str:
        calls.append(base)
        return "spannwerk" if len(calls) == 1 else real_free_slug(base)

    monkeypatch.setattr(profiles, "_free_slug", stale_free_slug)

    company = profiles.create_company(
        owner=first,
        fields={"name": "Spannwerk", "town": towns["suhl"], "short_description": "Spannzangen"},
    )

    assert company.slug == "spannwerk-2"
    assert len(calls) == 2
    assert Membership.objects.filter(company=company, user=first).exists()


def test_a_clash_that_keeps_happening_gives_up_without_saving_anything(towns, monkeypatch):
    CompanyFactory(slug="spannwerk")
    monkeypatch.setattr(profiles, "_free_slug", lambda base: "spannwerk")

    with pytest.raises(IntegrityError):
        profiles.create_company(
            owner=UserFactory(),
            fields={"name": "Spannwerk", "town": towns["suhl"], "short_description": "x"},
        )

    assert Company.objects.count() == 1
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Dieses Feld ist zwingend erforderlich."),
        ("name", "  --  ", None),
        ("founded_year", "1400", None),
        ("founded_year", "2999", None),
        ("postal_code", "985", None),
        ("website", "javascript:alert(1)", None),
        ("public_email", "keine-adresse", None),
        ("public_phone", "<script>", None),
        ("short_description", "x" * 301, None),
        ("description", "x" * 10001, None),
        ("apprenticeship_places", "-1", None),
        ("town", "999999", None),
    ],
)
def test_wrong_input_is_explained_and_nothing_is_saved(
    client, person, towns, field, value, message
):
    response = client.post("/companies/new/", basics(towns["suhl"], **{field: value}))

    assert response.status_code == 200
    assert Company.objects.count() == 0
    assert Membership.objects.count() == 0
    assert response.context["form"].errors[field]
    html = response.content.decode()
    assert "Bitte korrigieren Sie die markierten Felder" in html or "Please correct" in html
    if message:
        assert message in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/companies/new/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/companies/new/")


# --- Step 2: offers and needs -------------------------------------------------------------------


def test_offers_and_needs_are_saved_as_tags_and_spellings_merge(client):
    company, owner = owned_company()
    existing = TagFactory(name="Spannzange")
    client.force_login(owner)

    response = client.post(
        f"/companies/{company.slug}/edit/tags/",
        {"offers": "spannzangen, Spann-Zange, Härten", "needs": "Beschichtung; Auszubildende"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/companies/{company.slug}/edit/consent/"
    assert list(company.offers.order_by("name")) == [Tag.objects.get(name="Härten"), existing]
    assert sorted(company.needs.values_list("name", flat=True)) == [
        "Auszubildende",
        "Beschichtung",
    ]
    company.refresh_from_db()
    assert "Spannzange" in company.search_document
    assert "Beschichtung" in company.search_document


def test_the_tag_page_shows_the_saved_tags_when_going_back(client):
    company, owner = owned_company(offers=["Spannzangen", "Härten"])
    client.force_login(owner)

    response = client.get(f"/companies/{company.slug}/edit/tags/")

    assert response.context["form"]["offers"].value() in (
        "Härten, Spannzangen",
        "Spannzangen, Härten",
    )
    assert 'list="offers-suggestions"' in response.content.decode()


def test_too_many_tags_are_refused_and_the_old_ones_stay(client):
    company, owner = owned_company(offers=["Spannzangen"])
    client.force_login(owner)

    response = client.post(
        f"/companies/{company.slug}/edit/tags/",
        {"offers": ", ".join(f"Begriff {i}" for i in range(31)), "needs": "Beschichtung"},
    )

    assert response.status_code == 200
    assert "höchstens 30" in response.content.decode() or "at most 30" in response.content.decode()
    assert list(company.offers.values_list("name", flat=True)) == ["Spannzangen"]
    assert not company.needs.exists()


def test_the_suggestions_offer_only_tags_of_public_companies(client):
    CompanyFactory(published=True, offers=["Laserschneiden"])
    CompanyFactory(needs=["Geheimprojekt Tarnkappe"])  # a draft of another firm
    company, owner = owned_company()
    client.force_login(owner)

    suggestions = client.get(f"/companies/{company.slug}/edit/tags/").context["suggestions"]

    assert suggestions == ["Laserschneiden"]


# --- Step 3: consent and submit -----------------------------------------------------------------


def test_the_owner_gives_consent_and_it_is_recorded(client):
    company, owner = owned_company()
    client.force_login(owner)

    response = client.post(f"/companies/{company.slug}/edit/consent/", {"consent": "on"})

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.public_consent_at is not None
    assert company.public_consent_by == owner
    assert company.status == Company.Status.DRAFT


def test_consent_needs_the_box_ticked(client):
    company, owner = owned_company()
    client.force_login(owner)

    response = client.post(f"/companies/{company.slug}/edit/consent/", {})

    assert response.status_code == 200
    assert (
        "Bitte setzen Sie das Häkchen" in response.content.decode()
        or response.context["form"].errors["consent"]
    )
    company.refresh_from_db()
    assert company.public_consent_at is None


def test_submitting_sends_the_profile_to_the_kag_team(client):
    company, owner = owned_company(name="Spannwerk GmbH")
    profiles.give_consent(company=company, user=owner)
    client.force_login(owner)

    response = client.post(f"/companies/{company.slug}/submit/")

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW
    assert company.submitted_at is not None
    mail = OutboxMail.objects.get(to_email=settings.KAG_CONTACT_EMAIL)
    assert mail.template == "company_submitted"
    assert "Spannwerk GmbH" in mail.subject
    assert owner.email in mail.body_text
    assert f"/staff/companies/{company.pk}/" in mail.body_text


def test_submitting_twice_mails_the_team_once(client):
    company, owner = owned_company()
    profiles.give_consent(company=company, user=owner)
    client.force_login(owner)

    client.post(f"/companies/{company.slug}/submit/")
    client.post(f"/companies/{company.slug}/submit/")

    assert OutboxMail.objects.filter(template="company_submitted").count() == 1


def test_submitting_without_consent_is_refused_with_a_message(client):
    company, owner = owned_company()
    client.force_login(owner)

    response = client.post(f"/companies/{company.slug}/submit/", follow=True)

    company.refresh_from_db()
    assert company.status == Company.Status.DRAFT
    assert not OutboxMail.objects.exists()
    [message] = response.context["messages"]
    assert message.level_tag == "error"
    assert 'role="alert"' in response.content.decode()


def test_a_profile_hidden_by_the_kag_cannot_be_resubmitted(client):
    company, owner = owned_company(status=Company.Status.HIDDEN)
    profiles.give_consent(company=company, user=owner)
    client.force_login(owner)

    client.post(f"/companies/{company.slug}/submit/")

    company.refresh_from_db()
    assert company.status == Company.Status.HIDDEN
    assert not OutboxMail.objects.exists()


def test_submit_is_post_only(client):
    company, owner = owned_company()
    client.force_login(owner)

    assert client.get(f"/companies/{company.slug}/submit/").status_code == 405


# --- Editing later ------------------------------------------------------------------------------


def test_editing_a_published_profile_keeps_it_published(client, towns):
    company, owner = owned_company(published=True, town=towns["suhl"])
    client.force_login(owner)

    response = client.post(
        f"/companies/{company.slug}/edit/", basics(towns["suhl"], name="Spannwerk Suhl AG")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/companies/{company.slug}/edit/"
    company.refresh_from_db()
    assert company.name == "Spannwerk Suhl AG"
    assert company.status == Company.Status.PUBLISHED
    assert company.slug != "spannwerk-suhl-ag"  # links to the company keep working
    assert "Spannwerk Suhl AG" in company.search_document
    assert not OutboxMail.objects.exists()


def test_a_rejected_profile_is_edited_and_goes_back_to_review(client, towns):
    company, owner = owned_company(
        status=Company.Status.REJECTED, rejection_reason="Bitte Beschreibung ergänzen"
    )
    profiles.give_consent(company=company, user=owner)
    client.force_login(owner)

    client.post(f"/companies/{company.slug}/edit/", basics(towns["suhl"]))
    company.refresh_from_db()
    assert company.status == Company.Status.REJECTED

    client.post(f"/companies/{company.slug}/submit/")

    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW
    assert OutboxMail.objects.filter(template="company_submitted").count() == 1


def test_a_failed_edit_changes_nothing(client, towns):
    company, owner = owned_company(published=True, name="Spannwerk GmbH")
    client.force_login(owner)

    response = client.post(
        f"/companies/{company.slug}/edit/",
        basics(towns["suhl"], name="Neuer Name", postal_code="x"),
    )

    assert response.status_code == 200
    company.refresh_from_db()
    assert company.name == "Spannwerk GmbH"


def test_withdrawing_consent_takes_the_profile_out_of_the_directory(client):
    company, owner = owned_company(published=True, name="Spannwerk GmbH")
    client.force_login(owner)

    response = client.post(f"/companies/{company.slug}/edit/consent/", {"action": "withdraw"})

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == Company.Status.DRAFT
    assert company.public_consent_at is None
    assert company.public_consent_by is None
    assert "Spannwerk GmbH" not in client.get("/companies/").content.decode()


def test_an_editor_edits_but_cannot_give_or_withdraw_consent(client, towns):
    company, _owner = owned_company(published=True)
    editor = MembershipFactory(company=company, role=Membership.Role.EDITOR).user
    client.force_login(editor)

    assert client.get(f"/companies/{company.slug}/edit/").status_code == 200
    assert client.get(f"/companies/{company.slug}/edit/consent/").status_code == 200
    response = client.post(f"/companies/{company.slug}/edit/consent/", {"action": "withdraw"})

    assert response.status_code == 403
    company.refresh_from_db()
    assert company.status == Company.Status.PUBLISHED


def test_script_in_the_description_is_removed_on_display(client):
    company, owner = owned_company(
        published=True,
        description='Präzision <script>alert("x")</script> [Link](javascript:alert(1)) **fett**',
    )
    client.force_login(owner)

    html = client.get(f"/companies/{company.slug}/").content.decode()

    assert "<strong>fett</strong>" in html
    assert 'alert("x")' not in html
    assert "javascript:" not in html


def test_the_wizard_pages_show_steps_and_the_profile_pages_show_tabs(client):
    draft, owner = owned_company()
    published = CompanyFactory(published=True)
    MembershipFactory(company=published, user=owner)
    client.force_login(owner)

    wizard = client.get(f"/companies/{draft.slug}/edit/tags/").content.decode()
    tabs = client.get(f"/companies/{published.slug}/edit/tags/").content.decode()

    assert 'aria-current="step"' in wizard
    assert 'class="company-steps"' in wizard
    assert 'aria-current="page"' in tabs
    assert 'class="company-steps"' not in tabs
