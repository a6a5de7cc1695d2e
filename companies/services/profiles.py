"""Company profiles: create (the wizard), edit, tags, consent, submit for review, delete.

Every function that changes what the directory searches calls refresh_search_document.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kag_portal import caching
from kag_portal.mail import absolute_url, queue_mail

from ..models import (
    Certification,
    Company,
    HelpOffer,
    HelpRequest,
    Invitation,
    JoinRequest,
    Membership,
)
from .search import refresh_search_document
from .tags import get_or_create_tags

logger = logging.getLogger(__name__)

SLUG_MAX_LENGTH = 200
# Paths under /companies/ that a company's slug must never shadow.
RESERVED_SLUGS = frozenset(
    {"new", "join", "invitations", "tags", "search", "suggest", "export", "import", "staff", "api"}
)
SLUG_ATTEMPTS = 5
MAX_TAGS_PER_LIST = 30
# Fields of the basics step, as the form hands them over (certifications separately).
BASIC_FIELDS = (
    "name",
    "town",
    "street",
    "postal_code",
    "website",
    "public_email",
    "public_phone",
    "short_description",
    "description",
    "founded_year",
    "size_band",
    "industry",
    "serves_regional",
    "serves_national",
    "serves_international",
    "apprenticeship_places",
    "internship_places",
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug_base(name: str) -> str:
    """From the name: "Müller & Söhne Präzision GmbH" → "mueller-soehne-praezision-gmbh"."""
    base = slugify(name.lower().translate(_UMLAUTS))[: SLUG_MAX_LENGTH - 6].strip("-")
    return base or "firma"


def _free_slug(base: str) -> str:
    taken = set(Company.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def is_owner(*, company: Company, user) -> bool:
    return Membership.objects.filter(
        company=company, user=user, role=Membership.Role.OWNER
    ).exists()


@transaction.atomic
def create_company(
    *, owner, fields: dict[str, Any], certifications: Iterable[Certification] = ()
) -> Company:
    """A new draft company with `owner` as its first owner. The slug comes from the name;
    when two people create "Spannwerk GmbH" at the same moment, the second gets "-2"."""
    base = slug_base(fields["name"])
    for attempt in range(SLUG_ATTEMPTS):
        company = Company(**fields, slug=_free_slug(base), status=Company.Status.DRAFT)
        try:
            # A savepoint, so a clash leaves the outer transaction usable for the retry.
            with transaction.atomic():
                company.full_clean(exclude=["slug", "search_document"])
                company.save()
        except IntegrityError:
            if attempt == SLUG_ATTEMPTS - 1:
                raise
            logger.info("slug %s was taken a moment ago; trying the next one", company.slug)
            continue
        break
    company.certifications.set(certifications)
    Membership.objects.create(company=company, user=owner, role=Membership.Role.OWNER)
    refresh_search_document(company)
    return company


@transaction.atomic
def update_company(
    *, company: Company, fields: dict[str, Any], certifications: Iterable[Certification]
) -> Company:
    """Save the profile. A published profile stays published (the KAG reviews only the first
    publication); a rejected one stays rejected until it is submitted again."""
    for name, value in fields.items():
        if name not in BASIC_FIELDS:
            raise ValueError(f"not a profile field: {name}")
        setattr(company, name, value)
    company.full_clean(exclude=["search_document"])
    company.save()
    company.certifications.set(certifications)
    refresh_search_document(company)
    return company


@transaction.atomic
def set_tags(*, company: Company, offers: list[str], needs: list[str]) -> Company:
    """Offers and needs from typed labels; spellings merge into existing tags."""
    if len(offers) > MAX_TAGS_PER_LIST or len(needs) > MAX_TAGS_PER_LIST:
        raise ValidationError(
            _("Please enter at most %(count)s terms per list.") % {"count": MAX_TAGS_PER_LIST}
        )
    company.offers.set(get_or_create_tags(offers))
    company.needs.set(get_or_create_tags(needs))
    Company.objects.filter(pk=company.pk).update(updated_at=timezone.now())
    refresh_search_document(company)
    return company


@transaction.atomic
def give_consent(*, company: Company, user) -> Company:
    """Record who agreed, and when, that the profile may appear in the public directory."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.public_consent_at is None:
        company.public_consent_at = timezone.now()
        company.public_consent_by = user
        company.save(update_fields=["public_consent_at", "public_consent_by", "updated_at"])
    return company


@transaction.atomic
def withdraw_consent(*, company: Company, user) -> Company:
    """No consent, no public profile: a published (or waiting) profile goes back to draft.
    A profile hidden by the KAG stays hidden."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.public_consent_at = None
    company.public_consent_by = None
    if company.status in (Company.Status.PUBLISHED, Company.Status.IN_REVIEW):
        company.status = Company.Status.DRAFT
        company.published_at = None
        company.submitted_at = None
    company.save()
    logger.info("consent withdrawn for company %s by user %s", company.pk, user.pk)
    refresh_search_document(company)
    return company


def _review_url(company: Company) -> str:
    """Where the KAG team reviews the profile (their staff tools)."""
    return absolute_url(reverse("staff_companies:company_detail", args=[company.pk]))


@transaction.atomic
def submit_for_review(*, company: Company, user) -> Company:
    """Draft or rejected → in review, with a mail to the KAG team. Needs the public consent."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status in (Company.Status.IN_REVIEW, Company.Status.PUBLISHED):
        return company  # already there: a second click changes nothing and mails nobody
    if company.is_hidden:
        raise ValidationError(
            _("The KAG team has hidden this profile. Please contact them to publish it again.")
        )
    if company.public_consent_at is None:
        raise ValidationError(
            _("Please agree first that the profile may appear in the public directory.")
        )
    company.status = Company.Status.IN_REVIEW
    company.submitted_at = timezone.now()
    company.save(update_fields=["status", "submitted_at", "updated_at"])
    queue_mail(
        to_email=settings.KAG_CONTACT_EMAIL,
        template="company_submitted",
        context={
            "company": company,
            "submitted_by": user,
            "review_url": _review_url(company),
        },
        language=settings.LANGUAGE_CODE,
        idempotency_key=f"company-submitted:{company.pk}:{company.submitted_at.isoformat()}",
        about=[user],
    )
    return company


@transaction.atomic
def delete_company(*, company: Company, user) -> None:
    """Remove a company: owners only.

    The row stays, without a name or anything that identifies the firm, so the network's
    statistics keep their counts (a registration, a meeting, a cooperation) but never the
    name. Memberships, requests to join, invitations and the logo go; requests and answers keep
    no text; places at coming events and story approvals are given back (companies.signals).
    """
    if not is_owner(company=company, user=user):
        raise PermissionDenied
    from ..signals import company_deleted
    from .logos import delete_file_on_commit

    company = Company.objects.select_for_update().get(pk=company.pk)
    company_deleted.send(sender=Company, company=company)
    if company.logo:
        delete_file_on_commit(company.logo.storage, company.logo.name)
    Membership.objects.filter(company=company).delete()
    JoinRequest.objects.filter(company=company).delete()
    Invitation.objects.filter(company=company).delete()
    HelpRequest.objects.filter(company=company).update(
        title="–", description="", status=HelpRequest.Status.CLOSED, updated_at=timezone.now()
    )
    HelpOffer.objects.filter(company=company).update(message="", updated_at=timezone.now())
    company.offers.clear()
    company.needs.clear()
    company.certifications.clear()
    with translation.override(settings.LANGUAGE_CODE):
        anonymous_name = _("Deleted company")
    Company.objects.filter(pk=company.pk).update(
        name=anonymous_name,
        slug=f"deleted-{company.pk}",
        street="",
        postal_code="",
        website="",
        public_email="",
        public_phone="",
        short_description="",
        description="",
        logo="",
        status=Company.Status.DELETED,
        rejection_reason="",
        public_consent_at=None,
        public_consent_by=None,
        search_document="",
        updated_at=timezone.now(),
    )
    # The updates above send no signal: the directory's cached cards and partner lists, and the
    # requests "Mein Bereich" offers, must not name the company any more (companies/apps.py
    # connects the other writes).
    caching.bump_now_and_at_commit("directory", "help_requests")
    logger.info("company %s deleted (anonymised) by user %s", company.pk, user.pk)
