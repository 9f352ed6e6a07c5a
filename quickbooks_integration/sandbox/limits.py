"""QBO's limits per realm (QBO_FACTS.md, "Limits"): calls a minute and a second, calls in flight,
and batch calls a minute, counted in the database so that every thread and process shares them.
Windows are fixed and aligned to the epoch; `QBO_SANDBOX_TIME_SCALE` shrinks them for benches."""

import math
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quickbooks_integration.sandbox.models import Company, InFlightCall, RateCounter

STALE_CALL = timedelta(minutes=3)
# QBO answers 429 with "wait 60 s"; a stand-in whose minute is shrunk says so in its own time.
THROTTLE_SECONDS = 60


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def time_scale() -> float:
    return float(getattr(settings, "QBO_SANDBOX_TIME_SCALE", 1.0))


def _limits(company: Company, *, batch: bool) -> list[tuple[str, float, int]]:
    limits = [(f"minute:{company.pk}", 60 * time_scale(), getattr(settings, "QBO_SANDBOX_CALLS_PER_MINUTE", 500)),
              (f"second:{company.pk}", 1 * time_scale(), getattr(settings, "QBO_SANDBOX_CALLS_PER_SECOND", 10))]
    if batch:
        limits.append((f"batch:{company.pk}", 60 * time_scale(),
                       getattr(settings, "QBO_SANDBOX_BATCHES_PER_MINUTE", 40)))
    return limits


def call_begin(company: Company, *, batch: bool = False) -> int:
    """Admit one call or raise Throttled; returns the in-flight slot to pass to `call_end`."""
    now = time.time()
    retry_after = max(1, math.ceil(THROTTLE_SECONDS * time_scale()))
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).exists()
        in_flight = InFlightCall.objects.filter(company=company, started_at__gte=timezone.now() - STALE_CALL).count()
        if in_flight >= getattr(settings, "QBO_SANDBOX_MAX_CONCURRENT", 10):
            raise Throttled(retry_after)
        for scope, seconds, calls in _limits(company, batch=batch):
            window = math.floor(now / seconds)
            counter, created = RateCounter.objects.get_or_create(scope=scope, window=window)
            if created:
                RateCounter.objects.filter(scope=scope, window__lt=window).delete()
            if not RateCounter.objects.filter(pk=counter.pk, count__lt=calls).update(count=F("count") + 1):
                raise Throttled(retry_after)
        return InFlightCall.objects.create(company=company, started_at=timezone.now()).pk


def call_end(slot: int) -> None:
    InFlightCall.objects.filter(pk=slot).delete()
