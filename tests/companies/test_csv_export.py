"""The directory as a CSV file for German Excel: published companies only, one row each."""

from __future__ import annotations

import csv
import io

import pytest

from companies.demo import seed_towns
from companies.models import Certification, Company, Industry, Town
from companies.services import csv_io
from tests.factories import CompanyFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def towns(db):
    seed_towns(lambda _line: None)


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def exported(client) -> tuple[bytes, list[list[str]]]:
    response = client.get("/staff/companies/export.csv")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    return data, rows


def test_the_export_holds_published_companies_only(staff_client):
    spannwerk = CompanyFactory(
        published=True,
        name="Spannwerk Zella-Mehlis GmbH",
        street="Am Spannwerk 3",
        postal_code="98544",
        website="https://spannwerk.example",
        public_phone="+49 3682 1234",
        industry=Industry.objects.get(code="25"),
        size_band="50-249",
        offers=["Spannzangen", "Sonderspannmittel"],
        needs=["Auszubildende"],
    )
    spannwerk.certifications.set([Certification.objects.get(code="iso-9001")])
    CompanyFactory(name="Entwurf GmbH")
    CompanyFactory(name="Versteckt GmbH", status=Company.Status.HIDDEN)

    data, rows = exported(staff_client)

    assert data.startswith(b"\xef\xbb\xbf")  # BOM: German Excel reads UTF-8
    assert b"\r\n" in data
    assert rows[0] == csv_io.HEADERS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "Spannwerk Zella-Mehlis GmbH"
    assert row["Straße"] == "Am Spannwerk 3"
    assert row["Telefon"] == "+49 3682 1234"  # a phone number is not treated as a formula
    assert row["Branche"] == "25"
    assert row["Größe"] == "50–249"  # an en dash: Excel would read "50-249" as a date
    assert row["Angebote"] == "Sonderspannmittel, Spannzangen"
    assert row["Zertifizierungen"] == "ISO 9001"


def test_the_response_is_a_download_that_is_not_cached(staff_client):
    response = staff_client.get("/staff/companies/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kag-unternehmen-')
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("+49 3681 12345", "+49 3681 12345"),
        ("Feinwerk", "Feinwerk"),
        ("", ""),
    ],
)
def test_cells_are_never_run_as_formulas(value, expected):
    assert csv_io.excel_safe(value) == expected


def test_an_export_can_be_imported_again():
    CompanyFactory(
        published=True,
        name="Glaswerk Schleusingen GmbH",
        town=Town.objects.get(slug="schleusingen"),
        industry=Industry.objects.get(code="23"),
        size_band="1-9",
        offers=["Behälterglas"],
    )
    text = "".join(csv_io.csv_lines(csv_io.export_rows()))
    Company.objects.all().delete()

    preview = csv_io.preview_import(text.lstrip(csv_io.BOM))

    assert preview.is_valid, preview.file_error or preview.rows[0].errors
    row = preview.rows[0]
    assert (row.town.slug, row.industry.code, row.size_band) == ("schleusingen", "23", "1-9")
    assert row.offers == ["Behälterglas"]


def test_the_export_needs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    for n in range(300):
        CompanyFactory(published=True, name=f"Betrieb {n:03}", offers=[f"Angebot {n % 7}"])

    # session, user, then per 500 companies: the companies and their three tag/cert lists
    with django_assert_max_num_queries(8):
        _data, rows = exported(staff_client)

    assert len(rows) == 301
