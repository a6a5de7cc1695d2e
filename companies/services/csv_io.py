"""CSV import and export of companies, in the form the KAG keeps its own list in Excel.

The file format, in one place (the upload page and the template download show it):
- one header row with the German column names of `COLUMNS` (any case, any order; "Strasse" and
  "Groesse" are read as "Straße" and "Größe"); only "Name" and "Ort" are required;
- encoding UTF-8 (with or without BOM) or Windows-1252, as German Excel saves "CSV (Trennzeichen-
  getrennt)"; UTF-16 ("Unicode-Text") is read too;
- separator `;` (German Excel) or `,`, found from the header row; an Excel "sep=;" line is honoured;
- tags (Angebote, Gesuche) and certifications are separated by comma or semicolon within a cell.

The export writes the same columns, UTF-8 with BOM and `;`: German Excel opens it with a double
click, umlauts intact; a re-import of an export is a valid import file.

An import first only reads and checks (`preview_import`: nothing is saved), then
`import_companies` saves all rows in one transaction, or none.
"""

from __future__ import annotations

import csv
import difflib
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms.profile import CompanyImportRowForm, CompanyTagsForm
from ..models import Certification, Company, Industry, Tag, Town
from ..tags import normalize_tag, split_tags
from .search import refresh_search_document
from .tags import get_or_create_tags

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
EXPORT_DELIMITER = ";"  # what German Excel expects; "," is read on import as well
BOM = "\ufeff"
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str | Promise  # translated when shown
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", True, gettext_lazy("company name"), "Muster Feinmechanik GmbH"),
    Column("town", "Ort", True, gettext_lazy("a town of the portal"), "Zella-Mehlis"),
    Column("street", "Straße", False, gettext_lazy("street and number"), "Talstraße 12"),
    Column("postal_code", "PLZ", False, gettext_lazy("five digits"), "98544"),
    Column("website", "Website", False, gettext_lazy("address of the website"), "www.example.de"),
    Column("email", "E-Mail", False, gettext_lazy("public contact e-mail"), "info@example.de"),
    Column("phone", "Telefon", False, gettext_lazy("public phone number"), "03682 123456"),
    Column(
        "short_description",
        "Kurzbeschreibung",
        False,
        gettext_lazy("one sentence, at most 300 characters"),
        "Präzisionsmechanik und Baugruppen nach Zeichnung",
    ),
    Column(
        "industry",
        "Branche",
        False,
        gettext_lazy("WZ 2008 code: a division such as 28 or 25.73, or a section letter"),
        "25",
    ),
    Column(
        "size",
        "Größe",
        False,
        gettext_lazy("1–9, 10–49, 50–249, 250+ or the number of employees"),
        "10–49",
    ),
    Column(
        "offers",
        "Angebote",
        False,
        gettext_lazy("tags, separated by comma or semicolon"),
        "Feinmechanik, Baugruppenmontage",
    ),
    Column(
        "needs",
        "Gesuche",
        False,
        gettext_lazy("tags, separated by comma or semicolon"),
        "Spannzangen, Härten",
    ),
    Column(
        "certifications",
        "Zertifizierungen",
        False,
        gettext_lazy("for example ISO 9001, separated by comma"),
        "ISO 9001",
    ),
)
HEADERS = [column.header for column in COLUMNS]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PHONE = re.compile(r"^[+0-9][0-9 ()/.\-]*$")
_INDUSTRY = re.compile(r"^([A-Ua-u])?\s*(\d{1,2})?(?:[.\s]\d+)*$")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-"})


def fold(text: str) -> str:
    """Case, umlauts, spaces and punctuation folded: "Zella Mehlis" matches "Zella-Mehlis"."""
    return _NOT_ALNUM.sub("", text.casefold().translate(_UMLAUTS))


_HEADER_KEYS = {fold(column.header): column.key for column in COLUMNS}


def company_slug(name: str) -> str:
    """The URL name of a company, umlauts written out: "Präzision" → "praezision"."""
    return slugify(name.lower().translate(_UMLAUTS))[:200].strip("-")


class CsvFileError(Exception):
    """The file as a whole cannot be read: wrong columns, encoding, size, not a CSV file."""


# --- Reading the file ------------------------------------------------------------------------


def decode_upload(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read in."""
    if len(data) > MAX_FILE_BYTES:
        raise CsvFileError(_("The file is larger than 2 MB. Please split it into smaller files."))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(
            _(
                "This is an Excel workbook, not a CSV file. In Excel choose “Save as” and the "
                "file type “CSV UTF-8 (comma delimited)” or “CSV (semicolon delimited)”."
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.lstrip(BOM), ENCODING_NAMES[encoding]
    raise CsvFileError(
        _("The file could not be read as text. Please save it as CSV (UTF-8 or Windows-1252).")
    )


def _sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """(header cells, [(line number as Excel shows it, cells)], delimiter); empty rows left out."""
    lines = text.splitlines()
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CsvFileError(_("The file is empty."))
    skip = first
    header_line = lines[first]
    # Excel writes "sep=;" as the first line when asked to; it names the separator.
    if header_line.strip().lower().startswith("sep=") and len(header_line.strip()) == 5:
        delimiter = header_line.strip()[4]
        skip = first + 1
    else:
        delimiter = _sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if line <= skip:
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                continue
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise CsvFileError(
                    _("The file has more than %(max)s rows. Please split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
                )
    except csv.Error as error:
        raise CsvFileError(
            _("The file is not a valid CSV file (line %(line)s: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    if header is None:
        raise CsvFileError(_("The file is empty."))
    return header, rows, delimiter


def map_columns(header: list[str]) -> list[str | None]:
    """For each header cell the column key; raises CsvFileError naming what is wrong."""
    keys: list[str | None] = []
    unknown, seen, doubled = [], set(), []
    for cell in header:
        if not cell:
            keys.append(None)  # an empty trailing column, as Excel sometimes writes
            continue
        key = _HEADER_KEYS.get(fold(cell))
        if key is None:
            unknown.append(cell)
        elif key in seen:
            doubled.append(cell)
        seen.add(key)
        keys.append(key)
    problems = []
    if unknown:
        problems.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if doubled:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(doubled)})
    missing = [column.header for column in COLUMNS if column.required and column.key not in seen]
    if missing:
        problems.append(_("Required columns missing: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        problems.append(_("Allowed columns: %(names)s.") % {"names": ", ".join(HEADERS)})
        raise CsvFileError(" ".join(problems))
    return keys


# --- Checking the rows -----------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    slug: str = ""
    town: Town | None = None
    industry: Industry | None = None
    size_band: str = ""
    website: str = ""
    postal_code: str = ""
    offers: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    file_error: str = ""
    encoding: str = ""
    delimiter: str = ""

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def good_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def delimiter_label(self) -> str:
        return "Tab" if self.delimiter == "\t" else self.delimiter

    @property
    def is_valid(self) -> bool:
        return not self.file_error and bool(self.rows) and not self.error_rows


class _Lookups:
    """Everything the checks compare against, loaded in a fixed number of queries."""

    def __init__(self, rows: list[ImportRow]) -> None:
        self.towns: dict[str, Town] = {}
        # For suggestions: "zela-mehlis" is close to "zella-mehlis".
        self.town_names: dict[str, str] = {}
        for town in Town.objects.all():
            self.towns[fold(town.name)] = town
            self.towns.setdefault(fold(town.slug), town)
            self.town_names[town.name.casefold()] = town.name
        self.industries = {industry.code.upper(): industry for industry in Industry.objects.all()}
        self.certifications = {}
        for certification in Certification.objects.all():
            self.certifications[fold(certification.name)] = certification
            self.certifications[fold(certification.code)] = certification
        slugs = {row.slug for row in rows if row.slug}
        names = {row.values.get("name", "").strip().lower() for row in rows} - {""}
        self.existing: dict[str, str] = {}
        for chunk in _chunks(sorted(slugs), 500):
            for slug, name in Company.objects.filter(slug__in=chunk).values_list("slug", "name"):
                self.existing[slug] = name
        self.existing_names: dict[str, str] = {}
        for chunk in _chunks(sorted(names), 500):
            found = (
                Company.objects.annotate(lower_name=Lower("name"))
                .filter(lower_name__in=chunk)
                .values_list("lower_name", "name")
            )
            self.existing_names.update(found)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_SIZE_BANDS = {"1-9": "1-9", "10-49": "10-49", "50-249": "50-249", "250+": "250+", "250": "250+"}


def _size_band(value: str) -> str | None:
    text = value.translate(_DASHES).replace(" ", "").lower()
    text = re.sub(r"(beschaeftigte|beschäftigte|mitarbeiter|mitarbeitende|employees)$", "", text)
    if text in _SIZE_BANDS:
        return _SIZE_BANDS[text]
    if text.isdigit():
        count = int(text)
        if count < 10:
            return "1-9"
        if count < 50:
            return "10-49"
        if count < 250:
            return "50-249"
        return "250+"
    return None


def _check_row(row: ImportRow, lookups: _Lookups, first_line_for_slug: dict[str, int]) -> None:
    """The row's errors, in the user's language: the profile form's field rules, then what only
    an import can get wrong (names of towns, codes, the same company twice)."""
    _resolve_size(row)
    _check_fields(row)
    _check_unique(row, lookups, first_line_for_slug)
    _resolve_town(row, lookups)
    _resolve_industry(row, lookups)
    _resolve_certifications(row, lookups)


# The import's own wording for a form error, naming the cell as the file has it; every other
# error reads "<column> “<value>”: <the form's message>".
_ROW_MESSAGES = {
    ("name", "required"): gettext_lazy("The name is missing."),
    ("name", "max_length"): gettext_lazy("The name is longer than 200 characters."),
    ("name", "no_letters"): gettext_lazy("The name needs at least one letter or digit."),
    ("street", "max_length"): gettext_lazy("The street is longer than 200 characters."),
    ("postal_code", "invalid"): gettext_lazy("The postal code “%(value)s” must have five digits."),
    ("postal_code", "max_length"): gettext_lazy(
        "The postal code “%(value)s” must have five digits."
    ),
    ("website", "invalid"): gettext_lazy("The website “%(value)s” is not a valid address."),
    ("website", "max_length"): gettext_lazy("The website “%(value)s” is not a valid address."),
    ("public_email", "invalid"): gettext_lazy("The e-mail address “%(value)s” is not valid."),
    ("public_phone", "invalid"): gettext_lazy("The phone number “%(value)s” is not valid."),
    ("public_phone", "max_length"): gettext_lazy("The phone number “%(value)s” is not valid."),
    ("short_description", "max_length"): gettext_lazy(
        "The short description is longer than 300 characters."
    ),
}
# The form's fields and the file's columns, where they differ in name.
_FORM_FIELD_COLUMN = {"public_email": "email", "public_phone": "phone"}
_COLUMN_HEADER = {column.key: column.header for column in COLUMNS}


def _form_data(row: ImportRow) -> dict[str, str]:
    """The row as the profile form would receive it from the wizard."""
    values = row.values
    postal_code = values.get("postal_code", "").replace(" ", "")
    if postal_code.isdigit() and len(postal_code) == 4:
        postal_code = "0" + postal_code  # Excel drops the leading zero of 0xxxx codes
    row.postal_code = postal_code
    return {
        "name": values.get("name", ""),
        "street": values.get("street", ""),
        "postal_code": postal_code,
        "website": values.get("website", ""),
        "public_email": values.get("email", ""),
        "public_phone": values.get("phone", ""),
        "short_description": values.get("short_description", ""),
        "size_band": row.size_band,
        "offers": values.get("offers", ""),
        "needs": values.get("needs", ""),
    }


def _check_fields(row: ImportRow) -> None:
    data = _form_data(row)
    basics = CompanyImportRowForm(data=data)
    tags = CompanyTagsForm(data=data)
    for form in (basics, tags):
        for name, errors in form.errors.as_data().items():
            column = _FORM_FIELD_COLUMN.get(name, name)
            value = data.get(name, "")
            for error in errors:
                row.errors.append(_row_message(name, column, value, error))
    if basics.is_valid():
        row.website = basics.cleaned_data["website"]
    if tags.is_valid():
        row.offers, row.needs = tags.cleaned_data["offers"], tags.cleaned_data["needs"]


def _row_message(name: str, column: str, value: str, error: ValidationError) -> str:
    own = _ROW_MESSAGES.get((name, error.code or ""))
    if own is not None:
        return str(own) % {"value": value}
    message = " ".join(error.messages)
    if not value:
        return f"{_COLUMN_HEADER.get(column, column)}: {message}"
    return f"{_COLUMN_HEADER.get(column, column)} “{value}”: {message}"


def _check_unique(row: ImportRow, lookups: _Lookups, first_line_for_slug: dict[str, int]) -> None:
    name = row.values.get("name", "")
    if not row.slug or not name or len(name) > 200:
        return
    earlier = first_line_for_slug.setdefault(row.slug, row.line)
    if earlier != row.line:
        row.errors.append(_("The same company as in row %(line)s.") % {"line": earlier})
    existing = lookups.existing.get(row.slug) or lookups.existing_names.get(name.lower())
    if existing:
        row.errors.append(
            _("A company with this name exists already: %(name)s.") % {"name": existing}
        )


def _resolve_town(row: ImportRow, lookups: _Lookups) -> None:
    town = row.values.get("town", "")
    if not town:
        row.errors.append(_("The town (Ort) is missing."))
        return
    row.town = lookups.towns.get(fold(town))
    if row.town is not None:
        return
    close = difflib.get_close_matches(town.casefold(), list(lookups.town_names), n=3, cutoff=0.6)
    if close:
        suggestions = ", ".join(lookups.town_names[name] for name in close)
        row.errors.append(
            _("Unknown town “%(town)s”. Did you mean: %(suggestions)s?")
            % {"town": town, "suggestions": suggestions}
        )
    else:
        row.errors.append(
            _(
                "Unknown town “%(town)s”. Staff can add towns in the administration; "
                "known towns: %(towns)s."
            )
            % {"town": town, "towns": ", ".join(sorted(lookups.town_names.values()))}
        )


def _resolve_industry(row: ImportRow, lookups: _Lookups) -> None:
    industry = row.values.get("industry", "")
    if not industry:
        return
    match = _INDUSTRY.match(industry.strip())
    code = ""
    if match and match.group(2):
        code = match.group(2).zfill(2)  # Excel turns "05" into 5
    elif match and match.group(1):
        code = match.group(1).upper()
    row.industry = lookups.industries.get(code)
    if row.industry is None:
        row.errors.append(_("Unknown WZ 2008 code “%(code)s”.") % {"code": industry})


def _resolve_size(row: ImportRow) -> None:
    size = row.values.get("size", "")
    if size:
        row.size_band = _size_band(size) or ""
        if not row.size_band:
            row.errors.append(
                _("Unknown size “%(size)s”: use 1–9, 10–49, 50–249, 250+ or a number.")
                % {"size": size}
            )


def _resolve_certifications(row: ImportRow, lookups: _Lookups) -> None:
    for label in split_tags(row.values.get("certifications", "")):
        certification = lookups.certifications.get(fold(label))
        if certification is None:
            row.errors.append(_("Unknown certification “%(name)s”.") % {"name": label})
        elif certification not in row.certifications:
            row.certifications.append(certification)


def preview_import(text: str, *, encoding: str = "") -> ImportPreview:
    """Read and check every row. Saves nothing."""
    preview = ImportPreview(encoding=encoding)
    try:
        header, table, preview.delimiter = read_table(text)
        keys = map_columns(header)
    except CsvFileError as error:
        preview.file_error = str(error)
        return preview
    for line, cells in table:
        values = dict.fromkeys((column.key for column in COLUMNS), "")
        row = ImportRow(line=line, values=values)
        extra = [cell for cell in cells[len(keys) :] if cell.strip()]
        if extra:
            row.errors.append(_("This row has more cells than the header row has columns."))
        for key, cell in zip(keys, cells, strict=False):
            if key is not None:
                values[key] = " ".join(cell.split()) if key != "short_description" else cell.strip()
        row.slug = company_slug(values["name"])
        preview.rows.append(row)
    if not preview.rows:
        preview.file_error = _("The file has a header row but no companies.")
        return preview
    lookups = _Lookups(preview.rows)
    first_line_for_slug: dict[str, int] = {}
    for row in preview.rows:
        _check_row(row, lookups, first_line_for_slug)
    return preview


# --- Saving ----------------------------------------------------------------------------------


class ImportRejected(Exception):
    """Something is wrong at the moment of saving; nothing was saved."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__("import rejected")
        self.preview = preview


@transaction.atomic
def import_companies(*, text: str, staff_user) -> list[Company]:
    """Create every company of the file as a draft without owner and without public consent
    (the KAG invites the firms later), or none: any row that is invalid now stops them all."""
    preview = preview_import(text)
    if not preview.is_valid:
        raise ImportRejected(preview)
    tags = {tag.key: tag for tag in _tags_for(preview.rows)}
    companies = [
        Company(
            name=row.values["name"],
            slug=row.slug,
            town=row.town,
            street=row.values["street"],
            postal_code=row.postal_code,
            website=row.website,
            public_email=row.values["email"],
            public_phone=row.values["phone"],
            short_description=row.values["short_description"],
            industry=row.industry,
            size_band=row.size_band,
            status=Company.Status.DRAFT,
        )
        for row in preview.rows
    ]
    Company.objects.bulk_create(companies, batch_size=500)
    offers, needs, certifications = [], [], []
    for company, row in zip(companies, preview.rows, strict=True):
        offers += [_link(Company.offers.through, company, tags, label) for label in row.offers]
        needs += [_link(Company.needs.through, company, tags, label) for label in row.needs]
        certifications += [
            Company.certifications.through(company_id=company.pk, certification_id=item.pk)
            for item in row.certifications
        ]
    Company.offers.through.objects.bulk_create(offers, batch_size=1000)
    Company.needs.through.objects.bulk_create(needs, batch_size=1000)
    Company.certifications.through.objects.bulk_create(certifications, batch_size=1000)
    saved = (
        Company.objects.filter(pk__in=[company.pk for company in companies])
        .select_related("town", "industry")
        .prefetch_related("offers", "needs")
    )
    for company in saved.iterator(chunk_size=500):
        refresh_search_document(company)
    logger.info("%s imported %d companies as drafts", staff_user, len(companies))
    return companies


def _tags_for(rows: list[ImportRow]) -> list[Tag]:
    return get_or_create_tags(label for row in rows for label in (*row.offers, *row.needs))


def _link(through, company: Company, tags: dict[str, Tag], label: str):
    return through(company_id=company.pk, tag_id=tags[normalize_tag(label)].pk)


# --- Export ----------------------------------------------------------------------------------


def excel_safe(value: str) -> str:
    """Keep a cell from being run as a formula when the file is opened in a spreadsheet
    (CSV injection), without spoiling phone numbers such as "+49 3681 12345"."""
    if not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and not _PHONE.match(value)):
        return "'" + value
    return value


def _size_for_excel(band: str) -> str:
    # "1-9" would become the date 1 September in Excel; an en dash keeps it text.
    return band.replace("-", "–")


def directory_companies():
    """The published directory, in name order."""
    return (
        Company.objects.filter(status=Company.Status.PUBLISHED, public_consent_at__isnull=False)
        .select_related("town", "industry")
        .prefetch_related("offers", "needs", "certifications")
        .order_by("name", "pk")
    )


def export_rows(companies: Iterable[Company] | None = None) -> Iterator[list[str]]:
    yield list(HEADERS)
    if companies is None:
        companies = directory_companies().iterator(chunk_size=500)
    for company in companies:
        row = {
            "name": company.name,
            "town": company.town.name,
            "street": company.street,
            "postal_code": company.postal_code,
            "website": company.website,
            "email": company.public_email,
            "phone": company.public_phone,
            "short_description": company.short_description,
            "industry": company.industry.code if company.industry else "",
            "size": _size_for_excel(company.size_band),
            "offers": ", ".join(tag.name for tag in company.offers.all()),
            "needs": ", ".join(tag.name for tag in company.needs.all()),
            "certifications": ", ".join(item.name for item in company.certifications.all()),
        }
        yield [excel_safe(row[column.key]) for column in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """The rows as CSV text for German Excel: BOM first, `;` between cells, CRLF line ends."""
    writer = csv.writer(_Echo(), delimiter=EXPORT_DELIMITER, lineterminator="\r\n")
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def template_rows() -> list[list[str]]:
    return [list(HEADERS), [column.example for column in COLUMNS]]
