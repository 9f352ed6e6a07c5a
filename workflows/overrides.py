"""Administrators override the workflow: approve or reject outright, whatever step it is at,
with a comment; never their own request while segregation of duties is on."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_fsm import has_transition_perm

from approvalmax.core.signals import send_on_commit
from workflows.exceptions import AlreadyDecided, NotAnAdministrator, SelfApprovalRefused
from workflows.models import ApprovalRequest, AuditEvent, Decision
from workflows.deciders import locked_request, required_comment
from workflows.trail import audit, person_label
from workflows.signals import request_approved, request_rejected


def _require_administrator(request: ApprovalRequest, user: AbstractBaseUser, transition_method) -> None:
    if not request.is_open:
        raise AlreadyDecided(f"This request has already been decided: it is {request.get_state_display().lower()}.")
    if not has_transition_perm(transition_method, user):
        if user.pk == request.requester_id:
            raise SelfApprovalRefused("You requested this bill, so you cannot override its workflow: segregation "
                                      "of duties asks another administrator to.")
        raise NotAnAdministrator("Only an administrator of the organisation can override the workflow.")


@transaction.atomic
def request_force_approve(*, request_id: int, user: AbstractBaseUser, comment: str) -> ApprovalRequest:
    """An administrator approves the request outright, whatever step it is at."""
    comment = required_comment(comment, "Force-approving needs a comment.")
    request = locked_request(request_id)
    _require_administrator(request, user, request.force_approve)
    Decision.objects.create(request=request, revision=request.revision, step=request.current_step, approver=user,
                            outcome=Decision.Outcome.APPROVED, comment=comment, forced=True)  # fmt: skip
    request.force_approve()
    step = request.current_step
    request.current_step = None
    request.save()
    audit(request, AuditEvent.Action.FORCE_APPROVED, actor=user, message=comment,
           data={"step": step.pk if step else None})  # fmt: skip
    audit(request, AuditEvent.Action.FULLY_APPROVED, message=f"Force-approved by {person_label(user)}.")
    send_on_commit(request_approved, ApprovalRequest, request=request)
    return request


@transaction.atomic
def request_force_reject(*, request_id: int, user: AbstractBaseUser, comment: str) -> ApprovalRequest:
    comment = required_comment(comment, "Force-rejecting needs a comment.")
    request = locked_request(request_id)
    _require_administrator(request, user, request.force_reject)
    Decision.objects.create(request=request, revision=request.revision, step=request.current_step, approver=user,
                            outcome=Decision.Outcome.REJECTED, comment=comment, forced=True)  # fmt: skip
    request.force_reject()
    request.save()
    audit(request, AuditEvent.Action.FORCE_REJECTED, actor=user, message=comment,
           data={"step": request.current_step_id})
    send_on_commit(request_rejected, ApprovalRequest, request=request)
    return request
