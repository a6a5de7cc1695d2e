from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Town


class Event(models.Model):
    """A network evening, breakfast, company visit, the company run … at one place and time."""

    class Format(models.TextChoices):
        NETWORK_EVENING = "network_evening", _("Network evening")
        BREAKFAST = "breakfast", _("Entrepreneur breakfast")
        COMPANY_VISIT = "company_visit", _("Company visit")
        COMPANY_RUN = "company_run", _("Company run")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("all members")
        INVITED = "invited", _("invited only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")
        FINISHED = "finished", _("finished")

    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    description = models.TextField(
        _("description"), blank=True, max_length=10000, help_text=_("Markdown is allowed.")
    )
    host_company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("host company"),
    )
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_street = models.CharField(_("street and number"), max_length=200, blank=True)
    venue_postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    town = models.ForeignKey(Town, on_delete=models.PROTECT, verbose_name=_("town"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    registration_deadline = models.DateTimeField(_("registration until"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    places_per_company = models.PositiveSmallIntegerField(
        _("places per company"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit."),
    )
    audience = models.CharField(
        _("who may register"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The speed-dating block of a network evening; all empty when there is none.
    speed_dating_starts_at = models.DateTimeField(_("speed dating starts"), null=True, blank=True)
    speed_dating_rounds = models.PositiveSmallIntegerField(
        _("rounds"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    speed_dating_round_minutes = models.PositiveSmallIntegerField(
        _("minutes per round"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(30)],
    )
    speed_dating_change_minutes = models.PositiveSmallIntegerField(
        _("minutes to change seats"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(15)],
    )
    speed_dating_table_size = models.PositiveSmallIntegerField(
        _("people per table"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(4)],
    )
    # Calendar entries: a stable UID and a SEQUENCE raised on every change people must see.
    calendar_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        indexes = [
            # The public calendar: published events by start.
            models.Index(fields=["status", "starts_at"], name="event_calendar"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=F("ends_at")),
                name="event_deadline_before_end",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(speed_dating_table_size__isnull=True)
                | Q(speed_dating_table_size__gte=2, speed_dating_table_size__lte=4),
                name="event_table_size_2_to_4",
            ),
            # A speed-dating block is complete or absent.
            models.CheckConstraint(
                condition=Q(
                    speed_dating_starts_at__isnull=True,
                    speed_dating_rounds__isnull=True,
                    speed_dating_round_minutes__isnull=True,
                    speed_dating_change_minutes__isnull=True,
                    speed_dating_table_size__isnull=True,
                )
                | Q(
                    speed_dating_starts_at__isnull=False,
                    speed_dating_rounds__isnull=False,
                    speed_dating_round_minutes__isnull=False,
                    speed_dating_change_minutes__isnull=False,
                    speed_dating_table_size__isnull=False,
                ),
                name="event_speed_dating_complete_or_absent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def address(self) -> str:
        """ "Rathaussaal, Marktplatz 1, 98527 Suhl", leaving out what is empty (mails, calendars,
        the map link): a company run starts at a square with no street."""
        town = f"{self.venue_postal_code} {self.town.name}".strip()
        return ", ".join(part for part in (self.venue_name, self.venue_street, town) if part)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_company_run(self) -> bool:
        return self.format == self.Format.COMPANY_RUN

    def registration_closed_reason(self, invitation: EventInvitation | None = None) -> str:
        """Why nobody may register now, or "" when they may: the one rule for "can this person
        register?" (the registration service refuses with it, pages show it).

        `invitation` is the one that lets this person in (events.services.invitations.
        invitation_for decides which); an invited-only event needs one.
        """
        closed = self._closed_to_everyone_reason()
        if not closed and self.audience == self.Audience.INVITED and invitation is None:
            return gettext("Only invited guests can register for this event.")
        return closed

    @property
    def can_invite(self) -> bool:
        """Invitations go out while an invited person could register."""
        return not self._closed_to_everyone_reason()

    def _closed_to_everyone_reason(self) -> str:
        if self.is_cancelled:
            return gettext("This event has been cancelled.")
        if not self.is_published:
            return gettext("This event is not open for registration.")
        if timezone.now() > self.registration_deadline:
            return gettext("The registration deadline for this event has passed.")
        return ""

    @property
    def has_speed_dating(self) -> bool:
        return self.speed_dating_starts_at is not None

    def speed_dating_rounds_schedule(self) -> list[tuple[int, datetime, datetime]]:
        """(round number from 1, start, end) of every speed-dating round."""
        start = self.speed_dating_starts_at
        if (
            start is None
            or self.speed_dating_rounds is None
            or self.speed_dating_round_minutes is None
            or self.speed_dating_change_minutes is None
        ):
            return []  # no speed-dating block (the database keeps it complete or absent)
        rounds = []
        length = timedelta(minutes=self.speed_dating_round_minutes)
        change = timedelta(minutes=self.speed_dating_change_minutes)
        for number in range(1, self.speed_dating_rounds + 1):
            rounds.append((number, start, start + length))
            start = start + length + change
        return rounds


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    starts_at = models.DateTimeField(_("time"))
    title = models.CharField(_("what"), max_length=200)
    description = models.CharField(_("details"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ShirtSize(models.TextChoices):
    XS = "XS", "XS"
    S = "S", "S"
    M = "M", "M"
    L = "L", "L"
    XL = "XL", "XL"
    XXL = "XXL", "XXL"


class Registration(models.Model):
    """A place at an event for one person of a company: confirmed, on the waitlist or cancelled.

    Seats and waitlist order are decided under a row lock on the event (events.services), so
    they stay exact when many people register or cancel at once.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="event_registrations"
    )
    # The attendee: a person with an account, or a colleague named by e-mail who claims the place.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email address"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    wish_partners = models.ManyToManyField(
        Company, blank=True, related_name="wished_by_registrations", verbose_name=_("wish partners")
    )
    topics = models.TextField(_("topics you would like to discuss"), blank=True, max_length=1000)
    show_to_attendees = models.BooleanField(
        _("show my name and company to the other attendees"), default=False
    )
    # Waitlist order: by the time the place was asked for, then id.
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Registered at the door on the evening, not beforehand.
    walk_in = models.BooleanField(default=False)
    # The invitation that brought this person, for the path from invitation to attendance.
    invitation = models.ForeignKey(
        "EventInvitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    # Company run only.
    shirt_size = models.CharField(
        _("shirt size"), max_length=4, choices=ShirtSize.choices, blank=True
    )
    # Set when the personal details were removed (deletion or the retention period).
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["requested_at", "pk"]
        constraints = [
            # One active registration per person and per address; cancelled ones may repeat.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=~Q(status="cancelled") & Q(person__isnull=False),
                name="registration_one_active_per_person",
            ),
        ]
        indexes = [
            # Counting seats and walking the waitlist of one event.
            models.Index(fields=["event", "status", "requested_at"], name="registration_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    @property
    def is_active(self) -> bool:
        """Holds a place or a place in the queue (not cancelled)."""
        return self.status != self.Status.CANCELLED

    @property
    def is_anonymised(self) -> bool:
        """The person's details are gone (their deletion or the retention period); the row stays
        for the counts, with a placeholder address nobody should be shown."""
        return self.anonymised_at is not None

    @property
    def waitlist_position(self) -> int | None:
        """1-based place on the waitlist (one query), or None when not waiting."""
        if not self.is_waitlisted:
            return None
        ahead = Registration.objects.filter(
            event_id=self.event_id, status=self.Status.WAITLISTED
        ).filter(
            Q(requested_at__lt=self.requested_at)
            | Q(requested_at=self.requested_at, pk__lt=self.pk)
        )
        return ahead.count() + 1


class EventInvitation(models.Model):
    """One person or firm invited to one event: one mail, sent once (outbox key per invitation)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    # Stored in lower case: the same address is invited once per event.
    email = models.EmailField(_("email address"))
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="event_invitations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="invitation_once_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.event}"


class InvitationRound(models.Model):
    """One "send" of invitations by staff: a row that a periodic task resumes until every mail
    is recorded in the outbox, so no invitation ever lives only in the broker's queue.

    Pending: recorded, the recipients not yet invited. Mailing: the invitations exist (their ids
    are stored), their mails are being recorded. Recorded: every mail is in the outbox, which
    sends them (and resends after a lost queue) on its own. Stopped: the event was cancelled or
    closed its registration before every mail was recorded; the rest are not sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to start")
        MAILING = "mailing", _("mails being prepared")
        RECORDED = "recorded", _("all mails prepared")
        STOPPED = "stopped", _("stopped: the event is closed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitation_rounds")
    audience = models.JSONField()
    # What staff saw in the preview; the real number is len(invitation_ids) once invited.
    planned_count = models.PositiveIntegerField()
    invitation_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Touched by every step: a round not touched for a while has lost its queue message.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation round")
        verbose_name_plural = _("invitation rounds")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The periodic resume: unfinished rounds, least recently touched first.
            models.Index(fields=["status", "updated_at"], name="invitation_round_resume"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["recorded", "stopped"], finished_at__isnull=False)
                | (~Q(status__in=["recorded", "stopped"]) & Q(finished_at__isnull=True)),
                name="invitation_round_finished_at_iff_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} – {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_stopped(self) -> bool:
        return self.status == self.Status.STOPPED

    @property
    def is_finished(self) -> bool:
        """Nothing more to record: every mail is in the outbox, or the event closed."""
        return self.status in (self.Status.RECORDED, self.Status.STOPPED)

    @property
    def total(self) -> int:
        """How many mails this round stands for: the invitations once made, the preview before."""
        if self.status == self.Status.PENDING:
            return self.planned_count
        return len(self.invitation_ids)


class Feedback(models.Model):
    """What an attendee thought of an event, given through the link in the follow-up mail."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("how was it?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    next_format = models.CharField(
        _("which format would you like next?"),
        max_length=20,
        choices=Event.Format.choices,
        blank=True,
    )
    topics = models.TextField(_("topics for next time"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} – {self.registration_id}"


class CalendarFeed(models.Model):
    """A person's secret calendar subscription (webcal) of the events they registered for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # secrets.token_urlsafe(32); renewing replaces it, so an old link stops working.
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class RetentionPolicy(models.Model):
    """How long personal attendance details of past events are kept (one row, set by staff)."""

    months = models.PositiveSmallIntegerField(
        _("keep attendance details for (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "After this many months past an event, names and addresses of its attendees "
            "are removed; anonymous counts stay."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention period")
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=120), name="retention_1_to_120_months"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.months}"

    @classmethod
    def months_in_force(cls) -> int:
        """The period that applies now, read without writing (consent texts name it)."""
        months = cls.objects.filter(pk=1).values_list("months", flat=True).first()
        return months if months is not None else cls._meta.get_field("months").default

    @classmethod
    def current(cls) -> RetentionPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy
