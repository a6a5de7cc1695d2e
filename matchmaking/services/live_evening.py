"""The run of show of a speed-dating evening, from one staff phone: start a round, end it, start
the next in one tap, re-plan the rounds to come for walk-ins, take out someone who leaves, and
the secret link of the big screen.

Like every change of a plan (services/seating.py) each step names the plan version it was made
on and runs with the plan row locked, so of two phones tapping at once the later one is refused
(StalePlan) and nothing is half done. Each step is logged as a PlanChange for "who changed what
last".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration

from ..models import Departure, PlanChange, SeatingPlan
from . import seating
from .seating import SeatingError, StalePlan

__all__ = [
    "NextStep",
    "SeatingError",
    "StalePlan",
    "end_round",
    "leave_evening",
    "next_steps",
    "renew_screen_link",
    "replan_coming",
    "start_round",
]


@dataclass(frozen=True)
class NextStep:
    """One button of the live page: what it does ("start" or "end") and for which round."""

    action: str
    round: int
    label: str
    primary: bool = True


def next_steps(plan: SeatingPlan) -> list[NextStep]:
    """The buttons for where the evening stands: the first is the usual next tap."""
    total = plan.event.speed_dating_rounds or 0
    phase, current = plan.phase, plan.current_round or 0
    if phase == "before":
        return [NextStep("start", 1, _("Start the evening: round 1"))]
    if phase == "break":
        return [
            NextStep("start", current + 1, _("Start round %(number)d") % {"number": current + 1})
        ]
    if phase == "running":
        if current >= total:
            return [NextStep("end", current, _("End round %(number)d") % {"number": current})]
        return [
            NextStep(
                "start",
                current + 1,
                _("End round %(number)d and start round %(next)d")
                % {"number": current, "next": current + 1},
            ),
            NextStep(
                "end",
                current,
                _("End round %(number)d (break)") % {"number": current},
                primary=False,
            ),
        ]
    return []


def _log(plan: SeatingPlan, action: str, by, *, round_no=None, registration=None) -> None:
    PlanChange.objects.create(
        plan=plan, action=action, round=round_no, registration=registration, by=by
    )


def start_round(*, event: Event, round_no: int, expected_version: int, by) -> SeatingPlan:
    """Start round `round_no`: the next one after the round marked (a running round ends with
    it, so "end and start the next" is one tap). It and the rounds before count as played."""
    total = event.speed_dating_rounds or 0
    if not 1 <= round_no <= total:
        raise SeatingError(_("There is no round %(round)d.") % {"round": round_no})
    with transaction.atomic():
        plan = seating._locked(event, expected_version)
        current = plan.current_round or 0
        if round_no <= current:
            raise SeatingError(_("Round %(round)d has been started already.") % {"round": round_no})
        if round_no > current + 1:
            raise SeatingError(
                _("Round %(round)d cannot start before round %(before)d.")
                % {"round": round_no, "before": current + 1}
            )
        now = timezone.now()
        if plan.current_round and plan.round_ended_at is None:
            _log(plan, PlanChange.Action.ENDED, by, round_no=current)
        plan.current_round = round_no
        plan.round_started_at = now
        plan.round_ended_at = None
        _log(plan, PlanChange.Action.STARTED, by, round_no=round_no)
        return seating._saved(plan, by, ["current_round", "round_started_at", "round_ended_at"])


def end_round(*, event: Event, round_no: int, expected_version: int, by) -> SeatingPlan:
    """End the running round `round_no`: the change break's countdown starts."""
    with transaction.atomic():
        plan = seating._locked(event, expected_version)
        if plan.current_round != round_no or plan.round_started_at is None:
            raise SeatingError(_("Round %(round)d is not running.") % {"round": round_no})
        if plan.round_ended_at is not None:
            raise SeatingError(_("Round %(round)d has ended already.") % {"round": round_no})
        plan.round_ended_at = timezone.now()
        _log(plan, PlanChange.Action.ENDED, by, round_no=round_no)
        return seating._saved(plan, by, ["round_ended_at"])


def replan_coming(*, event: Event, expected_version: int, by) -> SeatingPlan:
    """Plan the rounds not played yet again for the people in the room (late arrivals and
    walk-ins join); the played rounds stay as they were."""
    with transaction.atomic():
        plan = seating.replan(
            event=event,
            source=seating.default_source(event),
            expected_version=expected_version,
            by=by,
        )
        _log(plan, PlanChange.Action.REPLANNED, by, round_no=(plan.current_round or 0) + 1)
    return plan


def leave_evening(*, event: Event, registration_id: int, expected_version: int, by) -> SeatingPlan:
    """Someone leaves early: recorded, and the rounds not played yet are planned again without
    them (when too few people are left to plan, their seats in those rounds are just removed)."""
    with transaction.atomic():
        plan = seating._locked(event, expected_version)
        registration = Registration.objects.filter(
            pk=registration_id, event=event, status=Registration.Status.CONFIRMED
        ).first()
        if registration is None:
            raise SeatingError(_("This person is not registered for the evening."))
        if Departure.objects.filter(registration=registration).exists():
            raise SeatingError(
                _("%(name)s has left the evening already.")
                % {"name": registration.name or _("anonymous")}
            )
        played = plan.current_round or 0
        Departure.objects.create(
            plan=plan, registration=registration, after_round=played, recorded_by=by
        )
        fields = []
        if played < (event.speed_dating_rounds or 0):
            present = seating.present_registrations(event, seating.default_source(event))
            try:
                rounds, report = seating._replanned(plan, present)
            except SeatingError:
                plan.seats.filter(round__gt=played, registration=registration).delete()
            else:
                seating._store(plan, rounds, from_round=played + 1)
                plan.value = report.value
                plan.generated_at = timezone.now()
                fields = ["value", "generated_at"]
        _log(plan, PlanChange.Action.LEFT, by, round_no=played or None, registration=registration)
        return seating._saved(plan, by, fields)


def renew_screen_link(*, event: Event, expected_version: int, by) -> SeatingPlan:
    """A new secret for the big-screen link; the old link stops working at once."""
    with transaction.atomic():
        plan = seating._locked(event, expected_version)
        plan.screen_token = secrets.token_urlsafe(32)
        _log(plan, PlanChange.Action.SCREEN_LINK, by)
        return seating._saved(plan, by, ["screen_token"])


def screen_token_matches(plan: SeatingPlan, token: str) -> bool:
    """The big-screen link's secret, compared in constant time; no link made yet: no match."""
    return bool(plan.screen_token) and secrets.compare_digest(
        plan.screen_token.encode(), token.encode()
    )
