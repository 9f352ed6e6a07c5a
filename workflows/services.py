"""Writes to approval requests. Each service locks the row, transitions, saves, audits and
announces, in one transaction; side effects run on commit."""

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django_fsm import has_transition_perm

from approvalmax.core.models import Organisation
from workflows.content import DocumentContent, RequestContent
from workflows.exceptions import AlreadyDecided, CommentRequired, NotAnApprover, RequestLocked
from workflows.models import (
    ApprovalRequest,
    AuditEvent,
    Decision,
    RequestDocument,
    RequestLine,
    Workflow,
    WorkflowStep,
)
from workflows.signals import request_approved

SYSTEM = "System"
State = ApprovalRequest.State


def _actor_label(user: AbstractBaseUser | None, fallback: str = SYSTEM) -> str:
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


def _audit(
    request: ApprovalRequest,
    action: str,
    *,
    actor: AbstractBaseUser | None = None,
    actor_label: str | None = None,
    message: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation_id=request.organisation_id,
        request=request,
        revision=request.revision,
        action=action,
        actor=actor,
        actor_label=actor_label or _actor_label(actor),
        message=message,
        data=data or {},
    )


def _lock(request_id: int) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update().get(pk=request_id)


CONTENT_FIELDS = [
    "kind", "supplier_name", "supplier", "invoice_number", "date", "due_date", "currency",
    "line_amount_types", "sub_total", "tax_total", "total", "is_paid", "payment_method_name",
    "payment_account", "source_system", "source_reference", "source_url", "requester_name",
    "requester_email",
]  # fmt: skip


def _write_content(request: ApprovalRequest, content: RequestContent, document: DocumentContent) -> None:
    for name in CONTENT_FIELDS:
        setattr(request, name, getattr(content, name))
    request.save()
    for position, line in enumerate(content.lines, start=1):
        row = RequestLine.objects.create(
            request=request,
            revision=request.revision,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            account=line.account,
            tax_rate=line.tax_rate,
            line_amount=line.line_amount,
            tax_amount=line.tax_amount,
        )
        row.tracking.set(line.tracking)
    stored = RequestDocument(
        request=request,
        revision=request.revision,
        filename=document.filename,
        content_type=document.content_type,
        size=len(document.data),
        sha256=hashlib.sha256(document.data).hexdigest(),
    )
    stored.file.save(document.filename, ContentFile(document.data), save=False)
    stored.save()


def _first_step(workflow: Workflow | None) -> WorkflowStep | None:
    return workflow.steps.order_by("position").first() if workflow else None


def _start_workflow(request: ApprovalRequest) -> None:
    """Route the request to its first step, or approve it when the workflow has none."""
    step = _first_step(request.workflow)
    request.current_step = step
    request.save()
    if step is None:
        request.approve()
        request.save()
        _audit(request, AuditEvent.Action.FULLY_APPROVED, message="The workflow has no steps.")
        request_approved.send(sender=ApprovalRequest, request=request)
        return
    _audit(
        request,
        AuditEvent.Action.STEP_STARTED,
        message=f"Step {step.position}, {step.name}: waiting for "
        + ("any one" if step.mode == WorkflowStep.Mode.ANY else "all")
        + " of "
        + ", ".join(_actor_label(u) for u in step.approvers.all()),
        data={"step": step.pk},
    )


def workflow_for(*, organisation: Organisation) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(organisation=organisation)
    return workflow


@transaction.atomic
def request_create(
    *, organisation: Organisation, content: RequestContent, document: DocumentContent
) -> ApprovalRequest:
    """A new request: bills start the organisation's workflow, bank transactions bypass it."""
    request = ApprovalRequest(organisation=organisation)
    _write_content(request, content, document)
    source = f"{content.source_system} {content.source_reference}"
    if content.kind == ApprovalRequest.Kind.SPEND_MONEY:
        request.bypass()
        request.save()
        _audit(request, AuditEvent.Action.BYPASSED, actor_label=source,
               message="Bank transactions bypass approval and go straight to the accounting system.")
        request_approved.send(sender=ApprovalRequest, request=request)
        return request
    request.workflow = workflow_for(organisation=organisation)
    request.submit()
    request.save()
    _audit(request, AuditEvent.Action.SUBMITTED, actor_label=source,
           message=f"Submitted by {content.requester_name or content.requester_email or source}.")
    _start_workflow(request)
    return request


@transaction.atomic
def request_resubmit(
    *, request_id: int, content: RequestContent, document: DocumentContent
) -> ApprovalRequest:
    """A changed or republished item: a new revision that starts the workflow again."""
    request = _lock(request_id)
    if request.state not in (State.ON_APPROVAL, State.REJECTED, State.CANCELLED):
        raise RequestLocked(f"The request is {request.get_state_display().lower()} and can no longer change.")
    previous = {"revision": request.revision, "state": request.state,
                "total": str(request.total), "invoice_number": request.invoice_number}
    request.revision += 1
    request.resubmit()
    request.workflow = workflow_for(organisation=request.organisation)
    request.current_step = None
    _write_content(request, content, document)
    _audit(request, AuditEvent.Action.RESUBMITTED,
           actor_label=f"{content.source_system} {content.source_reference}",
           message=f"Revision {request.revision} replaces revision {previous['revision']} "
           f"({previous['state'].replace('_', ' ')}).", data={"previous": previous})
    _start_workflow(request)
    return request


def _require_decidable(request: ApprovalRequest, user: AbstractBaseUser) -> None:
    if request.state != State.ON_APPROVAL:
        raise AlreadyDecided(f"This request has already been decided: it is {request.get_state_display().lower()}.")
    if not has_transition_perm(request.approve, user):
        if request.decisions.filter(revision=request.revision, step=request.current_step, approver=user).exists():
            raise AlreadyDecided("You have already approved this step.")
        raise NotAnApprover("You are not an approver of this request at its current step.")


def _step_complete(request: ApprovalRequest) -> bool:
    step = request.current_step
    approved = set(
        request.decisions.filter(
            revision=request.revision, step=step, outcome=Decision.Outcome.APPROVED
        ).values_list("approver_id", flat=True)
    )
    if step.mode == WorkflowStep.Mode.ANY:
        return bool(approved)
    return set(step.approvers.values_list("pk", flat=True)) <= approved


@transaction.atomic
def request_approve(*, request_id: int, user: AbstractBaseUser, comment: str = "") -> ApprovalRequest:
    request = _lock(request_id)
    _require_decidable(request, user)
    step = request.current_step
    Decision.objects.create(request=request, revision=request.revision, step=step, approver=user,
                            outcome=Decision.Outcome.APPROVED, comment=comment)
    _audit(request, AuditEvent.Action.APPROVED, actor=user, message=comment,
           data={"step": step.pk, "step_name": step.name})
    if not _step_complete(request):
        return request
    _audit(request, AuditEvent.Action.STEP_COMPLETED, message=f"Step {step.position}, {step.name}, is complete.",
           data={"step": step.pk})
    next_step = request.workflow.steps.filter(position__gt=step.position).order_by("position").first()
    if next_step is not None:
        request.current_step = next_step
        request.save()
        _audit(request, AuditEvent.Action.STEP_STARTED, message=f"Step {next_step.position}, {next_step.name}.",
               data={"step": next_step.pk})
        return request
    request.approve()
    request.save()
    _audit(request, AuditEvent.Action.FULLY_APPROVED, message="All steps are complete.")
    request_approved.send(sender=ApprovalRequest, request=request)
    return request


@transaction.atomic
def request_reject(*, request_id: int, user: AbstractBaseUser, comment: str) -> ApprovalRequest:
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired("A rejection needs a comment.", fields={"comment": "Say why you reject it."})
    request = _lock(request_id)
    _require_decidable(request, user)
    Decision.objects.create(request=request, revision=request.revision, step=request.current_step,
                            approver=user, outcome=Decision.Outcome.REJECTED, comment=comment)
    request.reject()
    request.save()
    _audit(request, AuditEvent.Action.REJECTED, actor=user, message=comment,
           data={"step": request.current_step_id})
    return request


@transaction.atomic
def request_cancel(*, request_id: int, actor_label: str) -> ApprovalRequest:
    request = _lock(request_id)
    if request.state == State.CANCELLED:
        return request
    if request.state != State.ON_APPROVAL:
        raise RequestLocked(f"The request is {request.get_state_display().lower()} and cannot be withdrawn.")
    request.cancel()
    request.save()
    _audit(request, AuditEvent.Action.CANCELLED, actor_label=actor_label, message="Withdrawn.")
    return request


@transaction.atomic
def request_mark_published(*, request_id: int, external_id: str, external_url: str, message: str = "") -> ApprovalRequest:
    request = _lock(request_id)
    if request.state == State.PUBLISHED:
        return request
    request.mark_published()
    request.external_id = external_id
    request.external_url = external_url
    request.publish_error = ""
    request.save()
    _audit(request, AuditEvent.Action.PUBLISHED, message=message, data={"external_id": external_id})
    return request


@transaction.atomic
def request_mark_publish_failed(*, request_id: int, error: str) -> ApprovalRequest:
    request = _lock(request_id)
    if request.state != State.APPROVED:
        return request
    request.mark_publish_failed()
    request.publish_error = error
    request.save()
    _audit(request, AuditEvent.Action.PUBLISH_FAILED, message=error)
    return request

