"""Xero's call limits, counted in the database so that every thread and process shares them.

Per tenant: calls in flight, calls a minute, calls a day; for the whole app: calls a minute.
Windows are fixed and aligned to the epoch. `XERO_SANDBOX_TIME_SCALE` shrinks them (0.1 makes a
minute last 6 s) so that clients' back-off can be exercised quickly.
"""

import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xero_integration.sandbox.models import InFlightCall, Organisation, RateCounter

MINUTE = 60
DAY = 86400
APP_CALLS_PER_MINUTE = 10_000
# A call still "in flight" after this long belongs to a process that died.
STALE_CALL = timedelta(minutes=2)


@dataclass(frozen=True)
class Quota:
    minute_remaining: int
    day_remaining: int
    app_minute_remaining: int

    def headers(self) -> dict[str, str]:
        return {
            "X-MinLimit-Remaining": str(self.minute_remaining),
            "X-DayLimit-Remaining": str(self.day_remaining),
            "X-AppMinLimit-Remaining": str(self.app_minute_remaining),
        }


class RateLimited(Exception):
    def __init__(self, problem: str, retry_after: int, quota: Quota):
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after
        self.quota = quota


@dataclass(frozen=True)
class _Limit:
    problem: str
    scope: str
    seconds: float
    calls: int

    def window(self, now: float) -> int:
        return math.floor(now / self.seconds)

    def seconds_left(self, now: float) -> int:
        return max(1, math.ceil((self.window(now) + 1) * self.seconds - now))


def _limits(organisation_id) -> list[_Limit]:
    scale = float(getattr(settings, "XERO_SANDBOX_TIME_SCALE", 1.0))
    # Checked in this order: a day breach is reported as such, not hidden behind a minute one.
    return [
        _Limit("day", f"day:{organisation_id}", DAY * scale, getattr(settings, "XERO_SANDBOX_CALLS_PER_DAY", 5000)),
        _Limit(
            "minute",
            f"minute:{organisation_id}",
            MINUTE * scale,
            getattr(settings, "XERO_SANDBOX_CALLS_PER_MINUTE", 60),
        ),
        _Limit("appminute", "appminute", MINUTE * scale,
               getattr(settings, "XERO_SANDBOX_APP_CALLS_PER_MINUTE", APP_CALLS_PER_MINUTE)),
    ]


def call_begin(organisation: Organisation) -> tuple[int, Quota]:
    """Admit one call or raise RateLimited. Returns the in-flight slot to pass to `call_end`."""
    now = time.time()
    limits = _limits(organisation.pk)
    max_concurrent = getattr(settings, "XERO_SANDBOX_MAX_CONCURRENT", 5)
    try:
        with transaction.atomic():
            # The tenant's row lock serialises admissions, so counting calls in flight is exact.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
            in_flight = InFlightCall.objects.filter(
                organisation=organisation, started_at__gte=timezone.now() - STALE_CALL
            ).count()
            if in_flight >= max_concurrent:
                raise RateLimited("concurrent", 1, _snapshot(limits, now))
            remaining = {limit.problem: _take(limit, now) for limit in limits}
            slot = InFlightCall.objects.create(organisation=organisation, started_at=timezone.now())
    except _Exhausted as exhausted:
        raise RateLimited(exhausted.limit.problem, exhausted.limit.seconds_left(now), _snapshot(limits, now)) from None
    return slot.pk, Quota(remaining["minute"], remaining["day"], remaining["appminute"])


def call_end(slot: int) -> None:
    InFlightCall.objects.filter(pk=slot).delete()


class _Exhausted(Exception):
    def __init__(self, limit: _Limit):
        self.limit = limit


def _take(limit: _Limit, now: float) -> int:
    window = limit.window(now)
    counter, created = RateCounter.objects.get_or_create(scope=limit.scope, window=window)
    if created:
        RateCounter.objects.filter(scope=limit.scope, window__lt=window).delete()
    # Conditional increment: atomic in the database, so no two processes take the last call.
    if not RateCounter.objects.filter(pk=counter.pk, count__lt=limit.calls).update(count=F("count") + 1):
        raise _Exhausted(limit)
    return limit.calls - RateCounter.objects.values_list("count", flat=True).get(pk=counter.pk)


def _snapshot(limits: list[_Limit], now: float) -> Quota:
    remaining = {}
    for limit in limits:
        used = (
            RateCounter.objects.filter(scope=limit.scope, window=limit.window(now))
            .values_list("count", flat=True)
            .first()
            or 0
        )
        remaining[limit.problem] = max(0, limit.calls - used)
    return Quota(remaining["minute"], remaining["day"], remaining["appminute"])
