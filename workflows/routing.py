"""The approval matrix: which rules of a step match a request, and who the step waits for.

A rule is an AND of its conditions; rules are alternatives. Header conditions look at the
total (in the organisation's base currency, converted at the rate recorded on the request), the
supplier and the requester; line conditions hold when any
line satisfies them ("does not match" is applied line by line, then "any line")."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db.models import Q

from approvalmax.core.models import Membership
from approvalmax.core.versioned_reads import loaded_organisation, read_through
from workflows.budget_check import budget_check
from workflows.models import ApprovalRequest, MatrixRule, RequestLine, WorkflowStep


@dataclass(frozen=True)
class LineFacts:
    account_id: int | None
    tax_rate_id: int | None
    tracking_option_ids: frozenset[int]


class BudgetStatuses:
    """The statuses of a request's lines against its budgets, read only when a rule asks (and once)."""

    def __init__(self, request: ApprovalRequest, lines: list | None = None) -> None:
        self.request, self.lines, self.value = request, lines, None

    def __call__(self) -> set[str]:
        if self.value is None:
            check = budget_check(self.request, lines=self.lines)
            self.value = check.statuses() if check else set()
        return self.value


@dataclass(frozen=True)
class RequestFacts:
    total: Decimal
    supplier_id: int | None
    requester_id: int | None
    lines: tuple[LineFacts, ...]
    budget: Callable[[], set[str]] = field(default=lambda: set(), compare=False)


def request_facts(request: ApprovalRequest, lines: list | None = None) -> RequestFacts:
    """What the matrix routes on; `lines`, the current revision's stored lines with their tracking
    loaded, when the caller has read them (no query then)."""
    given = lines
    if lines is None:
        lines = RequestLine.objects.filter(request=request, revision=request.revision).prefetch_related("tracking")
    return RequestFacts(
        total=request.routing_total,
        supplier_id=request.supplier_id,
        requester_id=request.requester_id,
        lines=tuple(
            LineFacts(line.account_id, line.tax_rate_id, frozenset(option.pk for option in line.tracking.all()))
            for line in lines
        ),
        budget=BudgetStatuses(request, lines=given),
    )


BUDGET_HOLDS = {
    MatrixRule.BudgetCondition.OVER: {"over"},
    MatrixRule.BudgetCondition.OVER_WITH_OPEN: {"over", "over_with_open"},
    MatrixRule.BudgetCondition.NO_BUDGET: {"no_budget"},
}


def _amount_holds(rule: MatrixRule, total: Decimal) -> bool:
    if rule.amount_operator == MatrixRule.AmountOperator.UNDER:
        inside = total < rule.amount
    elif rule.amount_operator == MatrixRule.AmountOperator.AT_OR_OVER:
        inside = total >= rule.amount
    else:
        inside = rule.amount <= total < rule.amount_to
    return inside != rule.amount_negated


def _any_line(facts: RequestFacts, negated: bool, test: Callable[[LineFacts], bool]) -> bool:
    return any(test(line) != negated for line in facts.lines)


def rule_matches(rule: MatrixRule, facts: RequestFacts) -> bool:
    if rule.amount_operator and not _amount_holds(rule, facts.total):
        return False
    if rule.supplier_id and (facts.supplier_id == rule.supplier_id) == rule.supplier_negated:
        return False
    if rule.requester_id and (facts.requester_id == rule.requester_id) == rule.requester_negated:
        return False
    if rule.budget_condition and not BUDGET_HOLDS[rule.budget_condition] & facts.budget():
        return False
    line_conditions = [
        (rule.account_id, rule.account_negated, lambda line: line.account_id == rule.account_id),
        (rule.tax_rate_id, rule.tax_rate_negated, lambda line: line.tax_rate_id == rule.tax_rate_id),
        (rule.tracking_option_id, rule.tracking_option_negated,
         lambda line: rule.tracking_option_id in line.tracking_option_ids),
    ]  # fmt: skip
    return all(_any_line(facts, negated, test) for value, negated, test in line_conditions if value)


@dataclass(frozen=True)
class Route:
    """Who a step waits for: (approver id, the rule that chose them or None for the default)."""

    approvers: list[tuple[int, MatrixRule | None]]
    excluded_requester: bool
    explanation: str
    names: dict[int, str] = field(default_factory=dict)  # each approver's name, as the audit trail says it

    @property
    def is_empty(self) -> bool:
        return not self.approvers


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _step_deciders(step: WorkflowStep) -> tuple[list[MatrixRule], Callable[[], list]]:
    """The step's matrix rules and (read when first asked for, since a matching rule makes them
    moot) its default approvers, among the members who decide: auditors decide nothing, and
    someone removed from the organisation no longer does, whatever the step or its matrix still names."""
    deciders = Membership.objects.filter(organisation__workflows=step.workflow_id).exclude(
        role=Membership.Role.AUDITOR).values("user_id")
    rules = list(step.rules.select_related("approver").filter(Q(approver__isnull=True) | Q(approver_id__in=deciders))
                 .order_by("pk"))
    defaults = cache(lambda: list(step.approvers.filter(pk__in=deciders).order_by("first_name", "last_name", "pk")))
    return rules, defaults


def workflow_steps(request: ApprovalRequest) -> list[WorkflowStep]:
    """The steps of the request's workflow in order, as the process holds them when the request's
    organisation came with its data-version token."""
    return read_through(loaded_organisation(request), "steps", [request.workflow_id], lambda keys: {
        request.workflow_id: list(WorkflowStep.objects.filter(workflow_id=request.workflow_id).order_by("position"))
    })[request.workflow_id]


def step_route(step: WorkflowStep, facts: RequestFacts, *, requester_may_approve: bool,
               organisation=None) -> Route:
    """The matching rules' approvers; else the step's default approvers; else nobody (the
    step is skipped). The requester is left out unless the workflow allows self-approval; a
    step left with nobody but the requester waits for an administrator instead of being skipped.
    With `organisation` (carrying its data-version token) the step's rules and approvers are
    read as the process holds them."""
    rules, step_defaults = read_through(organisation, "step-deciders", [step.pk],
                                        lambda keys: {step.pk: _step_deciders(step)})[step.pk]
    barred = None if requester_may_approve else facts.requester_id
    excluded = False
    chosen: dict[int, MatrixRule | None] = {}
    names: dict[int, str] = {}
    reasons = []
    for rule in rules:
        if not rule.approver_id or rule.approver_id in chosen or not rule_matches(rule, facts):
            continue
        if rule.approver_id == barred:
            excluded = True
            continue
        chosen[rule.approver_id] = rule
        names[rule.approver_id] = _name(rule.approver)
        reasons.append(f"{_name(rule.approver)} by the rule {rule.describe()}")
    if not chosen:
        all_defaults = step_defaults()
        excluded = excluded or any(user.pk == barred for user in all_defaults)
        defaults = [user for user in all_defaults if user.pk != barred]
        chosen = {user.pk: None for user in defaults}
        names = {user.pk: _name(user) for user in defaults}
        if defaults:
            reasons.append(
                ("No rule of the matrix matches: " if rules else "")
                + "default approvers "
                + ", ".join(_name(user) for user in defaults)
            )
    if excluded:
        reasons.append("the requester may not approve their own request (segregation of duties)")
    if chosen or excluded:
        explanation = "; ".join(reasons) + "."
    elif rules:
        explanation = "No rule of the matrix matches and the step has no default approver."
    else:
        explanation = "The step has neither matrix rules nor a default approver."
    return Route(approvers=list(chosen.items()), excluded_requester=excluded, explanation=explanation, names=names)


def auto_approval_rule(workflow, facts: RequestFacts) -> MatrixRule | None:
    """The first matching rule of the workflow's auto-approval steps, if any."""
    rules = MatrixRule.objects.filter(
        step__workflow=workflow, step__kind=WorkflowStep.Kind.AUTO_APPROVAL
    ).select_related("supplier", "account", "tax_rate", "tracking_option__category", "requester")
    return next((rule for rule in rules.order_by("step__position", "pk") if rule_matches(rule, facts)), None)
