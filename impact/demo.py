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
from matchmaking.models import ContactMark, Seat, SeatingPlan

SEED = 20261124  # fixed: the same history on every machine
F = Event.Format


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
    user: object | None = None  # a demo login, when the person has one


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
        best = None
        for _attempt in range(200):
            order = list(people)
            rng.shuffle(order)
            tables: list[list] = [[] for _ in sizes]
            for person in order:
                free = [
                    i
                    for i, table in enumerate(tables)
                    if len(table) < sizes[i] and all(company(o) != company(person) for o in table)
                ]
                if not free:
                    break
                tables[
                    min(
                        free,
                        key=lambda i: (
                            sum(frozenset((id(person), id(o))) in met for o in tables[i]),
                            len(tables[i]),
                        ),
                    )
                ].append(person)
            else:
                repeats = sum(
                    frozenset((id(a), id(b))) in met
                    for table in tables
                    for a in table
                    for b in table
                    if a is not b
                )
                if best is None or repeats < best[0]:
                    best = (repeats, tables)
                if repeats == 0:
                    break
        if best is None:
            break
        for table in best[1]:
            met.update(frozenset((id(a), id(b))) for a in table for b in table if a is not b)
        plan.append(best[1])
    return plan


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
    from kag_portal.models import User

    titles = [item.title for item in HISTORY_EVENTS]
    if Event.objects.filter(title__in=titles).exists():
        say("impact history: already there")
        return
    towns = {town.slug: town for town in Town.objects.filter(is_kag_member=True)}
    companies = list(Company.objects.filter(status=Company.Status.PUBLISHED).order_by("slug"))
    if len(towns) < 4 or len(companies) < 20:
        say("impact history: demo towns or companies missing, nothing made")
        return
    by_slug = {company.slug: company for company in companies}
    owners = {
        m.company_id: m.user
        for m in Membership.objects.filter(
            role=Membership.Role.OWNER, company__in=companies
        ).select_related("user")
    }
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    rng = random.Random(SEED)
    today = timezone.localdate()
    people = _people(rng, companies, owners)

    events = _make_events(today, towns, by_slug, staff)
    places = _make_places(rng, events, people, staff)
    meetings = _make_seat_plans(rng, events, places)
    feedback = _make_feedback(rng, places)
    requests = _make_requests(today, by_slug, owners)
    cooperations = _make_cooperations(today, by_slug, owners, staff, events, requests)
    say(
        f"impact history: {len(events)} past events, "
        f"{sum(len(rows) for rows in places.values())} places, {meetings} speed-dating seats, "
        f"{feedback} feedback, {len(requests)} requests, {cooperations} cooperations"
    )


def _make_events(today: date, towns: dict, by_slug: dict, staff) -> dict[str, Event]:
    latest_evening = _latest_allowed_evening(today)
    events = []
    created = {}
    for item in HISTORY_EVENTS:
        day = today - timedelta(days=item.days_ago)
        day -= timedelta(days=(day.weekday() - item.weekday) % 7)
        starts_at = _at(day, item.hour)
        block = item.speed_dating if starts_at < latest_evening else None
        event = Event(
            title=item.title,
            format=item.format,
            description="",
            host_company=by_slug.get(item.host),
            venue_name=item.venue,
            venue_postal_code=DEMO_POSTAL_CODES.get(item.town, ""),
            town=towns[item.town],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=item.hours),
            registration_deadline=starts_at - timedelta(days=2),
            capacity=max(item.places + 10, 20),
            places_per_company=item.per_company,
            status=Event.Status.FINISHED,
            speed_dating_starts_at=starts_at + timedelta(hours=1) if block else None,
            speed_dating_rounds=block[0] if block else None,
            speed_dating_round_minutes=8 if block else None,
            speed_dating_change_minutes=2 if block else None,
            speed_dating_table_size=block[1] if block else None,
            created_by=staff,
            published_at=starts_at - timedelta(days=35),
        )
        events.append(event)
        created[event.title] = starts_at - timedelta(days=42)
    Event.objects.bulk_create(events)
    for event in events:  # auto_now_add overwrote it
        event.created_at = created[event.title]
    Event.objects.bulk_update(events, ["created_at"])
    return {event.title: event for event in events}


def _make_places(
    rng: random.Random, events: dict[str, Event], people: list[Person], staff
) -> dict[str, list[Registration]]:
    """Invitations, registrations (a few cancelled), check-ins with no-shows, and walk-ins."""
    invitations: list[EventInvitation] = []
    registrations: list[Registration] = []
    asked_at: dict[int, datetime] = {}  # id(row) -> when it was made
    for item in HISTORY_EVENTS:
        event = events[item.title]
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
        by_email = {}
        for person in invited_people:
            invitation = EventInvitation(
                event=event,
                email=person.email,
                company=person.company,
                person=person.user,
                invited_by=staff,
            )
            asked_at[id(invitation)] = event.starts_at - timedelta(days=28)
            by_email[person.email] = invitation
            invitations.append(invitation)
        for index, person in enumerate(coming):
            requested = event.starts_at - timedelta(
                days=rng.randint(3, 25), hours=rng.randint(0, 9)
            )
            cancelled = index == len(coming) - 1  # one place given back before each event
            came = not cancelled and rng.random() < 0.85
            registration = Registration(
                event=event,
                company=person.company,
                person=person.user,
                name=person.name,
                email=person.email,
                registered_by=person.user,
                status=Registration.Status.CANCELLED
                if cancelled
                else Registration.Status.CONFIRMED,
                confirmed_at=requested,
                cancelled_at=requested + timedelta(days=1) if cancelled else None,
                checked_in_at=event.starts_at + timedelta(minutes=index % 40) if came else None,
                checked_in_by=staff if came else None,
                invitation=by_email.get(person.email),
                shirt_size=rng.choice(["S", "M", "L", "XL"])
                if item.format == F.COMPANY_RUN
                else "",
            )
            asked_at[id(registration)] = requested
            registrations.append(registration)
        for minute, person in enumerate(walk_ins):
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
            asked_at[id(registration)] = at_the_door
            registrations.append(registration)
    EventInvitation.objects.bulk_create(invitations)
    for invitation in invitations:
        invitation.created_at = asked_at[id(invitation)]
    EventInvitation.objects.bulk_update(invitations, ["created_at"])
    Registration.objects.bulk_create(registrations)
    for registration in registrations:
        registration.requested_at = registration.created_at = asked_at[id(registration)]
    Registration.objects.bulk_update(registrations, ["requested_at", "created_at"])
    places: dict[str, list[Registration]] = {title: [] for title in events}
    by_pk = {event.pk: title for title, event in events.items()}
    for registration in registrations:
        places[by_pk[registration.event_id]].append(registration)
    return places


def _make_seat_plans(
    rng: random.Random, events: dict[str, Event], places: dict[str, list[Registration]]
) -> int:
    """Played seat plans of the speed-dating evenings, from the people checked in, and the marks
    some of them left afterwards: mutual pairs and one-sided ones."""
    plans = []
    tables_of: dict[str, list[list[list[Registration]]]] = {}
    for title, event in events.items():
        if not event.has_speed_dating:
            continue
        present = [r for r in places[title] if r.checked_in_at is not None]
        rounds = speed_dating_rounds(
            rng, present, event.speed_dating_rounds, event.speed_dating_table_size
        )
        if not rounds:
            continue
        tables_of[title] = rounds
        plans.append(
            SeatingPlan(
                event=event,
                status=SeatingPlan.Status.PUBLISHED,
                source=SeatingPlan.Source.CHECKED_IN,
                seed=rng.randint(1, 10_000),
                current_round=len(rounds),
                generated_at=event.speed_dating_starts_at - timedelta(minutes=30),
                published_at=event.speed_dating_starts_at - timedelta(minutes=25),
            )
        )
    SeatingPlan.objects.bulk_create(plans)
    seats = []
    marks = []
    for plan in plans:
        title = plan.event.title
        pairs = {}  # two people who sat together (perhaps twice), by their pks
        for number, tables in enumerate(tables_of[title], start=1):
            for table_number, table in enumerate(tables, start=1):
                seats += [
                    Seat(plan=plan, round=number, table=table_number, registration=r) for r in table
                ]
                pairs.update({(a.pk, b.pk): (a, b) for a in table for b in table if a.pk < b.pk})
        marked = rng.sample(sorted(pairs), k=min(4, len(pairs)))
        for index, key in enumerate(marked):
            a, b = pairs[key]
            # The first two pairs both want to stay in touch; the others only one side.
            for me, partner in ((a, b), (b, a)) if index < 2 else ((a, b),):
                marks.append(
                    ContactMark(
                        registration=me,
                        partner=partner,
                        wants_contact=True,
                        note=rng.choice(MARK_NOTES),
                    )
                )
    Seat.objects.bulk_create(seats)
    ContactMark.objects.bulk_create(marks)
    for mark in marks:
        mark.created_at = mark.registration.event.ends_at + timedelta(hours=15)
    ContactMark.objects.bulk_update(marks, ["created_at"])
    return len(seats)


def _make_feedback(rng: random.Random, places: dict[str, list[Registration]]) -> int:
    rows = []
    for registrations in places.values():
        for registration in registrations:
            if registration.checked_in_at is None or rng.random() > 0.55:
                continue
            topics = ""
            if rng.random() < 0.6:
                topics = ", ".join(rng.sample(TOPICS, k=rng.choice((1, 1, 2))))
            rows.append(
                Feedback(
                    registration=registration,
                    rating=rng.choices(*RATINGS)[0],
                    next_format=rng.choices(*NEXT_FORMATS)[0],
                    topics=topics,
                )
            )
    Feedback.objects.bulk_create(rows)
    for row in rows:
        row.created_at = row.registration.event.ends_at + timedelta(
            days=1, hours=rng.randint(0, 72)
        )
    Feedback.objects.bulk_update(rows, ["created_at"])
    return len(rows)


def _make_requests(today: date, by_slug: dict, owners: dict) -> dict[str, HelpRequest]:
    """Requests on the board over the year: most answered, several closed naming the helper."""
    made = []
    offers = []
    posted_at = {}
    for slug, days_ago, title, description, _tags, answered_by, helper in HISTORY_REQUESTS:
        if slug not in by_slug:
            continue
        posted = _at(today - timedelta(days=days_ago), 10)
        help_request = HelpRequest(
            company=by_slug[slug],
            author=owners.get(by_slug[slug].pk),
            title=title,
            description=description,
            status=HelpRequest.Status.OPEN if helper is None else HelpRequest.Status.CLOSED,
            helped_by=by_slug.get(helper) if helper else None,
            closed_at=None if helper is None else posted + timedelta(days=12),
        )
        posted_at[id(help_request)] = posted
        made.append(help_request)
        for day, answering in enumerate(answered_by, start=1):
            if answering in by_slug:
                offer = HelpOffer(
                    help_request=help_request,
                    company=by_slug[answering],
                    author=owners.get(by_slug[answering].pk),
                    message="Das können wir. Schicken Sie uns die Zeichnung, wir melden uns.",
                )
                posted_at[id(offer)] = posted + timedelta(days=day)
                offers.append(offer)
    HelpRequest.objects.bulk_create(made)
    HelpOffer.objects.bulk_create(offers)
    for row in (*made, *offers):
        row.created_at = posted_at[id(row)]
    HelpRequest.objects.bulk_update(made, ["created_at"])
    HelpOffer.objects.bulk_update(offers, ["created_at"])
    tags = {tag.key: tag for tag in get_or_create_tags(t for r in HISTORY_REQUESTS for t in r[4])}
    labels = {r[2]: r[4] for r in HISTORY_REQUESTS}
    HelpRequest.tags.through.objects.bulk_create(
        HelpRequest.tags.through(helprequest_id=row.pk, tag_id=tags[normalize_tag(label)].pk)
        for row in made
        for label in labels[row.title]
    )
    return {row.title: row for row in made}


def _make_cooperations(
    today: date, by_slug: dict, owners: dict, staff, events: dict, requests: dict
) -> int:
    """Cooperations across the year; every company in them confirmed a few days after the start."""
    made = []
    parties = []
    for description, slugs, origin, without_kag, days_ago, event, request in HISTORY_COOPERATIONS:
        if not all(slug in by_slug for slug in slugs):
            continue
        started_on = today - timedelta(days=days_ago)
        if event in events:  # begun there, so at least a fortnight later
            began = timezone.localdate(events[event].starts_at) + timedelta(days=14)
            started_on = min(max(started_on, began), today)
        cooperation = Cooperation(
            description=description,
            started_on=started_on,
            origin=origin,
            help_request=requests.get(request),
            would_have_happened_without_kag=without_kag,
            created_by=staff,
        )
        made.append(cooperation)
        for index, slug in enumerate(slugs):
            parties.append(
                CooperationParty(
                    cooperation=cooperation,
                    company=by_slug[slug],
                    confirmed_at=_at(started_on + timedelta(days=2 + index), 11),
                    confirmed_by=owners.get(by_slug[slug].pk),
                )
            )
    Cooperation.objects.bulk_create(made)
    for cooperation in made:
        cooperation.created_at = _at(cooperation.started_on, 10)
    Cooperation.objects.bulk_update(made, ["created_at"])
    CooperationParty.objects.bulk_create(parties)
    return len(made)
