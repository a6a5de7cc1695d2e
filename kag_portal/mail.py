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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import Context, TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MailOptOut, OutboxMail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "kag_portal.unsubscribe"
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


def absolute_url(path: str) -> str:
    """A link for a mail: the worker has no request, so the host comes from SITE_URL."""
    return f"{settings.SITE_URL}{path}"


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


def _render_plain_text(name: str, context: dict) -> str:
    """Subjects and text bodies are not HTML: "Müller & Söhne" must not arrive as "&amp;"."""
    template = engines["django"].engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def render_mail(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render templates/emails/<template>.subject.txt, .txt and (optional) .html in a language."""
    with translation.override(language):
        subject = _render_plain_text(f"emails/{template}.subject.txt", context)
        body_text = _render_plain_text(f"emails/{template}.txt", context)
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
        pk = mail.pk
        transaction.on_commit(lambda: enqueue_mail(pk))
    return mail


def enqueue_mail(pk: int) -> bool:
    """Hand a mail to the broker. A broker that is down is logged, never raised: the row is in
    the database and the periodic sweep sends it once the broker is back."""
    from .tasks import send_outbox_mail

    try:
        send_outbox_mail.delay(pk)
    except Exception:  # kombu raises a zoo of connection errors; none may break the user's page
        logger.warning("Could not queue outbox mail %s; the sweep will send it later", pk)
        return False
    return True


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
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_email],
        headers=mail.headers,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        return _record_failure(mail, error)
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=now
    )
    return DeliveryResult("sent")


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
