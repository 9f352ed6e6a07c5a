"""Small helpers the workflows tests share."""

from workflows.models import ApprovalRequest, WorkflowStep


def add_step(
    workflow, *, position: int, approvers: list, mode: str = WorkflowStep.Mode.ANY, name: str = ""
) -> WorkflowStep:
    step = WorkflowStep.objects.create(workflow=workflow, position=position, mode=mode, name=name or f"Step {position}")
    step.approvers.set(approvers)
    return step


def reload(request: ApprovalRequest) -> ApprovalRequest:
    """A fresh instance: the protected state field may not be refreshed in place."""
    return ApprovalRequest.objects.select_related("current_step").get(pk=request.pk)
