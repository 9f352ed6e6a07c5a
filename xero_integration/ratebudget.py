"""One call budget per Xero tenant, shared by every web and worker process.

Xero's limits per tenant: calls a minute, calls a day, calls in flight (XERO_CALLS_PER_MINUTE,
XERO_CALLS_PER_DAY, XERO_MAX_CONCURRENT); and for the whole app (one client id) across tenants,
calls a minute (XERO_APP_CALLS_PER_MINUTE). Windows are fixed and aligned to the epoch, as Xero's
are. With REDIS_URL the counters live in Redis and are taken atomically by one Lua script;
without it, in the database under the core's named lock (the single-machine demo).

A call waits for its turn when the wait is short (a free slot, or the rest of a window no longer
than the budget's `max_wait`); when it would be longer it raises XeroRateLimited so that the task
gives its worker to another tenant and runs again when the window has turned. When Xero
answers 429 anyway, its Retry-After pauses the tenant for every process, recorded on the
connection so that the connection page can say so. XERO_RATE_TIME_SCALE shrinks the windows,
to match a sandbox whose XERO_SANDBOX_TIME_SCALE does the same."""

import math
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from approvalmax.core.locks import exclusive, redis_client
from xero_integration.exceptions import TurnEnded, XeroRateLimited
from xero_integration.models import XeroCallSlot, XeroConnection, XeroRateCounter

MINUTE = 60.0
DAY = 86400.0
# A slot held longer than this belongs to a process that died.
STALE_SLOT_SECONDS = 300.0
CONCURRENCY_POLL_SECONDS = 0.05

_TAKE = """
local now, stale = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - stale)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return 'concurrent' end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[4]) then return 'day' end
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[3]) then return 'minute' end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[9]) then return 'app_minute' end
redis.call('INCR', KEYS[1]); redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('INCR', KEYS[2]); redis.call('PEXPIRE', KEYS[2], ARGV[7])
redis.call('INCR', KEYS[4]); redis.call('PEXPIRE', KEYS[4], ARGV[6])
redis.call('ZADD', KEYS[3], now, ARGV[8])
return 'ok'
"""



def _scale() -> float:
    return float(getattr(settings, "XERO_RATE_TIME_SCALE", 1.0))


def _limits() -> dict[str, int]:
    return {"minute": settings.XERO_CALLS_PER_MINUTE, "day": settings.XERO_CALLS_PER_DAY,
            "concurrent": settings.XERO_MAX_CONCURRENT, "app_minute": settings.XERO_APP_CALLS_PER_MINUTE}


class TenantBudget:
    """`max_wait` (unscaled seconds, XERO_RATE_MAX_WAIT by default) is the longest a call waits
    for its window inside the process; waiting longer is worse than letting the task run later.
    `turn_calls`, when given, is how many calls this holder may make before TurnEnded: tenants
    then take turns, so when the app's limit binds it is shared out evenly among them."""

    def __init__(self, *, tenant_id, connection_id: int | None = None, max_wait: float | None = None,
                 turn_calls: int | None = None) -> None:
        self.tenant_id = str(tenant_id)
        self.connection_id = connection_id
        self.max_wait = settings.XERO_RATE_MAX_WAIT if max_wait is None else max_wait
        self.turn_calls = turn_calls
        self.calls_made = 0

    @contextmanager
    def call(self) -> Iterator[None]:
        if self.turn_calls is not None and self.calls_made >= self.turn_calls:
            raise TurnEnded()
        slot = self._admit()
        self.calls_made += 1
        try:
            yield
        finally:
            self._release(slot)

    def refused(self, *, retry_after: float, problem: str) -> None:
        """Xero answered 429: nobody calls this tenant again until Retry-After has passed."""
        if self.connection_id is None:
            return
        until = timezone.now() + timedelta(seconds=retry_after)
        XeroConnection.objects.filter(pk=self.connection_id).update(paused_until=until, paused_problem=problem)

    def _admit(self) -> str:
        deadline = time.monotonic() + self.max_wait * _scale()
        while True:
            wait, problem = self._paused()
            if not wait:
                problem, wait, slot = self._take()
                if slot:
                    return slot
            if problem == "day" or time.monotonic() + wait > deadline:
                whose = "this app's, across organisations" if problem == "app_minute" else "this organisation's"
                raise XeroRateLimited(f"Xero's {problem.replace('_', ' ')} limit ({whose}) is reached.",
                                      retry_after=max(wait, 0.05), problem=problem)
            # A little jitter, so that the processes that waited do not all call at the same instant.
            time.sleep(wait + random.uniform(0, 0.1 * min(wait, 1.0)))

    def _paused(self) -> tuple[float, str]:
        if self.connection_id is None:
            return 0.0, ""
        row = XeroConnection.objects.filter(pk=self.connection_id).values_list("paused_until", "paused_problem").first()
        if not row or not row[0]:
            return 0.0, ""
        left = (row[0] - timezone.now()).total_seconds()
        return (left, row[1] or "minute") if left > 0 else (0.0, "")

    def _windows(self, now: float) -> dict[str, tuple[int, float]]:
        """Each period's window index and the seconds until it ends."""
        windows = {}
        for period, seconds in (("minute", MINUTE * _scale()), ("day", DAY * _scale())):
            index = math.floor(now / seconds)
            windows[period] = (index, (index + 1) * seconds - now)
        return windows

    def _take(self) -> tuple[str, float, str | None]:
        """(problem, seconds to wait, None) when refused; ("", 0, slot) when admitted."""
        now = time.time()
        windows = self._windows(now)
        limits = _limits()
        if settings.REDIS_URL:
            slot = uuid.uuid4().hex
            answer = self._take_redis(now, windows, limits, slot)
            outcome = slot if answer == "ok" else answer
        else:
            outcome = self._take_database(windows, limits)
        if outcome == "concurrent":
            return outcome, CONCURRENCY_POLL_SECONDS, None
        if outcome == "app_minute":
            return outcome, windows["minute"][1], None
        if outcome in windows:
            return outcome, windows[outcome][1], None
        return "", 0.0, outcome

    def _key(self, *parts) -> str:
        return ":".join(["xero-budget", self.tenant_id, *map(str, parts)])

    @staticmethod
    def _app_key(window: int) -> str:
        # Xero counts the app limit per client id; so does this, whichever tenant calls.
        return f"xero-budget:app:{settings.XERO_CLIENT_ID}:minute:{window}"

    def _take_redis(self, now: float, windows: dict, limits: dict, slot: str) -> str:
        (minute, minute_left), (day, day_left) = windows["minute"], windows["day"]
        answer = redis_client(settings.REDIS_URL).eval(
            _TAKE, 4, self._key("minute", minute), self._key("day", day), self._key("slots"), self._app_key(minute),
            now, STALE_SLOT_SECONDS, limits["minute"], limits["day"], limits["concurrent"],
            int(minute_left * 1000) + 1000, int(day_left * 1000) + 1000, slot, limits["app_minute"])
        return answer.decode() if isinstance(answer, bytes) else answer

    def _take_database(self, windows: dict, limits: dict) -> str:
        """A problem ("concurrent", "day", "minute") or, when admitted, the slot's id."""
        with exclusive(f"xero-budget-{self.tenant_id}", timeout=30), transaction.atomic():
            stale = timezone.now() - timedelta(seconds=STALE_SLOT_SECONDS)
            XeroCallSlot.objects.filter(tenant_id=self.tenant_id, started_at__lt=stale).delete()
            if XeroCallSlot.objects.filter(tenant_id=self.tenant_id).count() >= limits["concurrent"]:
                return "concurrent"
            counters = {}
            for period in ("day", "minute"):
                counter, _ = XeroRateCounter.objects.get_or_create(
                    tenant_id=self.tenant_id, period=period, window=windows[period][0])
                if counter.count >= limits[period]:
                    return period
                counters[period] = counter
            if not self._take_app_database(windows["minute"][0], limits["app_minute"]):
                return "app_minute"
            XeroRateCounter.objects.filter(pk__in=[c.pk for c in counters.values()]).update(count=F("count") + 1)
            XeroRateCounter.objects.filter(tenant_id=self.tenant_id, period="minute",
                                           window__lt=windows["minute"][0]).delete()
            return str(XeroCallSlot.objects.create(tenant_id=self.tenant_id, started_at=timezone.now()).pk)

    @staticmethod
    def _take_app_database(window: int, limit: int) -> bool:
        """Tenants hold different locks, so the app's counter is taken by a conditional increment.
        It is kept under a tenant id made from the client id."""
        app = uuid.uuid5(uuid.NAMESPACE_URL, f"xero-app:{settings.XERO_CLIENT_ID}")
        counter, created = XeroRateCounter.objects.get_or_create(tenant_id=app, period="app_minute", window=window)
        if created:
            XeroRateCounter.objects.filter(tenant_id=app, period="app_minute", window__lt=window).delete()
        return bool(XeroRateCounter.objects.filter(pk=counter.pk, count__lt=limit).update(count=F("count") + 1))

    def _release(self, slot: str) -> None:
        if settings.REDIS_URL:
            redis_client(settings.REDIS_URL).zrem(self._key("slots"), slot)
        else:
            XeroCallSlot.objects.filter(pk=int(slot)).delete()
