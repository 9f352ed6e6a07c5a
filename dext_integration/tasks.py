"""Celery tasks: take ids, call one service, safe to run twice."""

import logging
import random

from celery import shared_task
from django.utils import timezone

from dext_integration.client import DextUnavailable
from dext_integration.selectors import master_data_pushes_pending
from dext_integration.master_data_push import master_data_push

logger = logging.getLogger(__name__)


def _backoff(retries: int, base: float = 10.0, cap: float = 900.0) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * 2**retries))


@shared_task(bind=True, name="dext.push_master_data", max_retries=8, acks_late=True,
             soft_time_limit=240, time_limit=300)
def push_master_data(self, organisation_id: int, lists: list[str] | None = None, force: bool = False) -> list[str]:
    try:
        return master_data_push(organisation_id=organisation_id, lists=lists, force=force)
    except DextUnavailable as exc:
        logger.warning("Pushing master data of organisation %s to Dext postponed: %s", organisation_id, exc)
        countdown = exc.retry_after if exc.retry_after is not None else _backoff(self.request.retries)
        raise self.retry(exc=exc, countdown=countdown)


@shared_task(name="dext.push_pending_master_data", soft_time_limit=50, time_limit=60)
def push_pending_master_data() -> int:
    """Run every minute by beat: whatever changed since it was pushed, or never reached the
    current link, is pushed, whichever way the change arrived (daily sync, webhook, check)."""
    pending = master_data_pushes_pending(now=timezone.now())
    for organisation_id, lists in pending.items():
        push_master_data.delay(organisation_id, lists=lists)
    return len(pending)
