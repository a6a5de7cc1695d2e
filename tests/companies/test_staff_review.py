"""The KAG team reviews profiles: approve, reject with a reason, hide and show again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from companies.models import Company, Membership
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def in_review(**kwargs) -> Company:
    defaults = {
        "status": Company.Status.IN_REVIEW,
        "public_consent_at": timezone.now(),
        "submitted_at": timezone.now(),
    }
    return CompanyFactory(**{**defaults, **kwargs})


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_the_queue_lists_companies_in_review_oldest_first(staff_client):
    now = timezone.now()
    newer = in_review(name="Neuer Betrieb GmbH", submitted_at=now)
    older = in_review(name="Alter Betrieb GmbH", submitted_at=now - timezone.timedelta(days=3))
    CompanyFactory(name="Entwurf GmbH")  # a draft waits for nobody

    response = staff_client.get("/staff/companies/")

    assert response.status_code == 200
    assert [c.pk for c in response.context["queue"]] == [older.pk, newer.pk]
    assert response.context["queue_count"] == 2


def test_staff_approves_a_company_and_its_owners_get_a_mail(staff_client):
    company = in_review(name="Spannwerk Zella-Mehlis GmbH")
    owner = MembershipFactory(company=company, user=UserFactory(preferred_language="de")).user
    editor = MembershipFactory(company=company, role=Membership.Role.EDITOR).user

    response = staff_client.post(f"/staff/companies/{company.pk}/approve/")

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == Company.Status.PUBLISHED
    assert company.published_at is not None
    mails = OutboxMail.objects.filter(template="company_approved")
    assert [mail.to_email for mail in mails] == [owner.email]  # owners only, not the editor
    assert editor.email not in {mail.to_email for mail in OutboxMail.objects.all()}
    assert "Spannwerk Zella-Mehlis GmbH" in mails[0].subject
    assert f"/companies/{company.slug}/" in mails[0].body_text


def test_approving_twice_sends_one_mail(staff_client):
    company = in_review()
    MembershipFactory(company=company)

    staff_client.post(f"/staff/companies/{company.pk}/approve/")
    staff_client.post(f"/staff/companies/{company.pk}/approve/")

    assert OutboxMail.objects.filter(template="company_approved").count() == 1


def test_a_company_without_consent_cannot_be_approved(staff_client):
    company = in_review(public_consent_at=None)

    response = staff_client.post(f"/staff/companies/{company.pk}/approve/", follow=True)

    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW
    assert "Deshalb kann es nicht veröffentlicht" in response.content.decode()
    assert not OutboxMail.objects.exists()


def test_a_draft_cannot_be_approved(staff_client):
    company = CompanyFactory(public_consent_at=timezone.now())

    staff_client.post(f"/staff/companies/{company.pk}/approve/")

    company.refresh_from_db()
    assert company.status == Company.Status.DRAFT


def test_staff_rejects_with_a_reason_that_the_owner_reads_in_the_mail(staff_client):
    company = in_review()
    owner = MembershipFactory(company=company).user
    reason = "Bitte beschreiben Sie Ihre Leistungen genauer <b>und</b> ergänzen Sie die Adresse."

    page = staff_client.get(f"/staff/companies/{company.pk}/reject/")
    response = staff_client.post(f"/staff/companies/{company.pk}/reject/", {"reason": reason})

    assert page.status_code == 200
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == Company.Status.REJECTED
    assert company.rejection_reason == reason
    mail = OutboxMail.objects.get(template="company_rejected")
    assert mail.to_email == owner.email
    assert reason in mail.body_text
    assert "&lt;b&gt;und&lt;/b&gt;" in mail.body_html  # escaped in the HTML part


def test_a_rejection_needs_a_reason(staff_client):
    company = in_review()
    MembershipFactory(company=company)

    response = staff_client.post(f"/staff/companies/{company.pk}/reject/", {"reason": "   "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW
    assert not OutboxMail.objects.exists()


def test_a_resubmitted_profile_gets_a_new_mail_for_the_new_decision(staff_client):
    company = in_review()
    MembershipFactory(company=company)
    staff_client.post(f"/staff/companies/{company.pk}/reject/", {"reason": "Adresse fehlt."})
    Company.objects.filter(pk=company.pk).update(
        status=Company.Status.IN_REVIEW,
        submitted_at=timezone.now() + timezone.timedelta(minutes=5),
    )

    staff_client.post(f"/staff/companies/{company.pk}/approve/")

    assert OutboxMail.objects.filter(template="company_rejected").count() == 1
    assert OutboxMail.objects.filter(template="company_approved").count() == 1


def test_staff_hides_a_published_company_and_shows_it_again(staff_client):
    company = CompanyFactory(published=True)

    staff_client.post(f"/staff/companies/{company.pk}/hide/")
    company.refresh_from_db()
    assert company.status == Company.Status.HIDDEN

    staff_client.post(f"/staff/companies/{company.pk}/unhide/")
    company.refresh_from_db()
    assert company.status == Company.Status.PUBLISHED


def test_a_hidden_company_that_was_never_published_goes_back_to_review(staff_client):
    company = in_review()
    staff_client.post(f"/staff/companies/{company.pk}/hide/")

    staff_client.post(f"/staff/companies/{company.pk}/unhide/")

    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW


def test_hide_goes_back_to_the_page_it_came_from_but_never_off_site(staff_client):
    company = CompanyFactory(published=True)

    back = staff_client.post(
        f"/staff/companies/{company.pk}/hide/", {"next": "/staff/companies/?status=published"}
    )
    company.refresh_from_db()
    off_site = staff_client.post(
        f"/staff/companies/{company.pk}/unhide/", {"next": "https://evil.example/"}
    )

    assert back["Location"] == "/staff/companies/?status=published"
    assert off_site["Location"] == f"/staff/companies/{company.pk}/"


def test_staff_sees_a_draft_with_its_members(staff_client):
    company = CompanyFactory(name="Geheimer Entwurf GmbH")
    owner = MembershipFactory(company=company).user

    response = staff_client.get(f"/staff/companies/{company.pk}/")

    assert response.status_code == 200
    assert "Geheimer Entwurf GmbH" in response.content.decode()
    assert owner.email in response.content.decode()


def test_members_cannot_approve_even_their_own_company(client):
    company = in_review()
    owner = MembershipFactory(company=company).user
    client.force_login(owner)

    response = client.post(f"/staff/companies/{company.pk}/approve/")

    assert response.status_code == 403
    company.refresh_from_db()
    assert company.status == Company.Status.IN_REVIEW


def test_members_cannot_see_another_companys_draft_through_the_staff_pages(client):
    draft = CompanyFactory(name="Geheimer Entwurf GmbH")
    client.force_login(MembershipFactory().user)

    response = client.get(f"/staff/companies/{draft.pk}/")

    assert response.status_code == 403
    assert "Geheimer Entwurf" not in response.content.decode()


def test_the_company_list_filters_by_status_and_name(staff_client):
    CompanyFactory(name="Glaswerk Schleusingen GmbH", published=True)
    CompanyFactory(name="Glasbläserei Entwurf")
    CompanyFactory(name="Spannwerk GmbH", published=True)

    response = staff_client.get("/staff/companies/", {"status": "published", "q": "glas"})

    names = [company.name for company in response.context["page"].object_list]
    assert names == ["Glaswerk Schleusingen GmbH"]


def test_the_staff_lists_need_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    for n in range(150):
        in_review(name=f"Prüfbetrieb {n:03}")
        CompanyFactory(name=f"Betrieb {n:03}", published=True)
    for company in Company.objects.filter(status=Company.Status.IN_REVIEW)[:40]:
        MembershipFactory(company=company)

    # session, user, queue, its owners, status counts, page count, page: never per company
    with django_assert_max_num_queries(8):
        response = staff_client.get("/staff/companies/")
    with django_assert_max_num_queries(8):
        filtered = staff_client.get("/staff/companies/?status=published&page=2")

    assert response.status_code == 200
    assert len(response.context["queue"]) == 50
    assert filtered.context["page"].number == 2


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("template", ["company_approved", "company_rejected"])
def test_the_review_mails_render_in_both_languages(template, language):
    from kag_portal.mail import render_mail

    company = CompanyFactory.build(name="Feinwerk <Suhl> GmbH", slug="feinwerk-suhl")
    context = {
        "company": company,
        "reason": "Die Anschrift fehlt.",
        "company_url": "https://portal.example/companies/feinwerk-suhl/",
        "edit_url": "https://portal.example/companies/feinwerk-suhl/edit/",
        "contact_email": "wirtschaft@kag.example",
        "recipient": UserFactory.build(display_name="Moritz Aschenbrenner"),
        "site_url": "https://portal.example",
    }

    subject, text, html = render_mail(template=template, context=context, language=language)

    assert "Feinwerk <Suhl> GmbH" in subject
    assert "\n" not in subject
    assert "Moritz Aschenbrenner" in text
    assert "Feinwerk &lt;Suhl&gt; GmbH" in html
    assert "https://portal.example/companies/feinwerk-suhl/" in text
    if template == "company_rejected":
        assert "Die Anschrift fehlt." in text
        assert "Die Anschrift fehlt." in html
        assert "/edit/" in text
        assert "wirtschaft@kag.example" in html


def test_the_rejection_mail_links_to_the_profile_form(staff_client):
    company = in_review(slug="feinwerk-suhl")
    MembershipFactory(company=company)

    staff_client.post(f"/staff/companies/{company.pk}/reject/", {"reason": "Adresse fehlt."})

    mail = OutboxMail.objects.get(template="company_rejected")
    assert "/companies/feinwerk-suhl/edit/" in mail.body_text


def test_staff_find_their_tools_on_my_area_and_members_do_not(staff_client):
    in_review()
    client = Client()
    client.force_login(UserFactory())

    staff_page = staff_client.get("/me/").content.decode()
    member_page = client.get("/me/").content.decode()

    assert 'href="/staff/companies/"' in staff_page
    assert 'href="/staff/companies/"' not in member_page
