"""Call budgets shared by every web and worker process: the mechanics beneath each accounting
adapter's own budget (its limits, its pauses, its exception).

A budget has a scope (one company in one accounting system), calls in flight, and fixed windows
aligned to the epoch, as the accounting systems count them. A window counts under the budget's
scope, or under a scope shared by many budgets (an app's limit across tenants). With REDIS_URL
the counters live in Redis and are taken atomically by one Lua script; without it, in the
database under the core's named lock (the single-machine demo), where a shared window is taken
by a conditional increment because budgets hold different locks.

A call waits for its turn when the wait is short (a free slot, or the rest of a window no longer
than `max_wait`); a longer wait, or a `hard` window (a day's), is refused with the adapter's own
exception, so that the task gives its worker to another tenant and runs again later."""

import math
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from approvalmax.core.locks import exclusive, redis_client

# A slot held longer than this belongs to a process that died.
STALE_SLOT_SECONDS = 300.0
CONCURRENCY_POLL_SECONDS = 0.05
CONCURRENT = "concurrent"

_TAKE = """
local now, stale, concurrent, slot = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - stale)
if redis.call('ZCARD', KEYS[1]) >= concurrent then return 'concurrent' end
for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[3 + (i - 1) * 2]) then return tostring(i - 1) end
end
for i = 2, #KEYS do
  redis.call('INCR', KEYS[i]); redis.call('PEXPIRE', KEYS[i], ARGV[4 + (i - 1) * 2])
end
redis.call('ZADD', KEYS[1], now, slot)
return 'ok'
"""


class TurnEnded(Exception):
    """The holder made its turn's calls: it goes to the back of the queue before the next one."""


@dataclass(frozen=True)
class Window:
    name: str  # what a refusal's `problem` says: "minute", "day", "app_minute"
    seconds: float  # unscaled
    limit: int
    scope: str = ""  # empty: the budget's own; otherwise a counter shared by every budget naming it


class CallBudget:
    """Subclasses give `exhausted` (the exception a refusal raises) and may give `paused`."""

    hard: frozenset[str] = frozenset({"day"})  # refused at once: waiting for its end is never short

    def __init__(self, *, scope: str, windows: list[Window], concurrent: int, time_scale: float = 1.0,
                 max_wait: float = 0.0, turn_calls: int | None = None) -> None:
        self.scope = scope
        self.windows = windows
        self.concurrent = concurrent
        self.time_scale = time_scale
        self.max_wait = max_wait
        self.turn_calls = turn_calls
        self.calls_made = 0

    def exhausted(self, problem: str, retry_after: float) -> Exception:
        raise NotImplementedError

    def paused(self) -> tuple[float, str]:
        """(seconds, problem) while the system asked us to stop calling (a 429's Retry-After)."""
        return 0.0, ""

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

    def _admit(self) -> str:
        deadline = time.monotonic() + self.max_wait * self.time_scale
        while True:
            wait, problem = self.paused()
            if not wait:
                problem, wait, slot = self._take()
                if slot:
                    return slot
            if problem in self.hard or time.monotonic() + wait > deadline:
                raise self.exhausted(problem, max(wait, 0.05))
            # A little jitter, so that the processes that waited do not all call at the same instant.
            time.sleep(wait + random.uniform(0, 0.1 * min(wait, 1.0)))

    def _positions(self, now: float) -> list[tuple[Window, int, float]]:
        """Each window with its index and the seconds until it ends."""
        positions = []
        for window in self.windows:
            seconds = window.seconds * self.time_scale
            index = math.floor(now / seconds)
            positions.append((window, index, (index + 1) * seconds - now))
        return positions

    def _take(self) -> tuple[str, float, str | None]:
        """(problem, seconds to wait, None) when refused; ("", 0, slot) when admitted."""
        positions = self._positions(time.time())
        if settings.REDIS_URL:
            slot = uuid.uuid4().hex
            answer = self._take_redis(positions, slot)
            outcome = slot if answer == "ok" else answer
        else:
            outcome = self._take_database(positions)
        if outcome == CONCURRENT:
            return outcome, CONCURRENCY_POLL_SECONDS, None
        for window, _, left in positions:
            if outcome == window.name:
                return outcome, left, None
        return "", 0.0, outcome

    def _counter_scope(self, window: Window) -> str:
        return window.scope or self.scope

    def _take_redis(self, positions, slot: str) -> str:
        keys = [f"budget:{self.scope}:slots"] + [
            f"budget:{self._counter_scope(window)}:{window.name}:{index}" for window, index, _ in positions]
        args = [time.time(), STALE_SLOT_SECONDS, self.concurrent, slot]
        for window, _, left in positions:
            args += [window.limit, int(left * 1000) + 1000]
        answer = redis_client(settings.REDIS_URL).eval(_TAKE, len(keys), *keys, *args)
        answer = answer.decode() if isinstance(answer, bytes) else answer
        if answer in ("ok", CONCURRENT):
            return answer
        return positions[int(answer) - 1][0].name

    def _take_database(self, positions) -> str:
        """A problem (CONCURRENT or a window's name) or, when admitted, the slot's id."""
        from approvalmax.core.models import CallSlot, RateCounter

        with exclusive(f"budget-{self.scope}", timeout=30), transaction.atomic():
            stale = timezone.now() - timedelta(seconds=STALE_SLOT_SECONDS)
            CallSlot.objects.filter(scope=self.scope, started_at__lt=stale).delete()
            if CallSlot.objects.filter(scope=self.scope).count() >= self.concurrent:
                return CONCURRENT
            own = []
            for window, index, _ in positions:
                if window.scope:
                    continue
                counter, _ = RateCounter.objects.get_or_create(scope=self.scope, period=window.name, window=index)
                if counter.count >= window.limit:
                    return window.name
                own.append(counter.pk)
            for window, index, _ in positions:
                if window.scope and not self._take_shared(window, index):
                    return window.name
            RateCounter.objects.filter(pk__in=own).update(count=F("count") + 1)
            for window, index, _ in positions:
                if not window.scope:
                    RateCounter.objects.filter(scope=self.scope, period=window.name, window__lt=index).delete()
            return str(CallSlot.objects.create(scope=self.scope, started_at=timezone.now()).pk)

    @staticmethod
    def _take_shared(window: Window, index: int) -> bool:
        from approvalmax.core.models import RateCounter

        counter, created = RateCounter.objects.get_or_create(scope=window.scope, period=window.name, window=index)
        if created:
            RateCounter.objects.filter(scope=window.scope, period=window.name, window__lt=index).delete()
        return bool(RateCounter.objects.filter(pk=counter.pk, count__lt=window.limit).update(count=F("count") + 1))

    def _release(self, slot: str) -> None:
        if settings.REDIS_URL:
            redis_client(settings.REDIS_URL).zrem(f"budget:{self.scope}:slots", slot)
        else:
            from approvalmax.core.models import CallSlot

            CallSlot.objects.filter(pk=int(slot)).delete()
