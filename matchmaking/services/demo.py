"""Demo seat plans for `manage.py seed_demo`: the coming network evening gets a published plan,
the past one a plan whose rounds were all played (the contact-marks demo adds marks to it).

Idempotent: an event that has a plan keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from events.models import Event

from ..models import SeatingPlan
from . import seating

# The speed-dating evenings of events.services.demo.
COMING_EVENING = "Netzwerkabend in Oberhof"
PAST_EVENING = "Netzwerkabend mit Speed-Dating"


def seed_seating(say: Callable[[str], None]) -> None:
    made = 0
    for title, publish, played in ((COMING_EVENING, True, False), (PAST_EVENING, True, True)):
        event = Event.objects.filter(title=title, speed_dating_starts_at__isnull=False).first()
        if event is None or SeatingPlan.objects.filter(event=event).exists():
            continue
        try:
            plan = seating.generate_plan(
                event=event,
                source=SeatingPlan.Source.REGISTRATIONS,
                expected_version=None,
                by=None,
            )
            if publish:
                plan = seating.publish(event=event, expected_version=plan.version, by=None)
            if played:
                seating.set_current_round(
                    event=event,
                    round_no=event.speed_dating_rounds,
                    expected_version=plan.version,
                    by=None,
                )
        except seating.SeatingError as error:
            say(f"seating: no plan for {title}: {error}")
            continue
        made += 1
    say(f"seating: {made} demo seat plans made")
