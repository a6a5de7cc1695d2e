"""Stories about cooperations, told with the consent of every company in them.

A story is public only when staff released it AND every involved company approved the current
text. Approval is of one text version: editing the title, lead or body raises `text_version`, and
approvals of an older version no longer count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Cooperation
from events.models import Event

MAX_IMAGES = 4


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")

    cooperation = models.ForeignKey(
        Cooperation,
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name=_("cooperation"),
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(
        _("lead"), max_length=600, help_text=_("Two or three sentences shown in the lists.")
    )
    body = models.TextField(
        _("text"),
        max_length=20000,
        help_text=_("Markdown is allowed: **bold**, lists, > quotes."),
    )
    # The cooperation's companies when the story was begun: each of them has to approve.
    companies = models.ManyToManyField(Company, related_name="stories", blank=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("event where it began"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Raised by every change of title, lead or body: approvals are of one version.
    text_version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_written",
    )
    # Staff said "publish": it goes public as soon as (and as long as) every company approves.
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            # Public means released by staff and with a publication date; nothing else is public.
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(released_at__isnull=False) & Q(published_at__isnull=False)),
                name="story_published_is_released",
            ),
            models.CheckConstraint(
                condition=Q(status="published") | Q(published_at__isnull=True),
                name="story_published_at_only_when_published",
            ),
        ]
        indexes = [
            # The public lists: published stories, newest first.
            models.Index(fields=["status", "-published_at"], name="story_status_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_draft(self) -> bool:
        """Still with its authors: they edit it before asking the companies and staff."""
        return self.status == self.Status.DRAFT


def story_image_path(instance: StoryImage, filename: str) -> str:
    return f"stories/{instance.story_id}/{filename}"


class StoryImage(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=story_image_path)
    alt_text = models.CharField(
        _("description of the image"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("story image")
        verbose_name_plural = _("story images")
        ordering = ["position"]
        constraints = [
            # Four slots (0..3), one image each: never more than MAX_IMAGES per story.
            models.UniqueConstraint(fields=["story", "position"], name="storyimage_one_per_slot"),
            models.CheckConstraint(
                condition=Q(position__lt=MAX_IMAGES), name="storyimage_at_most_four"
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="storyimage_alt_text_required"),
        ]

    def __str__(self) -> str:
        return self.alt_text


class StoryApproval(models.Model):
    """One company's consent to one version of a story's text."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="approvals")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="story_approvals")
    text_version = models.PositiveIntegerField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story_approvals",
    )
    approved_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("story approval")
        verbose_name_plural = _("story approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["story", "company", "text_version"], name="storyapproval_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.story_id} v{self.text_version}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_at is None and self.text_version == self.story.text_version
