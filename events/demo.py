"""Demo events for `manage.py seed_demo`: a past speed-dating evening with attendance, a coming
one, an entrepreneur breakfast at a member company, the company run with teams, a draft.

The speed-dating evenings have guests of the demo firms, each with an account so the portal
knows them from one evening to the next: about 30 people of 20 firms come to the coming one,
16 of 14 firms came to the past one, ten of them the same people (docs/seating.md, "Met at an
earlier evening").

Idempotent: an event is made once (by title) with dates relative to the day of the first run,
moved off Thuringia's public holidays; guests missing at an evening are registered (also on a
database seeded before there were guests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company, Membership, Town

from .models import AgendaItem, Event, Registration, ShirtSize
from .public_holidays import next_working_day
from .services.registration import Runner, register_team

Say = Callable[[str], None]

# The firm hosting the breakfast in its works (a demo company of companies/demo.py).
BREAKFAST_HOST = "spannwerk-zella-mehlis"
# Company-run teams, one per demo firm with an owner, in order: (name, e-mail, shirt size).
RUN_TEAMS = [
    [
        ("Jana Köhler", "jana.koehler@example.org", ShirtSize.S),
        ("Paul Wagner", "paul.wagner@example.org", ShirtSize.L),
        ("Emma Schubert", "emma.schubert@example.org", ShirtSize.M),
        ("Lukas Frank", "lukas.frank@example.org", ""),
    ],
    [
        ("Sophie Hartung", "sophie.hartung@example.org", ShirtSize.XS),
        ("Felix Möller", "felix.moeller@example.org", ShirtSize.XL),
        ("Marie Ebert", "marie.ebert@example.org", ShirtSize.M),
    ],
    [
        ("Jonas Bauer", "jonas.bauer@example.org", ShirtSize.L),
        ("Lea Hoffmann", "lea.hoffmann@example.org", ShirtSize.S),
        ("Tim Rothe", "tim.rothe@example.org", ShirtSize.XXL),
        ("Anna Keller", "anna.keller@example.org", ShirtSize.M),
        ("Ben Schröder", "ben.schroeder@example.org", ""),
    ],
]


# Guests of the speed-dating evenings: (firm, person) with firm an index into the published demo
# firms (the demo logins' firms first, then by name) and person 0 (the owner where the firm has a
# demo login) or 1 (a colleague). Everyone has an account (no password: nobody logs in as them).
COMING_GUESTS = tuple((firm, 0) for firm in range(20)) + tuple((firm, 1) for firm in range(10))
PAST_GUESTS = (
    *((firm, 0) for firm in range(10)),
    *((firm, 0) for firm in range(20, 24)),
    (0, 1),
    (3, 1),
)
FIRST_NAMES = (
    "Anja", "Bernd", "Carola", "Dirk", "Elke", "Frank", "Gudrun", "Heiko", "Ilona", "Jörg",
    "Katrin", "Lars", "Manja", "Nils", "Olaf", "Petra", "Ralf", "Sabine", "Torsten", "Ute",
    "Volker", "Wiebke", "Yvonne", "Uwe",
)  # fmt: skip
LAST_NAMES = (
    "Amthor", "Bechmann", "Dressel", "Eckardt", "Fischer", "Gräf", "Heß", "Jahn", "Kühn",
    "Luck", "Menz", "Nothnagel", "Oschmann", "Pfötsch", "Recknagel", "Schmidt", "Triebel",
    "Ullrich", "Vogt", "Wiegand", "Zitzmann", "Büttner", "Döll", "Holland-Moritz",
)  # fmt: skip


@dataclass(frozen=True)
class DemoEvent:
    """One demo event. `day` counts from the day of the first run; times are local ("18:30")."""

    title: str
    format: str
    town: str  # town slug
    venue_name: str
    venue_postal_code: str
    day: int
    starts: str
    ends: str
    status: str
    capacity: int
    registrations: int = 0  # the first demo owners register, one place each
    venue_street: str = ""
    host: str = ""  # company slug
    # (start, rounds, round minutes, change minutes, table size)
    speed_dating: tuple[str, int, int, int, int] | None = None
    agenda: tuple[tuple[str, str], ...] = ()  # (start, title)
    places_per_company: int | None = 2
    teams: Sequence = ()  # runners of the company run, one team per demo owner
    guests: tuple[tuple[int, int], ...] = ()  # (firm, person) of the speed-dating guests


DEMO_EVENTS = (
    DemoEvent(
        "Netzwerkabend mit Speed-Dating",
        Event.Format.NETWORK_EVENING,
        "suhl",
        "Congress Centrum Suhl",
        "98527",
        venue_street="Friedrich-König-Straße 7",
        day=-60,
        starts="18:00",
        ends="22:00",
        status=Event.Status.FINISHED,
        capacity=60,
        speed_dating=("19:00", 6, 8, 2, 2),
        agenda=(
            ("18:00", "Ankommen"),
            ("19:00", "Speed-Dating"),
            ("20:30", "Abendessen und Gespräche"),
        ),
        guests=PAST_GUESTS,
    ),
    DemoEvent(
        "5. Unternehmerfrühstück",
        Event.Format.BREAKFAST,
        "zella-mehlis",
        "Spannwerk Zella-Mehlis, Werkhalle",
        "98544",
        venue_street="Werkstraße 12",
        host=BREAKFAST_HOST,
        day=10,
        starts="08:00",
        ends="10:00",
        status=Event.Status.PUBLISHED,
        capacity=30,
        agenda=(
            ("08:00", "Frühstück"),
            ("08:45", "Kurzvortrag: Förderung für Solar und Energiemanagement"),
            ("09:15", "Betriebsrundgang"),
        ),
        registrations=8,
    ),
    DemoEvent(
        "Netzwerkabend in Oberhof",
        Event.Format.NETWORK_EVENING,
        "oberhof",
        "Bar am Rennsteig",
        "98559",
        day=24,
        starts="18:00",
        ends="22:00",
        status=Event.Status.PUBLISHED,
        capacity=60,
        speed_dating=("19:00", 5, 8, 2, 3),
        agenda=(
            ("18:00", "Ankommen"),
            ("18:30", "Grußworte der Bürgermeister"),
            ("19:00", "Speed-Dating"),
            ("20:00", "Dialogstationen"),
        ),
        guests=COMING_GUESTS,
    ),
    DemoEvent(
        "Betriebsbesuch: Lasersysteme",
        Event.Format.COMPANY_VISIT,
        "schleusingen",
        "Lasertechnik-Betrieb",
        "98553",
        day=45,
        starts="16:00",
        ends="18:00",
        status=Event.Status.DRAFT,
        capacity=25,
    ),
    DemoEvent(
        "KAG-Team beim Firmenlauf Suhl",
        Event.Format.COMPANY_RUN,
        "suhl",
        "Start und Ziel am Marktplatz",
        "98527",
        day=75,
        starts="18:00",
        ends="20:30",
        status=Event.Status.PUBLISHED,
        capacity=150,
        # Any firm may bring as many runners as it likes; only the team's size is capped.
        places_per_company=None,
        agenda=(
            ("17:00", "Startunterlagen und Shirts am KAG-Zelt"),
            ("18:00", "Start"),
            ("19:30", "Siegerehrung und Get-together"),
        ),
        teams=RUN_TEAMS,
    ),
)


def _at(day: date, clock: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(clock)))


@transaction.atomic
def seed_events(say: Say) -> None:
    towns = {town.slug: town for town in Town.objects.all()}
    owners = _owners()
    hosts = {company.slug: company for company in Company.objects.filter(slug=BREAKFAST_HOST)}
    today = timezone.localdate()
    made = 0
    for demo in DEMO_EVENTS:
        if demo.town not in towns or Event.objects.filter(title=demo.title).exists():
            continue
        day = next_working_day(today + timedelta(days=demo.day))
        event = _create_event(demo, day, towns, hosts)
        _register_owners(event, owners[: demo.registrations])
        _register_teams(event, demo.teams, owners)
        made += 1
    say(f"events: {made} demo events made")
    _register_guests(say, owners)
    _set_hosts(hosts)
    _record_attendance(say)


def _owners() -> list[Membership]:
    """The owners of published demo firms, by firm name; an owner of two firms comes once."""
    owners: list[Membership] = []
    for membership in (
        Membership.objects.filter(
            role=Membership.Role.OWNER, company__status=Company.Status.PUBLISHED
        )
        .select_related("user", "company")
        .order_by("company__name")[:40]
    ):
        if all(other.user_id != membership.user_id for other in owners):
            owners.append(membership)
    return owners


def _create_event(demo: DemoEvent, day: date, towns: dict, hosts: dict) -> Event:
    starts_at = _at(day, demo.starts)
    event = Event.objects.create(
        title=demo.title,
        format=demo.format,
        town=towns[demo.town],
        host_company=hosts.get(demo.host),
        venue_name=demo.venue_name,
        venue_street=demo.venue_street,
        venue_postal_code=demo.venue_postal_code,
        starts_at=starts_at,
        ends_at=_at(day, demo.ends),
        registration_deadline=starts_at - timedelta(days=2),
        capacity=demo.capacity,
        places_per_company=demo.places_per_company,
        status=demo.status,
        published_at=None if demo.status == Event.Status.DRAFT else timezone.now(),
        **_speed_dating_fields(demo.speed_dating, day),
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(event=event, starts_at=_at(day, clock), title=title)
        for clock, title in demo.agenda
    )
    return event


def _speed_dating_fields(block: tuple | None, day: date) -> dict:
    starts, rounds, round_minutes, change_minutes, table_size = block or (None,) * 5
    return {
        "speed_dating_starts_at": _at(day, starts) if starts else None,
        "speed_dating_rounds": rounds,
        "speed_dating_round_minutes": round_minutes,
        "speed_dating_change_minutes": change_minutes,
        "speed_dating_table_size": table_size,
    }


def _register_owners(event: Event, owners: list[Membership]) -> None:
    Registration.objects.bulk_create(
        Registration(
            event=event,
            company=membership.company,
            person=membership.user,
            name=membership.user.get_short_name() or membership.user.email,
            email=membership.user.email,
            registered_by=membership.user,
            status=Registration.Status.CONFIRMED,
        )
        for membership in owners
    )


def _guest_firms(owners: list[Membership]) -> list[Company]:
    """The published demo firms, those of the demo logins first, then by name."""
    with_login = {membership.company_id for membership in owners}
    firms = Company.objects.filter(status=Company.Status.PUBLISHED).order_by("name")
    return sorted(firms, key=lambda firm: firm.pk not in with_login)


def _ascii(text: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text.lower()


def _guest(firm_no: int, person: int, firm: Company, owners: dict[int, Membership]):
    """The account of one guest: the firm's demo login as its first person, else a made-up one."""
    from allauth.account.models import EmailAddress

    from kag_portal.models import User

    if person == 0 and firm.pk in owners:
        return owners[firm.pk].user
    k = firm_no if person == 0 else (firm_no + 12) % len(FIRST_NAMES)
    first, last = FIRST_NAMES[k], LAST_NAMES[(firm_no + 5 * person) % len(LAST_NAMES)]
    user, created = User.objects.get_or_create(
        email=f"{_ascii(first)}.{_ascii(last)}@{firm.slug}.example",
        defaults={"display_name": f"{first} {last}"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    # Like every demo account, with a verified address.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _register_guests(say: Say, owners: list[Membership]) -> None:
    """Each speed-dating evening's guests who are not registered yet; a guest of the coming
    evening wishes to meet one other firm there."""
    firms = _guest_firms(owners)
    by_firm = {membership.company_id: membership for membership in owners}
    coming = [firms[f] for f, _person in COMING_GUESTS if f < len(firms)]
    added = 0
    for demo in DEMO_EVENTS:
        event = Event.objects.filter(title=demo.title).first()
        if event is None or not demo.guests:
            continue
        registered = set(event.registrations.values_list("person_id", flat=True))
        for number, (firm_no, person) in enumerate(demo.guests):
            if firm_no >= len(firms):
                continue
            firm = firms[firm_no]
            user = _guest(firm_no, person, firm, by_firm)
            if user.pk in registered:
                continue
            registration = Registration.objects.create(
                event=event,
                company=firm,
                person=user,
                name=user.get_short_name() or user.email,
                email=user.email,
                registered_by=user,
                status=Registration.Status.CONFIRMED,
                confirmed_at=timezone.now(),
                show_to_attendees=True,
            )
            registered.add(user.pk)
            added += 1
            wished = coming[(7 * number + 3) % len(coming)] if coming else firm
            if demo.guests is COMING_GUESTS and wished.pk != firm.pk:
                registration.wish_partners.add(wished)
    say(f"events: {added} speed-dating guests registered")


def _register_teams(event: Event, teams: Sequence, owners: list[Membership]) -> None:
    """Each demo firm's owner registers their runners in one go, as a member would in the form
    (the same seat rules; the runners, who have no account, get their confirmation mail)."""
    for team, membership in zip(teams, owners, strict=False):
        register_team(
            event=event,
            company=membership.company,
            runners=[Runner(name=name, email=email, shirt_size=size) for name, email, size in team],
            registered_by=membership.user,
            show_to_attendees=True,
        )


def _set_hosts(hosts: dict[str, Company]) -> None:
    """The host firm, also for a database seeded before the breakfast had one."""
    for demo in DEMO_EVENTS:
        if demo.host in hosts:
            Event.objects.filter(title=demo.title, host_company__isnull=True).update(
                host_company=hosts[demo.host]
            )


def _record_attendance(say: Say) -> None:
    """Check-ins of the past evening, also for a database seeded before check-in existed:
    everyone came but the last two registered, who are the evening's no-shows."""
    past_titles = [demo.title for demo in DEMO_EVENTS if demo.status == Event.Status.FINISHED]
    for event in Event.objects.filter(title__in=past_titles):
        if event.registrations.filter(checked_in_at__isnull=False).exists():
            continue
        confirmed = list(
            event.registrations.filter(status=Registration.Status.CONFIRMED).order_by(
                "requested_at", "pk"
            )
        )
        came = confirmed[:-2]
        for minute, registration in enumerate(came):
            registration.checked_in_at = event.starts_at + timedelta(minutes=minute)
        Registration.objects.bulk_update(came, ["checked_in_at"])
        say(f"events: {len(came)} of {len(confirmed)} checked in at “{event.title}”")
