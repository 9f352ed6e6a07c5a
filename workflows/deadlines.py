"""Time on a step: reminders for decisions that wait, and escalation when a step's deadline passes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workflows.models import ApprovalRequest, Assignment, AuditEvent, WorkflowStep
from workflows.deciders import locked_request
from workflows.trail import audit, person_label

Escalation = WorkflowStep.Escalation
OPEN = ApprovalRequest.OPEN_STATES


def _not_held(now: datetime) -> Q:
    return Q(held_until__isnull=True) | Q(held_until__lte=now)


def requests_overdue(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    due = ApprovalRequest.objects.filter(_not_held(now), state__in=OPEN, step_due_at__lte=now,
                                         step_escalated_at__isnull=True)
    return list(due.order_by("step_due_at").values_list("pk", flat=True)[:1000])


@transaction.atomic
def request_escalate(*, request_id: int, now: datetime | None = None) -> bool:
    """The step's deadline has passed: do what the step says, once, and put it in the trail."""
    now = now or timezone.now()
    request = locked_request(request_id)
    if (not request.is_open or request.step_due_at is None or request.step_due_at > now
            or request.step_escalated_at is not None or request.is_on_hold):
        return False
    step = request.current_step
    request.step_escalated_at = now
    request.save(update_fields=["step_escalated_at", "updated_at"])
    if not step.escalation or step.escalate_to_id is None:
        return False
    contact = step.escalate_to
    waiting = sorted(request.current_approver_ids())
    mode = step.escalation
    if mode != Escalation.NOTIFY and contact.pk == request.requester_id and not request.workflow.requester_may_approve:
        mode = Escalation.NOTIFY  # segregation of duties: the requester may be told, never made an approver
    approvers = []
    if mode == Escalation.ADD_APPROVER:
        Assignment.objects.get_or_create(request=request, revision=request.revision, step=step, approver=contact)
        approvers = [contact.pk]
        what = f"{person_label(contact)} was added as an approver of the step"
    elif mode == Escalation.HAND_OVER:
        Assignment.objects.filter(request=request, revision=request.revision, step=step).exclude(
            approver=contact).delete()  # fmt: skip
        Assignment.objects.get_or_create(request=request, revision=request.revision, step=step, approver=contact)
        approvers = [contact.pk]
        what = f"the step was handed to {person_label(contact)}"
    else:
        what = f"{person_label(contact)} was told"
    due = timezone.localtime(request.step_due_at, ZoneInfo(request.organisation.timezone))
    audit(request, AuditEvent.Action.ESCALATED,
           message=f"Step {step.position}, {step.name}, was due {due:%d %b %Y %H:%M} ({request.organisation.timezone}) "
                   f"and is overdue: {what}.",
           data={"step": step.pk, "mode": mode, "to": contact.pk, "approvers": approvers, "waiting": waiting})
    return True


def requests_to_remind(*, now: datetime | None = None) -> list[ApprovalRequest]:
    """Open requests, not on hold, whose current step has waited longer than the organisation's
    threshold; each reminder is keyed by the day, so a person hears of one request once a day."""
    now = now or timezone.now()
    candidates = (ApprovalRequest.objects.filter(_not_held(now), state__in=OPEN, step_started_at__isnull=False,
                                                 step_started_at__lte=now - timedelta(hours=1))
                  .select_related("organisation", "current_step"))  # fmt: skip
    return [r for r in candidates.iterator(chunk_size=500)
            if r.step_started_at <= now - timedelta(hours=r.organisation.reminder_after_hours)]
