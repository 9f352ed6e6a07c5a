"""One call budget per Xero tenant, shared by every web and worker process (the mechanics are the
core's `CallBudget`).

Xero's limits per tenant: calls a minute, calls a day, calls in flight (XERO_CALLS_PER_MINUTE,
XERO_CALLS_PER_DAY, XERO_MAX_CONCURRENT); and for the whole app (one client id) across tenants,
calls a minute (XERO_APP_CALLS_PER_MINUTE). When Xero answers 429 anyway, its Retry-After pauses
the tenant for every process, recorded on the connection so that the connection page can say so.
XERO_RATE_TIME_SCALE shrinks the windows, to match a sandbox whose XERO_SANDBOX_TIME_SCALE does
the same."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from approvalmax.core.ratebudget import CallBudget, Window
from xero_integration.exceptions import XeroRateLimited
from xero_integration.models import XeroConnection

MINUTE = 60.0
DAY = 86400.0


class TenantBudget(CallBudget):
    """`max_wait` (unscaled seconds, XERO_RATE_MAX_WAIT by default) is the longest a call waits
    for its window inside the process; waiting longer is worse than letting the task run later.
    `turn_calls`, when given, is how many calls this holder may make before TurnEnded: tenants
    then take turns, so when the app's limit binds it is shared out evenly among them."""

    def __init__(self, *, tenant_id, connection_id: int | None = None, max_wait: float | None = None,
                 turn_calls: int | None = None) -> None:
        self.tenant_id = str(tenant_id)
        self.connection_id = connection_id
        super().__init__(
            scope=f"xero:{self.tenant_id}",
            windows=[
                Window("day", DAY, settings.XERO_CALLS_PER_DAY),
                Window("minute", MINUTE, settings.XERO_CALLS_PER_MINUTE),
                # Xero counts the app limit per client id; so does this, whichever tenant calls.
                Window("app_minute", MINUTE, settings.XERO_APP_CALLS_PER_MINUTE,
                       scope=f"xero-app:{settings.XERO_CLIENT_ID}"),
            ],
            concurrent=settings.XERO_MAX_CONCURRENT,
            time_scale=float(getattr(settings, "XERO_RATE_TIME_SCALE", 1.0)),
            max_wait=settings.XERO_RATE_MAX_WAIT if max_wait is None else max_wait,
            turn_calls=turn_calls,
        )

    def exhausted(self, problem: str, retry_after: float) -> Exception:
        whose = "this app's, across organisations" if problem == "app_minute" else "this organisation's"
        return XeroRateLimited(f"Xero's {problem.replace('_', ' ')} limit ({whose}) is reached.",
                               retry_after=retry_after, problem=problem)

    def paused(self) -> tuple[float, str]:
        if self.connection_id is None:
            return 0.0, ""
        row = XeroConnection.objects.filter(pk=self.connection_id).values_list("paused_until", "paused_problem").first()
        if not row or not row[0]:
            return 0.0, ""
        left = (row[0] - timezone.now()).total_seconds()
        return (left, row[1] or "minute") if left > 0 else (0.0, "")

    def refused(self, *, retry_after: float, problem: str) -> None:
        """Xero answered 429: nobody calls this tenant again until Retry-After has passed."""
        if self.connection_id is None:
            return
        until = timezone.now() + timedelta(seconds=retry_after)
        XeroConnection.objects.filter(pk=self.connection_id).update(paused_until=until, paused_problem=problem)
