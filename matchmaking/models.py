"""Speed-dating seat plans of an event, and what attendees want after meeting someone.

The plan itself is computed by matchmaking.planner (pure Python); these rows store it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration


class SeatingPlan(models.Model):
    """The seat plan of one event's speed-dating block: every round's tables."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Source(models.TextChoices):
        REGISTRATIONS = "registrations", _("confirmed registrations")
        CHECKED_IN = "checked_in", _("people checked in")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="seating_plan")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=15, choices=Source.choices)
    # Raised on every change; a change names the version it was made on, so of two staff
    # editing at once the later save is refused instead of half-applied.
    version = models.PositiveIntegerField(default=1)
    seed = models.PositiveIntegerField(default=0)
    # The round running now (1-based); it and every round before it are played and never change.
    current_round = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.PositiveIntegerField(default=0)
    generated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The run of show (services/live_evening.py): when the running round started and, once staff
    # ended it, when it ended (the change break runs from then).
    round_started_at = models.DateTimeField(null=True, blank=True)
    round_ended_at = models.DateTimeField(null=True, blank=True)
    # The secret of the big-screen link /events/<id>/screen/<token>/ ("" until staff make one);
    # renewing it makes the old link a 404.
    screen_token = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("seat plan")
        verbose_name_plural = _("seat plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(current_round__isnull=True) | Q(current_round__gte=1),
                name="seatingplan_round_from_1",
            ),
            # A round can only have started while one is marked, and end after it started.
            models.CheckConstraint(
                condition=Q(round_started_at__isnull=True) | Q(current_round__isnull=False),
                name="seatingplan_started_with_round",
            ),
            models.CheckConstraint(
                condition=Q(round_ended_at__isnull=True)
                | Q(
                    round_started_at__isnull=False, round_ended_at__gte=models.F("round_started_at")
                ),
                name="seatingplan_ended_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def running_round(self) -> int | None:
        """The round on now: the one staff marked, else the one whose time it is by the
        schedule (no query; the event is loaded with the plan where it matters)."""
        if self.current_round:
            return self.current_round
        now = timezone.now()
        for number, start, end in self.event.speed_dating_rounds_schedule():
            if start <= now < end:
                return number
        return None

    # --- the run of show -------------------------------------------------------------------

    @property
    def phase(self) -> str:
        """Where the evening stands: "before" round 1, a round "running", the "break" after a
        round, or "over" once the last round ended."""
        if not self.current_round:
            return "before"
        if self.round_ended_at is None:
            return "running"
        if self.current_round >= (self.event.speed_dating_rounds or 0):
            return "over"
        return "break"

    @property
    def round_ends_at(self) -> datetime | None:
        """When the running round is due to end: its start plus the event's round length."""
        if self.round_started_at is None or self.event.speed_dating_round_minutes is None:
            return None
        return self.round_started_at + timedelta(minutes=self.event.speed_dating_round_minutes)

    @property
    def break_ends_at(self) -> datetime | None:
        """When the change break after the round ends: its end plus the change minutes."""
        if self.round_ended_at is None or self.event.speed_dating_change_minutes is None:
            return None
        return self.round_ended_at + timedelta(minutes=self.event.speed_dating_change_minutes)

    @property
    def countdown_to(self) -> datetime | None:
        """What the countdown counts to now: the round's end, or the break's."""
        return {"running": self.round_ends_at, "break": self.break_ends_at}.get(self.phase)

    @property
    def shown_round(self) -> int | None:
        """The round whose tables people need now: the running one, the next one in the break
        and before the start, none once the evening is over."""
        phase = self.phase
        if phase == "before":
            return 1
        if phase == "break":
            return (self.current_round or 0) + 1
        if phase == "running":
            return self.current_round
        return None


class Departure(models.Model):
    """Someone who left the evening early: they are left out of the rounds still to come."""

    plan = models.ForeignKey(SeatingPlan, on_delete=models.CASCADE, related_name="departures")
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="departure"
    )
    # The round running (or last ended) when they left; 0 before round 1.
    after_round = models.PositiveSmallIntegerField(default=0)
    left_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("early departure")
        verbose_name_plural = _("early departures")

    def __str__(self) -> str:
        return f"{self.registration_id} after {self.after_round}"


class PlanChange(models.Model):
    """One step of the run of show, for "who changed what last" on the live page."""

    class Action(models.TextChoices):
        STARTED = "started", _("round started")
        ENDED = "ended", _("round ended")
        REPLANNED = "replanned", _("rounds to come re-planned")
        LEFT = "left", _("left the evening")
        SCREEN_LINK = "screen_link", _("new big-screen link")

    plan = models.ForeignKey(SeatingPlan, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=12, choices=Action.choices)
    round = models.PositiveSmallIntegerField(null=True, blank=True)
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("seat plan change")
        verbose_name_plural = _("seat plan changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "-at"], name="planchange_latest")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.action} {self.round or ''}"


class Seat(models.Model):
    """One attendee at one table in one round."""

    plan = models.ForeignKey(SeatingPlan, on_delete=models.CASCADE, related_name="seats")
    round = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])  # from 1
    table = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])  # from 1
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="seats")

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["round", "table", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "round", "registration"], name="seat_once_per_round"
            ),
            models.CheckConstraint(condition=Q(round__gte=1, table__gte=1), name="seat_from_1"),
        ]
        indexes = [models.Index(fields=["plan", "round", "table"], name="seat_grid")]

    def __str__(self) -> str:
        return f"{self.round}/{self.table}: {self.registration_id}"


class ContactMark(models.Model):
    """After the evening: an attendee about one partner they met. Private to its author; when
    two people mark each other, both get one introduction mail."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contact_marks"
    )
    partner = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    wants_contact = models.BooleanField(_("I would like to stay in touch"), default=False)
    note = models.TextField(_("private note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact mark")
        verbose_name_plural = _("contact marks")
        constraints = [
            models.UniqueConstraint(fields=["registration", "partner"], name="contactmark_once"),
            models.CheckConstraint(
                condition=~Q(registration=models.F("partner")), name="contactmark_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.partner_id}"
