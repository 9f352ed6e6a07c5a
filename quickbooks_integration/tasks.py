"""Celery tasks: take ids, call one service, safe to run twice."""

import logging
import random

from celery import shared_task

from quickbooks_integration.exceptions import QuickBooksNotConnected, QuickBooksRateLimited, QuickBooksUnavailable
from quickbooks_integration.services.sync import master_data_sync

logger = logging.getLogger(__name__)


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
        raise self.retry(exc=exc, countdown=random.uniform(0, min(900.0, 5.0 * 2**self.request.retries)))
