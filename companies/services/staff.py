"""Staff tools: reviewing company profiles and keeping the tags clean.

Every function here is called from the staff views (companies/views/staff.py) only after the
`staff_required` check; the functions themselves check the state they are asked to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kag_portal.mail import absolute_url

from ..models import Company, Cooperation, HelpRequest, Membership, Tag
from ..tags import clean_label, normalize_tag
from .members import mail_company
from .search import refresh_search_document

# --- Review ----------------------------------------------------------------------------------


def _link(name: str, *args, fallback: str = "me") -> str:
    # The profile pages belong to another area of the app; the mail still carries a useful link
    # while a URL name is missing (e.g. in a partial deployment).
    try:
        return absolute_url(reverse(name, args=args))
    except NoReverseMatch:
        return absolute_url(reverse(fallback))


def _review_round(company: Company) -> str:
    # One mail per owner and review round: the same decision taken twice sends nothing more,
    # a new submission after a rejection gets its own mail.
    submitted = company.submitted_at or company.created_at
    return str(int(submitted.timestamp())) if submitted else "0"


def _mail_owners(*, company: Company, template: str, context: dict) -> int:
    return mail_company(
        company.pk,
        role=Membership.Role.OWNER,
        template=template,
        context={"company": company, **context},
        key=f"{template}:{company.pk}:{_review_round(company)}",
    )


@transaction.atomic
def approve_company(*, company: Company, staff_user) -> Company:
    """Publish a profile that waits for review and tell its owners."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.is_in_review:
        raise ValidationError(_("Only a profile that waits for review can be approved."))
    if company.public_consent_at is None:
        # The database refuses it too (company_published_only_with_consent); say it plainly.
        raise ValidationError(
            _("The owner has not agreed to appear in the public directory; it cannot be published.")
        )
    company.status = Company.Status.PUBLISHED
    company.published_at = timezone.now()
    company.rejection_reason = ""
    company.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    _mail_owners(
        company=company,
        template="company_approved",
        context={"company_url": _link("companies:detail", company.slug)},
    )
    return company


@transaction.atomic
def reject_company(*, company: Company, staff_user, reason: str) -> Company:
    """Send a profile back to its owners with a reason they see in the mail and on their page."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Please give a reason: the owner reads it."))
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.is_in_review:
        raise ValidationError(_("Only a profile that waits for review can be rejected."))
    company.status = Company.Status.REJECTED
    company.rejection_reason = reason
    company.save(update_fields=["status", "rejection_reason", "updated_at"])
    _mail_owners(
        company=company,
        template="company_rejected",
        context={
            "reason": reason,
            "edit_url": _link("companies:edit", company.slug),
            "contact_email": settings.KAG_CONTACT_EMAIL,
        },
    )
    return company


@transaction.atomic
def hide_company(*, company: Company, staff_user) -> Company:
    """Take a profile out of the directory at once (e.g. after a complaint)."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.can_be_hidden:
        raise ValidationError(
            _("This profile is not visible to anyone else; there is nothing to hide.")
        )
    company.status = Company.Status.HIDDEN
    company.save(update_fields=["status", "updated_at"])
    return company


@transaction.atomic
def unhide_company(*, company: Company, staff_user) -> Company:
    """Show a hidden profile again: published if it had been published with consent, else it
    goes back to the review queue."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.is_hidden:
        raise ValidationError(_("This profile is not hidden."))
    if company.published_at and company.public_consent_at:
        company.status = Company.Status.PUBLISHED
    else:
        company.status = Company.Status.IN_REVIEW
        company.submitted_at = company.submitted_at or timezone.now()
    company.save(update_fields=["status", "submitted_at", "updated_at"])
    return company


def review_queue() -> QuerySet[Company]:
    """Profiles waiting for review, the longest waiting first."""
    return (
        Company.objects.filter(status=Company.Status.IN_REVIEW)
        .select_related("town", "industry")
        .order_by(models.F("submitted_at").asc(nulls_first=True), "created_at", "pk")
    )


# --- Tags ------------------------------------------------------------------------------------


def _tag_links() -> list[tuple[Any, str, str]]:
    """Every many-to-many table that points at Tag, as (through model, tag column, owner column).

    Found from the model meta, so a tag field that a later app adds (events, matchmaking) is
    merged too without touching this code.
    """
    links: list[tuple[Any, str, str]] = []
    for relation in Tag._meta.related_objects:
        if not relation.many_to_many:
            continue
        # Typed loosely: the stubs know a related object's field only as a foreign key.
        field: Any = relation.field
        through = field.remote_field.through
        links.append((through, field.m2m_reverse_field_name(), field.m2m_field_name()))
    return links


def _tag_foreign_keys() -> list[tuple[Any, str]]:
    # A related model is never the string "self" here (that is only how a field may name it).
    related: list[tuple[Any, str]] = [
        (relation.related_model, relation.field.name)
        for relation in Tag._meta.related_objects
        if relation.one_to_many
    ]
    # The M2M through rows are handled by _tag_links().
    return [(model, name) for model, name in related if not model._meta.auto_created]


def tags_with_usage() -> QuerySet[Tag]:
    """Tags with how many companies offer and need them and how many requests use them, in one
    query (subqueries, not joins: four joins would multiply the rows)."""

    def count_of(through, tag_column: str):
        rows = (
            through.objects.filter(**{tag_column: OuterRef("pk")})
            .order_by()
            .values(tag_column)
            .annotate(n=Count("*"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return Tag.objects.annotate(
        offer_count=count_of(Company.offers.through, "tag_id"),
        need_count=count_of(Company.needs.through, "tag_id"),
        request_count=count_of(HelpRequest.tags.through, "tag_id"),
        cooperation_count=count_of(Cooperation.tags.through, "tag_id"),
    )


def _companies_using(tag_ids: Iterable[int]) -> QuerySet[Company]:
    tag_ids = list(tag_ids)
    return (
        Company.objects.filter(Q(offers__in=tag_ids) | Q(needs__in=tag_ids))
        .distinct()
        .select_related("town", "industry")
        .prefetch_related("offers", "needs")
    )


def _refresh_search_documents(tag_ids: Iterable[int]) -> None:
    # The search text holds the tag names: a renamed or merged tag must be found by its new name.
    for company in _companies_using(tag_ids).iterator(chunk_size=500):
        refresh_search_document(company)


@transaction.atomic
def merge_tags(*, sources: Iterable[Tag], target: Tag, name: str | None = None) -> Tag:
    """Move every link of `sources` to `target`, then delete the sources.

    A company (request, cooperation …) that had both a source and the target, or two sources,
    keeps exactly one link: no duplicate rows, and the unique constraints of the M2M tables hold.
    """
    source_ids = sorted({tag.pk for tag in sources} - {target.pk})
    target = Tag.objects.select_for_update().get(pk=target.pk)
    if source_ids:
        # Lock the sources so a rename running at the same time waits for us.
        list(Tag.objects.select_for_update().filter(pk__in=source_ids))
        for through, tag_column, owner_column in _tag_links():
            linked = through.objects.filter(**{f"{tag_column}__in": source_ids})
            # 1. Owners that already have the target: their source links just go.
            has_target = through.objects.filter(**{tag_column: target.pk}).values(owner_column)
            linked.filter(**{f"{owner_column}__in": has_target}).delete()
            # 2. Owners with two or more sources keep one row (the lowest id), the rest go.
            keep = (
                linked.order_by()
                .values(owner_column)
                .annotate(keep=models.Min("pk"))
                .values_list("keep", flat=True)
            )
            linked.exclude(pk__in=list(keep)).delete()
            # 3. What is left moves over.
            linked.update(**{tag_column: target.pk})
        for model, field_name in _tag_foreign_keys():
            model.objects.filter(**{f"{field_name}__in": source_ids}).update(
                **{field_name: target.pk}
            )
        Tag.objects.filter(pk__in=source_ids).delete()
    if name is not None:
        label = clean_label(name)
        if normalize_tag(label) != target.key:
            raise ValidationError(_("The new name must be a spelling of the tag that remains."))
        target.name = label
        target.save(update_fields=["name", "updated_at"])
    _refresh_search_documents([target.pk])
    return target


@transaction.atomic
def rename_tag(*, tag: Tag, name: str) -> tuple[Tag, bool]:
    """Give a tag a new name. Its key follows the name; if another tag already has that key, the
    two are the same word and this one is merged into it. Returns (tag, merged)."""
    label = clean_label(name)
    key = normalize_tag(label)
    if not key:
        raise ValidationError(_("Please enter a name with at least one letter or digit."))
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    existing = Tag.objects.filter(key=key).exclude(pk=tag.pk).first()
    if existing is not None:
        return merge_tags(sources=[tag], target=existing, name=label), True
    tag.name = label
    tag.key = key
    tag.save(update_fields=["name", "key", "updated_at"])
    _refresh_search_documents([tag.pk])
    return tag, False
