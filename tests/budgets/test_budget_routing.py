"""Budgets as a condition of the approval matrix: over budget, or no budget, sends the bill to
another approver."""

from datetime import date
from decimal import Decimal

import pytest

from approvalmax.budgets.models import Budget
from workflows.models import MatrixRule

pytestmark = pytest.mark.django_db


def _waiting_for(request) -> set[int]:
    return set(request.assignments.filter(revision=request.revision).values_list("approver_id", flat=True))


@pytest.fixture
def over_budget_rule(workflow, second_approver):
    step = workflow.steps.get()
    return MatrixRule.objects.create(step=step, approver=second_approver,
                                     budget_condition=MatrixRule.BudgetCondition.OVER)


@pytest.mark.parametrize(("budget", "over"), [("10", True), ("1000", False)])
def test_a_bill_over_its_budget_goes_to_the_rules_approver(create_request, organisation, master_data, approver,
                                                          second_approver, over_budget_rule, budget, over):
    Budget.objects.create(organisation=organisation, account=master_data["general"], month=date(2026, 11, 1),
                          amount=Decimal(budget), source="upload")

    request = create_request()

    assert _waiting_for(request) == ({second_approver.pk} if over else {approver.pk})
    if over:
        started = request.audit_events.get(action="step_started")
        assert "a line is over budget" in started.message


def test_no_budget_is_a_condition_too_but_not_for_an_organisation_without_budgets(
        create_request, organisation, master_data, approver, second_approver, workflow):
    MatrixRule.objects.create(step=workflow.steps.get(), approver=second_approver,
                              budget_condition=MatrixRule.BudgetCondition.NO_BUDGET)
    assert _waiting_for(create_request(source_reference="CI-1")) == {approver.pk}

    Budget.objects.create(organisation=organisation, account=master_data["office"], month=date(2026, 11, 1),
                          amount=Decimal("100"), source="upload")
    assert _waiting_for(create_request(source_reference="CI-2", invoice_number="X-2")) == {second_approver.pk}
