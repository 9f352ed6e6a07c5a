"""The engine's metrics: requests by state, read from the database at each scrape, and the
time from approval to published, observed as each request is published."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from approvalmax.core import metrics
from workflows.models import ApprovalRequest, AuditEvent

APPROVAL_TO_PUBLISHED = "approval_to_published_seconds"
PUBLISH_FAILURES = "publish_failures"  # exposed as approvalmax_publish_failures_total
_APPROVED = (AuditEvent.Action.FULLY_APPROVED, AuditEvent.Action.FORCE_APPROVED, AuditEvent.Action.AUTO_APPROVED,
             AuditEvent.Action.BYPASSED, AuditEvent.Action.PUBLISH_AGAIN)


def collect():
    by_state = dict(ApprovalRequest.objects.order_by().values_list("state").annotate(n=Count("pk")))
    family = GaugeMetricFamily(metrics.PREFIX + "requests", "Approval requests by state.", labels=["state"])
    for state in ApprovalRequest.State.values:
        family.add_metric([state], by_state.get(state, 0))
    yield family
    yield metrics.histogram_family(APPROVAL_TO_PUBLISHED, "Seconds from a request's approval to its publishing.")
    yield metrics.counter_family(PUBLISH_FAILURES, "Requests whose publishing failed.", [])


def published(request: ApprovalRequest, at) -> None:
    approved_at = (AuditEvent.objects.filter(request=request, action__in=_APPROVED).order_by("-pk")
                   .values_list("created_at", flat=True).first())  # fmt: skip
    if approved_at is not None:
        metrics.observe(APPROVAL_TO_PUBLISHED, max(0.0, (at - approved_at).total_seconds()))


def publish_failed() -> None:
    metrics.increment(PUBLISH_FAILURES)
