"""Small helpers the workflows tests share."""

from django.urls import reverse

from workflows.models import ApprovalRequest, AuditEvent, MatrixRule, WorkflowStep


def add_step(
    workflow, *, position: int, approvers: list, mode: str = WorkflowStep.Mode.ANY, name: str = "",
    kind: str = WorkflowStep.Kind.APPROVAL,
) -> WorkflowStep:
    step = WorkflowStep.objects.create(workflow=workflow, position=position, mode=mode, name=name or f"Step {position}",
                                       kind=kind)
    step.approvers.set(approvers)
    return step


def reload(request: ApprovalRequest) -> ApprovalRequest:
    """A fresh instance: the protected state field may not be refreshed in place."""
    return ApprovalRequest.objects.select_related("current_step").get(pk=request.pk)


def add_rule(step: WorkflowStep, approver=None, **conditions) -> MatrixRule:
    return MatrixRule.objects.create(step=step, approver=approver, **conditions)


def actions(request: ApprovalRequest) -> list[str]:
    return list(AuditEvent.objects.filter(request=request).order_by("created_at", "pk").values_list("action", flat=True))


def events(request: ApprovalRequest, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request=request, action=action).order_by("created_at", "pk"))


def url(name: str, request: ApprovalRequest, **kwargs) -> str:
    """A request's page of that name (`workflows:<name>`)."""
    return reverse(f"workflows:{name}", kwargs={"public_id": request.public_id, **kwargs})
