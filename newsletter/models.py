"""The KAG newsletter: issues written by staff, and the people who asked for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NewsletterIssue(models.Model):
    """One issue: an intro by staff plus blocks filled from the portal when it is sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")

    subject = models.CharField(_("subject (German)"), max_length=200)
    intro = models.TextField(
        _("intro (German)"), max_length=10000, help_text=_("Markdown is allowed.")
    )
    # English subscribers get these; left empty, they get the German text (the send page says so).
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    intro_en = models.TextField(
        _("intro (English)"),
        max_length=10000,
        blank=True,
        help_text=_("Markdown is allowed. Leave empty to send the German intro to everyone."),
    )
    include_events = models.BooleanField(_("upcoming events"), default=True)
    include_companies = models.BooleanField(_("new member companies"), default=True)
    include_stories = models.BooleanField(_("new stories"), default=True)
    include_requests = models.BooleanField(_("open requests"), default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The blocks as they were sent, so the archive shows what people got.
    content = models.JSONField(default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-sent_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="newsletter_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:issue", args=[self.pk])

    def subject_for(self, language: str) -> str:
        return self.subject_en if language == "en" and self.subject_en else self.subject

    def intro_for(self, language: str) -> str:
        return self.intro_en if language == "en" and self.intro_en else self.intro

    @property
    def display_subject(self) -> str:
        """The subject in the language active now (a page's, or the mail being rendered)."""
        return self.subject_for(get_language() or settings.LANGUAGE_CODE)

    @property
    def display_intro(self) -> str:
        return self.intro_for(get_language() or settings.LANGUAGE_CODE)

    @property
    def lacks_english(self) -> bool:
        return not (self.subject_en and self.intro_en)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class Subscriber(models.Model):
    """An address that gets the newsletter once confirmed.

    Members subscribe from "Mein Bereich" with their verified account address (confirmed at
    once); anyone else confirms through a link sent to the address (double opt-in).
    Unsubscribing uses the outbox's one-click link (kag_portal.models.MailOptOut).
    """

    email = models.EmailField(_("email address"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletter_subscription",
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the last confirmation mail was asked for: at most one an hour to one address.
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email
