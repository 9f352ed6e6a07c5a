"""Writes to approval requests. Each service locks the row, transitions, saves, audits and
announces, in one transaction; side effects run on commit."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_fsm import has_transition_perm

from approvalmax.core.models import Organisation
from approvalmax.core.versioned_reads import loaded_organisation, read_through
from workflows import routing
from workflows.content import DocumentContent, RequestContent
from workflows.conversion import conversion_text
from workflows.exceptions import CommentRequired, NothingToRevoke, NotAnApprover, RequestLocked
from workflows.models import (
    ApprovalRequest,
    Assignment,
    AuditEvent,
    Decision,
    Workflow,
    WorkflowStep,
)
from approvalmax.core.signals import send_on_commit
from workflows.deciders import Decider, decider_for, locked_request, required_comment
from workflows.duplicates import hold_for_review, possible_duplicates
from workflows.revisions import revision_prepare, revision_rows_write, revision_write
from workflows.signals import request_approved, request_rejected
from workflows.trail import changes_text, person_label, requester_label, source_label
from workflows.trail import audit as _audit
from workflows.trail import audit_together as _audit_together
from workflows.working_time import step_due_at

# How a decision reached us, when not from the request page: the audit trail says so.
EMAIL = "email"
State = ApprovalRequest.State


def workflow_for(*, organisation: Organisation) -> Workflow:
    """The organisation's latest published workflow version: what new requests and revisions run on."""
    workflow = read_through(organisation, "workflow", ["latest"], lambda keys: {"latest": (
        Workflow.objects.filter(organisation=organisation, is_draft=False).order_by("-version").first())}).get("latest")
    # One created here is not held: its transaction may yet roll back.
    return workflow or Workflow.objects.create(organisation=organisation)


def _waiting_message(step: WorkflowStep, route: routing.Route) -> str:
    verb = "review" if step.is_review else "approval"
    if route.is_empty:
        return f"Step {step.position}, {step.name}: nobody but the requester may decide; an administrator must. " + (
            route.explanation
        )
    names = ", ".join(route.names[pk] for pk, _ in route.approvers)
    how_many = {WorkflowStep.Mode.ANY: "any one", WorkflowStep.Mode.ALL: "all",
                WorkflowStep.Mode.QUORUM: f"at least {step.approvals_needed(len(route.approvers))}"}[step.mode]
    return f"Step {step.position}, {step.name}: waiting for {verb} by " + (
        f"{how_many} of {names}. {route.explanation}" if names else route.explanation)


def _step_complete(request: ApprovalRequest) -> bool:
    step = request.current_step
    assigned = set(
        Assignment.objects.filter(request=request, revision=request.revision, step=step).values_list(
            "approver_id", flat=True
        )
    )
    approvals = len(request.decided_ids() & assigned)
    return bool(assigned) and approvals >= step.approvals_needed(len(assigned))


def _record_decision(request: ApprovalRequest, decider: Decider, outcome: str, comment: str, *,
                     at_once: bool = False, via: str = "", duplicates: list | None = None) -> Decision:  # fmt: skip
    step = request.current_step
    decision = Decision.objects.create(
        request=request, revision=request.revision, step=step, approver=decider.user,
        on_behalf_of_id=decider.on_behalf_of_id, outcome=outcome, comment=comment,
    )  # fmt: skip
    notes = []
    if decider.on_behalf_of_id:
        absent = get_user_model().objects.get(pk=decider.on_behalf_of_id)
        notes.append(f"On behalf of {person_label(absent)} (substitute).")
    if at_once:
        notes.append("Approved at once: the workflow lets an approver in several steps approve them all together.")
    if decider.for_id == request.requester_id:
        notes.append("The requester approved their own request: segregation of duties is off for this organisation.")
    if via == EMAIL:
        notes.append("Decided from the link in an email.")
    if duplicates:
        notes.append("Approved although it may duplicate another bill; the comment says why.")
    action = AuditEvent.Action.REVIEWED if outcome == Decision.Outcome.REVIEWED else AuditEvent.Action.APPROVED
    if outcome == Decision.Outcome.REJECTED:
        action = AuditEvent.Action.REJECTED
    _audit(request, action, actor=decider.user, message=" ".join([comment, *notes]).strip(),
           data={"step": step.pk, "step_name": step.name, "on_behalf_of": decider.on_behalf_of_id,
                 **({"via": via} if via else {}), **({"possible_duplicates": duplicates} if duplicates else {})})
    return decision


def _finish(request: ApprovalRequest, *, by_people: bool) -> None:
    request.current_step = None
    if by_people:
        request.approve()
        message = "All steps are complete."
    else:
        request.auto_approve()
        message = "Every step was skipped: nobody needed to approve."
    request.save()
    _audit(request, AuditEvent.Action.FULLY_APPROVED, message=message)
    send_on_commit(request_approved, ApprovalRequest, request=request)


def _advance(request: ApprovalRequest, *, after: int, decider: Decider | None = None,
             facts: routing.RequestFacts | None = None, new_revision: bool = False,
             steps: list[WorkflowStep] | None = None) -> None:
    """Start the first step after position `after` that has someone to decide, skipping (and
    saying why) those without; approve the request when none is left. A revision just made has
    no decisions or assignments yet, so those are not looked for. `steps`: the workflow's, in
    order, when the caller has read them."""
    facts = facts or routing.request_facts(request)
    workflow = request.workflow
    if steps is None:
        steps = list(workflow.steps.order_by("position"))
    decided_by_people = decider is not None or (
        not new_revision and request.decisions.filter(revision=request.revision).exists())
    for step in steps:
        if step.kind == WorkflowStep.Kind.AUTO_APPROVAL or step.position <= after:
            continue
        route = routing.step_route(step, facts, requester_may_approve=workflow.requester_may_approve,
                                   organisation=loaded_organisation(request))
        if route.is_empty and not route.excluded_requester:
            _audit(request, AuditEvent.Action.STEP_SKIPPED,
                   message=f"Step {step.position}, {step.name}, is skipped. {route.explanation}",
                   data={"step": step.pk})  # fmt: skip
            continue
        request.current_step = step
        _step_clock_start(request, step)
        if step.is_review and request.state == State.ON_APPROVAL:
            request.start_review()
        request.save()
        if not new_revision:
            Assignment.objects.filter(request=request, revision=request.revision, step=step).delete()
        Assignment.objects.bulk_create(
            Assignment(request=request, revision=request.revision, step=step, approver_id=pk, rule=rule)
            for pk, rule in route.approvers
        )
        _audit(request, AuditEvent.Action.STEP_STARTED, message=_waiting_message(step, route),
               data={"step": step.pk, "approvers": [pk for pk, _ in route.approvers],
                     "rules": [rule.pk for _, rule in route.approvers if rule]})  # fmt: skip
        at_once = (
            decider is not None
            and workflow.approve_all_steps_at_once
            and not step.is_review
            and any(pk == decider.for_id for pk, _ in route.approvers)
        )
        if not at_once:
            return
        _record_decision(request, decider, Decision.Outcome.APPROVED, "", at_once=True)
        if not _step_complete(request):
            return
        _audit(request, AuditEvent.Action.STEP_COMPLETED, message=f"Step {step.position}, {step.name}, is complete.",
               data={"step": step.pk})
    _finish(request, by_people=decided_by_people)


def _step_clock_start(request: ApprovalRequest, step: WorkflowStep) -> None:
    request.step_started_at = timezone.now()
    request.step_due_at = step_due_at(step, request.step_started_at, request.organisation)
    request.step_escalated_at = None


def _start_workflow(request: ApprovalRequest, facts: routing.RequestFacts | None = None) -> None:
    """Auto-approval rules first; otherwise route the request to its first step with approvers."""
    facts = facts or routing.request_facts(request)
    steps = routing.workflow_steps(request)
    # Most workflows have no auto-approval step: their rules (a six-table read) are not asked for.
    has_auto = any(step.kind == WorkflowStep.Kind.AUTO_APPROVAL for step in steps)
    rule = routing.auto_approval_rule(request.workflow, facts) if has_auto else None
    if rule is not None:
        request.current_step = None
        request.auto_approve()
        request.save()
        _audit(request, AuditEvent.Action.AUTO_APPROVED,
               message=f"Approved automatically by the rule {rule.describe()} of step {rule.step.position}, "
               f"{rule.step.name}.", data={"rule": rule.pk, "step": rule.step_id})  # fmt: skip
        _audit(request, AuditEvent.Action.FULLY_APPROVED, message="Auto-approved.")
        send_on_commit(request_approved, ApprovalRequest, request=request)
        return
    _advance(request, after=0, facts=facts, new_revision=True, steps=steps)


# No savepoint inside a caller's transaction: none goes on after a failure here.
@transaction.atomic(savepoint=False)
def request_create(
    *, organisation: Organisation, content: RequestContent, document: DocumentContent | None,
    request_id: int | None = None,
) -> ApprovalRequest:
    """A new request: bills start the organisation's workflow, bank transactions bypass it.
    `request_id`: the id the caller reserved for it (`ApprovalRequest.save`)."""
    with _audit_together():
        return _request_create(organisation=organisation, content=content, document=document, request_id=request_id)


def _request_create(*, organisation: Organisation, content: RequestContent,
                    document: DocumentContent | None, request_id: int | None) -> ApprovalRequest:
    # Its state and first step are set before the first save, so the new row is written once.
    request = ApprovalRequest(pk=request_id, organisation=organisation)
    if content.kind == ApprovalRequest.Kind.SPEND_MONEY:
        request.bypass()
        revision_write(request, content, document)
        _audit(request, AuditEvent.Action.BYPASSED, actor_label=requester_label(request, content),
               message=f"From {source_label(content)}. Bank transactions bypass approval and go straight to the "
                       "accounting system.")
        send_on_commit(request_approved, ApprovalRequest, request=request)
        return request
    request.workflow = workflow_for(organisation=organisation)
    request.submit()
    facts = revision_prepare(request, content)
    _audit(request, AuditEvent.Action.SUBMITTED, actor_label=requester_label(request, content),
           message=f"Submitted from {source_label(content)}. Workflow version {request.workflow.version}. "
                   f"{conversion_text(request)}".strip(),
           data={"source": content.source_system, "reference": content.source_reference})
    # Routed before it is written: starting the workflow inserts the row with its first step.
    _start_workflow(request, facts)
    revision_rows_write(request, content, document)
    hold_for_review(request)
    return request


def _approved_by(request: ApprovalRequest) -> list[int]:
    """Who approved or reviewed the current revision, and has not taken it back."""
    return sorted(set(request.decisions.filter(
        revision=request.revision, revoked_at__isnull=True,
        outcome__in=[Decision.Outcome.APPROVED, Decision.Outcome.REVIEWED]).values_list("approver_id", flat=True)))


@transaction.atomic
def request_resubmit(
    *, request_id: int, content: RequestContent, document: DocumentContent | None,
    changes: list[dict] | None = None, reopen: bool = False,
) -> ApprovalRequest:
    """A changed or republished item: a new revision that starts the latest workflow again.
    `changes` ({"field", "approved", "now"} each) say what changed, and those who approved the
    revision before are told; `reopen` lets an approved or published request start again (its
    bill changed in the accounting system and the organisation reopens such requests)."""
    request = locked_request(request_id)
    reopening = reopen and request.state in ApprovalRequest.REOPENABLE_STATES
    if not reopening and request.state not in (*ApprovalRequest.OPEN_STATES, State.REJECTED, State.CANCELLED):
        raise RequestLocked(f"The request is {request.get_state_display().lower()} and can no longer change.")
    previous = {"revision": request.revision, "state": request.state,
                "total": str(request.total), "invoice_number": request.invoice_number}
    told = {"changes": changes, "approved_by": _approved_by(request)} if changes else {}
    request.revision += 1
    if reopening:
        request.reopen()
    else:
        request.resubmit()
    request.workflow = workflow_for(organisation=request.organisation)
    request.current_step = None
    facts = revision_write(request, content, document)
    _audit(request, AuditEvent.Action.RESUBMITTED, actor_label=requester_label(request, content),
           message=f"From {source_label(content)}. Revision {request.revision} replaces revision {previous['revision']} "
           f"({previous['state'].replace('_', ' ')}). Workflow version {request.workflow.version}. "
           f"{conversion_text(request)}".strip() + changes_text(changes),
           data={"previous": previous, **told})
    _start_workflow(request, facts)
    hold_for_review(request)
    return request


@transaction.atomic
def request_approve(*, request_id: int, user: AbstractBaseUser, comment: str = "",
                    step_id: int | None = None, via: str = "") -> ApprovalRequest:  # fmt: skip
    """Approve the current step (or complete its review). `step_id` is the step the user saw:
    if the request moved on meanwhile, the answer is "already decided"."""
    request = locked_request(request_id)
    decider = decider_for(request, user, step_id)
    step = request.current_step
    outcome = Decision.Outcome.REVIEWED if step.is_review else Decision.Outcome.APPROVED
    flagged = [] if step.is_review else possible_duplicates(request)
    if flagged and not (comment or "").strip():
        raise CommentRequired(f"{flagged[0].describe()} Say why you approve it anyway.",
                              fields={"comment": "Say why this is not a duplicate."})
    _record_decision(request, decider, outcome, comment, via=via,
                     duplicates=[d.reference for d in flagged])
    if not _step_complete(request):
        return request
    _audit(request, AuditEvent.Action.STEP_COMPLETED, message=f"Step {step.position}, {step.name}, is complete.",
           data={"step": step.pk})
    if request.state == State.ON_REVIEW:
        request.complete_review()
    _advance(request, after=step.position, decider=decider)
    return request


@transaction.atomic
def request_reject(*, request_id: int, user: AbstractBaseUser, comment: str,
                   step_id: int | None = None, via: str = "") -> ApprovalRequest:  # fmt: skip
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired("A rejection needs a comment.", fields={"comment": "Say why you reject it."})
    request = locked_request(request_id)
    decider = decider_for(request, user, step_id)
    _record_decision(request, decider, Decision.Outcome.REJECTED, comment, via=via)
    request.reject()
    request.save()
    send_on_commit(request_rejected, ApprovalRequest, request=request)
    return request


@transaction.atomic
def request_revoke_decision(*, request_id: int, user: AbstractBaseUser) -> ApprovalRequest:
    """Take back one's own decision on the current step, while the request has not moved on."""
    request = locked_request(request_id)
    decision = None
    if request.is_open:
        decision = request.decisions.filter(
            revision=request.revision, step=request.current_step, approver=user, revoked_at__isnull=True
        ).first()
    if decision is None:
        raise NothingToRevoke("There is no decision of yours to revoke: the request has moved on since.")
    decision.revoked_at = timezone.now()
    decision.save(update_fields=["revoked_at"])
    _audit(request, AuditEvent.Action.DECISION_REVOKED, actor=user,
           message=f"Revoked their {decision.get_outcome_display().lower()} of step {decision.step.position}, "
           f"{decision.step.name}.", data={"decision": decision.pk, "step": decision.step_id})  # fmt: skip
    return request


@transaction.atomic
def request_return_to_review(*, request_id: int, user: AbstractBaseUser, comment: str,
                             step_id: int | None = None) -> ApprovalRequest:  # fmt: skip
    """A later approver sends the request back to its review step, without rejecting it.
    The review and every step after it are decided again."""
    comment = required_comment(comment, "Say what the reviewer should look at again.")
    request = locked_request(request_id)
    decider_for(request, user, step_id)
    if not has_transition_perm(request.return_to_review, user):
        raise NotAnApprover("There is no review step before this one to send the request back to.")
    review = request.workflow.steps.filter(
        kind=WorkflowStep.Kind.REVIEW, position__lt=request.current_step.position
    ).order_by("-position").first()
    request.decisions.filter(
        revision=request.revision, step__position__gte=review.position, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    Assignment.objects.filter(request=request, revision=request.revision,
                              step__position__gt=review.position).delete()  # fmt: skip
    request.return_to_review()
    request.current_step = review
    _step_clock_start(request, review)
    request.save()
    _audit(request, AuditEvent.Action.RETURNED_TO_REVIEW, actor=user, message=comment,
           data={"step": review.pk})  # fmt: skip
    return request


@transaction.atomic
def request_cancel(*, request_id: int, actor_label: str, reason: str = "Withdrawn.") -> ApprovalRequest:
    request = locked_request(request_id)
    if request.state == State.CANCELLED:
        return request
    if not request.is_open:
        raise RequestLocked(f"The request is {request.get_state_display().lower()} and cannot be withdrawn.")
    request.cancel()
    request.save()
    _audit(request, AuditEvent.Action.CANCELLED, actor_label=actor_label, message=reason)
    return request
