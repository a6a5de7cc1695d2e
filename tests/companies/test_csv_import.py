"""The KAG imports the company list it keeps in Excel: preview first, then all rows or none."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from companies.demo import seed_towns
from companies.models import Company, Tag
from companies.services import csv_io
from tests.factories import CompanyFactory, StaffFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Name", "Ort", "Straße", "PLZ", "Website", "E-Mail", "Telefon", "Kurzbeschreibung",
    "Branche", "Größe", "Angebote", "Gesuche",
]  # fmt: skip
ROWS = [
    [
        "Präzisionsmechanik Lauterbach GmbH", "Zella-Mehlis", "Straße des Friedens 4", "98544",
        "www.lauterbach-praezision.example", "info@lauterbach.example", "03682 40010",
        "Präzisionsmechanik nach Zeichnung", "25", "45", "Drehteile, Fräsen", "Härten; Beschichten",
    ],
    [
        "Glashütte am Rennsteig", "Schleusingen", "", "98553", "https://glas.example", "", "",
        "Behälterglas für Getränke", "23", "250+", "Behälterglas", "Energieberatung",
    ],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _messages_in_english():
    # The row messages are checked by their English wording; German is the portal's default.
    with translation.override("en"):
        yield


def csv_file(
    rows: list[list[str] | str], *, encoding: str = "utf-8", bom: bool = False, sep: str = ";"
) -> bytes:
    """A file as Excel writes it: cells quoted where needed, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        if isinstance(row, str):
            buffer.write(row + "\r\n")  # a raw line, written as it stands
        else:
            writer.writerow(row)
    data = buffer.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


@pytest.fixture(autouse=True)
def towns(db):
    seed_towns(lambda _line: None)


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def upload(client, data: bytes, name: str = "kag-liste.csv"):
    return client.post(
        "/staff/companies/import/",
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def preview_of(data: bytes) -> csv_io.ImportPreview:
    text, encoding = csv_io.decode_upload(data)
    return csv_io.preview_import(text, encoding=encoding)


# --- Reading files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "sep", "label"),
    [
        ("utf-8", False, ";", "UTF-8"),
        ("utf-8", True, ";", "UTF-8"),
        ("utf-8", True, ",", "UTF-8"),
        ("cp1252", False, ";", "Windows-1252"),
        ("cp1252", False, ",", "Windows-1252"),
    ],
)
def test_a_good_file_is_read_in_every_encoding_and_separator(encoding, bom, sep, label):
    data = csv_file([HEADER, *ROWS], encoding=encoding, bom=bom, sep=sep)
    assert (b'"Drehteile, Fr' in data) == (sep == ",")  # quoted where the cell holds the separator

    preview = preview_of(data)

    assert preview.is_valid, [row.errors for row in preview.rows] or preview.file_error
    assert preview.encoding == label
    assert preview.delimiter == sep
    first = preview.rows[0]
    assert first.values["name"] == "Präzisionsmechanik Lauterbach GmbH"
    assert first.values["street"] == "Straße des Friedens 4"
    assert first.town.name == "Zella-Mehlis"
    assert first.industry.code == "25"
    assert first.size_band == "10-49"
    assert first.website == "https://www.lauterbach-praezision.example"
    assert first.offers == ["Drehteile", "Fräsen"]


def test_headers_are_matched_in_any_case_order_and_umlaut_spelling():
    data = csv_file(["ort;NAME;strasse;groesse;e-mail", "Suhl;Feinwerk Suhl GmbH;Am Hang 1;12;"])

    preview = preview_of(data)

    assert preview.is_valid
    row = preview.rows[0]
    assert (row.values["name"], row.town.name, row.values["street"]) == (
        "Feinwerk Suhl GmbH",
        "Suhl",
        "Am Hang 1",
    )
    assert row.size_band == "10-49"


def test_an_excel_sep_line_names_the_separator():
    data = csv_file(["sep=,", "Name,Ort", "Feinwerk Suhl GmbH,Suhl"])

    preview = preview_of(data)

    assert preview.is_valid
    assert preview.rows[0].line == 3


def test_unknown_and_missing_columns_are_named_and_nothing_is_read():
    preview = preview_of(csv_file(["Firma;Stadt;Website", "Feinwerk;Suhl;"]))

    assert not preview.is_valid
    assert "Firma" in preview.file_error
    assert "Stadt" in preview.file_error
    assert "Name" in preview.file_error
    assert "Ort" in preview.file_error
    assert preview.rows == []


def test_an_excel_workbook_is_refused_with_advice():
    with pytest.raises(csv_io.CsvFileError, match="Excel"):
        csv_io.decode_upload(b"PK\x03\x04" + b"\x00" * 100)


def test_a_binary_file_is_refused():
    with pytest.raises(csv_io.CsvFileError):
        csv_io.decode_upload(b"\x81\x8d\x8f\x90\x9d" * 10)


def test_a_file_over_2_mb_is_refused(staff_client):
    data = csv_file([HEADER, *ROWS]) + b" " * csv_io.MAX_FILE_BYTES

    response = upload(staff_client, data)

    assert response.status_code == 400
    assert "2 MB" in response.content.decode()


def test_a_file_with_too_many_rows_is_refused():
    lines = ["Name;Ort"] + [f"Firma {n};Suhl" for n in range(csv_io.MAX_ROWS + 1)]

    preview = preview_of(csv_file(lines))

    assert "5.000" in preview.file_error


def test_empty_rows_that_excel_writes_are_skipped():
    data = csv_file(["Name;Ort;PLZ", ";;", "Feinwerk Suhl GmbH;Suhl;98527", ";;", ""])

    preview = preview_of(data)

    assert preview.is_valid
    assert len(preview.rows) == 1


# --- Checking rows ---------------------------------------------------------------------------


def test_bad_rows_get_an_error_each_with_the_row_number():
    CompanyFactory(name="Spannwerk Zella-Mehlis GmbH", slug="spannwerk-zella-mehlis-gmbh")
    lines = [
        "Name;Ort;E-Mail;Website;Branche;PLZ;Größe",
        ";Suhl;;;;;",  # 2: no name
        "Zellaer Dreherei;Zela-Mehlis;;;;;",  # 3: town misspelt
        "Ohne Ort GmbH;;;;;;",  # 4: no town
        "Mailfehler GmbH;Suhl;info(at)firma.example;;;;",  # 5
        "URL-Fehler GmbH;Suhl;;http://;;;",  # 6
        "Branchenfehler GmbH;Suhl;;;99.9x;;",  # 7
        "Doppelt GmbH;Suhl;;;;;",  # 8
        "doppelt gmbh;Oberhof;;;;;",  # 9: same as row 8
        "Spannwerk Zella-Mehlis GmbH;Zella-Mehlis;;;;;",  # 10: exists already
        "PLZ-Fehler GmbH;Suhl;;;;98 5;",  # 11
        "Größenfehler GmbH;Suhl;;;;;riesig",  # 12
        "Gute Firma GmbH;Oberhof;;;28;;",  # 13
    ]

    preview = preview_of(csv_file(lines))

    errors = {row.line: " ".join(row.errors) for row in preview.rows}
    assert "name is missing" in errors[2]
    assert "Did you mean: Zella-Mehlis?" in errors[3]
    assert "town (Ort) is missing" in errors[4]
    assert "info(at)firma.example" in errors[5]
    assert "not a valid address" in errors[6]
    assert "Unknown WZ 2008 code" in errors[7]
    assert errors[8] == ""
    assert "row 8" in errors[9]
    assert "exists already" in errors[10]
    assert "five digits" in errors[11]
    assert "Unknown size" in errors[12]
    assert errors[13] == ""
    assert not preview.is_valid


def test_values_excel_mangled_are_read_as_meant():
    # Excel drops leading zeros ("05" → 5, "09322" → 9322) and people write sizes as numbers.
    data = csv_file(["Name;Ort;Branche;PLZ;Größe", "Kieswerk GmbH;Suhl;5;9322;250"])

    row = preview_of(data).rows[0]

    assert row.errors == []
    assert row.industry.code == "05"
    assert row.postal_code == "09322"
    assert row.size_band == "250+"


def test_a_four_digit_wz_class_counts_as_its_division_and_letters_as_sections():
    data = csv_file(
        ["Name;Ort;Branche", "A GmbH;Suhl;25.73", "B GmbH;Suhl;C", "C GmbH;Suhl;28.41.0"]
    )

    codes = [row.industry.code for row in preview_of(data).rows]

    assert codes == ["25", "C", "28"]


def test_unknown_certifications_are_errors_and_known_ones_are_found_in_any_spelling():
    data = csv_file(
        ["Name;Ort;Zertifizierungen", "A GmbH;Suhl;iso 9001, ISO-14001", "B GmbH;Suhl;DIN 0815"]
    )

    first, second = preview_of(data).rows

    assert [item.name for item in first.certifications] == ["ISO 9001", "ISO 14001"]
    assert "DIN 0815" in " ".join(second.errors)


def test_a_row_with_more_cells_than_columns_is_an_error():
    preview = preview_of(csv_file(["Name;Ort", "A GmbH;Suhl;übrig"]))

    assert "more cells" in preview.rows[0].errors[0]


# --- Saving ----------------------------------------------------------------------------------


def test_import_creates_drafts_without_owner_or_consent_with_tags_and_search_text():
    preview = preview_of(csv_file([HEADER, *ROWS]))
    Tag.objects.create(name="Fräsen", key="fraes")

    text, _encoding = csv_io.decode_upload(csv_file([HEADER, *ROWS]))
    companies = csv_io.import_companies(text=text, staff_user=None)

    assert preview.is_valid
    assert len(companies) == 2
    company = Company.objects.get(slug="praezisionsmechanik-lauterbach-gmbh")
    assert company.status == Company.Status.DRAFT
    assert company.public_consent_at is None
    assert not company.memberships.exists()
    assert company.town.name == "Zella-Mehlis"
    assert company.public_email == "info@lauterbach.example"
    assert sorted(tag.name for tag in company.offers.all()) == ["Drehteile", "Fräsen"]
    assert sorted(tag.name for tag in company.needs.all()) == ["Beschichten", "Härten"]
    assert Tag.objects.filter(key="fraes").count() == 1  # the existing tag is reused
    assert "Drehteile" in company.search_document
    assert "Zella-Mehlis" in company.search_document


def test_an_invalid_file_saves_nothing():
    text = "Name;Ort\r\nGute Firma GmbH;Suhl\r\nSchlechte Firma;Nirgendwo\r\n"

    with pytest.raises(csv_io.ImportRejected):
        csv_io.import_companies(text=text, staff_user=None)

    assert not Company.objects.exists()


def test_the_whole_journey_upload_preview_fix_and_import(staff_client):
    bad = csv_file(["Name;Ort;E-Mail", "Feinwerk Suhl GmbH;Suhl;kaputt", "Glas GmbH;Suhl;"])
    good = csv_file(["Name;Ort;E-Mail", "Feinwerk Suhl GmbH;Suhl;info@feinwerk.example"])

    first = upload(staff_client, bad)
    preview = staff_client.get("/staff/companies/import/preview/")
    assert first.status_code == 302
    assert first["Location"] == "/staff/companies/import/preview/"
    assert "kaputt" in preview.content.decode()
    assert "commit_form" in preview.context
    assert not preview.context["preview"].is_valid
    assert b'action="/staff/companies/import/commit/"' not in preview.content

    upload(staff_client, good)
    preview = staff_client.get("/staff/companies/import/preview/")
    assert preview.context["preview"].is_valid
    digest = preview.context["commit_form"].initial["digest"]
    done = staff_client.post("/staff/companies/import/commit/", {"digest": digest})

    assert done.status_code == 302
    assert done["Location"] == "/staff/companies/?status=draft"
    assert list(Company.objects.values_list("name", "status")) == [("Feinwerk Suhl GmbH", "draft")]
    # The stored file is gone: importing again is not possible by accident.
    assert staff_client.get("/staff/companies/import/preview/").status_code == 302


def test_nothing_is_saved_when_a_row_became_invalid_after_the_preview(staff_client):
    data = csv_file(["Name;Ort", "Erste Firma GmbH;Suhl", "Feinwerk Suhl GmbH;Suhl"])
    upload(staff_client, data)
    digest = (
        staff_client.get("/staff/companies/import/preview/")
        .context["commit_form"]
        .initial["digest"]
    )
    # Meanwhile the fine-mechanics firm registered itself.
    CompanyFactory(name="Feinwerk Suhl GmbH", slug="feinwerk-suhl")

    response = staff_client.post("/staff/companies/import/commit/", {"digest": digest})

    assert response.status_code == 409
    assert "gibt es bereits" in response.content.decode()  # German, the default language
    assert not Company.objects.filter(name="Erste Firma GmbH").exists()
    assert Company.objects.count() == 1


def test_a_commit_for_another_preview_than_the_stored_file_saves_nothing(staff_client):
    upload(staff_client, csv_file(["Name;Ort", "Erste Firma GmbH;Suhl"]))

    response = staff_client.post("/staff/companies/import/commit/", {"digest": "0" * 64})

    assert response.status_code == 302
    assert not Company.objects.exists()


def test_an_excel_cp1252_file_with_umlauts_survives_import_and_export(staff_client):
    # What German Excel writes for "CSV (Trennzeichen-getrennt)": Windows-1252, ";", CRLF.
    lines = [
        "Name;Ort;Straße;PLZ;Kurzbeschreibung;Angebote",
        "Präzisionsmechanik Zella-Mehlis GmbH;Zella-Mehlis;Straße der Einheit 7;98544;"
        'Präzisionsmechanik für Messtechnik;"Präzisionsmechanik; Lohnfertigung"',
    ]
    data = csv_file(lines, encoding="cp1252")
    # really not UTF-8
    assert "ä".encode("cp1252") in data
    assert b"\xc3" not in data

    upload(staff_client, data)
    digest = (
        staff_client.get("/staff/companies/import/preview/")
        .context["commit_form"]
        .initial["digest"]
    )
    staff_client.post("/staff/companies/import/commit/", {"digest": digest})
    company = Company.objects.get()
    assert company.name == "Präzisionsmechanik Zella-Mehlis GmbH"
    assert company.street == "Straße der Einheit 7"
    assert company.slug == "praezisionsmechanik-zella-mehlis-gmbh"

    # Published, it is in the export: UTF-8 with BOM, umlauts intact.
    Company.objects.filter(pk=company.pk).update(
        status=Company.Status.PUBLISHED, public_consent_at=company.created_at
    )
    exported = b"".join(staff_client.get("/staff/companies/export.csv").streaming_content)
    assert exported.startswith(b"\xef\xbb\xbf")
    text = exported.decode("utf-8-sig")
    assert "Präzisionsmechanik Zella-Mehlis GmbH;Zella-Mehlis;Straße der Einheit 7;98544" in text


def test_the_upload_page_shows_the_columns_and_the_template_is_a_valid_import(staff_client):
    page = staff_client.get("/staff/companies/import/")
    template = staff_client.get("/staff/companies/import/vorlage.csv")

    content = page.content.decode()
    for header in csv_io.HEADERS:
        assert f"<code>{header}</code>" in content
    assert "without an owner" in content or "ohne Inhaber" in content
    data = b"".join(template.streaming_content)
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert preview_of(data).is_valid
