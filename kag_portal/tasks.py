from __future__ import annotations

from django.conf import settings

from . import mail
from .queueing import portal_task


# Its own retries: a mail due again later is a row (due_at) the sweep queues, not a Celery retry.
@portal_task(bind=True, autoretry_for=(), max_retries=None)
def send_outbox_mail(self, outbox_id: int) -> str:
    result = mail.deliver_outbox_mail(outbox_id=outbox_id)
    if (
        result.retry_in is not None
        and result.retry_in < settings.BROKER_VISIBILITY_TIMEOUT
        and not self.request.is_eager
    ):
        # A retry message is a shortcut for short waits; the row itself is due again and the
        # sweep queues it. A longer countdown would outlive the visibility timeout in Redis.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@portal_task()
def requeue_unsent_mail() -> int:
    # The same sweep removes the bodies of sent mails that held a key (kag_portal.mail).
    mail.remove_mail_bodies()
    return mail.requeue_unsent_mail()


@portal_task()
def send_outbox_mail_batch(outbox_ids: list[int]) -> dict:
    # Mails waiting for a retry stay due in their rows; the sweep queues them again.
    return dict(mail.deliver_outbox_mails(outbox_ids=outbox_ids))
