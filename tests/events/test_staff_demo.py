"""seed_demo adds a few events: a past speed-dating evening to repeat, coming ones, a draft."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.demo import RUN_TEAMS
from events.models import Event, Registration

pytestmark = pytest.mark.django_db

# The events of events/demo.py; other apps' demos add a past year of their own.
DEMO_TITLES = {
    "Netzwerkabend mit Speed-Dating",
    "5. Unternehmerfrühstück",
    "Netzwerkabend in Oberhof",
    "Betriebsbesuch: Lasersysteme",
    "KAG-Team beim Firmenlauf Suhl",
}


def test_the_demo_has_events_with_agenda_speed_dating_and_registrations_and_runs_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    assert "events: " in capsys.readouterr().out
    demo = Event.objects.filter(title__in=DEMO_TITLES)
    assert demo.count() == len(DEMO_TITLES)
    assert set(demo.values_list("status", flat=True)) == {
        "finished",
        "published",
        "draft",
    }
    evening = Event.objects.get(title="Netzwerkabend mit Speed-Dating")
    assert evening.has_speed_dating
    assert len(evening.speed_dating_rounds_schedule()) == 6
    assert evening.agenda_items.count() == 3
    # The demo owners of published firms come; there are only a few of them.
    assert Registration.objects.filter(event=evening).count() >= 3


def test_the_demo_has_every_event_the_region_needs(capsys):
    call_command("seed_demo")
    now = timezone.now()
    demo = Event.objects.filter(title__in=DEMO_TITLES)

    past = demo.get(
        format=Event.Format.NETWORK_EVENING, status=Event.Status.FINISHED, starts_at__lt=now
    )
    assert past.registrations.filter(checked_in_at__isnull=False).exists()
    assert past.registrations.filter(
        status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
    ).exists()

    coming = demo.get(
        format=Event.Format.NETWORK_EVENING, status=Event.Status.PUBLISHED, starts_at__gt=now
    )
    assert coming.has_speed_dating
    assert coming.registrations.filter(status=Registration.Status.CONFIRMED).exists()

    breakfast = demo.get(format=Event.Format.BREAKFAST)
    assert breakfast.host_company is not None
    assert breakfast.host_company.status == "published"
    assert breakfast.host_company.memberships.exists()


def test_the_demo_company_run_has_teams_of_several_firms_with_shirt_sizes(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    run = Event.objects.get(title="KAG-Team beim Firmenlauf Suhl")
    assert run.format == Event.Format.COMPANY_RUN
    assert run.status == Event.Status.PUBLISHED
    assert run.starts_at > timezone.now()
    assert run.capacity == 150
    assert run.places_per_company is None
    runners = run.registrations.filter(status=Registration.Status.CONFIRMED)
    assert runners.values("company").distinct().count() >= 2
    assert runners.exclude(shirt_size="").exists()
    assert all(email.endswith("@example.org") for email in runners.values_list("email", flat=True))
    # The three demo firms with an owner each register a team; seeding again adds nobody.
    assert runners.count() == sum(len(team) for team in RUN_TEAMS)
