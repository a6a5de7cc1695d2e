"""The weekly digest: new open requests that match the offers of a person's companies.

Opt-in per person (DigestSubscription). A periodic task calls `send_weekly_digests` every hour;
this module decides who is due: at most one digest per person and ISO week, from 7 o'clock local
time, and none when nothing matches.

Safe to run twice or in two workers at once: each digest is an outbox row with the idempotency key
`digest:<user>:<iso year>-W<iso week>`, so the second attempt records and sends nothing. Reading
is a fixed number of queries for the whole run; each digest then costs queue_mail's insert.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from kag_portal.mail import absolute_url, queue_mail
from kag_portal.models import MailOptOut, MailTopic, OutboxMail

from ..models import Company, DigestSubscription, HelpRequest, Membership, Tag
from .help_requests import open_requests

LOOKBACK = datetime.timedelta(days=7)
# An hourly task would otherwise send Monday's digests at midnight.
EARLIEST_HOUR = 7
# A digest is a pointer to the board, not the board itself.
MAX_REQUESTS_PER_DIGEST = 20

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestItem:
    help_request: HelpRequest
    matching_tags: list[str]  # the tag names that match the person's offers
    url: str


def digest_key(user_id: int, now: datetime.datetime) -> str:
    iso_year, iso_week, _weekday = timezone.localtime(now).isocalendar()
    return f"digest:{user_id}:{iso_year}-W{iso_week:02d}"


def week_start(now: datetime.datetime) -> datetime.datetime:
    """Monday 00:00 local time of the ISO week that `now` falls in."""
    local = timezone.localtime(now)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


# --- The toggle on /help-requests/ ----------------------------------------------------------------


def is_subscribed(user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        DigestSubscription.objects.filter(user=user).exists()
        and not MailOptOut.objects.filter(email__iexact=user.email, topic=MailTopic.DIGEST).exists()
    )


@transaction.atomic
def subscribe(*, user) -> DigestSubscription:
    """Ask for the digest. Switching it on here again also lifts an earlier one-click unsubscribe
    of the address: the person has just asked for it."""
    subscription, _created = DigestSubscription.objects.get_or_create(user=user)
    MailOptOut.objects.filter(email__iexact=user.email, topic=MailTopic.DIGEST).delete()
    return subscription


@transaction.atomic
def unsubscribe(*, user) -> None:
    DigestSubscription.objects.filter(user=user).delete()


# --- The weekly run ---------------------------------------------------------------------------


def send_weekly_digests(*, now: datetime.datetime | None = None) -> int:
    """Record this week's digest for every subscribed person who is due. Returns how many were
    recorded. Not one transaction: each digest commits (and is queued) on its own, so a run that
    dies half-way keeps what it did, and the next run does the rest."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < EARLIEST_HOUR:
        return 0
    subscriptions = list(
        DigestSubscription.objects.filter(
            user__is_active=True,
            user__in=Membership.objects.values("user_id"),
        )
        .exclude(last_sent_at__gte=week_start(now))
        .select_related("user")
        .order_by("pk")
    )
    if not subscriptions:
        return 0
    # Done already this week (an earlier run, or another worker right now) or unsubscribed.
    keys = {s.user_id: digest_key(s.user_id, now) for s in subscriptions}
    done = set(
        OutboxMail.objects.filter(idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    opted_out = {
        email.lower()
        for email in MailOptOut.objects.filter(
            topic=MailTopic.DIGEST, email__in={s.user.email.lower() for s in subscriptions}
        ).values_list("email", flat=True)
    }
    subscriptions = [
        s
        for s in subscriptions
        if keys[s.user_id] not in done and s.user.email.lower() not in opted_out
    ]
    if not subscriptions:
        return 0

    companies_by_user: dict[int, set[int]] = defaultdict(set)
    for user_id, company_id in Membership.objects.filter(
        user_id__in=[s.user_id for s in subscriptions]
    ).values_list("user_id", "company_id"):
        companies_by_user[user_id].add(company_id)
    offer_keys_by_company: dict[int, set[str]] = defaultdict(set)
    for company_id, key in Company.offers.through.objects.filter(
        company_id__in={c for ids in companies_by_user.values() for c in ids}
    ).values_list("company_id", "tag__key"):
        offer_keys_by_company[company_id].add(key)

    recent = list(
        open_requests()
        .filter(created_at__gte=now - LOOKBACK, created_at__lte=now)
        .select_related("company", "company__town")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )

    sent_to: list[int] = []
    for subscription in subscriptions:
        user = subscription.user
        company_ids = companies_by_user.get(user.pk, set())
        offer_keys = set().union(*(offer_keys_by_company[c] for c in company_ids))
        items = _matching_items(recent, offer_keys=offer_keys, own_company_ids=company_ids)
        if not items:
            continue
        queue_mail(
            to_email=user.email,
            recipient=user,
            template="digest",
            topic=MailTopic.DIGEST,
            idempotency_key=keys[user.pk],
            context={
                "items": items[:MAX_REQUESTS_PER_DIGEST],
                "total": len(items),
                "more": max(len(items) - MAX_REQUESTS_PER_DIGEST, 0),
                "board_url": absolute_url(reverse("help_requests:list") + "?mine=1"),
            },
        )
        sent_to.append(subscription.pk)
    if sent_to:
        DigestSubscription.objects.filter(pk__in=sent_to).update(last_sent_at=now)
    logger.info("Weekly digest: %s recorded, %s subscribers due", len(sent_to), len(subscriptions))
    return len(sent_to)


def _matching_items(
    recent: list[HelpRequest], *, offer_keys: set[str], own_company_ids: set[int]
) -> list[DigestItem]:
    if not offer_keys:
        return []
    items = []
    for help_request in recent:
        if help_request.company_id in own_company_ids:
            continue
        matching = [tag.name for tag in help_request.tags.all() if tag.key in offer_keys]
        if matching:
            items.append(
                DigestItem(
                    help_request=help_request,
                    matching_tags=matching,
                    url=absolute_url(help_request.get_absolute_url()),
                )
            )
    return items
