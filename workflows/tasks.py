"""The engine's own background work."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.signals import send_on_commit
from workflows.audit_reports import audit_report_ensure
from workflows.models import ApprovalRequest
from workflows.services import request_mark_publish_failed
from workflows.signals import request_ready_to_publish


@shared_task(name="workflows.render_audit_report", acks_late=True, reject_on_worker_lost=True, max_retries=3,
             soft_time_limit=120, time_limit=180)
def render_audit_report(request_id: int) -> None:
    """Render the approved revision's report, then announce the request ready to publish and hand
    it to the organisation's accounting system; without one it fails visibly, to be published
    again once an administrator connects one. Safe to replay: a report already rendered is kept."""
    request = (ApprovalRequest.objects.select_related("organisation")
               .filter(pk=request_id, state=ApprovalRequest.State.APPROVED).first())  # fmt: skip
    if request is None:
        return
    audit_report_ensure(request=request)
    send_on_commit(request_ready_to_publish, ApprovalRequest, request=request)
    if not accounting.publish_approved(request.organisation_id):
        request_mark_publish_failed(request_id=request.pk, error=accounting.NOT_CONNECTED)


@shared_task(name="workflows.fail_unconnected", soft_time_limit=50, time_limit=60)
def fail_unconnected() -> int:
    """Run every minute by beat: requests approved a while ago in organisations that have no
    accounting system (never connected, or disconnected since) fail visibly, to be published
    again once one is connected. Each adapter's own sweep looks after its organisations."""
    grace = timezone.now() - timedelta(seconds=settings.PUBLISH_SWEEP_GRACE_SECONDS)
    waiting = ApprovalRequest.objects.filter(state=ApprovalRequest.State.APPROVED, updated_at__lt=grace)
    failed = 0
    for organisation_id in waiting.values_list("organisation_id", flat=True).distinct().order_by("organisation_id"):
        if accounting.system_for(organisation_id) is not None:
            continue
        for request_id in waiting.filter(organisation_id=organisation_id).values_list("pk", flat=True):
            request_mark_publish_failed(request_id=request_id, error=accounting.NOT_CONNECTED)
            failed += 1
    return failed
