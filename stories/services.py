"""Stories: writing, asking the companies for approval, publishing, images, personal data.

The rule that matters: a story is public only while staff have released it AND every involved
company has a valid approval (of the current text version, not withdrawn). Every change that could
affect that (an approval, a withdrawal, an edit, staff releasing or taking it back) ends in
`_settle()`, which sets the status from those facts, under a row lock on the story.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from companies.models import Company, Cooperation, CooperationParty, Membership
from companies.services.logos import delete_file_on_commit
from kag_portal.mail import absolute_url, queue_mail

from .models import MAX_IMAGES, Story, StoryApproval, StoryImage

TEXT_FIELDS = ("title", "lead", "body")


class TooManyImages(Exception):
    """The story has MAX_IMAGES images already."""


# --- Reading ------------------------------------------------------------------------------------


def confirmed_cooperations() -> QuerySet[Cooperation]:
    """Cooperations every company in them has confirmed, with their companies."""
    return Cooperation.objects.confirmed().prefetch_related("companies")


def member_cooperations(user) -> QuerySet[Cooperation]:
    """The confirmed cooperations of the companies the person is a member of."""
    company_ids = Membership.objects.filter(user=user).values("company_id")
    return confirmed_cooperations().filter(parties__company_id__in=company_ids)


def published_stories() -> QuerySet[Story]:
    """Public stories, newest first, with what a card shows (companies and the first image)."""
    return (
        Story.objects.filter(status=Story.Status.PUBLISHED)
        .select_related("event")
        .prefetch_related(
            Prefetch("companies", queryset=Company.objects.order_by("name")),
            Prefetch("images", queryset=StoryImage.objects.order_by("position")),
        )
        .order_by("-published_at", "-pk")
    )


def is_involved_member(user, story: Story) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, company__in=story.companies.values("pk")).exists()


def owned_companies(user, story: Story) -> list[Company]:
    """The involved companies the person is an owner of: those they approve for."""
    if not (user.is_authenticated and user.is_active):
        return []
    return list(
        Company.objects.filter(
            pk__in=story.companies.values("pk"),
            memberships__user=user,
            memberships__role=Membership.Role.OWNER,
        ).order_by("name")
    )


def can_view(user, story: Story) -> bool:
    """Published: everyone. Otherwise staff, the author and members of the involved companies."""
    if story.is_published:
        return True
    if not user.is_authenticated:
        return False
    if user.is_staff or story.author_id == user.pk:
        return True
    return is_involved_member(user, story)


def can_edit(user, story: Story) -> bool:
    """Staff always; a member author only their draft, and only while still in one of the
    companies (someone who left cannot keep writing about them)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return story.is_draft and story.author_id == user.pk and is_involved_member(user, story)


def awaiting_approval(user) -> list[Story]:
    """Stories in review that a company the person owns has not approved in their current text."""
    if not (user.is_authenticated and user.is_active):
        return []
    owned = set(
        Membership.objects.filter(user=user, role=Membership.Role.OWNER).values_list(
            "company_id", flat=True
        )
    )
    stories = list(
        Story.objects.filter(status=Story.Status.IN_REVIEW, companies__pk__in=owned)
        .distinct()
        .prefetch_related("companies", "approvals")
        .order_by("-updated_at")[:20]
    )
    waiting = []
    for story in stories:
        approved = {
            approval.company_id
            for approval in story.approvals.all()
            if approval.text_version == story.text_version and approval.withdrawn_at is None
        }
        if any(c.pk in owned and c.pk not in approved for c in story.companies.all()):
            waiting.append(story)
    return waiting


def drafts_of(user) -> list[Story]:
    if not user.is_authenticated:
        return []
    return list(
        Story.objects.filter(author=user, status=Story.Status.DRAFT).order_by("-updated_at")[:20]
    )


def approval_states(story: Story) -> list[tuple[Company, StoryApproval | None]]:
    """Each involved company with its valid approval of the current text, or None."""
    valid = {
        approval.company_id: approval
        for approval in story.approvals.filter(
            text_version=story.text_version, withdrawn_at__isnull=True
        ).select_related("approved_by")
    }
    return [(company, valid.get(company.pk)) for company in story.companies.order_by("name")]


def _all_approved(story: Story) -> bool:
    required = set(story.companies.values_list("pk", flat=True))
    approved = set(
        story.approvals.filter(
            text_version=story.text_version, withdrawn_at__isnull=True
        ).values_list("company_id", flat=True)
    )
    return bool(required) and required <= approved


def _settle(story: Story) -> Story:
    """Set the status from the facts: public only while released and approved by all."""
    if story.is_draft:
        return story
    public = story.released_at is not None and _all_approved(story)
    if public and not story.is_published:
        story.status = Story.Status.PUBLISHED
        story.published_at = timezone.now()
    elif not public and story.is_published:
        story.status = Story.Status.IN_REVIEW
        story.published_at = None
    else:
        return story
    story.save(update_fields=["status", "published_at", "updated_at"])
    return story


def _lock(story: Story) -> Story:
    return Story.objects.select_for_update().get(pk=story.pk)


# --- Writing ------------------------------------------------------------------------------------


@transaction.atomic
def create_story(
    *, cooperation: Cooperation, author, title: str, lead: str, body: str, event=None
) -> Story:
    """A draft about a cooperation; its companies are the ones that will have to approve."""
    story = Story.objects.create(
        cooperation=cooperation, author=author, title=title, lead=lead, body=body, event=event
    )
    story.companies.set(cooperation.companies.all())
    return story


@transaction.atomic
def update_story(*, story: Story, title: str, lead: str, body: str, event=None) -> Story:
    """Save an edit. A changed text is a new version: earlier approvals stop counting, a public
    story goes back to review, and the owners are asked again."""
    story = _lock(story)
    changed = (story.title, story.lead, story.body) != (title, lead, body)
    story.title, story.lead, story.body, story.event = title, lead, body, event
    if changed:
        story.text_version += 1
    story.save()
    if changed and not story.is_draft:
        _settle(story)
        _ask_owners(story)
    return story


@transaction.atomic
def submit_for_approval(*, story: Story) -> Story:
    """The text is ready: the involved companies' owners are asked to approve it, staff see it
    in their review list."""
    story = _lock(story)
    if story.is_draft:
        story.status = Story.Status.IN_REVIEW
        story.save(update_fields=["status", "updated_at"])
        _ask_owners(story)
        if story.author is not None and not story.author.is_staff:
            _tell_staff(story)
    return story


def _tell_staff(story: Story) -> None:
    """A member company's story waits for the KAG team's review and release."""
    queue_mail(
        to_email=settings.KAG_CONTACT_EMAIL,
        template="story_submitted",
        context={
            "story": story,
            "review_url": absolute_url(reverse("staff_stories:detail", args=[story.pk])),
        },
        language=settings.LANGUAGE_CODE,
        idempotency_key=f"story-submitted:{story.pk}",
        about=[story.author],
    )


def _ask_owners(story: Story) -> None:
    from companies.services.members import owners

    approve_url = absolute_url(reverse("stories:approve", args=[story.pk]))
    for company in story.companies.order_by("pk"):
        for owner in owners(company):
            queue_mail(
                to_email=owner.email,
                recipient=owner,
                template="story_approval_request",
                context={"story": story, "company": company, "approve_url": approve_url},
                # One mail per version, company and owner: an edit asks again, a repeat does not.
                idempotency_key=(
                    f"story-approval:{story.pk}:v{story.text_version}:{company.pk}:{owner.pk}"
                ),
            )


@transaction.atomic
def approve(*, story: Story, user) -> int:
    """Approve the current text for every involved company the person owns. Returns how many
    companies this approved for (0: nothing to approve, e.g. the story is still a draft)."""
    story = _lock(story)
    if story.is_draft:
        return 0
    now = timezone.now()
    count = 0
    for company in owned_companies(user, story):
        StoryApproval.objects.update_or_create(
            story=story,
            company=company,
            text_version=story.text_version,
            defaults={
                "approved_by": user,
                "approved_at": now,
                "withdrawn_at": None,
                "withdrawn_by": None,
            },
        )
        count += 1
    _settle(story)
    return count


@transaction.atomic
def withdraw(*, story: Story, user) -> int:
    """Withdraw the companies' approvals (any version): a public story goes offline at once."""
    story = _lock(story)
    companies = owned_companies(user, story)
    count = StoryApproval.objects.filter(
        story=story, company__in=companies, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_by=user)
    _settle(story)
    return count


@transaction.atomic
def release(*, story: Story, by) -> Story:
    """Staff say "publish": public now if every company approved, else as soon as they have."""
    story = _lock(story)
    if story.is_draft:
        story.status = Story.Status.IN_REVIEW
        _ask_owners(story)
    story.released_at = timezone.now()
    story.released_by = by
    story.save(update_fields=["status", "released_at", "released_by", "updated_at"])
    return _settle(story)


@transaction.atomic
def take_back(*, story: Story) -> Story:
    """Staff take a story offline (or stop a release that waits for approvals)."""
    story = _lock(story)
    story.released_at = None
    story.released_by = None
    if story.is_published:
        story.status = Story.Status.IN_REVIEW
        story.published_at = None
    story.save(update_fields=["status", "published_at", "released_at", "released_by", "updated_at"])
    return story


# --- Images -------------------------------------------------------------------------------------


@transaction.atomic
def add_image(*, story: Story, content: bytes, alt_text: str) -> StoryImage:
    """Store an image already checked and re-encoded (stories.forms.StoryImageForm)."""
    story = _lock(story)
    taken = set(story.images.values_list("position", flat=True))
    free = [slot for slot in range(MAX_IMAGES) if slot not in taken]
    if not free:
        raise TooManyImages
    image = StoryImage(story=story, alt_text=alt_text, position=free[0])
    image.image.save(f"{secrets.token_hex(8)}.webp", ContentFile(content), save=False)
    image.save()
    return image


@transaction.atomic
def remove_image(*, image: StoryImage) -> None:
    delete_file_on_commit(image.image.storage, image.image.name)
    image.delete()


# --- Personal data ------------------------------------------------------------------------------


def export_personal_data(user) -> dict:
    return {
        "stories_written": [
            {
                "title": story.title,
                "lead": story.lead,
                "body": story.body,
                "status": story.status,
                "created_at": story.created_at.isoformat(),
                "published_at": story.published_at.isoformat() if story.published_at else None,
            }
            for story in Story.objects.filter(author=user).order_by("created_at")
        ],
        "story_approvals": [
            {
                "story": approval.story.title,
                "company": approval.company.name,
                "text_version": approval.text_version,
                "approved_at": approval.approved_at.isoformat(),
                "withdrawn_at": (
                    approval.withdrawn_at.isoformat() if approval.withdrawn_at else None
                ),
            }
            for approval in StoryApproval.objects.filter(approved_by=user)
            .select_related("story", "company")
            .order_by("approved_at")
        ],
    }


def delete_personal_data(user) -> None:
    # A member's draft is theirs alone: no company was asked about it and nobody else may
    # edit it, so it goes with them (a staff member's draft is the KAG's work and stays).
    if not user.is_staff:
        for story in Story.objects.filter(author=user, status=Story.Status.DRAFT):
            for image in story.images.all():
                remove_image(image=image)
            story.delete()
    # Sent for approval, the stories and the companies' approvals stay (the companies
    # consented, not only the person); only the link to the person goes.
    Story.objects.filter(author=user).update(author=None)
    Story.objects.filter(released_by=user).update(released_by=None)
    StoryApproval.objects.filter(approved_by=user).update(approved_by=None)
    StoryApproval.objects.filter(withdrawn_by=user).update(withdrawn_by=None)


def withdraw_for_deleted_company(sender, company, **kwargs) -> None:
    """companies.signals.company_deleted: the deleted firm's approvals are withdrawn, so its
    stories go offline (a story names both firms; it may return when told without it)."""
    for story in Story.objects.filter(companies=company):
        story = _lock(story)
        StoryApproval.objects.filter(
            story=story, company=company, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        _settle(story)


@transaction.atomic
def record_cooperation(
    *,
    companies: Sequence[Company],
    description: str,
    started_on,
    origin: str,
    without_kag: str,
    by,
) -> Cooperation:
    """Staff record a cooperation they heard of. It counts once every company confirmed it, so
    each one's people are asked (the same confirmation page as after an event)."""
    from companies.services.cooperations import propose_cooperation
    from events.services.followups import ask_partners_to_confirm

    first, *others = companies
    cooperation = propose_cooperation(
        proposer=first,
        partners=others,
        description=description,
        origin=origin,
        without_kag=without_kag,
        created_by=by,
        started_on=started_on,
        proposer_confirms=False,
    )
    ask_partners_to_confirm(cooperation, proposer=None)
    return cooperation


def staff_cooperations() -> QuerySet[Cooperation]:
    """Every cooperation with its companies and how many confirmed, newest first."""
    parties = Prefetch("parties", queryset=CooperationParty.objects.select_related("company"))
    return (
        # django-stubs does not follow a reverse relation through a manager made from a
        # custom QuerySet (Cooperation.objects); the lookup is checked by the tests.
        Cooperation.objects.prefetch_related(parties)  # type: ignore[arg-type]
        .annotate(
            party_count=Count("parties", distinct=True),
            confirmed_count=Count(
                "parties", filter=Q(parties__confirmed_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )
