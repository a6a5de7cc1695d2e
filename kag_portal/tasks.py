from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import mail


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
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


@shared_task(acks_late=True, ignore_result=True)
def requeue_unsent_mail() -> int:
    # The same sweep removes the bodies of sent mails that held a key (kag_portal.mail).
    mail.remove_mail_bodies()
    return mail.requeue_unsent_mail()


@shared_task(acks_late=True, ignore_result=True)
def send_outbox_mail_batch(outbox_ids: list[int]) -> dict:
    # Mails waiting for a retry stay due in their rows; the sweep queues them again.
    return dict(mail.deliver_outbox_mails(outbox_ids=outbox_ids))
