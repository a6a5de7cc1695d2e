"""Who sees which company page, contact data and tag suggestions.

tests/test_permission_matrix.py has the rows for a published company; here the companies that are
not public, row by row, and what each visitor sees of a public one.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from companies.models import Company
from tests.companies.directory_helpers import listed
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "other_member", "staff")


@pytest.fixture
def world():
    member = UserFactory(preferred_language="en")
    other_member = UserFactory(preferred_language="en")
    MembershipFactory(user=other_member, company=listed(name="Feinwerk GmbH"))
    return {"member": member, "other_member": other_member, "staff": StaffFactory()}


def company_in(status: str, member) -> Company:
    company = CompanyFactory(
        name=f"Firma im Status {status}",
        status=status,
        public_consent_at=timezone.now() if status != "draft" else None,
        public_email="geheim@firma.example",
        rejection_reason="Bitte Adresse ergänzen." if status == "rejected" else "",
    )
    MembershipFactory(user=member, company=company)
    return company


@pytest.mark.parametrize("status", ["draft", "in_review", "rejected", "hidden"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 404), ("member", 200), ("other_member", 404), ("staff", 200)],
)
def test_a_company_that_is_not_public_exists_only_for_its_members_and_staff(
    client, world, status, role, expected
):
    company = company_in(status, world["member"])
    if role != "anonymous":
        client.force_login(world[role])

    response = client.get(f"/companies/{company.slug}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == expected
    html = response.content.decode()
    if expected == 404:
        assert company.name not in html
        assert "geheim@firma.example" not in html


def test_members_see_their_drafts_page_with_a_status_banner(client, world):
    company = company_in("draft", world["member"])
    client.force_login(world["member"])

    html = client.get(f"/companies/{company.slug}/").content.decode()

    assert 'class="alert status-banner status-draft" role="status"' in html
    assert "Draft – not public yet" in html


def test_staff_see_the_reason_a_company_was_rejected(client, world):
    company = company_in("rejected", world["member"])
    client.force_login(world["staff"])

    html = client.get(f"/companies/{company.slug}/").content.decode()

    assert "Bitte Adresse ergänzen." in html


def test_a_slug_that_does_not_exist_is_404(client):
    assert client.get("/companies/gibt-es-nicht/").status_code == 404


@pytest.fixture
def public_company():
    return listed(
        name="Spannwerk Suhl",
        street="Friedberg 12",
        postal_code="98527",
        public_email="info@spannwerk.example",
        public_phone="03681 123456",
        website="https://spannwerk.example",
    )


def test_anonymous_visitors_get_no_contact_data_but_a_hint_to_log_in(client, public_company):
    html = client.get(public_company.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for private in ("info@spannwerk.example", "03681 123456", "Friedberg 12", "spannwerk.example"):
        assert private not in html
    assert "Log in to see contact details" in html
    assert f'href="/accounts/login/?next=/companies/{public_company.slug}/"' in html


@pytest.mark.parametrize("role", ["member", "other_member", "staff"])
def test_logged_in_people_see_the_public_contact_data(client, world, public_company, role):
    client.force_login(world[role])

    html = client.get(public_company.get_absolute_url()).content.decode()

    assert 'href="mailto:info@spannwerk.example"' in html
    assert 'href="tel:03681123456"' in html
    assert "Friedberg 12" in html
    assert 'href="https://spannwerk.example"' in html


def test_the_directory_never_lists_a_draft_even_for_its_members(client, world):
    company_in("draft", world["member"])
    client.force_login(world["member"])

    response = client.get("/companies/")

    assert [c.name for c in response.context["companies"]] == ["Feinwerk GmbH"]


def test_partners_on_a_page_are_public_companies_only(client, world):
    seeker = listed(name="Feinmess", needs=["Spannzange"])
    hidden = company_in("hidden", world["member"])
    hidden.offers.set(seeker.needs.all())

    html = client.get(seeker.get_absolute_url()).content.decode()

    assert hidden.name not in html


def test_staff_get_a_link_to_the_staff_tools_and_members_to_their_profile_forms(client, world):
    company = company_in("in_review", world["member"])

    client.force_login(world["staff"])
    staff_html = client.get(f"/companies/{company.slug}/").content.decode()
    client.force_login(world["member"])
    member_html = client.get(f"/companies/{company.slug}/").content.decode()
    client.force_login(world["other_member"])
    other_html = client.get(listed(name="Öffentlich").get_absolute_url()).content.decode()

    assert f'href="/staff/companies/{company.pk}/"' in staff_html
    assert f'href="/companies/{company.slug}/edit/"' in member_html
    assert "/staff/companies/" not in member_html
    assert "/edit/" not in other_html
