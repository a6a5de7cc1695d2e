"""The benchmark's data set in a PostgreSQL database of its own (kag_bench by default).

Built through the product's own paths where it has them: the demo region (`seed_demo`) for
people, events and stories; a generated CSV of ~4,950 companies through the staff import
(companies.services.csv_io: decode, preview, import) in files under the upload limit; the seat plan
of a 250-person speed-dating evening through matchmaking.services.seating (generate, publish).
What the portal has no bulk path for is done as staff or owners would end up with it: the
imported drafts are published with consent in one UPDATE, the evening's people get accounts.

A marker table (bench_dataset) names the version of the build; a complete data set of the same
version is reused, so repeated runs start at once.

Every function here needs Django set up with the portal's settings (bench.web does that).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from psycopg import sql

# Raise when what is built changes: an older data set is then built again.
DATASET_VERSION = 3
COMPANIES = 5000  # published, the demo's included
EVENING_PEOPLE = 250
EVENING_TITLE = "Bench: Netzwerkabend mit 250 Gästen"
MEMBER_EMAIL = "inhaberin@spannwerk-demo.de"  # a demo owner (seed_demo), with her company
STAFF_EMAIL = "team@kag-demo.de"
ATTENDEE_EMAIL_PATTERN = "gast{:03d}@bench.example"
# The staff upload takes at most 2 MB a file; the import is split like staff would split it.
ROWS_PER_FILE = 1700

EXTRA_TOWNS = [
    ("Sonneberg", "sonneberg"),
    ("Bad Salzungen", "bad-salzungen"),
    ("Steinbach-Hallenberg", "steinbach-hallenberg"),
    ("Themar", "themar"),
    ("Eisfeld", "eisfeld"),
    ("Römhild", "roemhild"),
    ("Brotterode-Trusetal", "brotterode-trusetal"),
    ("Schleusingerneundorf", "schleusingerneundorf"),
]
POSTAL = {
    "Oberhof": "98559",
    "Schleusingen": "98553",
    "Suhl": "98527",
    "Zella-Mehlis": "98544",
    "Schmalkalden": "98574",
    "Hildburghausen": "98646",
    "Meiningen": "98617",
    "Ilmenau": "98693",
    "Sonneberg": "96515",
    "Bad Salzungen": "36433",
    "Steinbach-Hallenberg": "98587",
    "Themar": "98660",
    "Eisfeld": "98673",
    "Römhild": "98630",
    "Brotterode-Trusetal": "98596",
    "Schleusingerneundorf": "98553",
}

# (WZ division, words for the name, offers, needs): the region's industry mix.
INDUSTRIES = [
    (
        "25",
        ["Feinmechanik", "Metallbau", "Präzisionsteile", "Drehteile", "Stanztechnik"],
        ["CNC-Fräsen", "CNC-Drehen", "Spannzangen", "Blechbearbeitung", "Schweißen", "Härten"],
        ["Spannzange", "Pulverbeschichtung", "Galvanik", "Rohmaterial Aluminium", "Härten"],
    ),
    (
        "28",
        ["Maschinenbau", "Anlagenbau", "Sondermaschinen", "Automation"],
        ["Sondermaschinenbau", "Baugruppenmontage", "Steuerungstechnik", "Retrofit"],
        ["Spannzangen", "CNC-Fräsen", "Elektrokonstruktion", "Hydraulik", "Blechbearbeitung"],
    ),
    (
        "22",
        ["Kunststofftechnik", "Spritzguss", "Formenbau"],
        ["Kunststoffspritzguss", "Werkzeugbau", "Prototypen", "3D-Druck"],
        ["Granulat", "Werkzeugstahl", "Erodieren", "Messtechnik"],
    ),
    (
        "26",
        ["Elektronik", "Sensorik", "Optik"],
        ["Leiterplattenbestückung", "Sensorik", "Embedded Software", "Optische Messtechnik"],
        ["Gehäusebau", "Kabelkonfektion", "Prüfmittel", "Spannzange"],
    ),
    (
        "23",
        ["Glaswerk", "Glastechnik", "Keramik"],
        ["Glasbläserei", "Laborglas", "Technische Keramik", "Christbaumschmuck"],
        ["Gas", "Verpackung", "Logistik", "Energieberatung"],
    ),
    (
        "16",
        ["Holzbau", "Tischlerei", "Sägewerk"],
        ["Holzbau", "Möbel nach Maß", "Verpackung aus Holz", "Paletten"],
        ["Schnittholz", "CNC-Fräsen", "Lackierung", "Transport"],
    ),
    (
        "10",
        ["Fleischerei", "Bäckerei", "Feinkost", "Brauerei"],
        ["Thüringer Rostbratwurst", "Catering", "Backwaren", "Bier"],
        ["Kühllogistik", "Verpackung", "Etiketten", "Auszubildende"],
    ),
    (
        "62",
        ["Software", "IT-Service", "Digitalagentur"],
        ["Webentwicklung", "ERP-Einführung", "IT-Sicherheit", "Cloud-Hosting"],
        ["Fachkräfte", "Büroflächen", "Marketing", "Datenschutzberatung"],
    ),
    (
        "71",
        ["Ingenieurbüro", "Planungsbüro", "Prüflabor"],
        ["Konstruktion", "Statik", "Werkstoffprüfung", "Messtechnik"],
        ["Software", "Prototypen", "3D-Druck", "Büroflächen"],
    ),
    (
        "43",
        ["Elektroinstallation", "Haustechnik", "Dachdeckerei"],
        ["Elektroinstallation", "Photovoltaik", "Heizungsbau", "Dachsanierung"],
        ["Fachkräfte", "Transport", "Gerüstbau", "Auszubildende"],
    ),
    (
        "49",
        ["Spedition", "Logistik", "Transporte"],
        ["Transport", "Lagerlogistik", "Kühllogistik", "Sondertransporte"],
        ["Lagerflächen", "Fahrer", "Werkstattservice", "Software"],
    ),
    (
        "29",
        ["Fahrzeugteile", "Zulieferer Automotive"],
        ["Serienfertigung", "Baugruppenmontage", "Kabelkonfektion", "Härten"],
        ["Spannzangen", "IATF-Beratung", "Logistik", "Werkstoffprüfung"],
    ),
]
FORMS = ["GmbH", "GmbH & Co. KG", "e.K.", "KG", "AG", "UG (haftungsbeschränkt)"]
FAMILIES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Möller",
    "Köhler", "Ebert", "Ruppert", "Hollerbach", "Gebhardt", "Anschütz", "Bätz", "Recknagel",
    "Heym", "Luck", "Greiner", "Döll", "Holland-Moritz",
]  # fmt: skip
SIZES = ["1-9", "10-49", "50-249", "250+", "12", "85", "3"]
CERTIFICATES = ["", "", "", "ISO 9001", "ISO 9001, ISO 14001", "IATF 16949", "ISO 13485"]


@dataclass
class Facts:
    """What the pages and the load need to find in the data set."""

    evening_id: int
    public_event_id: int
    story_id: int
    member_company_slug: str
    member_email: str
    staff_email: str
    attendee_email: str


def admin_connection(url: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=url["HOST"] or "127.0.0.1",
        port=url["PORT"] or 5432,
        user=url["USER"] or "postgres",
        password=url["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(url: dict) -> None:
    with admin_connection(url) as connection:
        name = sql.Identifier(url["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def database_exists(url: dict) -> bool:
    with admin_connection(url) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [url["NAME"]]
        ).fetchone()
    return row is not None


def read_marker() -> dict | None:
    """The marker row of a complete data set, or None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_dataset')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT version, facts FROM bench_dataset ORDER BY built_at DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None or row[0] != DATASET_VERSION:
        return None
    import json

    return json.loads(row[1]) if isinstance(row[1], str) else row[1]


def write_marker(facts: Facts) -> None:
    import json
    from dataclasses import asdict

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dataset "
            "(version integer NOT NULL, built_at timestamptz NOT NULL DEFAULT now(), facts jsonb)"
        )
        cursor.execute(
            "INSERT INTO bench_dataset (version, facts) VALUES (%s, %s)",
            [DATASET_VERSION, json.dumps(asdict(facts))],
        )


# --- building ------------------------------------------------------------------------------


def company_rows(count: int, towns: list[str], seed: int = 11) -> list[list[str]]:
    """`count` varied companies as import rows (the CSV columns of csv_io.HEADERS)."""
    rnd = random.Random(seed)
    rows, used = [], set()
    while len(rows) < count:
        code, words, offers, needs = rnd.choice(INDUSTRIES)
        town = rnd.choice(towns)
        family = rnd.choice(FAMILIES)
        name = f"{family} {rnd.choice(words)} {town} {rnd.choice(FORMS)}"
        if name in used:
            name = f"{family} & {rnd.choice(FAMILIES)} {rnd.choice(words)} {town} {len(rows)}"
        if name in used:
            continue
        used.add(name)
        slug_part = f"firma{len(rows):05d}"
        chosen_offers = rnd.sample(offers, rnd.randint(1, min(4, len(offers))))
        # Some firms offer and look for things outside their trade, as real ones do.
        if rnd.random() < 0.3:
            chosen_offers.append(rnd.choice(rnd.choice(INDUSTRIES)[2]))
        chosen_needs = rnd.sample(needs, rnd.randint(1, min(3, len(needs))))
        rows.append(
            [
                name,
                town,
                f"{rnd.choice(['Haupt', 'Bahnhof', 'Wald', 'Tal', 'Industrie'])}straße "
                f"{rnd.randint(1, 120)}",
                POSTAL.get(town, "98527"),
                f"www.{slug_part}.example",
                f"info@{slug_part}.example",
                "",
                f"{rnd.choice(words)} aus {town}: {', '.join(chosen_offers)}.",
                code,
                rnd.choice(SIZES),
                ", ".join(dict.fromkeys(chosen_offers)),
                ", ".join(dict.fromkeys(chosen_needs)),
                rnd.choice(CERTIFICATES),
            ]
        )
    return rows


def csv_files(rows: list[list[str]]) -> list[bytes]:
    """The rows as German Excel saves them (`;`, UTF-8 with BOM), a file per ROWS_PER_FILE."""
    import csv
    import io

    from companies.services import csv_io

    files = []
    for start in range(0, len(rows), ROWS_PER_FILE):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(csv_io.HEADERS)
        writer.writerows(rows[start : start + ROWS_PER_FILE])
        files.append((csv_io.BOM + out.getvalue()).encode("utf-8"))
    return files


def build(say) -> Facts:
    """Build the whole data set into the (empty) database Django is connected to."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from companies.models import Company, Town
    from companies.services import csv_io
    from kag_portal.models import User

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    say(f"  migrated ({time.monotonic() - started:.0f} s)")
    call_command("seed_demo", verbosity=0)
    say(f"  demo region loaded ({time.monotonic() - started:.0f} s)")

    for name, slug in EXTRA_TOWNS:
        # What staff do in the administration before importing firms of a new town.
        Town.objects.get_or_create(slug=slug, defaults={"name": name})
    towns = list(Town.objects.order_by("name").values_list("name", flat=True))
    staff = User.objects.get(email=STAFF_EMAIL)

    missing = COMPANIES - Company.objects.filter(status=Company.Status.PUBLISHED).count()
    imported_ids: list[int] = []
    for number, data in enumerate(csv_files(company_rows(missing, towns)), start=1):
        text, encoding = csv_io.decode_upload(data)  # what the upload form does
        preview = csv_io.preview_import(text, encoding=encoding)
        if not preview.is_valid:
            problems = preview.file_error or [
                (row.line, row.errors) for row in preview.error_rows[:5]
            ]
            raise RuntimeError(f"import file {number} is not valid: {problems}")
        imported_ids += [c.pk for c in csv_io.import_companies(text=text, staff_user=staff)]
        say(
            f"  imported file {number} ({len(data) // 1024} KB, {len(preview.rows)} rows, "
            f"{time.monotonic() - started:.0f} s)"
        )
    now = timezone.now()
    # Each firm's owner agreeing to the directory and staff approving it, for all at once.
    Company.objects.filter(pk__in=imported_ids).update(
        status=Company.Status.PUBLISHED,
        public_consent_at=now,
        submitted_at=now,
        published_at=now,
    )
    with transaction.atomic():
        evening = _evening(imported_ids, staff)
    say(f"  evening of {EVENING_PEOPLE} planned and published ({time.monotonic() - started:.0f} s)")
    _stories()
    facts = _facts(evening)
    call_command("clearsessions", verbosity=0)
    analyze()
    write_marker(facts)
    say(f"  data set complete ({time.monotonic() - started:.0f} s)")
    return facts


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would give them later."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _evening(company_ids: list[int], staff) -> object:
    """A published speed-dating evening of 250 people from 250 firms with an 8-round plan."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from companies.models import Company, Membership, Town
    from events.models import Event, Registration
    from kag_portal.models import User
    from matchmaking.models import SeatingPlan
    from matchmaking.services import seating

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    event = Event.objects.create(
        title=EVENING_TITLE,
        format=Event.Format.NETWORK_EVENING,
        description="Speed-Dating mit acht Runden an Zweiertischen.",
        venue_name="Congress Centrum Suhl",
        venue_postal_code="98527",
        town=Town.objects.get(slug="suhl"),
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        registration_deadline=start - timedelta(hours=1),
        capacity=300,
        places_per_company=2,
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        speed_dating_starts_at=start + timedelta(minutes=30),
        speed_dating_rounds=8,
        speed_dating_round_minutes=8,
        speed_dating_change_minutes=2,
        speed_dating_table_size=2,
        created_by=staff,
    )
    rnd = random.Random(7)
    firms = list(Company.objects.filter(pk__in=rnd.sample(company_ids, EVENING_PEOPLE)))
    people = []
    for number, firm in enumerate(firms, start=1):
        email = ATTENDEE_EMAIL_PATTERN.format(number)
        people.append(
            # No password: these people only ever have the sessions the benchmark gives them.
            User(email=email, display_name=f"Gast {number:03d} ({firm.name[:40]})")
        )
    for user in people:
        user.set_unusable_password()
    User.objects.bulk_create(people)
    people = list(User.objects.filter(email__endswith="@bench.example").order_by("email"))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in people
    )
    Membership.objects.bulk_create(
        Membership(company=firm, user=user, role=Membership.Role.OWNER)
        for firm, user in zip(firms, people, strict=True)
    )
    Registration.objects.bulk_create(
        Registration(
            event=event,
            company=firm,
            person=user,
            name=user.display_name,
            email=user.email,
            registered_by=user,
            status=Registration.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            show_to_attendees=True,
        )
        for firm, user in zip(firms, people, strict=True)
    )
    plan = seating.generate_plan(
        event=event, source=SeatingPlan.Source.REGISTRATIONS, expected_version=None, by=staff
    )
    seating.publish(event=event, expected_version=plan.version, by=staff)
    return event


def _stories() -> None:
    """A few more published stories beside the demo's one (same cooperation, other texts)."""
    from django.utils import timezone

    from stories.models import Story

    first = Story.objects.filter(status=Story.Status.PUBLISHED).first()
    if first is None:
        return
    for number in range(1, 5):
        story = Story.objects.create(
            cooperation=first.cooperation,
            title=f"{first.title} – Teil {number + 1}",
            lead=first.lead,
            body=first.body,
            event=first.event,
            status=Story.Status.PUBLISHED,
            author=first.author,
            released_at=timezone.now(),
            released_by=first.released_by,
            published_at=timezone.now() - timedelta(days=number),
        )
        story.companies.set(first.companies.all())


def _facts(evening) -> Facts:
    from companies.models import Membership
    from events.models import Event
    from stories.models import Story

    member = (
        Membership.objects.filter(user__email=MEMBER_EMAIL, role=Membership.Role.OWNER)
        .select_related("company")
        .order_by("pk")
        .first()
    )
    public_event = (
        Event.objects.filter(status=Event.Status.PUBLISHED, speed_dating_starts_at__isnull=True)
        .order_by("starts_at")
        .first()
    )
    story = Story.objects.filter(status=Story.Status.PUBLISHED).order_by("pk").first()
    return Facts(
        evening_id=evening.pk,
        public_event_id=(public_event or evening).pk,
        story_id=story.pk,
        member_company_slug=member.company.slug,
        member_email=MEMBER_EMAIL,
        staff_email=STAFF_EMAIL,
        attendee_email=ATTENDEE_EMAIL_PATTERN.format(1),
    )


def reset_evening(facts: Facts) -> None:
    """Before each run: the evening is on tonight (its page polls) and no round runs yet."""
    from django.utils import timezone

    from events.models import Event
    from matchmaking.models import SeatingPlan
    from matchmaking.services import seating

    event = Event.objects.get(pk=facts.evening_id)
    start = timezone.now() - timedelta(minutes=30)
    event.starts_at = start
    event.ends_at = start + timedelta(hours=5)
    event.registration_deadline = start - timedelta(hours=1)
    # The speed dating starts by the clock in an hour: until then only staff move the rounds.
    event.speed_dating_starts_at = start + timedelta(hours=1, minutes=30)
    event.save()
    plan = SeatingPlan.objects.get(event=event)
    if plan.current_round:
        seating.set_current_round(event=event, round_no=0, expected_version=plan.version, by=None)


def sessions_for(emails: list[str]) -> dict[str, str]:
    """A logged-in session per address (as the login form would make), by address."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from kag_portal.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    for user in User.objects.filter(email__in=emails):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[user.email] = session.session_key
    return keys


def evening_emails(facts: Facts) -> list[str]:
    from events.models import Registration

    return list(
        Registration.objects.filter(event_id=facts.evening_id, person__isnull=False)
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("pk")
        .values_list("person__email", flat=True)
    )
