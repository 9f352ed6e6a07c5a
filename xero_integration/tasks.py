"""Celery tasks: take ids, call one service, safe to run twice."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from approvalmax.core.ratebudget import TurnEnded
from workflows import outcomes
from xero_integration.exceptions import (
    XeroAuthError,
    XeroNotConnected,
    XeroRateLimited,
    XeroUnavailable,
)
from xero_integration.messages import gave_up_text
from xero_integration.services.publishing import (
    tenant_publish,
    tenant_publish_postpone,
    tenants_stuck,
)
from xero_integration.services.sync import master_data_sync

logger = logging.getLogger(__name__)


def _backoff(retries: int, base: float = 5.0, cap: float = 900.0) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * 2**retries))


def _retry_delay(task, exc: Exception) -> float:
    if isinstance(exc, XeroRateLimited):
        # A day breach is hours away; honour Xero's Retry-After either way.
        return exc.retry_after
    if isinstance(exc, XeroAuthError):
        return 900.0
    return _backoff(task.request.retries)


# A spent window of the tenant's or the app's minute, or every slot in flight: not a failure.
WINDOW_PROBLEMS = {"minute", "app_minute", "concurrent"}


@shared_task(bind=True, name="xero.publish_tenant", max_retries=12, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=540, time_limit=600)
def publish_tenant(self, organisation_id: int) -> None:
    """Publish the organisation's approved requests together; runs again while some still wait.

    Replaying it is safe (every step is recorded and looked up before it is redone), so a message
    whose worker died is delivered again; and when retries run out the requests fail visibly."""
    try:
        waiting = tenant_publish(organisation_id=organisation_id)
    except TurnEnded:
        # To the back of the queue: every waiting tenant has a turn before this one's next.
        waiting = True
    except XeroRateLimited as exc:
        if exc.problem not in WINDOW_PROBLEMS:
            return _retry_or_give_up(self, organisation_id, exc)
        # Progress is recorded, so the worker goes to another tenant and this one resumes when
        # the window turns: a few workers serve many tenants fairly, and no retry is used up.
        tenant_publish_postpone(organisation_id=organisation_id,
                                until=timezone.now() + timedelta(seconds=exc.retry_after))
        publish_tenant.apply_async((organisation_id,), countdown=exc.retry_after)
        return None
    except (XeroUnavailable, XeroAuthError) as exc:
        return _retry_or_give_up(self, organisation_id, exc)
    tenant_publish_postpone(organisation_id=organisation_id, until=None)
    if waiting:
        publish_tenant.delay(organisation_id)
    return None


def _retry_or_give_up(task, organisation_id: int, exc: Exception) -> None:
    if task.request.retries >= task.max_retries:
        failed = outcomes.requests_mark_publish_failed(
            organisation_id=organisation_id, error=gave_up_text(exc, attempts=task.request.retries + 1))
        logger.error("Publishing for organisation %s gave up after %s attempts (%s requests failed): %s",
                     organisation_id, task.request.retries + 1, failed, exc)
        tenant_publish_postpone(organisation_id=organisation_id, until=None)
        return
    delay = _retry_delay(task, exc)
    tenant_publish_postpone(organisation_id=organisation_id, until=timezone.now() + timedelta(seconds=delay))
    logger.warning("Publishing for organisation %s postponed by %.0f s: %s", organisation_id, delay, exc)
    raise task.retry(exc=exc, countdown=delay)


@shared_task(name="xero.publish_sweep", soft_time_limit=50, time_limit=60)
def publish_sweep() -> int:
    """Run every minute by beat: re-enqueue every tenant with approved requests that no live
    publisher holds, so nothing approved waits for good because a worker died or a message was lost."""
    grace = timezone.now() - timedelta(seconds=settings.PUBLISH_SWEEP_GRACE_SECONDS)
    stuck = tenants_stuck(approved_before=grace)
    for organisation_id in stuck:
        logger.warning("Organisation %s has approved requests that nothing is publishing; enqueueing.",
                       organisation_id)
        publish_tenant.delay(organisation_id)
    return len(stuck)


@shared_task(bind=True, name="xero.sync_master_data", max_retries=6, acks_late=True,
             soft_time_limit=240, time_limit=300)
def sync_master_data(self, organisation_id: int, incremental: bool = False) -> None:
    try:
        master_data_sync(organisation_id=organisation_id, incremental=incremental)
    except XeroNotConnected:
        logger.info("Organisation %s is not connected to Xero; nothing to sync.", organisation_id)
    except (XeroUnavailable, XeroRateLimited) as exc:
        raise self.retry(exc=exc, countdown=_retry_delay(self, exc))


@shared_task(name="xero.daily_master_data_sync", soft_time_limit=60, time_limit=120)
def daily_master_data_sync() -> int:
    """Run hourly by beat; syncs the organisations for which it is now the configured local hour."""
    from xero_integration.selectors import organisations_due_for_daily_sync

    due = organisations_due_for_daily_sync()
    for organisation_id in due:
        sync_master_data.delay(organisation_id)
    return len(due)


@shared_task(name="xero.incremental_master_data_sync", soft_time_limit=60, time_limit=120)
def incremental_master_data_sync() -> int:
    """Run every few minutes by beat: what changed in Xero since each list's last sync."""
    from xero_integration.selectors import connected_organisation_ids

    organisation_ids = connected_organisation_ids()
    for organisation_id in organisation_ids:
        sync_master_data.delay(organisation_id, incremental=True)
    return len(organisation_ids)


@shared_task(bind=True, name="xero.pull_bills", max_retries=6, acks_late=True, soft_time_limit=240, time_limit=300)
def pull_bills(self, organisation_id: int) -> None:
    """Bills awaiting approval in Xero, and what changed in those already pulled."""
    from approvalmax.core.locks import LockTimeout
    from xero_integration.services.pulling import bills_pull

    try:
        bills_pull(organisation_id=organisation_id)
    except XeroNotConnected:
        logger.info("Organisation %s is not connected to Xero; nothing to pull.", organisation_id)
    except (XeroUnavailable, XeroRateLimited, LockTimeout) as exc:
        raise self.retry(exc=exc, countdown=_retry_delay(self, exc))


@shared_task(name="xero.pull_bills_everywhere", soft_time_limit=60, time_limit=120)
def pull_bills_everywhere() -> int:
    """Run every few minutes by beat: the safety net under Xero's webhooks."""
    from xero_integration.selectors import organisations_pulling_bills

    organisation_ids = organisations_pulling_bills()
    for organisation_id in organisation_ids:
        pull_bills.delay(organisation_id)
    return len(organisation_ids)


@shared_task(bind=True, name="xero.return_rejected_bill", max_retries=8, acks_late=True,
             soft_time_limit=120, time_limit=180)
def return_rejected_bill(self, request_id: int) -> None:
    """A pulled bill rejected here goes back to draft in Xero."""
    from approvalmax.core.locks import LockTimeout
    from xero_integration.services.authorising import pulled_bill_return

    try:
        pulled_bill_return(request_id=request_id)
    except XeroNotConnected:
        logger.warning("Request %s was rejected, but Xero is not connected: the bill stays awaiting approval there.",
                       request_id)
    except (XeroUnavailable, XeroRateLimited, XeroAuthError, LockTimeout) as exc:
        raise self.retry(exc=exc, countdown=_retry_delay(self, exc))
