"""Who may decide a request now: its row locked, the step the user saw still current, and the
user's place at it (theirs, or a substitute's for someone), or why they have none."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from approvalmax.core.models import Membership
from workflows.exceptions import AlreadyDecided, CommentRequired, NotAnApprover, SelfApprovalRefused
from workflows.models import ApprovalRequest


def locked_request(request_id: int) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update().get(pk=request_id)


@dataclass(frozen=True)
class Decider:
    """Who pressed the button, and whose place their decision takes."""

    user: AbstractBaseUser
    for_id: int

    @property
    def on_behalf_of_id(self) -> int | None:
        return None if self.for_id == self.user.pk else self.for_id


def require_current(request: ApprovalRequest, step_id: int | None) -> None:
    if not request.is_open:
        raise AlreadyDecided(f"This request has already been decided: it is {request.get_state_display().lower()}.")
    if step_id is not None and step_id != request.current_step_id:
        raise AlreadyDecided(
            "This request has already been decided at the step you saw: it moved on while you were deciding, "
            f"and is now at step {request.current_step.position}, {request.current_step.name}."
        )


def decider_for(request: ApprovalRequest, user: AbstractBaseUser, step_id: int | None) -> Decider:
    """The user's place at the current step, or why they have none."""
    require_current(request, step_id)
    for_id = request.decides_for(user)
    if for_id is not None:
        return Decider(user=user, for_id=for_id)
    standing = request.decisions.filter(revision=request.revision, step=request.current_step, revoked_at__isnull=True)
    if standing.filter(Q(approver=user) | Q(on_behalf_of=user)).exists():
        raise AlreadyDecided("You have already decided on this step.")
    if Membership.objects.filter(organisation_id=request.organisation_id, user=user,
                                 role=Membership.Role.AUDITOR).exists():
        raise NotAnApprover("Auditors read requests; they do not decide them.")
    may_self = request.workflow is not None and request.workflow.requester_may_approve
    if user.pk == request.requester_id and not may_self:
        raise SelfApprovalRefused(
            "You requested this bill, so you cannot approve it: segregation of duties asks someone else to."
        )
    raise NotAnApprover("You are not an approver of this request at its current step.")


def required_comment(comment: str, message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired(message, fields={"comment": "Say why."})
    return comment
