"""The newsletter: the blocks the portal fills in, subscribing with double opt-in, and sending.

Sending is safe to repeat: an issue moves from draft to "being sent" once (under a row lock),
each subscriber's mail has the outbox key `newsletter:<issue>:<address>`, and a periodic task
finishes issues still marked "being sent" (a worker that died, a broker that was down). So
everybody gets an issue once, however often the fan-out runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company, HelpRequest
from events.models import Event
from kag_portal.mail import absolute_url, queue_mail, render_mail
from kag_portal.models import MailOptOut, MailTopic, OutboxMail
from kag_portal.personal_data import address_q, addresses_of
from kag_portal.queueing import enqueue_on_commit

from .models import NewsletterIssue, Subscriber

CONFIRM_SALT = "newsletter.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
# The KAG writes every six weeks; the first issue looks back as far.
DEFAULT_LOOKBACK = timedelta(weeks=6)
BLOCK_LIMIT = 8
BATCH = 500

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


# --- the blocks ------------------------------------------------------------------------------


def since(issue: NewsletterIssue | None = None) -> datetime:
    """New things are those since the last issue was sent (or six weeks for the first)."""
    earlier = NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT)
    if issue is not None and issue.pk:
        earlier = earlier.exclude(pk=issue.pk)
    last = earlier.order_by("-sent_at").values_list("sent_at", flat=True).first()
    return last or timezone.now() - DEFAULT_LOOKBACK


def _item(title: str, url: str, *, when: datetime | None = None, place: str = "") -> dict:
    return {
        "title": title,
        "url": absolute_url(url),
        "when": when.isoformat() if when else None,
        "place": place,
    }


def collect_blocks(issue: NewsletterIssue, *, now: datetime | None = None) -> dict:
    """What the portal has to tell since the last issue, as plain data (stored on sending)."""
    now = now or timezone.now()
    start = since(issue)
    blocks: dict = {"since": start.isoformat()}
    if issue.include_events:
        events = (
            Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gte=now)
            .select_related("town")
            .order_by("starts_at")[:BLOCK_LIMIT]
        )
        blocks["events"] = [
            _item(e.title, e.get_absolute_url(), when=e.starts_at, place=e.town.name)
            for e in events
        ]
    if issue.include_companies:
        companies = (
            Company.objects.filter(
                status=Company.Status.PUBLISHED,
                public_consent_at__isnull=False,
                published_at__gte=start,
            )
            .select_related("town")
            .order_by("-published_at")[:BLOCK_LIMIT]
        )
        blocks["companies"] = [
            _item(c.name, c.get_absolute_url(), place=c.town.name) for c in companies
        ]
    if issue.include_stories:
        blocks["stories"] = _stories(start)
    if issue.include_requests:
        requests = (
            HelpRequest.objects.filter(
                status=HelpRequest.Status.OPEN,
                company__status=Company.Status.PUBLISHED,
                created_at__gte=start,
            )
            .select_related("company")
            .order_by("-created_at")[:BLOCK_LIMIT]
        )
        blocks["requests"] = [
            _item(r.title, r.get_absolute_url(), place=r.company.name) for r in requests
        ]
    return blocks


def _stories(start: datetime) -> list[dict]:
    from stories.services import published_stories

    return [
        _item(story.title, story.get_absolute_url(), when=story.published_at)
        for story in published_stories().filter(published_at__gte=start)[:BLOCK_LIMIT]
    ]


BLOCK_HEADINGS = {
    "events": _("Upcoming events"),
    "companies": _("New member companies"),
    "stories": _("New stories"),
    "requests": _("Open requests: can you help?"),
}


def display_blocks(content: dict) -> list[tuple[str, str | _StrPromise, list[dict]]]:
    """(key, heading, items) of the blocks that have something, ready for a template."""
    shown: list[tuple[str, str | _StrPromise, list[dict]]] = []
    for key, heading in BLOCK_HEADINGS.items():
        items = [
            {**item, "when": datetime.fromisoformat(item["when"]) if item.get("when") else None}
            for item in content.get(key) or []
        ]
        if items:
            shown.append((key, heading, items))
    return shown


def preview(issue: NewsletterIssue) -> tuple[list, list[tuple[str, str, str, str]]]:
    """The blocks as they would be sent now, and (language, name, subject, text) of the mail in
    every language of the portal."""
    blocks = display_blocks(collect_blocks(issue))
    texts = []
    for code, name in settings.LANGUAGES:
        subject, text, _html = render_mail(
            template="newsletter_issue",
            context={"issue": issue, "blocks": blocks, "unsubscribe_url": "…"},
            language=code,
        )
        texts.append((code, str(name), subject, text))
    return blocks, texts


# --- subscribing -------------------------------------------------------------------------------


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email.lower()}, salt=CONFIRM_SALT)


def subscribe(*, email: str, language: str, now: datetime | None = None) -> None:
    """Ask for the newsletter without an account: a confirmation mail goes to the address.

    The answer is the same whether the address is new, waiting or already confirmed, so the form
    tells nobody who reads the newsletter. One confirmation mail an hour at most per address.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email__iexact=email, defaults={"email": email, "language": language}
        )
        if subscriber.confirmed_at is not None:
            return
        last = subscriber.confirmation_requested_at
        if last is not None and now - last < timedelta(hours=1):
            return
        subscriber.language = language
        subscriber.confirmation_requested_at = now
        subscriber.save(update_fields=["language", "confirmation_requested_at", "updated_at"])
        link = absolute_url(reverse("newsletter:confirm", args=[confirmation_token(subscriber)]))
        queue_mail(
            to_email=subscriber.email,
            template="newsletter_confirm",
            context={"confirm_url": link},
            idempotency_key=f"newsletter-confirm:{subscriber.pk}:{now.timestamp():.0f}",
            language=language,
        )


def subscriber_for_token(token: str) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.email.lower() != data.get("e"):
        return None
    return subscriber


@transaction.atomic
def confirm(subscriber: Subscriber, *, now: datetime | None = None) -> None:
    """The address confirmed it wants the newsletter; an earlier unsubscribe is lifted."""
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now or timezone.now()
        subscriber.save(update_fields=["confirmed_at", "updated_at"])
    MailOptOut.objects.filter(email__iexact=subscriber.email, topic=MailTopic.NEWSLETTER).delete()


@transaction.atomic
def subscribe_member(user) -> Subscriber:
    """A member with a verified account address gets the newsletter without a second mail."""
    subscriber = Subscriber.objects.filter(user=user).first() or (
        Subscriber.objects.select_for_update().filter(email__iexact=user.email).first()
    )
    if subscriber is None:
        subscriber = Subscriber(email=user.email.lower())
    subscriber.user = user
    subscriber.email = user.email.lower()
    subscriber.language = user.preferred_language or subscriber.language
    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
    subscriber.save()
    MailOptOut.objects.filter(email__iexact=user.email, topic=MailTopic.NEWSLETTER).delete()
    return subscriber


def unsubscribe_member(user) -> None:
    Subscriber.objects.filter(user=user).delete()
    Subscriber.objects.filter(email__iexact=user.email).delete()


def is_subscribed(user) -> bool:
    return Subscriber.objects.filter(user=user, confirmed_at__isnull=False).exists()


def recipients():
    """Confirmed subscribers whose address has not unsubscribed through a mail's link."""
    opted_out = MailOptOut.objects.filter(topic=MailTopic.NEWSLETTER).values("email")
    return (
        Subscriber.objects.filter(confirmed_at__isnull=False)
        .exclude(email__in=opted_out)
        .select_related("user")
        .order_by("pk")
    )


# --- sending -----------------------------------------------------------------------------------


def start_sending(*, issue_id: int, by, now: datetime | None = None) -> bool:
    """Freeze the blocks and mark the issue as being sent; False when it was sent already."""
    now = now or timezone.now()
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
        if not issue.is_draft:
            return False
        issue.content = collect_blocks(issue, now=now)
        issue.status = NewsletterIssue.Status.SENDING
        issue.sent_at = now
        issue.sent_by = by
        issue.save()
        from .tasks import send_newsletter

        # A broker that is down leaves the issue "being sent"; resume_sending picks it up.
        enqueue_on_commit(send_newsletter, issue.pk)
    return True


def mail_key(issue: NewsletterIssue, email: str) -> str:
    return f"newsletter:{issue.pk}:{email.lower()}"


def fan_out(issue_id: int) -> int:
    """Queue the issue's mail for every recipient who has none yet; the number of recipients."""
    issue = NewsletterIssue.objects.get(pk=issue_id)
    if issue.is_draft:
        return 0
    if issue.is_sent:
        return issue.recipient_count
    # Those who had confirmed when it was sent: a run repeated later adds nobody new.
    subscribers = list(recipients().filter(confirmed_at__lte=issue.sent_at))
    for start in range(0, len(subscribers), BATCH):
        with transaction.atomic():
            for subscriber in subscribers[start : start + BATCH]:
                queue_mail(
                    to_email=subscriber.email,
                    template="newsletter_issue",
                    context={"issue": issue, "blocks": display_blocks(issue.content)},
                    idempotency_key=mail_key(issue, subscriber.email),
                    recipient=subscriber.user,
                    language=subscriber.language,
                    topic=MailTopic.NEWSLETTER,
                )
    count = OutboxMail.objects.filter(idempotency_key__startswith=f"newsletter:{issue.pk}:").count()
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        status=NewsletterIssue.Status.SENT, recipient_count=count
    )
    return count


def resume_sending() -> int:
    """Finish issues left "being sent" (periodic); the outbox keys keep it once per person."""
    pending = NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENDING)
    return sum(fan_out(pk) for pk in pending.values_list("pk", flat=True))


# --- personal data -----------------------------------------------------------------------------


def export_personal_data(user) -> dict:
    subscriber = (
        Subscriber.objects.filter(user=user).first()
        or Subscriber.objects.filter(email__iexact=user.email).first()
    )
    if subscriber is None:
        return {"subscribed": False}
    return {
        "subscribed": subscriber.confirmed_at is not None,
        "email": subscriber.email,
        "language": subscriber.language,
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
    }


def delete_personal_data(user) -> None:
    unsubscribe_member(user)
    # Also a subscription under another address of the person's.
    Subscriber.objects.filter(address_q("email", addresses_of(user))).delete()
