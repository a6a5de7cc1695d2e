"""Speed-dating seat plans of an event, and what attendees want after meeting someone.

The plan itself is computed by matchmaking.planner (pure Python); these rows store it.
"""

from __future__ import annotations

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

    class Meta:
        verbose_name = _("seat plan")
        verbose_name_plural = _("seat plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(current_round__isnull=True) | Q(current_round__gte=1),
                name="seatingplan_round_from_1",
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
