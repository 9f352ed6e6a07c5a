"""The engine's own background work."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.signals import send_on_commit
from workflows import deadlines, discussion, notices
from workflows.audit_reports import audit_report_ensure
from workflows.models import ApprovalRequest
from workflows.outcomes import request_mark_publish_failed
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


@shared_task(name="workflows.announce", acks_late=True, reject_on_worker_lost=True, max_retries=5,
             autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True,
             soft_time_limit=50, time_limit=60)  # fmt: skip
def announce(event_id: int) -> int:
    """Tell whoever an audit event concerns; run twice, it tells nobody twice."""
    return notices.event_announce(event_id=event_id)


@shared_task(name="workflows.remind", soft_time_limit=240, time_limit=300)
def remind() -> int:
    """Hourly: decisions that have waited past the organisation's threshold are reminded, once a
    local day each (in the digest, for those who chose one); requests on hold are not."""
    told = 0
    for request in deadlines.requests_to_remind():
        told += notices.reminders_send(request=request)
    return told


@shared_task(name="workflows.escalate", soft_time_limit=240, time_limit=300)
def escalate() -> int:
    """Every few minutes: steps past their deadline escalate as the step says, once."""
    return sum(deadlines.request_escalate(request_id=pk) for pk in deadlines.requests_overdue())


@shared_task(name="workflows.end_holds", soft_time_limit=110, time_limit=120)
def end_holds() -> int:
    """Every few minutes: holds whose date has come end by themselves."""
    ending = discussion.holds_ending()
    for pk in ending:
        discussion.request_release(request_id=pk)
    return len(ending)
