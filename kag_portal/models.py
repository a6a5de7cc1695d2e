from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Logs in with the e-mail address; there are no user names."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=120,
        blank=True,
        help_text=_("How other members see you, e.g. “Sabine Weiß”."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="de",
        help_text=_("Used for the pages and for the emails you get."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


class MailTopic(models.TextChoices):
    """Kinds of non-transactional mail a person can unsubscribe from, one by one."""

    NEWSLETTER = "newsletter", _("Newsletter")
    INVITATIONS = "invitations", _("Event invitations")
    DIGEST = "digest", _("Weekly digest of requests")
    # Thank-you and feedback after an event; reminders before it are part of the registration.
    EVENT_FOLLOW_UPS = "event_follow_ups", _("Thank-you and feedback after events")


class OutboxMail(models.Model):
    """One outgoing e-mail, recorded before it is sent.

    The idempotency key makes recording the same mail twice a no-op; the status moves from queued
    to sending by a conditional update, so two workers can never both send it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent (unsubscribed)")

    idempotency_key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_mails",
    )
    to_email = models.EmailField(_("to"))
    template = models.CharField(max_length=100)
    language = models.CharField(max_length=8)
    # Empty for transactional mail (verification, password reset, confirmations).
    topic = models.CharField(max_length=30, choices=MailTopic.choices, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Most mails hold a key of some kind (a reset or confirmation link, a signed invitation, an
    # unsubscribe or decline link): their body is removed as soon as they are sent. Only a mail
    # whose sender knows it holds none keeps its body until the retention period ends.
    carries_secret = models.BooleanField(default=True)
    # People (other than the recipient) whose words or details the mail carries, e.g. the
    # member who answered a request; deleting one of them redacts the mail.
    about_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("about")
    )
    body_removed_at = models.DateTimeField(_("content removed"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            # The periodic sweep: queued rows that are due, oldest first.
            models.Index(fields=["status", "due_at"], name="outbox_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outbox_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.get_status_display()})"


class MailOptOut(models.Model):
    """A person clicked 'unsubscribe' for one topic; no more mail of that topic to this address."""

    email = models.EmailField()
    topic = models.CharField(max_length=30, choices=MailTopic.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email", "topic"], name="optout_email_topic_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.topic}"


class SitePage(models.Model):
    """Legal pages whose text the KAG edits in the admin (Impressum, privacy, accessibility)."""

    class Slug(models.TextChoices):
        IMPRINT = "impressum", _("Legal notice")
        PRIVACY = "datenschutz", _("Privacy policy")
        ACCESSIBILITY = "barrierefreiheit", _("Accessibility statement")

    slug = models.SlugField(max_length=40, unique=True, choices=Slug.choices)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_de = models.TextField(_("text (German, Markdown)"))
    body_en = models.TextField(_("text (English, Markdown)"))
    is_placeholder = models.BooleanField(
        _("placeholder text"),
        default=True,
        help_text=_("Shows a warning on the page until the KAG has entered its real text."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self) -> str:
        return self.title_de

    def get_absolute_url(self) -> str:
        return reverse("site_page", args=[self.slug])

    def title_for(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_de

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_de


class BarrierReport(models.Model):
    """A visitor reports something on the portal they cannot use (BITV 2.0 feedback mechanism)."""

    page_url = models.CharField(_("page"), max_length=500, blank=True)
    description = models.TextField(_("what does not work for you?"), max_length=5000)
    contact_email = models.EmailField(_("your email address (optional)"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reported barrier")
        verbose_name_plural = _("reported barriers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.description[:60]
