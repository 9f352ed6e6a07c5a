"""The engine's own background work."""

from celery import shared_task

from approvalmax.core.signals import send_on_commit
from workflows.audit_reports import audit_report_ensure
from workflows.models import ApprovalRequest
from workflows.signals import request_ready_to_publish


@shared_task(name="workflows.render_audit_report", acks_late=True, reject_on_worker_lost=True, max_retries=3,
             soft_time_limit=120, time_limit=180)
def render_audit_report(request_id: int) -> None:
    """Render the approved revision's report, then announce the request ready to publish. Safe to
    replay: a report already rendered is kept."""
    request = (ApprovalRequest.objects.select_related("organisation")
               .filter(pk=request_id, state=ApprovalRequest.State.APPROVED).first())  # fmt: skip
    if request is None:
        return
    audit_report_ensure(request=request)
    send_on_commit(request_ready_to_publish, ApprovalRequest, request=request)
