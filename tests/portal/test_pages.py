"""The pages every visitor sees: fast, editable by the KAG, and safe with what people type."""

from __future__ import annotations

import pytest

from companies.demo import seed_towns
from kag_portal.models import BarrierReport, OutboxMail, SitePage

pytestmark = pytest.mark.django_db


# /companies/ has its own budget, over 500 companies: tests/companies/test_directory.py; the home
# page over a filled region: tests/portal/test_home.py
@pytest.mark.parametrize("path", ["/events/", "/stories/", "/impressum/"])
def test_public_pages_need_few_queries(client, path, django_assert_max_num_queries):
    seed_towns(lambda line: None)

    with django_assert_max_num_queries(3):
        assert client.get(path).status_code == 200


def test_the_legal_pages_show_the_text_the_kag_entered(client):
    SitePage.objects.filter(slug="impressum").update(
        body_de="Musterstraße 1, 98527 Suhl", is_placeholder=False
    )

    html = client.get("/impressum/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Musterstraße 1, 98527 Suhl" in html
    assert "placeholder-warning" not in html


def test_a_placeholder_page_says_so(client):
    html = client.get("/datenschutz/").content.decode()

    assert SitePage.objects.get(slug="datenschutz").is_placeholder
    assert "placeholder-warning" in html


def test_the_english_visitor_reads_the_english_text(client):
    html = client.get("/impressum/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Legal notice" in html
    assert "Responsible for the content" in html


def test_markdown_on_legal_pages_is_sanitised(client):
    SitePage.objects.filter(slug="impressum").update(
        body_de='<script>alert(1)</script> [Link](javascript:alert(1)) <img src=x onerror="x">'
    )

    html = client.get("/impressum/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_an_unknown_page_is_not_found(client):
    assert client.get("/gibt-es-nicht/").status_code == 404


def test_a_barrier_report_reaches_the_kag_team(
    client, settings, django_capture_on_commit_callbacks
):
    settings.KAG_CONTACT_EMAIL = "barrieren@kag.example"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/barrierefreiheit/melden/",
            {"page_url": "/events/", "description": "Die Schrift ist zu klein."},
        )

    assert response.status_code == 302
    assert BarrierReport.objects.get().description == "Die Schrift ist zu klein."
    row = OutboxMail.objects.get(to_email="barrieren@kag.example")
    assert row.status == OutboxMail.Status.SENT
    assert "Die Schrift ist zu klein." in row.body_text


def test_opening_the_report_address_leads_to_the_form(client):
    response = client.get("/barrierefreiheit/melden/")

    assert response.status_code == 302
    assert response["Location"] == "/barrierefreiheit/#report"


def test_an_empty_barrier_report_is_refused_with_a_message(client):
    response = client.post(
        "/barrierefreiheit/melden/",
        {"page_url": "", "description": "", "contact_email": "keine-adresse"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert "Bitte gültige E-Mail-Adresse eingeben." in html
    assert not BarrierReport.objects.exists()
    assert not OutboxMail.objects.exists()
