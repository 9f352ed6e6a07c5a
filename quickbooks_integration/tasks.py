"""Celery tasks: take ids, call one service, safe to run twice."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from approvalmax.core.ratebudget import TurnEnded
from approvalmax.core.selectors import organisations_at_sync_hour
from quickbooks_integration.exceptions import (
    QuickBooksAuthError,
    QuickBooksFault,
    QuickBooksNotConnected,
    QuickBooksRateLimited,
    QuickBooksUnavailable,
)
from quickbooks_integration.messages import gave_up_text
from quickbooks_integration.services.publishing import realm_publish, realms_stuck
from quickbooks_integration.services.sync import master_data_sync
from workflows import outcomes

logger = logging.getLogger(__name__)


def _backoff(retries: int, base: float = 5.0, cap: float = 900.0) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * 2**retries))


@shared_task(bind=True, name="quickbooks.publish_realm", max_retries=12, acks_late=True,
             reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def publish_realm(self, organisation_id: int) -> None:
    """Publish the organisation's approved requests; runs again while some still wait. Replaying
    it is safe (every step is recorded, and looked up before it is redone), so a message whose
    worker died is delivered again; when retries run out the requests fail visibly."""
    try:
        waiting = realm_publish(organisation_id=organisation_id)
    except TurnEnded:
        waiting = True  # to the back of the queue: every waiting company has a turn first
    except QuickBooksRateLimited as exc:
        # Progress is recorded: the worker goes to another company, and this one resumes when the
        # window turns, without using up a retry.
        publish_realm.apply_async((organisation_id,), countdown=exc.retry_after)
        return None
    except (QuickBooksUnavailable, QuickBooksAuthError, QuickBooksFault) as exc:
        if self.request.retries >= self.max_retries:
            failed = outcomes.requests_mark_publish_failed(
                organisation_id=organisation_id, error=gave_up_text(exc, attempts=self.request.retries + 1))
            logger.error("Publishing organisation %s to QuickBooks Online gave up: %s requests failed.",
                         organisation_id, failed)
            return None
        delay = 900.0 if isinstance(exc, QuickBooksAuthError) else _backoff(self.request.retries)
        raise self.retry(exc=exc, countdown=delay)
    if waiting:
        publish_realm.delay(organisation_id)
    return None


@shared_task(name="quickbooks.publish_sweep", soft_time_limit=50, time_limit=60)
def publish_sweep() -> int:
    """Run every minute by beat: re-enqueue every company with approved requests that no live
    publisher holds, so nothing approved waits for good because a worker died or a message was lost."""
    stuck = realms_stuck(approved_before=timezone.now() - timedelta(seconds=settings.PUBLISH_SWEEP_GRACE_SECONDS))
    for organisation_id in stuck:
        logger.warning("Organisation %s has approved requests that nothing is publishing; enqueueing.",
                       organisation_id)
        publish_realm.delay(organisation_id)
    return len(stuck)


@shared_task(bind=True, name="quickbooks.sync_master_data", max_retries=6, acks_late=True,
             soft_time_limit=240, time_limit=300)
def sync_master_data(self, organisation_id: int, incremental: bool = False) -> None:
    try:
        master_data_sync(organisation_id=organisation_id, incremental=incremental)
    except QuickBooksNotConnected:
        logger.info("Organisation %s is not connected to QuickBooks Online; nothing to sync.", organisation_id)
    except QuickBooksRateLimited as exc:
        raise self.retry(exc=exc, countdown=exc.retry_after)
    except QuickBooksUnavailable as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))


@shared_task(name="quickbooks.daily_master_data_sync", soft_time_limit=60, time_limit=120)
def daily_master_data_sync() -> int:
    """Run hourly by beat; a full sync of the companies for which it is now the configured local hour."""
    from quickbooks_integration.models import QuickBooksConnection

    rows = QuickBooksConnection.objects.filter(status=QuickBooksConnection.Status.CONNECTED).values_list(
        "organisation_id", "organisation__timezone")
    due = organisations_at_sync_hour(rows, now=timezone.now())
    for organisation_id in due:
        sync_master_data.delay(organisation_id)
    return len(due)


@shared_task(name="quickbooks.incremental_master_data_sync", soft_time_limit=60, time_limit=120)
def incremental_master_data_sync() -> int:
    """Run every few minutes by beat: what changed in QuickBooks Online, by CDC."""
    from quickbooks_integration.selectors import connected_organisation_ids

    organisation_ids = connected_organisation_ids()
    for organisation_id in organisation_ids:
        sync_master_data.delay(organisation_id, incremental=True)
    return len(organisation_ids)
