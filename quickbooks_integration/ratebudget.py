"""One call budget per QuickBooks Online realm, shared by every web and worker process (the
mechanics are the core's `CallBudget`): calls a minute, a second and in flight
(QBO_CALLS_PER_MINUTE, QBO_CALLS_PER_SECOND, QBO_MAX_CONCURRENT), and batch calls a minute
(QBO_BATCHES_PER_MINUTE). A 429 pauses the realm for every process. QBO_RATE_TIME_SCALE shrinks
the windows to match a stand-in whose QBO_SANDBOX_TIME_SCALE does the same."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from approvalmax.core.ratebudget import CallBudget, Window
from quickbooks_integration.exceptions import QuickBooksRateLimited


def _windows(*, batch: bool) -> list[Window]:
    windows = [Window("minute", 60.0, settings.QBO_CALLS_PER_MINUTE),
               Window("second", 1.0, settings.QBO_CALLS_PER_SECOND)]
    if batch:
        windows.append(Window("batch_minute", 60.0, settings.QBO_BATCHES_PER_MINUTE))
    return windows


class RealmBudget(CallBudget):
    hard = frozenset()

    def __init__(self, *, realm_id: str, connection_id: int | None = None, batch: bool = False,
                 max_wait: float | None = None, turn_calls: int | None = None) -> None:
        self.realm_id = realm_id
        self.connection_id = connection_id
        super().__init__(scope=f"quickbooks:{realm_id}", windows=_windows(batch=batch),
                         concurrent=settings.QBO_MAX_CONCURRENT, time_scale=settings.QBO_RATE_TIME_SCALE,
                         max_wait=settings.QBO_RATE_MAX_WAIT if max_wait is None else max_wait,
                         turn_calls=turn_calls)

    def for_batches(self) -> "RealmBudget":
        """The same realm's budget, also counting batch calls (at most 40 a minute)."""
        return RealmBudget(realm_id=self.realm_id, connection_id=self.connection_id, batch=True,
                           max_wait=self.max_wait)

    def exhausted(self, problem: str, retry_after: float) -> Exception:
        return QuickBooksRateLimited(f"QuickBooks Online's {problem.replace('_', ' ')} limit for this company is "
                                     "reached.", retry_after=retry_after, problem=problem)

    def paused(self) -> tuple[float, str]:
        from quickbooks_integration.models import QuickBooksConnection

        if self.connection_id is None:
            return 0.0, ""
        until = (QuickBooksConnection.objects.filter(pk=self.connection_id)
                 .values_list("paused_until", flat=True).first())  # fmt: skip
        left = (until - timezone.now()).total_seconds() if until else 0.0
        return (left, "minute") if left > 0 else (0.0, "")

    def refused(self, *, retry_after: float) -> None:
        """QBO answered 429: nobody calls this realm again until then."""
        from quickbooks_integration.models import QuickBooksConnection

        if self.connection_id is not None:
            QuickBooksConnection.objects.filter(pk=self.connection_id).update(
                paused_until=timezone.now() + timedelta(seconds=retry_after))
