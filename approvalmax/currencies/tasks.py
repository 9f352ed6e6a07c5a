"""The accounting system's latest rates: daily for every organisation that converts with them, and on demand."""

from celery import shared_task

from approvalmax.core import accounting
from approvalmax.currencies.models import ExchangeRate, RatePolicy
from approvalmax.currencies.services import rates_sync


@shared_task(name="currencies.sync")
def sync(organisation_id: int) -> int | None:
    return rates_sync(organisation_id=organisation_id)


@shared_task(name="currencies.sync_all")
def sync_all() -> int:
    due = [pk for pk in RatePolicy.objects.filter(source=ExchangeRate.Source.ACCOUNTING)
           .values_list("organisation_id", flat=True).order_by("organisation_id")
           if accounting.connection_for(pk) is not None]
    for organisation_id in due:
        sync.delay(organisation_id)
    return len(due)
