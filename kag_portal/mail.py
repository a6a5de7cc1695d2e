"""The mail outbox shared by every app.

Every outgoing mail is first a row in OutboxMail (rendered in the recipient's language, with a
unique idempotency key), then sent by a Celery task queued after the transaction commits. The
task claims the row with a conditional update, so a retried or duplicated task never sends twice;
a periodic sweep re-queues rows whose queue message was lost (broker down, Redis restarted).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.template import Context, Template, TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MailOptOut, OutboxMail
from .queueing import enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "kag_portal.unsubscribe"
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


def absolute_url(path: str) -> str:
    """A link for a mail: the worker has no request, so the host comes from SITE_URL."""
    return f"{settings.SITE_URL}{path}"


def site_host() -> str:
    """The portal's host name, for ids that must be unique worldwide (Message-ID, calendar UID)."""
    return urlsplit(settings.SITE_URL).hostname or "kag-portal"


def unsubscribe_token(*, email: str, topic: str) -> str:
    return signing.dumps({"e": email.lower(), "t": topic}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    """Return (email, topic); raises signing.BadSignature for a forged or mangled link."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return data["e"], data["t"]


def unsubscribe_url(*, email: str, topic: str) -> str:
    return absolute_url(reverse("unsubscribe", args=[unsubscribe_token(email=email, topic=topic)]))


def is_opted_out(*, email: str, topic: str) -> bool:
    return MailOptOut.objects.filter(email__iexact=email, topic=topic).exists()


def unsubscribe(*, email: str, topic: str) -> None:
    MailOptOut.objects.get_or_create(email=email.lower(), topic=topic)


def _template_engine():
    """The Django template engine itself, whose templates render a plain Context."""
    return cast(DjangoTemplates, engines["django"]).engine


def _render_plain_text(name: str, context: dict) -> str:
    """Subjects and text bodies are not HTML: "Müller & Söhne" must not arrive as "&amp;"."""
    template = _template_engine().get_template(name)
    return template.render(Context(context, autoescape=False))


def render_mail(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render templates/emails/<template>.subject.txt, .txt and (optional) .html in a language."""
    with translation.override(language):
        subject = _render_plain_text(f"emails/{template}.subject.txt", context)
        body_text = _render_plain_text(f"emails/{template}.txt", context)
        body_html: str
        try:
            body_html = render_to_string(f"emails/{template}.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    # A subject is one line: a newline in it would let the template inject headers.
    subject = " ".join(subject.split())
    return subject, body_text, body_html


def queue_mail(
    *,
    to_email: str,
    template: str,
    context: dict | None = None,
    idempotency_key: str,
    recipient=None,
    language: str | None = None,
    topic: str = "",
    due_at: datetime | None = None,
    carries_secret: bool = True,
    about: Iterable = (),
) -> OutboxMail:
    """Record a mail rendered from a template triplet and send it once the transaction commits.

    `topic` marks a non-transactional mail: it then carries a one-click unsubscribe link and is
    not sent to an address that unsubscribed from that topic. `due_at` in the future leaves the
    mail to the periodic sweep (never a long ETA task in Redis). Recording the same
    idempotency key again returns the first row and sends nothing more.

    `carries_secret=False` only where the mail holds no link that acts for its recipient (see
    OutboxMail.carries_secret); `about` names the people, besides the recipient, whose details
    the mail carries, so that deleting one of them redacts it.
    """
    existing = OutboxMail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if language is None:
        language = recipient.preferred_language if recipient else settings.LANGUAGE_CODE
    context = {**(context or {}), "recipient": recipient, "site_url": settings.SITE_URL}
    headers = {}
    if topic:
        link = unsubscribe_url(email=to_email, topic=topic)
        context["unsubscribe_url"] = link
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    subject, body_text, body_html = render_mail(
        template=template, context=context, language=language
    )
    return record_mail(
        to_email=to_email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        idempotency_key=idempotency_key,
        template=template,
        recipient=recipient,
        language=language,
        topic=topic,
        headers=headers,
        due_at=due_at,
        carries_secret=carries_secret,
        about=about,
    )


def record_mail(
    *,
    to_email: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    idempotency_key: str | None = None,
    template: str = "",
    recipient=None,
    language: str = "",
    topic: str = "",
    headers: dict | None = None,
    due_at: datetime | None = None,
    carries_secret: bool = True,
    about: Iterable = (),
) -> OutboxMail:
    """Record an already rendered mail (allauth renders its own) and queue it on commit."""
    now = timezone.now()
    status = OutboxMail.Status.QUEUED
    if topic and is_opted_out(email=to_email, topic=topic):
        status = OutboxMail.Status.SKIPPED
    with transaction.atomic():
        mail, created = OutboxMail.objects.get_or_create(
            idempotency_key=idempotency_key or f"adhoc:{uuid.uuid4()}",
            defaults={
                "to_email": to_email,
                "recipient": recipient,
                "template": template,
                "language": language or translation.get_language() or settings.LANGUAGE_CODE,
                "topic": topic,
                "subject": subject[:300],
                "body_text": body_text,
                "body_html": body_html,
                "headers": headers or {},
                "status": status,
                "due_at": due_at or now,
                "carries_secret": carries_secret,
            },
        )
        people = [person for person in about if person is not None and person != recipient]
        if created and people:
            mail.about_people.add(*people)
    if created and mail.status == OutboxMail.Status.QUEUED and mail.due_at <= now:
        from .tasks import send_outbox_mail

        enqueue_on_commit(send_outbox_mail, mail.pk)
    return mail


def enqueue_mail(pk: int) -> bool:
    """Hand a mail to the broker now. A broker that is down is logged, never raised: the row is
    in the database and the periodic sweep sends it once the broker is back."""
    from .tasks import send_outbox_mail

    return enqueue(send_outbox_mail, pk)


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # "sent", "retry", "failed" or "not-claimed"
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s … capped at an hour."""
    return min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)


def _is_permanent(error: Exception) -> bool:
    """SMTP 5xx answers are permanent; 4xx, timeouts and dropped connections are worth a retry."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


def deliver_outbox_mail(*, outbox_id: int) -> DeliveryResult:
    """Send one recorded mail if nobody else is sending or has sent it."""
    now = timezone.now()
    claimed = OutboxMail.objects.filter(
        pk=outbox_id, status=OutboxMail.Status.QUEUED, due_at__lte=now
    ).update(
        status=OutboxMail.Status.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return DeliveryResult("not-claimed")
    mail = OutboxMail.objects.get(pk=outbox_id)
    message = _message(mail, get_connection(timeout=settings.EMAIL_TIMEOUT))
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        return _record_failure(mail, error)
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=now
    )
    return DeliveryResult("sent")


# --- batches: many mails recorded and sent together (invitation rounds) -------------------------


@dataclass(frozen=True)
class PreparedMail:
    """One rendered mail of a batch, as record_mails takes it."""

    to_email: str
    subject: str
    body_text: str
    body_html: str
    idempotency_key: str
    template: str = ""
    recipient: Any = None
    language: str = ""
    topic: str = ""
    headers: dict | None = None


class BatchTemplates:
    """A template triplet loaded once for a batch; render() gives one recipient's mail."""

    def __init__(self, template: str):
        engine = _template_engine()
        self.subject: Template = engine.get_template(f"emails/{template}.subject.txt")
        self.text: Template = engine.get_template(f"emails/{template}.txt")
        self.html: Any
        try:
            self.html = engines["django"].get_template(f"emails/{template}.html")
        except TemplateDoesNotExist:
            self.html = None

    def render(self, context: dict, language: str) -> tuple[str, str, str]:
        with translation.override(language):
            subject = self.subject.render(Context(context, autoescape=False))
            body_text = self.text.render(Context(context, autoescape=False))
            body_html = self.html.render(context) if self.html is not None else ""
        return " ".join(subject.split()), body_text, body_html


def unsubscribe_headers(link: str) -> dict:
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def opted_out(addresses: Iterable[str], *, topic: str) -> set[str]:
    """The addresses (lower case) among these that unsubscribed from the topic: one query."""
    wanted = {address.lower() for address in addresses}
    if not wanted or not topic:
        return set()
    return set(
        MailOptOut.objects.annotate(address=Lower("email"))
        .filter(topic=topic, address__in=wanted)
        .values_list("address", flat=True)
    )


@transaction.atomic
def record_mails(mails: list[PreparedMail]) -> list[int]:
    """Record a batch of rendered mails (one INSERT); returns the ids of those now queued.

    Keys recorded before are left as they are (a batch done twice records nothing more) and are
    not returned; addresses that unsubscribed from a mail's topic are recorded as skipped. The
    caller sends the returned ids (deliver_outbox_mails), nothing is queued per mail.
    """
    if not mails:
        return []
    now = timezone.now()
    keys = [m.idempotency_key for m in mails]
    existing = set(
        OutboxMail.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    skipped: set[tuple[str, str]] = set()
    for topic in {m.topic for m in mails if m.topic}:
        addresses = [m.to_email for m in mails if m.topic == topic]
        skipped.update((address, topic) for address in opted_out(addresses, topic=topic))
    rows = [
        OutboxMail(
            idempotency_key=m.idempotency_key,
            to_email=m.to_email,
            recipient=m.recipient,
            template=m.template,
            language=m.language or settings.LANGUAGE_CODE,
            topic=m.topic,
            subject=m.subject[:300],
            body_text=m.body_text,
            body_html=m.body_html,
            headers=m.headers or {},
            status=(
                OutboxMail.Status.SKIPPED
                if (m.to_email.lower(), m.topic) in skipped
                else OutboxMail.Status.QUEUED
            ),
            due_at=now,
        )
        for m in mails
        if m.idempotency_key not in existing
    ]
    # A batch recorded at the same moment by another task: the unique key keeps the first.
    OutboxMail.objects.bulk_create(rows, ignore_conflicts=True)
    new_keys = [row.idempotency_key for row in rows if row.status == OutboxMail.Status.QUEUED]
    return list(
        OutboxMail.objects.filter(
            idempotency_key__in=new_keys, status=OutboxMail.Status.QUEUED, attempts=0
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class _ClaimLost(Exception):
    pass


def _claim_batch(outbox_ids: list[int], now: datetime) -> list[int]:
    """Mark the due, queued mails among these as being sent by us; the ids we got.

    PostgreSQL: the rows are locked (rows another worker holds are skipped) and claimed in one
    UPDATE. Where that lock does not exist (SQLite) and another worker took a row meanwhile, the
    rows are claimed one by one with the same conditional update as a single mail.
    """
    due = OutboxMail.objects.filter(
        pk__in=outbox_ids, status=OutboxMail.Status.QUEUED, due_at__lte=now
    )
    claim = {
        "status": OutboxMail.Status.SENDING,
        "claimed_at": now,
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }
    try:
        with transaction.atomic():
            pks = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
            if OutboxMail.objects.filter(pk__in=pks, status=OutboxMail.Status.QUEUED).update(
                **claim
            ) != len(pks):
                raise _ClaimLost
            return sorted(pks)
    except _ClaimLost:
        return [pk for pk in sorted(outbox_ids) if due.filter(pk=pk).update(**claim)]


def message_id(mail: OutboxMail) -> str:
    """The same Message-ID at every attempt of one outbox row, under the site's domain: a mail
    sent twice after a worker died is one mail to the recipient's program."""
    digest = uuid.uuid5(uuid.NAMESPACE_URL, mail.idempotency_key).hex[:16]
    return f"<outbox.{mail.pk}.{digest}@{site_host()}>"


def _message(mail: OutboxMail, connection) -> EmailMultiAlternatives:
    headers = {
        # RFC 3834: the portal writes these by itself, so no vacation replies to them.
        "Auto-Submitted": "auto-generated",
        "Message-ID": message_id(mail),
        **(mail.headers or {}),
    }
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_email],
        headers=headers,
        connection=connection,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    return message


def deliver_outbox_mails(*, outbox_ids: list[int]) -> Counter:
    """Send a batch of recorded mails over one SMTP connection; outcomes counted.

    Claimed together, each mail is marked sent right after the server took it, so a worker
    that dies mid-batch resends at most the one mail in flight (as for a single mail); the
    rest of its claimed rows go back to the queue after OUTBOX_STALE_CLAIM_SECONDS. A refused
    address fails or waits for a retry alone; a dropped connection is opened again.
    """
    outcomes: Counter = Counter()
    if not outbox_ids:
        return outcomes
    now = timezone.now()
    claimed = _claim_batch(list(outbox_ids), now)
    outcomes["not-claimed"] = len(set(outbox_ids)) - len(claimed)
    if not claimed:
        return outcomes
    # A claim older than OUTBOX_STALE_CLAIM_SECONDS is taken back by the sweep: a slow server
    # must not keep a batch sending that long, or its last mails could go out twice.
    give_back_at = now + timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS / 2)
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        for mail in OutboxMail.objects.filter(pk__in=claimed).order_by("pk"):
            if timezone.now() >= give_back_at:
                outcomes["given-back"] += _give_back(mail.pk, claimed, now)
                break
            try:
                if getattr(connection, "connection", True) is None:
                    connection.open()
                connection.send_messages([_message(mail, connection)])
            except (smtplib.SMTPException, OSError) as error:
                outcomes[_record_failure(mail, error).outcome] += 1
                if not isinstance(
                    error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException
                ):
                    # The connection may be gone; the next mail opens a new one.
                    connection.close()
                continue
            OutboxMail.objects.filter(pk=mail.pk).update(
                status=OutboxMail.Status.SENT,
                sent_at=timezone.now(),
                last_error="",
                updated_at=timezone.now(),
            )
            outcomes["sent"] += 1
    finally:
        connection.close()
    return outcomes


def _give_back(first_pk: int, claimed: list[int], claimed_at: datetime) -> int:
    """Return our unsent rows from first_pk on to the queue and queue them as a new batch."""
    rest = [pk for pk in claimed if pk >= first_pk]
    OutboxMail.objects.filter(
        pk__in=rest, status=OutboxMail.Status.SENDING, claimed_at=claimed_at
    ).update(status=OutboxMail.Status.QUEUED, updated_at=timezone.now())
    enqueue_mail_batch(rest)
    return len(rest)


def enqueue_mail_batch(pks: list[int]) -> bool:
    """Hand a batch to the broker (logged, never raised, when it is down: the sweep sends)."""
    from .tasks import send_outbox_mail_batch

    return enqueue(send_outbox_mail_batch, pks)


def _record_failure(mail: OutboxMail, error: Exception) -> DeliveryResult:
    now = timezone.now()
    description = f"{type(error).__name__}: {error}"[:2000]
    if _is_permanent(error) or mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("Outbox mail %s failed for good: %s", mail.pk, description)
        OutboxMail.objects.filter(pk=mail.pk).update(
            status=OutboxMail.Status.FAILED, last_error=description, updated_at=now
        )
        return DeliveryResult("failed")
    delay = retry_delay(mail.attempts)
    logger.warning("Outbox mail %s will be retried in %ss: %s", mail.pk, delay, description)
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.QUEUED,
        due_at=now + timedelta(seconds=delay),
        last_error=description,
        updated_at=now,
    )
    return DeliveryResult("retry", retry_in=delay)


def requeue_unsent_mail(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue again every due mail that no task is working on. Returns how many were queued.

    Rows claimed by a worker that died go back to the queue after OUTBOX_STALE_CLAIM_SECONDS.
    That is the one way a mail goes out twice: a worker that dies after the mail server took the
    mail but before the row says "sent" (delivery is at least once). Rows touched in the last
    minute are left alone: their queue message is most likely in flight, and a duplicate would
    be harmless anyway because sending claims the row first.
    """
    now = now or timezone.now()
    stale_claim = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    OutboxMail.objects.filter(status=OutboxMail.Status.SENDING, claimed_at__lt=stale_claim).update(
        status=OutboxMail.Status.QUEUED, updated_at=now
    )
    pks = list(
        OutboxMail.objects.filter(
            status=OutboxMail.Status.QUEUED,
            due_at__lte=now,
            updated_at__lt=now - timedelta(seconds=60),
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(enqueue_mail(pk) for pk in pks)


_FINISHED = [OutboxMail.Status.SENT, OutboxMail.Status.SKIPPED]


def remove_mail_bodies(*, now: datetime | None = None) -> int:
    """Remove what sent mails said: at once for a mail that carries a secret, after
    OUTBOX_BODY_RETENTION_DAYS for the others (and for mails that failed for good).

    Recipient, subject, state and error stay, so staff can still see what went where.
    Runs with every outbox sweep; returns how many bodies were removed.
    """
    now = now or timezone.now()
    kept_until = now - timedelta(days=settings.OUTBOX_BODY_RETENTION_DAYS)
    due = Q(carries_secret=True, status__in=_FINISHED) | Q(
        status__in=[*_FINISHED, OutboxMail.Status.FAILED], updated_at__lt=kept_until
    )
    return (
        OutboxMail.objects.filter(body_removed_at__isnull=True)
        .filter(due)
        .update(body_text="", body_html="", headers={}, body_removed_at=now, updated_at=now)
    )
