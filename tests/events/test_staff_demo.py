"""seed_demo adds a few events: a past speed-dating evening to repeat, coming ones, a draft."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_the_demo_has_events_with_agenda_speed_dating_and_registrations_and_runs_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    assert "events: " in capsys.readouterr().out
    assert Event.objects.count() == 4
    assert set(Event.objects.values_list("status", flat=True)) == {
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
