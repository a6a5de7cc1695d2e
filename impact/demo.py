"""A year of demo history for the impact dashboard (`manage.py seed_demo`).

About one event a month over the past year in the four KAG towns (and a kick-off evening a little
before it, so not every company that came is new): network evenings (some with a played
speed-dating seat plan), breakfasts, company visits and the company run; invitations,
registrations of the demo companies' people (most checked in, some no-shows, a few walk-ins),
follow-up marks, feedback; requests on the board with answers; cooperations confirmed by all.

Runs last, after every other demo loader, and once: when the history's events exist it does
nothing, so `make run` can seed on every start. Dates count back from the day of the first run;
everything else comes from a fixed random seed, so every run of a fresh database looks the same.
Every person here is invented; addresses use the reserved ".example" domain.

The history's speed-dating evenings all lie before the demo's own past evening
(events/demo.py): the follow-ups demo picks "the latest past speed-dating evening" on every
run and must keep finding that one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from companies.demo import DEMO_POSTAL_CODES
from companies.models import (
    Company,
    Cooperation,
    CooperationParty,
    HelpOffer,
    HelpRequest,
    Membership,
    Town,
)
from companies.services.tags import get_or_create_tags
from companies.tags import normalize_tag
from events.models import Event, EventInvitation, Feedback, Registration
from events.public_holidays import next_working_day
from matchmaking.models import ContactMark, Seat, SeatingPlan

if TYPE_CHECKING:
    from kag_portal.models import User

SEED = 20261124  # fixed: the same history on every machine
F = Event.Format
# The fields of an event's speed-dating block: all set or all empty.
SPEED_DATING_FIELDS = (
    "speed_dating_starts_at",
    "speed_dating_rounds",
    "speed_dating_round_minutes",
    "speed_dating_change_minutes",
    "speed_dating_table_size",
)


@dataclass(frozen=True)
class PastEvent:
    title: str
    format: str
    town: str  # town slug
    days_ago: int  # moved back to `weekday`
    weekday: int  # 0 = Monday
    hour: int
    hours: int
    venue: str
    places: int  # confirmed places asked for before the day
    host: str = ""  # company slug
    speed_dating: tuple[int, int] | None = None  # (rounds, people per table)
    per_company: int = 2


HISTORY_EVENTS = [
    # Before the dashboard's default period: so not every company that came is a new one.
    PastEvent("Netzwerkabend zum Auftakt", F.NETWORK_EVENING, "zella-mehlis", 430, 3, 18, 4,
              "Saal im Rathaus Zella-Mehlis", 28),
    PastEvent("Netzwerkabend im Advent", F.NETWORK_EVENING, "suhl", 340, 3, 18, 4,
              "Saal im Rathaus Suhl", 24, speed_dating=(4, 2)),
    PastEvent("1. Unternehmerfrühstück", F.BREAKFAST, "zella-mehlis", 312, 2, 8, 2,
              "Codewerk Zella-Mehlis", 14, host="codewerk-zella-mehlis"),
    PastEvent("Betriebsbesuch: Glaswerk Schleusetal", F.COMPANY_VISIT, "schleusingen", 285, 1,
              16, 2, "Glaswerk Schleusetal", 16, host="glaswerk-schleusetal"),
    PastEvent("Netzwerkabend in Oberhof: Winter", F.NETWORK_EVENING, "oberhof", 255, 3, 18, 4,
              "Hotel Am Skihang Oberhof", 22, host="hotel-am-skihang", speed_dating=(3, 3)),
    PastEvent("2. Unternehmerfrühstück", F.BREAKFAST, "suhl", 228, 2, 8, 2,
              "Steinbach Messtechnik", 12, host="steinbach-messtechnik"),
    PastEvent("KAG-Firmenlauf am Rennsteig", F.COMPANY_RUN, "oberhof", 200, 4, 17, 3,
              "Sportpark Oberhof", 36, per_company=5),
    PastEvent("Netzwerkabend in Zella-Mehlis", F.NETWORK_EVENING, "zella-mehlis", 172, 3, 18, 4,
              "Werkhalle Maschinenbau Ruppberg", 24, host="maschinenbau-ruppberg",
              speed_dating=(4, 3)),
    PastEvent("Betriebsbesuch: Sommer Lasersysteme", F.COMPANY_VISIT, "suhl", 143, 1, 16, 2,
              "Sommer Lasersysteme", 15, host="sommer-lasersysteme"),
    PastEvent("3. Unternehmerfrühstück", F.BREAKFAST, "schleusingen", 115, 2, 8, 2,
              "Lindner Elektronik", 13, host="lindner-elektronik"),
    PastEvent("Netzwerkabend in Schleusingen", F.NETWORK_EVENING, "schleusingen", 88, 3, 18, 4,
              "Saal am Markt Schleusingen", 20, speed_dating=(3, 2)),
    PastEvent("Betriebsbesuch: Kellner Werkzeugbau", F.COMPANY_VISIT, "zella-mehlis", 38, 1, 16,
              2, "Werkzeug- und Formenbau Kellner", 12, host="kellner-werkzeugbau"),
    PastEvent("4. Unternehmerfrühstück", F.BREAKFAST, "oberhof", 20, 2, 8, 2,
              "Hotel Am Skihang Oberhof", 14, host="hotel-am-skihang"),
]  # fmt: skip

FIRST_NAMES = [
    "Anja", "Bernd", "Carola", "Dirk", "Elke", "Frank", "Gabriele", "Heiko", "Ilona", "Jens",
    "Katrin", "Lutz", "Manuela", "Nico", "Petra", "Ralf", "Sabine", "Steffen", "Tina", "Uwe",
    "Yvonne", "Mario", "Silke", "Torsten", "Doreen", "Marcel", "Franziska", "Sebastian", "Jana",
    "Tobias", "Kerstin", "Matthias",
]  # fmt: skip
LAST_NAMES = [
    "Amm", "Bätz", "Dressel", "Eckardt", "Fleischhauer", "Gräf", "Heß", "Jäger", "Kummer",
    "Leffler", "Marr", "Nothnagel", "Oschmann", "Pfeffer", "Schmöger", "Triebel", "Usbeck",
    "Wenzel", "Zehner", "Büttner", "Höhn", "Knauer", "Luthardt", "Möller", "Reum", "Sauerbrey",
    "Thein", "Volkmann", "Wagner", "Ziegler",
]  # fmt: skip

# What people wrote under "topics for next time", as they wrote them.
TOPICS = [
    "Busanbindung der Gewerbegebiete",
    "Kinderbetreuung bei Schichtarbeit",
    "Fachkräfte aus dem Ausland",
    "KI im Mittelstand",
    "Breitband im Gewerbegebiet",
    "Fachkräfte halten",
    "Energiepreise und eigene Solaranlagen",
    "Nachfolge im Familienbetrieb",
    "Gemeinsam ausbilden",
]
RATINGS = ([5, 4, 3, 2, 1], [45, 35, 15, 4, 1])
NEXT_FORMATS = (
    [F.NETWORK_EVENING, F.COMPANY_VISIT, F.BREAKFAST, F.COMPANY_RUN, ""],
    [35, 30, 20, 5, 10],
)
MARK_NOTES = [
    "Angebot für Kleinserie anfragen.",
    "Will uns im Werk besuchen; Termin ausmachen.",
    "Kennt jemanden für Verbundausbildung.",
    "",
]
# What every company wrote when it answered a request.
ANSWER = "Das können wir. Schicken Sie uns die Zeichnung, wir melden uns."

# (asking company, days ago, title, description, tags, companies that answered, the helper named
# at closing: "" closed without one, None still open). Few stay open: the board is for today.
HISTORY_REQUESTS = [
    ("kuehn-blechtechnik", 330, "Pulverbeschichtung für Gestelle, 40 Stück im Monat",
     "Geschweißte Stahlgestelle bis 2 m, RAL 7016. Wer beschichtet in der Region?",
     ("Pulverbeschichtung",), ("schilling-oberflaechentechnik", "metallbau-oberhof"),
     "schilling-oberflaechentechnik"),
    ("heyder-antriebstechnik", 300, "Kurierfahrten für eilige Ersatzteile",
     "Zwei- bis dreimal die Woche muss ein Ersatzteil noch am selben Tag zum Kunden.",
     ("Kurierdienst",), ("rennsteig-kurier",), "rennsteig-kurier"),
    ("hotel-am-skihang", 270, "Photovoltaik auf dem Hoteldach",
     "Flachdach, etwa 900 m². Wir suchen Planung, Dach und Anlage aus einer Hand.",
     ("Photovoltaik",), ("zitzmann-solar-elektro", "dachbau-suhl"), "zitzmann-solar-elektro"),
    ("eichhorn-drehteile", 240, "Auszubildende: Praktikum im Messraum",
     "Unsere Zerspaner-Azubis sollen zwei Wochen Koordinatenmesstechnik kennenlernen.",
     ("Auszubildende",), ("steinbach-messtechnik",), "steinbach-messtechnik"),
    ("trautmann-kunststofftechnik", 205, "Energieberatung für die Spritzgießhalle",
     "Wo verlieren wir Wärme und Strom? Wir suchen eine Beratung mit Förderantrag.",
     ("Energieberatung",), ("energieberatung-dietzel",), "energieberatung-dietzel"),
    ("wintersport-technik-oberhof", 180, "Drehteile für Beschneiungslanzen, Edelstahl",
     "Etwa 150 Stück nach Zeichnung bis zum Herbst.",
     ("Drehteile",), ("eichhorn-drehteile",), "eichhorn-drehteile"),
    ("codewerk-zella-mehlis", 150, "Pilotkunde für KI-gestützte Instandhaltung",
     "Wir suchen einen Betrieb mit 10 bis 20 Maschinen, der unsere Software ein halbes Jahr "
     "kostenlos testet.",
     ("Pilotkunden",), ("industrieservice-mehlis", "ortlepp-umformtechnik"),
     "industrieservice-mehlis"),
    ("gasthof-rennsteigblick", 110, "Energieberatung für Küche und Heizung",
     "Unsere Ölheizung ist alt. Wer berät zu Wärmepumpe und Förderung?",
     ("Energieberatung",), ("haustechnik-braeutigam",), "haustechnik-braeutigam"),
    ("lindner-elektronik", 75, "Blechgehäuse für Steuergeräte",
     "Kleinserie, 200 Stück, pulverbeschichtet.", ("Blechbearbeitung",), (), ""),
    ("metallbau-oberhof", 45, "Statik für eine Tribünenüberdachung",
     "Prüffähige Statik für eine Stahlkonstruktion, 30 m lang.", ("Statik",),
     ("ingenieurbuero-frommhold",), "ingenieurbuero-frommhold"),
    ("oberhof-aktiv", 25, "Busse für ein Teamevent mit 120 Personen",
     "Shuttle vom Bahnhof Zella-Mehlis nach Oberhof und zurück.", ("Transport",), (), None),
]  # fmt: skip

# (description, company slugs, origin, without the KAG?, days ago it started, event, request)
W = Cooperation.WithoutKag
ORIGIN = Cooperation.Origin
HISTORY_COOPERATIONS = [
    ("Schilling Oberflächentechnik beschichtet die Stahlgestelle von Kühn Blechtechnik.",
     ("kuehn-blechtechnik", "schilling-oberflaechentechnik"), ORIGIN.REQUEST, W.YES, 315, "",
     "Pulverbeschichtung für Gestelle, 40 Stück im Monat"),
    ("Codewerk und Industrieservice Mehlis erproben vorausschauende Instandhaltung mit KI.",
     ("codewerk-zella-mehlis", "industrieservice-mehlis"), ORIGIN.SPEED_DATING, W.PROBABLY_NOT, 320,
     "Netzwerkabend im Advent", ""),
    ("Zitzmann Solar und Dachbau Suhl bauen die Photovoltaikanlage auf dem Hotel Am Skihang.",
     ("hotel-am-skihang", "zitzmann-solar-elektro", "dachbau-suhl"), ORIGIN.REQUEST, W.NO, 250, "",
     "Photovoltaik auf dem Hoteldach"),
    ("Reisedienst Oberhof fährt die Frühschicht des Glaswerks Schleusetal mit einem Werksbus.",
     ("reisedienst-oberhof", "glaswerk-schleusetal"), ORIGIN.EVENT, W.PROBABLY_NOT, 270,
     "Betriebsbesuch: Glaswerk Schleusetal", ""),
    ("Lindner Elektronik bestückt die Sensorplatinen von AeroSense Thüringen.",
     ("lindner-elektronik", "aerosense-thueringen"), ORIGIN.SPEED_DATING, W.NO, 160,
     "Netzwerkabend in Zella-Mehlis", ""),
    ("Steinbach Messtechnik prüft die Drehteile von Eichhorn; Eichhorns Azubis lernen dort "
     "Messtechnik.",
     ("steinbach-messtechnik", "eichhorn-drehteile"), ORIGIN.EVENT, W.YES, 210,
     "2. Unternehmerfrühstück", ""),
    ("Sommer Lasersysteme und Heyder Antriebstechnik entwickeln eine Achse für Glasschneider.",
     ("sommer-lasersysteme", "heyder-antriebstechnik"), ORIGIN.SPEED_DATING, W.PROBABLY_NOT, 70,
     "Netzwerkabend in Schleusingen", ""),
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    company: Company
    name: str
    email: str
    user: User | None = None  # a demo login, when the person has one


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _ascii(text: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text.lower()


def _people(rng: random.Random, companies: list[Company], owners: dict) -> list[Person]:
    """Two people per company: the demo login that owns it, if any, and invented colleagues."""
    people = []
    for company in companies:
        names: set[str] = set()
        owner = owners.get(company.pk)
        if owner is not None:
            people.append(Person(company, owner.display_name or owner.email, owner.email, owner))
        while len(names) < (1 if owner else 2):
            names.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
        for name in sorted(names):
            first, last = name.split(" ")
            email = f"{_ascii(first)}.{_ascii(last)}@{company.slug}.example"
            people.append(Person(company, name, email))
    return people


# --- Speed-dating tables ----------------------------------------------------------------------


def speed_dating_rounds(
    rng: random.Random, people: list, rounds: int, size: int, *, company=lambda p: p.company_id
) -> list[list[list]]:
    """Tables of `size` people (one a person larger or smaller where the count does not divide)
    for each round: never two of one company at a table, new partners wherever possible."""
    count = len(people) // size if size == 2 else -(-len(people) // size)
    sizes = [len(people) // count + (i < len(people) % count) for i in range(count)]
    met: set[frozenset] = set()
    plan = []
    for _round in range(rounds):
        tables = _best_round(rng, people, sizes, met, company)
        if tables is None:
            break
        _remember_meetings(tables, met)
        plan.append(tables)
    return plan


def _remember_meetings(tables: list[list], met: set) -> None:
    for table in tables:
        met.update(frozenset((id(a), id(b))) for a in table for b in table if a is not b)


def _best_round(rng: random.Random, people: list, sizes: list[int], met: set, company):
    """Of up to 200 shuffled seatings the one with the fewest repeated meetings (the first with
    none); None when no order seats everyone."""
    best = None
    for _attempt in range(200):
        order = list(people)
        rng.shuffle(order)
        tables = _seat_in_order(order, sizes, met, company)
        if tables is None:
            continue
        repeats = _repeats(tables, met)
        if best is None or repeats < best[0]:
            best = (repeats, tables)
        if repeats == 0:
            break
    return None if best is None else best[1]


def _seat_in_order(order: list, sizes: list[int], met: set, company) -> list[list] | None:
    """Each person at a table with room and nobody of their company: where they met the fewest,
    then the emptiest. None when someone finds no such table."""
    tables: list[list] = [[] for _ in sizes]
    for person in order:
        free = [
            i
            for i, table in enumerate(tables)
            if len(table) < sizes[i] and all(company(o) != company(person) for o in table)
        ]
        if not free:
            return None
        tables[min(free, key=_table_rank(person, tables, met))].append(person)
    return tables


def _table_rank(person, tables: list[list], met: set):
    """Orders the tables for `person`: fewest people met before first, then the emptiest."""

    def rank(i: int) -> tuple[int, int]:
        return sum(frozenset((id(person), id(o))) in met for o in tables[i]), len(tables[i])

    return rank


def _repeats(tables: list[list], met: set) -> int:
    return sum(
        frozenset((id(a), id(b))) in met
        for table in tables
        for a in table
        for b in table
        if a is not b
    )


# --- The history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    """What the history is made of: the KAG towns, the published demo companies (by slug too),
    their owners (by company pk) and the staff person who ran the events."""

    towns: dict[str, Town]
    companies: list[Company]
    by_slug: dict[str, Company]
    owners: dict[int, User]
    staff: User | None


def _latest_allowed_evening(today: date) -> datetime:
    """Speed dating only before the demo's own past evening (see the module's docstring)."""
    demo_evening = (
        Event.objects.filter(speed_dating_starts_at__isnull=False, starts_at__lt=timezone.now())
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return (demo_evening or _at(today - timedelta(days=60), 0)) - timedelta(days=7)


@transaction.atomic
def seed_history(say: Callable[[str], None]) -> None:
    if Event.objects.filter(title__in=[item.title for item in HISTORY_EVENTS]).exists():
        say("impact history: already there")
        return
    region = _region()
    if region is None:
        say("impact history: demo towns or companies missing, nothing made")
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    people = _people(rng, region.companies, region.owners)

    events = _make_events(today, region)
    places = _make_places(rng, events, people, region.staff)
    meetings = _make_seat_plans(rng, events, places)
    feedback = _make_feedback(rng, places)
    requests = _make_requests(today, region)
    cooperations = _make_cooperations(today, region, events, requests)
    say(
        f"impact history: {len(events)} past events, "
        f"{sum(len(rows) for rows in places.values())} places, {meetings} speed-dating seats, "
        f"{feedback} feedback, {len(requests)} requests, {cooperations} cooperations"
    )


def _region() -> _Region | None:
    from kag_portal.models import User

    towns = {town.slug: town for town in Town.objects.filter(is_kag_member=True)}
    companies = list(Company.objects.filter(status=Company.Status.PUBLISHED).order_by("slug"))
    if len(towns) < 4 or len(companies) < 20:
        return None
    owners = Membership.objects.filter(role=Membership.Role.OWNER, company__in=companies)
    return _Region(
        towns=towns,
        companies=companies,
        by_slug={company.slug: company for company in companies},
        owners={m.company_id: m.user for m in owners.select_related("user")},
        staff=User.objects.filter(is_staff=True).order_by("pk").first(),
    )


def _create_dated(model, dated_rows: list[tuple], fields: tuple[str, ...]) -> None:
    """Saves the rows, then the moment each was made (auto_now_add overwrote it)."""
    rows = [row for row, _moment in dated_rows]
    model.objects.bulk_create(rows)
    for row, moment in dated_rows:
        for field in fields:
            setattr(row, field, moment)
    model.objects.bulk_update(rows, list(fields))


# --- Events and places ------------------------------------------------------------------------


def _make_events(today: date, region: _Region) -> dict[str, Event]:
    latest_evening = _latest_allowed_evening(today)
    events = [_history_event(item, today, region, latest_evening) for item in HISTORY_EVENTS]
    _create_dated(Event, [(e, e.starts_at - timedelta(days=42)) for e in events], ("created_at",))
    return {event.title: event for event in events}


def _history_event(item: PastEvent, today: date, region: _Region, latest_evening) -> Event:
    day = today - timedelta(days=item.days_ago)
    day -= timedelta(days=(day.weekday() - item.weekday) % 7)
    # Never on a public holiday (New Year's Day, Easter, ...): the next working day instead.
    day = next_working_day(day)
    starts_at = _at(day, item.hour)
    return Event(
        title=item.title,
        format=item.format,
        description="",
        host_company=region.by_slug.get(item.host),
        venue_name=item.venue,
        venue_postal_code=DEMO_POSTAL_CODES.get(item.town, ""),
        town=region.towns[item.town],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=item.hours),
        registration_deadline=starts_at - timedelta(days=2),
        capacity=max(item.places + 10, 20),
        places_per_company=item.per_company,
        status=Event.Status.FINISHED,
        created_by=region.staff,
        published_at=starts_at - timedelta(days=35),
        **_speed_dating_fields(
            item.speed_dating if starts_at < latest_evening else None, starts_at
        ),
    )


def _speed_dating_fields(block: tuple[int, int] | None, starts_at: datetime) -> dict:
    if block is None:
        return dict.fromkeys(SPEED_DATING_FIELDS)
    rounds, table_size = block
    return {
        "speed_dating_starts_at": starts_at + timedelta(hours=1),
        "speed_dating_rounds": rounds,
        "speed_dating_round_minutes": 8,
        "speed_dating_change_minutes": 2,
        "speed_dating_table_size": table_size,
    }


def _make_places(
    rng: random.Random, events: dict[str, Event], people: list[Person], staff
) -> dict[str, list[Registration]]:
    """Invitations, registrations (a few cancelled), check-ins with no-shows, and walk-ins."""
    invitations: list[tuple[EventInvitation, datetime]] = []
    registrations: list[tuple[Registration, datetime]] = []
    for item in HISTORY_EVENTS:
        invited, places = _places_at(rng, item, events[item.title], people, staff)
        invitations += invited
        registrations += places
    _create_dated(EventInvitation, invitations, ("created_at",))
    _create_dated(Registration, registrations, ("requested_at", "created_at"))
    titles = {event.pk: title for title, event in events.items()}
    places_by_title: dict[str, list[Registration]] = {title: [] for title in events}
    for registration, _made in registrations:
        places_by_title[titles[registration.event_id]].append(registration)
    return places_by_title


def _places_at(rng: random.Random, item: PastEvent, event: Event, people: list[Person], staff):
    """One event's invitations and places, each with the moment it was made."""
    coming, walk_ins, invited = _guests(rng, item, event, people)
    invitations = [
        EventInvitation(
            event=event, email=p.email, company=p.company, person=p.user, invited_by=staff
        )
        for p in invited
    ]
    by_email = {invitation.email: invitation for invitation in invitations}
    places = [
        _registration(
            rng,
            event,
            person,
            index,
            # One place given back before each event: the last one asked for.
            cancelled=index == len(coming) - 1,
            shirt=item.format == F.COMPANY_RUN,
            staff=staff,
            invitation=by_email.get(person.email),
        )
        for index, person in enumerate(coming)
    ]
    places += [_walk_in(event, person, minute, staff) for minute, person in enumerate(walk_ins)]
    invited_at = event.starts_at - timedelta(days=28)
    return [(invitation, invited_at) for invitation in invitations], places


def _guests(rng: random.Random, item: PastEvent, event: Event, people: list[Person]):
    """Who comes (the places asked for, and one more who gives theirs back), who walks in
    unannounced, and who was invited (most of those who come, and as many who do not)."""
    # People of the event's town are a little likelier to come.
    weighted = sorted(
        people, key=lambda p: rng.random() * (0.6 if p.company.town_id == event.town_id else 1)
    )
    chosen: list[Person] = []
    per_company: dict[int, int] = {}
    for person in weighted:
        if per_company.get(person.company.pk, 0) < item.per_company:
            chosen.append(person)
            per_company[person.company.pk] = per_company.get(person.company.pk, 0) + 1
    coming, walk_ins = chosen[: item.places + 1], chosen[item.places + 1 : item.places + 3]
    walk_ins = walk_ins[: rng.randint(0, 2)]
    invited = set(rng.sample(range(len(coming)), k=round(len(coming) * 0.8)))
    invited_people = [coming[i] for i in sorted(invited)]
    invited_people += chosen[item.places + 3 : item.places + 3 + item.places]
    return coming, walk_ins, invited_people


def _registration(
    rng: random.Random,
    event: Event,
    person: Person,
    index: int,
    *,
    cancelled: bool,
    shirt: bool,
    staff,
    invitation: EventInvitation | None,
) -> tuple[Registration, datetime]:
    requested = event.starts_at - timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 9))
    came = not cancelled and rng.random() < 0.85
    registration = Registration(
        event=event,
        company=person.company,
        person=person.user,
        name=person.name,
        email=person.email,
        registered_by=person.user,
        status=Registration.Status.CANCELLED if cancelled else Registration.Status.CONFIRMED,
        confirmed_at=requested,
        cancelled_at=requested + timedelta(days=1) if cancelled else None,
        checked_in_at=event.starts_at + timedelta(minutes=index % 40) if came else None,
        checked_in_by=staff if came else None,
        invitation=invitation,
        shirt_size=rng.choice(["S", "M", "L", "XL"]) if shirt else "",
    )
    return registration, requested


def _walk_in(event: Event, person: Person, minute: int, staff) -> tuple[Registration, datetime]:
    at_the_door = event.starts_at + timedelta(minutes=20 + minute)
    registration = Registration(
        event=event,
        company=person.company,
        person=person.user,
        name=person.name,
        email=person.email,
        status=Registration.Status.CONFIRMED,
        confirmed_at=at_the_door,
        checked_in_at=at_the_door,
        checked_in_by=staff,
        walk_in=True,
    )
    return registration, at_the_door


# --- Seat plans, marks, feedback --------------------------------------------------------------


def _make_seat_plans(
    rng: random.Random, events: dict[str, Event], places: dict[str, list[Registration]]
) -> int:
    """Played seat plans of the speed-dating evenings, from the people checked in, and the marks
    some of them left afterwards: mutual pairs and one-sided ones."""
    planned = _played_plans(rng, events, places)
    SeatingPlan.objects.bulk_create([plan for plan, _rounds in planned])
    seats = []
    marks = []
    for plan, rounds in planned:
        plan_seats, pairs = _seats_and_pairs(plan, rounds)
        seats += plan_seats
        marks += _marks(rng, pairs)
    Seat.objects.bulk_create(seats)
    marked_at = [(mark, mark.registration.event.ends_at + timedelta(hours=15)) for mark in marks]
    _create_dated(ContactMark, marked_at, ("created_at",))
    return len(seats)


def _played_plans(
    rng: random.Random, events: dict[str, Event], places: dict[str, list[Registration]]
) -> list[tuple[SeatingPlan, list]]:
    """Each speed-dating evening's plan (not saved yet) with its rounds of tables."""
    planned = []
    for title, event in events.items():
        if not event.has_speed_dating:
            continue
        present = [r for r in places[title] if r.checked_in_at is not None]
        rounds = speed_dating_rounds(
            rng, present, event.speed_dating_rounds, event.speed_dating_table_size
        )
        if rounds:
            planned.append((_played_plan(rng, event, len(rounds)), rounds))
    return planned


def _played_plan(rng: random.Random, event: Event, rounds: int) -> SeatingPlan:
    return SeatingPlan(
        event=event,
        status=SeatingPlan.Status.PUBLISHED,
        source=SeatingPlan.Source.CHECKED_IN,
        seed=rng.randint(1, 10_000),
        current_round=rounds,
        generated_at=event.speed_dating_starts_at - timedelta(minutes=30),
        published_at=event.speed_dating_starts_at - timedelta(minutes=25),
    )


def _seats_and_pairs(plan: SeatingPlan, rounds: list) -> tuple[list[Seat], dict]:
    """The plan's seats, and every two people who sat together (perhaps twice), by their pks."""
    seats = []
    pairs = {}
    for number, tables in enumerate(rounds, start=1):
        for table_number, table in enumerate(tables, start=1):
            seats += [
                Seat(plan=plan, round=number, table=table_number, registration=r) for r in table
            ]
            pairs.update({(a.pk, b.pk): (a, b) for a in table for b in table if a.pk < b.pk})
    return seats, pairs


def _marks(rng: random.Random, pairs: dict) -> list[ContactMark]:
    """Four pairs: the first two both want to stay in touch, the others only one side."""
    marks = []
    for index, key in enumerate(rng.sample(sorted(pairs), k=min(4, len(pairs)))):
        a, b = pairs[key]
        for me, partner in ((a, b), (b, a)) if index < 2 else ((a, b),):
            note = rng.choice(MARK_NOTES)
            marks.append(
                ContactMark(registration=me, partner=partner, wants_contact=True, note=note)
            )
    return marks


def _make_feedback(rng: random.Random, places: dict[str, list[Registration]]) -> int:
    given = (_feedback(rng, r) for registrations in places.values() for r in registrations)
    rows = [row for row in given if row is not None]
    given_at = [
        (row, row.registration.event.ends_at + timedelta(days=1, hours=rng.randint(0, 72)))
        for row in rows
    ]
    _create_dated(Feedback, given_at, ("created_at",))
    return len(rows)


def _feedback(rng: random.Random, registration: Registration) -> Feedback | None:
    """Somewhat more than half of those who came rate the event; most name topics."""
    if registration.checked_in_at is None or rng.random() > 0.55:
        return None
    topics = ""
    if rng.random() < 0.6:
        topics = ", ".join(rng.sample(TOPICS, k=rng.choice((1, 1, 2))))
    return Feedback(
        registration=registration,
        rating=rng.choices(*RATINGS)[0],
        next_format=rng.choices(*NEXT_FORMATS)[0],
        topics=topics,
    )


# --- Requests and cooperations ----------------------------------------------------------------


def _make_requests(today: date, region: _Region) -> dict[str, HelpRequest]:
    """Requests on the board over the year: most answered, several closed naming the helper."""
    requests: list[tuple[HelpRequest, datetime]] = []
    offers: list[tuple[HelpOffer, datetime]] = []
    for row in HISTORY_REQUESTS:
        if row[0] in region.by_slug:
            help_request, posted = _history_request(row, today, region)
            requests.append((help_request, posted))
            offers += _answers(help_request, posted, row[5], region)
    _create_dated(HelpRequest, requests, ("created_at",))
    _create_dated(HelpOffer, offers, ("created_at",))
    made = [help_request for help_request, _posted in requests]
    _tag_requests(made)
    return {row.title: row for row in made}


def _history_request(row: tuple, today: date, region: _Region) -> tuple[HelpRequest, datetime]:
    slug, days_ago, title, description, _tags, _answered_by, helper = row
    company = region.by_slug[slug]
    posted = _at(today - timedelta(days=days_ago), 10)
    help_request = HelpRequest(
        company=company,
        author=region.owners.get(company.pk),
        title=title,
        description=description,
        status=HelpRequest.Status.OPEN if helper is None else HelpRequest.Status.CLOSED,
        helped_by=region.by_slug.get(helper) if helper else None,
        closed_at=None if helper is None else posted + timedelta(days=12),
    )
    return help_request, posted


def _answers(
    help_request: HelpRequest, posted: datetime, answered_by: tuple[str, ...], region: _Region
) -> list[tuple[HelpOffer, datetime]]:
    """An answer a day from each company that answered, in order."""
    return [
        (
            HelpOffer(
                help_request=help_request,
                company=region.by_slug[slug],
                author=region.owners.get(region.by_slug[slug].pk),
                message=ANSWER,
            ),
            posted + timedelta(days=day),
        )
        for day, slug in enumerate(answered_by, start=1)
        if slug in region.by_slug
    ]


def _tag_requests(made: list[HelpRequest]) -> None:
    tags = {tag.key: tag for tag in get_or_create_tags(t for r in HISTORY_REQUESTS for t in r[4])}
    labels = {r[2]: r[4] for r in HISTORY_REQUESTS}
    HelpRequest.tags.through.objects.bulk_create(
        HelpRequest.tags.through(helprequest_id=row.pk, tag_id=tags[normalize_tag(label)].pk)
        for row in made
        for label in labels[row.title]
    )


def _make_cooperations(today: date, region: _Region, events: dict, requests: dict) -> int:
    """Cooperations across the year; every company in them confirmed a few days after the start."""
    made = []
    parties = []
    for description, slugs, origin, without_kag, days_ago, event, request in HISTORY_COOPERATIONS:
        if not all(slug in region.by_slug for slug in slugs):
            continue
        cooperation = Cooperation(
            description=description,
            started_on=_started_on(today, days_ago, events.get(event)),
            origin=origin,
            help_request=requests.get(request),
            would_have_happened_without_kag=without_kag,
            created_by=region.staff,
        )
        made.append(cooperation)
        parties += _parties(cooperation, slugs, region)
    _create_dated(Cooperation, [(c, _at(c.started_on, 10)) for c in made], ("created_at",))
    CooperationParty.objects.bulk_create(parties)
    return len(made)


def _started_on(today: date, days_ago: int, event: Event | None) -> date:
    started_on = today - timedelta(days=days_ago)
    if event is None:
        return started_on
    # Begun at the event, so at least a fortnight after it.
    began = timezone.localdate(event.starts_at) + timedelta(days=14)
    return min(max(started_on, began), today)


def _parties(cooperation: Cooperation, slugs: tuple[str, ...], region: _Region) -> list:
    """Every company confirmed, one a day from the second day after the start."""
    return [
        CooperationParty(
            cooperation=cooperation,
            company=region.by_slug[slug],
            confirmed_at=_at(cooperation.started_on + timedelta(days=2 + index), 11),
            confirmed_by=region.owners.get(region.by_slug[slug].pk),
        )
        for index, slug in enumerate(slugs)
    ]
