"""Demo events for `manage.py seed_demo`: a past speed-dating evening with attendance, a coming
one, an entrepreneur breakfast at a member company, the company run with teams, a draft.

Idempotent: an event is made once (by title) with dates relative to the day of the first run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company, Membership, Town

from ..models import AgendaItem, Event, Registration, ShirtSize
from .registration import Runner, register_team

# The firm hosting the breakfast in its works (a demo company of companies/services/demo.py).
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


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _demo_events(today: date) -> list[dict]:
    past = today - timedelta(days=60)
    evening = today + timedelta(days=24)
    breakfast = today + timedelta(days=10)
    visit = today + timedelta(days=45)
    run = today + timedelta(days=75)
    return [
        {
            "title": "Netzwerkabend mit Speed-Dating",
            "format": Event.Format.NETWORK_EVENING,
            "town": "suhl",
            "venue_name": "Congress Centrum Suhl",
            "venue_street": "Friedrich-König-Straße 7",
            "venue_postal_code": "98527",
            "starts_at": _at(past, 18),
            "ends_at": _at(past, 22),
            "status": Event.Status.FINISHED,
            "capacity": 60,
            "speed_dating": (_at(past, 19), 6, 8, 2, 2),
            "agenda": [
                (_at(past, 18), "Ankommen"),
                (_at(past, 19), "Speed-Dating"),
                (_at(past, 20, 30), "Abendessen und Gespräche"),
            ],
            "registrations": 12,
        },
        {
            "title": "5. Unternehmerfrühstück",
            "format": Event.Format.BREAKFAST,
            "town": "zella-mehlis",
            "host": BREAKFAST_HOST,
            "venue_name": "Spannwerk Zella-Mehlis, Werkhalle",
            "venue_street": "Werkstraße 12",
            "venue_postal_code": "98544",
            "starts_at": _at(breakfast, 8),
            "ends_at": _at(breakfast, 10),
            "status": Event.Status.PUBLISHED,
            "capacity": 30,
            "agenda": [
                (_at(breakfast, 8), "Frühstück"),
                (_at(breakfast, 8, 45), "Kurzvortrag: Förderung für Solar und Energiemanagement"),
                (_at(breakfast, 9, 15), "Betriebsrundgang"),
            ],
            "registrations": 8,
        },
        {
            "title": "Netzwerkabend in Oberhof",
            "format": Event.Format.NETWORK_EVENING,
            "town": "oberhof",
            "venue_name": "Bar am Rennsteig",
            "venue_postal_code": "98559",
            "starts_at": _at(evening, 18),
            "ends_at": _at(evening, 22),
            "status": Event.Status.PUBLISHED,
            "capacity": 60,
            "speed_dating": (_at(evening, 19), 5, 8, 2, 3),
            "agenda": [
                (_at(evening, 18), "Ankommen"),
                (_at(evening, 18, 30), "Grußworte der Bürgermeister"),
                (_at(evening, 19), "Speed-Dating"),
                (_at(evening, 20), "Dialogstationen"),
            ],
            "registrations": 5,
        },
        {
            "title": "Betriebsbesuch: Lasersysteme",
            "format": Event.Format.COMPANY_VISIT,
            "town": "schleusingen",
            "venue_name": "Lasertechnik-Betrieb",
            "venue_postal_code": "98553",
            "starts_at": _at(visit, 16),
            "ends_at": _at(visit, 18),
            "status": Event.Status.DRAFT,
            "capacity": 25,
            "agenda": [],
            "registrations": 0,
        },
        {
            "title": "KAG-Team beim Firmenlauf Suhl",
            "format": Event.Format.COMPANY_RUN,
            "town": "suhl",
            "venue_name": "Start und Ziel am Marktplatz",
            "venue_postal_code": "98527",
            "starts_at": _at(run, 18),
            "ends_at": _at(run, 20, 30),
            "status": Event.Status.PUBLISHED,
            "capacity": 150,
            # Any firm may bring as many runners as it likes; only the team's size is capped.
            "places_per_company": None,
            "agenda": [
                (_at(run, 17), "Startunterlagen und Shirts am KAG-Zelt"),
                (_at(run, 18), "Start"),
                (_at(run, 19, 30), "Siegerehrung und Get-together"),
            ],
            "registrations": 0,
            "teams": RUN_TEAMS,
        },
    ]


@transaction.atomic
def seed_events(say: Callable[[str], None]) -> None:
    towns = {town.slug: town for town in Town.objects.all()}
    owners = []
    for membership in (
        Membership.objects.filter(
            role=Membership.Role.OWNER, company__status=Company.Status.PUBLISHED
        )
        .select_related("user", "company")
        .order_by("company__name")[:40]
    ):
        # One place per person and event: an owner of two firms comes once.
        if all(other.user_id != membership.user_id for other in owners):
            owners.append(membership)
    hosts = {company.slug: company for company in Company.objects.filter(slug=BREAKFAST_HOST)}
    made = 0
    for demo in _demo_events(timezone.localdate()):
        if demo["town"] not in towns or Event.objects.filter(title=demo["title"]).exists():
            continue
        block = demo.get("speed_dating")
        event = Event.objects.create(
            title=demo["title"],
            format=demo["format"],
            town=towns[demo["town"]],
            host_company=hosts.get(demo.get("host", "")),
            venue_name=demo["venue_name"],
            venue_street=demo.get("venue_street", ""),
            venue_postal_code=demo["venue_postal_code"],
            starts_at=demo["starts_at"],
            ends_at=demo["ends_at"],
            registration_deadline=demo["starts_at"] - timedelta(days=2),
            capacity=demo["capacity"],
            places_per_company=demo.get("places_per_company", 2),
            status=demo["status"],
            published_at=None if demo["status"] == Event.Status.DRAFT else timezone.now(),
            speed_dating_starts_at=block[0] if block else None,
            speed_dating_rounds=block[1] if block else None,
            speed_dating_round_minutes=block[2] if block else None,
            speed_dating_change_minutes=block[3] if block else None,
            speed_dating_table_size=block[4] if block else None,
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(event=event, starts_at=starts_at, title=title)
            for starts_at, title in demo["agenda"]
        )
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
            for membership in owners[: demo["registrations"]]
        )
        _register_teams(event, demo.get("teams", []), owners)
        made += 1
    say(f"events: {made} demo events made")
    _set_hosts(hosts)
    _record_attendance(say)


def _register_teams(event: Event, teams: list, owners: list[Membership]) -> None:
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
    for demo in _demo_events(timezone.localdate()):
        if demo.get("host") in hosts:
            Event.objects.filter(title=demo["title"], host_company__isnull=True).update(
                host_company=hosts[demo["host"]]
            )


def _record_attendance(say: Callable[[str], None]) -> None:
    """Check-ins of the past evening, also for a database seeded before check-in existed:
    everyone came but the last two registered, who are the evening's no-shows."""
    past_titles = [
        demo["title"]
        for demo in _demo_events(timezone.localdate())
        if demo["status"] == Event.Status.FINISHED
    ]
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
