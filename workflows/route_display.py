"""The whole route of a request, for its page: every step of its workflow with who decides it and
where it stands (done, current, to come, skipped and why, not reached), from the start. Steps to
come are routed as they would be now, from the request's current content."""

from dataclasses import dataclass, field

from approvalmax.core.versioned_reads import loaded_organisation
from workflows import routing
from workflows.models import ApprovalRequest, AuditEvent, WorkflowStep
from workflows.selectors import RequestRecord
from workflows.trail import person_label

Action = AuditEvent.Action
STATES = {"done": "Done", "current": "Current step", "to_come": "To come", "skipped": "Skipped",
          "not_reached": "Not reached", "automatic": "Automatic"}


@dataclass
class RouteStep:
    step: WorkflowStep
    state: str
    people: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def state_label(self) -> str:
        return STATES[self.state]


def request_route(request: ApprovalRequest, record: RequestRecord) -> list[RouteStep]:
    """Every step, in order. One query for the steps, and the routing of each step still to come
    (none when the request came with its organisation's data-version token and the process holds them)."""
    events = [event for event in record.audit_events if event.revision == request.revision]
    skipped = {event.data.get("step"): event.message for event in events if event.action == Action.STEP_SKIPPED}
    auto = {event.data.get("step"): event.message for event in events if event.action == Action.AUTO_APPROVED}
    decided: dict[int, list[str]] = {}
    for decision in record.decisions:
        if decision.revision == request.revision and not decision.revoked_at:
            decided.setdefault(decision.step_id, []).append(
                f"{person_label(decision.approver)}: {decision.get_outcome_display().lower()}")
    current = request.current_step if request.is_open else None
    facts = None
    route = []
    for step in routing.workflow_steps(request):
        if step.kind == WorkflowStep.Kind.AUTO_APPROVAL:
            route.append(RouteStep(step, "automatic", note=auto.get(step.pk) or "No auto-approval rule matched."))
        elif step.pk in skipped:
            route.append(RouteStep(step, "skipped", note=skipped[step.pk]))
        elif current is not None and step.pk == current.pk:
            people = [person_label(user) for user in (record.waiting_for or record.assigned)]
            route.append(RouteStep(step, "current", people, note="; ".join(decided.get(step.pk, []))))
        elif step.pk in decided:
            route.append(RouteStep(step, "done", decided[step.pk]))
        elif request.is_open and (current is None or step.position > current.position):
            facts = facts or routing.request_facts(request, lines=record.lines)
            planned = routing.step_route(step, facts, requester_may_approve=request.workflow.requester_may_approve,
                                         organisation=loaded_organisation(request))
            if planned.is_empty and not planned.excluded_requester:
                route.append(RouteStep(step, "to_come", note=f"Would be skipped: {planned.explanation}"))
            else:
                route.append(RouteStep(step, "to_come", [planned.names[pk] for pk, _ in planned.approvers]))
        else:
            route.append(RouteStep(step, "not_reached"))
    return route
