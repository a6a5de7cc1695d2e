"""The requests board: a company posts a concrete need, others answer "Wir können helfen".

Who may do what:
- Everyone (also anonymous) sees the open requests of published companies and the number of
  answers. Requests of draft, rejected or hidden companies are never shown to others.
- A person acts for a company when they have a Membership in it (owner or editor). Only published
  companies post and answer: their profile is what the other side looks at.
- The requesting company's members see every answer with the supplier's contact; other companies
  see only that answers exist, and their own answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kag_portal import caching
from kag_portal.mail import absolute_url

from ..models import Company, DigestSubscription, HelpOffer, HelpRequest, Membership, Tag
from .cooperations import record_request_cooperation
from .members import mail_company
from .tags import get_or_create_tags

# A tag list longer than this is a keyword dump, not a description of one need.
MAX_TAGS = 10


class HelpRequestError(Exception):
    """A rule of the board was broken; the message is meant for the person (translated)."""


# --- Reading ------------------------------------------------------------------------------------


def public_company_q(prefix: str = "company__") -> Q:
    """Companies in the public directory: published and with the owner's recorded consent."""
    return Q(**{f"{prefix}status": Company.Status.PUBLISHED}) & Q(
        **{f"{prefix}public_consent_at__isnull": False}
    )


def _with_card_data(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    """What a card on the board shows, in a fixed number of queries."""
    return (
        queryset.select_related("company", "company__town")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(answer_count=Count("offers", distinct=True))
    )


def open_requests() -> QuerySet[HelpRequest]:
    """Open requests of public companies, newest first (index helprequest_board)."""
    return HelpRequest.objects.filter(public_company_q(), status=HelpRequest.Status.OPEN).order_by(
        "-created_at", "-pk"
    )


def open_help_requests(*, tag_key: str = "", matching_user=None) -> QuerySet[HelpRequest]:
    """The board, optionally only requests with one tag (by key) and/or only those whose tags
    match the offers of the companies `matching_user` acts for (their own requests left out)."""
    requests = open_requests()
    if tag_key:
        requests = requests.filter(
            Exists(
                HelpRequest.tags.through.objects.filter(
                    helprequest_id=OuterRef("pk"), tag__key=tag_key
                )
            )
        )
    if matching_user is not None:
        # Tag.key is unique, so matching tag rows is matching by key.
        offered = Company.offers.through.objects.filter(
            company__memberships__user=matching_user
        ).values("tag_id")
        requests = requests.filter(
            Exists(
                HelpRequest.tags.through.objects.filter(
                    helprequest_id=OuterRef("pk"), tag_id__in=offered
                )
            )
        ).exclude(company__memberships__user=matching_user)
    return _with_card_data(requests)


def matching_open_requests(company: Company, limit: int = 5) -> list[HelpRequest]:
    """Open requests of other public companies whose tags match `company`'s offers.

    Newest first, at most `limit`. Each request comes with `company` and `company.town` loaded,
    its `tags` prefetched, `answer_count`, and `matching_tags` (the tags that match an offer, by
    key). Three queries whatever the number of requests, tags or offers; none when the company
    offers nothing.
    """
    # .all() uses the offers "Mein Bereich" prefetched with the company (no query then).
    offer_keys = {tag.key for tag in company.offers.all()}
    if not offer_keys:
        return []
    requests = list(
        _with_card_data(
            open_requests()
            .exclude(company=company)
            .filter(
                Exists(
                    HelpRequest.tags.through.objects.filter(
                        helprequest_id=OuterRef("pk"), tag__key__in=offer_keys
                    )
                )
            )
        )[:limit]
    )
    for help_request in requests:
        # An attribute for the template, like the annotated answer_count.
        cast(Any, help_request).matching_tags = [
            t for t in help_request.tags.all() if t.key in offer_keys
        ]
    return requests


def companies_of(user) -> list[Company]:
    """The companies a person acts for, by name (one query)."""
    if not user.is_authenticated:
        return []
    return list(Company.objects.filter(memberships__user=user).select_related("town"))


def is_member(user, company: Company) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, company=company).exists()


def can_see(user, help_request: HelpRequest) -> bool:
    """Requests of public companies are public; otherwise only its members and staff see it."""
    if help_request.company.is_public:
        return True
    if user.is_authenticated and user.is_staff:
        return True
    return is_member(user, help_request.company)


def answers_for(help_request: HelpRequest) -> QuerySet[HelpOffer]:
    """Every answer with what the requester needs to get in touch."""
    return help_request.offers.select_related("company", "company__town", "author").order_by(
        "created_at", "pk"
    )


# --- Posting, editing, deleting -------------------------------------------------------------


def _check_deadline(deadline: datetime.date | None) -> None:
    if deadline is not None and deadline < timezone.localdate():
        raise HelpRequestError(_("The date lies in the past."))


def _check_can_post(*, company: Company, user) -> None:
    if not is_member(user, company):
        raise HelpRequestError(_("You can only post requests for your own company."))
    if not company.is_public:
        raise HelpRequestError(
            _(
                "Only companies in the public directory can post requests. "
                "Your company profile has not been published yet."
            )
        )


def _tags_from(labels: Iterable[str]) -> list[Tag]:
    labels = list(labels)
    if len(labels) > MAX_TAGS:
        raise HelpRequestError(_("Please use at most %(count)d keywords.") % {"count": MAX_TAGS})
    return get_or_create_tags(labels)


@transaction.atomic
def post_request(
    *,
    company: Company,
    author,
    title: str,
    description: str,
    tag_labels: Iterable[str],
    deadline: datetime.date | None = None,
) -> HelpRequest:
    _check_can_post(company=company, user=author)
    _check_deadline(deadline)
    tags = _tags_from(tag_labels)
    help_request = HelpRequest.objects.create(
        company=company,
        author=author,
        title=title.strip(),
        description=description.strip(),
        deadline=deadline,
    )
    help_request.tags.set(tags)
    return help_request


@transaction.atomic
def update_request(
    *,
    help_request: HelpRequest,
    user,
    title: str,
    description: str,
    tag_labels: Iterable[str],
    deadline: datetime.date | None = None,
) -> HelpRequest:
    if not is_member(user, help_request.company):
        raise HelpRequestError(_("You can only change your own company's requests."))
    if not help_request.is_open:
        raise HelpRequestError(_("A closed request can no longer be changed."))
    # A deadline that has passed since posting may stay; a new one must lie ahead.
    if deadline != help_request.deadline:
        _check_deadline(deadline)
    tags = _tags_from(tag_labels)
    help_request.title = title.strip()
    help_request.description = description.strip()
    help_request.deadline = deadline
    help_request.save(update_fields=["title", "description", "deadline", "updated_at"])
    help_request.tags.set(tags)
    return help_request


@transaction.atomic
def delete_request(*, help_request: HelpRequest, user) -> None:
    if not is_member(user, help_request.company):
        raise HelpRequestError(_("You can only delete your own company's requests."))
    deleted, _counts = HelpRequest.objects.filter(
        pk=help_request.pk, status=HelpRequest.Status.OPEN
    ).delete()
    if not deleted:
        raise HelpRequestError(_("A closed request can no longer be deleted."))


# --- Answering ------------------------------------------------------------------------------


def companies_that_may_answer(user, help_request: HelpRequest) -> list[Company]:
    """The person's public companies that have not answered yet (never the requester)."""
    if not user.is_authenticated:
        return []
    return list(
        Company.objects.filter(public_company_q(prefix=""), memberships__user=user)
        .exclude(pk=help_request.company_id)
        .exclude(help_offers__help_request=help_request)
        .select_related("town")
    )


def why_cannot_answer(user, help_request: HelpRequest) -> str:
    """Why `companies_that_may_answer` is empty for this person, in their words."""
    if not help_request.is_open:
        return _("This request is closed and takes no more answers.")
    companies = companies_of(user)
    others = [c for c in companies if c.pk != help_request.company_id]
    if not others:
        if companies:
            return _("Your company cannot answer its own request.")
        return _("Only members of a company in the directory can answer.")
    if not any(c.is_public for c in others):
        return _(
            "Only companies in the public directory can answer. "
            "Your company profile has not been published yet."
        )
    return _("Your company has already answered this request.")


@transaction.atomic
def answer_request(
    *, help_request: HelpRequest, company: Company, author, message: str
) -> HelpOffer:
    """Record the answer and mail it, with the supplier's contact, to the requester's members."""
    # Lock the request so it cannot be closed between the check and the answer.
    help_request = (
        HelpRequest.objects.select_for_update()
        .select_related("company", "company__town")
        .get(pk=help_request.pk)
    )
    if not help_request.is_open:
        raise HelpRequestError(_("This request is closed and takes no more answers."))
    if company.pk == help_request.company_id:
        raise HelpRequestError(_("Your company cannot answer its own request."))
    if not is_member(author, company):
        raise HelpRequestError(_("You can only answer for your own company."))
    if not company.is_public:
        raise HelpRequestError(
            _(
                "Only companies in the public directory can answer. "
                "Your company profile has not been published yet."
            )
        )
    if not help_request.company.is_public:
        raise HelpRequestError(_("This request is not public."))
    try:
        with transaction.atomic():
            offer = HelpOffer.objects.create(
                help_request=help_request, company=company, author=author, message=message.strip()
            )
    except IntegrityError:  # helpoffer_one_per_company, also when two colleagues click at once
        raise HelpRequestError(
            _("%(company)s has already answered this request.") % {"company": company.name}
        ) from None
    _mail_answer(offer)
    return offer


def _mail_answer(offer: HelpOffer) -> None:
    help_request = offer.help_request
    context = {
        "help_request": help_request,
        "offer": offer,
        "supplier": offer.company,
        "author_name": offer.author.get_full_name() if offer.author else "",
        "author_email": offer.author.email if offer.author else "",
        "request_url": absolute_url(help_request.get_absolute_url()),
    }
    mail_company(
        help_request.company_id,
        template="request_answer",
        context=context,
        key=f"request-answer:{offer.pk}",
        about=[offer.author],
    )


# --- Closing --------------------------------------------------------------------------------


@transaction.atomic
def close_request(*, help_request: HelpRequest, user, helped_by: Company | None = None):
    """Close an open request. Naming the company that helped records a cooperation (the
    requester's side confirmed by the person closing) and asks the helper to confirm it.
    Returns the cooperation, or None without a helper."""
    if not is_member(user, help_request.company):
        raise HelpRequestError(_("You can only close your own company's requests."))
    if (
        helped_by is not None
        and not HelpOffer.objects.filter(help_request=help_request, company=helped_by).exists()
    ):
        raise HelpRequestError(_("Please choose one of the companies that answered."))
    now = timezone.now()
    # The conditional update lets only one of two clicks close it (and record the cooperation).
    closed = HelpRequest.objects.filter(pk=help_request.pk, status=HelpRequest.Status.OPEN).update(
        status=HelpRequest.Status.CLOSED, closed_at=now, helped_by=helped_by, updated_at=now
    )
    if not closed:
        raise HelpRequestError(_("This request is already closed."))
    # The update() sends no signal: the cached "requests you could help with" must drop it.
    caching.bump_now_and_at_commit("help_requests")
    help_request.refresh_from_db()
    if helped_by is None:
        return None
    cooperation = record_request_cooperation(help_request=help_request, closed_by=user)
    context = {
        "help_request": help_request,
        "requester": help_request.company,
        "helper": helped_by,
        "request_url": absolute_url(help_request.get_absolute_url()),
    }
    mail_company(
        helped_by.pk,
        template="request_helped",
        context=context,
        key=f"request-helped:{cooperation.pk}",
    )
    return cooperation


# --- Personal data (DSGVO), registered in CompaniesConfig.ready() -----------------------------


def export_personal_data(user) -> dict:
    """The requests and answers a person wrote for a company, and their digest subscription."""
    requests = HelpRequest.objects.filter(author=user).select_related("company").order_by("pk")
    answers = HelpOffer.objects.filter(author=user).select_related("company", "help_request")
    subscription = DigestSubscription.objects.filter(user=user).first()
    return {
        "requests_posted": [
            {
                "company": r.company.name,
                "title": r.title,
                "description": r.description,
                "status": r.status,
                "posted_at": r.created_at.isoformat(),
            }
            for r in requests
        ],
        "answers_given": [
            {
                "company": a.company.name,
                "request": a.help_request.title,
                "message": a.message,
                "answered_at": a.created_at.isoformat(),
            }
            for a in answers.order_by("pk")
        ],
        "weekly_digest": {
            "subscribed_at": subscription.created_at.isoformat(),
            "last_sent_at": subscription.last_sent_at.isoformat()
            if subscription.last_sent_at
            else None,
        }
        if subscription
        else None,
    }


def delete_personal_data(user) -> None:
    """A request belongs to the company: it states the firm's need under its name, and other
    firms' answers refer to it, so it stays (its author becomes empty, SET_NULL). An answer's
    message is the person's own note to the requester, often with their direct phone: the text
    goes, the fact that their company answered stays (it can still be named as the helper).
    The person's digest subscription goes."""
    HelpOffer.objects.filter(author=user).update(message="", updated_at=timezone.now())
    DigestSubscription.objects.filter(user=user).delete()
