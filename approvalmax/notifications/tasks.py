"""Mail leaves here: each task claims its row, sends outside any transaction, and marks it sent;
a transient failure is retried with backoff and jitter, the last one is recorded on the row."""

import logging
import random
import smtplib

from celery import shared_task
from django.db import transaction

from approvalmax.notifications import mail, services

log = logging.getLogger(__name__)
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 8


def _backoff(retries: int) -> float:
    return min(600.0, 5.0 * 2**retries) * random.uniform(0.5, 1.0)


@shared_task(name="mail.deliver", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES,
             soft_time_limit=50, time_limit=60)  # fmt: skip
def deliver(self, notification_id: int) -> bool:
    notification = services.notification_claim(notification_id=notification_id)
    if notification is None:
        return False
    try:
        mail.send(mail.notification_email(notification))
    except TRANSIENT as error:
        final = notification.mail_attempts > MAX_RETRIES
        services.notification_release(notification_id=notification_id, error=str(error), final=final)
        log.warning("mail to notification %s failed (attempt %s): %s", notification_id, notification.mail_attempts, error)
        if final:
            return False
        raise self.retry(exc=error, countdown=_backoff(self.request.retries))
    except Exception as error:  # a message that can never be sent (a bad address): say so, do not retry
        services.notification_release(notification_id=notification_id, error=str(error), final=True)
        log.exception("mail to notification %s cannot be sent", notification_id)
        return False
    services.notification_mark_sent(notification_id=notification_id)
    return True


@shared_task(name="mail.deliver_digest", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=MAX_RETRIES, soft_time_limit=50, time_limit=60)  # fmt: skip
def deliver_digest(self, digest_id: int) -> bool:
    digest = services.digest_claim(digest_id=digest_id)
    if digest is None:
        return False
    try:
        mail.send(mail.digest_email(digest))
    except TRANSIENT as error:
        services.digest_release(digest_id=digest_id, error=str(error))
        if self.request.retries >= self.max_retries:
            return False
        raise self.retry(exc=error, countdown=_backoff(self.request.retries))
    services.digest_mark_sent(digest_id=digest_id)
    return True


@shared_task(name="mail.send_digests", soft_time_limit=240, time_limit=300)
def send_digests() -> int:
    """Hourly: everyone whose digest hour has come, in their own time zone, gets today's digest."""
    due = services.digests_due()
    for digest_id in due:
        transaction.on_commit(lambda pk=digest_id: deliver_digest.delay(pk))
    return len(due)


@shared_task(name="mail.sweep", soft_time_limit=50, time_limit=60)
def sweep() -> int:
    """Every minute: mail whose task was lost, or whose worker died while sending, is sent again."""
    waiting = services.notifications_unsent(older_than_seconds=120)
    for pk in waiting:
        deliver.delay(pk)
    return len(waiting)
