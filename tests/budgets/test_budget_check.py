"""Bills against budgets: the three states by period and tracking, net or gross, and the flags
for an account without a budget."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvalmax.budgets.models import Budget, BudgetPolicy
from tests.workflows.helpers import reload
from workflows.budget_check import budget_check
from workflows.models import ApprovalRequest
from workflows.models.spending import lines_recount

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def _budget(organisation, account, amount, month=NOV, option=None):
    Budget.objects.create(organisation=organisation, account=account, tracking_option=option, month=month,
                          amount=Decimal(amount), source=Budget.Source.UPLOAD)


def _past(create_request, state, reference, **overrides):
    request = create_request(source_reference=reference, invoice_number=reference, **overrides)
    ApprovalRequest.objects.filter(pk=request.pk).update(state=state)
    lines_recount(reload(request))  # as a save through the engine would
    return request


def _line(check, option=False):
    return next(line for line in check.lines if (line.option is not None) == option)


@pytest.mark.parametrize(("budget", "status"), [("200", "within"), ("100", "over_with_open"), ("80", "over")])
def test_spent_open_and_this_request_against_the_months_budget(create_request, organisation, master_data,
                                                              budget, status):
    _budget(organisation, master_data["general"], budget)
    _past(create_request, "published", "P-1")
    _past(create_request, "on_approval", "O-1")
    _past(create_request, "rejected", "R-1")  # neither spent nor open
    _past(create_request, "published", "D-1", date=date(2026, 10, 31))  # another month
    request = create_request(source_reference="T-1")

    line = _line(budget_check(reload(request)))

    assert (line.budget, line.spent, line.open, line.this) == (Decimal(budget), Decimal("45.00"),
                                                                Decimal("45.00"), Decimal("45.00"))
    assert line.remaining == Decimal(budget) - 135
    assert line.status == status


def test_the_quarter_and_the_year_to_date_count_from_the_financial_years_start(create_request, organisation,
                                                                              master_data):
    for month, amount in ((date(2026, 4, 1), "10"), (date(2026, 10, 1), "20"), (NOV, "30"), (date(2026, 12, 1), "40")):
        _budget(organisation, master_data["general"], amount, month=month)
    request = reload(create_request())

    policy = BudgetPolicy.objects.create(organisation=organisation, period="quarter", year_starts_in=1)
    assert _line(budget_check(request)).budget == Decimal("90")  # October to December
    policy.period, policy.year_starts_in = "year_to_date", 4
    policy.save()
    check = budget_check(request)
    assert _line(check).budget == Decimal("60")  # April to November
    assert check.period == "Apr 2026 to Nov 2026"


def test_gross_amounts_include_the_tax(create_request, organisation, master_data):
    _budget(organisation, master_data["general"], "50")
    BudgetPolicy.objects.create(organisation=organisation, basis="gross")

    line = _line(budget_check(reload(create_request())))

    assert line.this == Decimal("54.00") and line.status == "over"


def test_a_tracking_options_budget_is_checked_beside_the_accounts(create_request, organisation, master_data):
    _budget(organisation, master_data["general"], "1000")
    _budget(organisation, master_data["general"], "40", option=master_data["north"])

    check = budget_check(reload(create_request()))

    assert _line(check).status == "within"
    tracked = _line(check, option=True)
    assert tracked.option == master_data["north"] and tracked.budget == Decimal("40") and tracked.status == "over"
    assert check.worst == "over"


def test_an_account_without_a_budget_or_with_a_zero_one_is_flagged(create_request, organisation, master_data):
    _budget(organisation, master_data["office"], "100")
    request = reload(create_request())
    assert _line(budget_check(request)).status == "no_budget"

    _budget(organisation, master_data["general"], "0")
    assert _line(budget_check(request)).status == "no_budget"


def test_nothing_is_checked_without_budgets_or_for_a_credit_note(create_request, organisation, master_data):
    assert budget_check(reload(create_request())) is None
    _budget(organisation, master_data["general"], "100")
    credit = create_request(kind="credit_note", source_reference="CN-1")
    assert budget_check(reload(credit)) is None


def test_the_check_costs_the_same_queries_whatever_the_history(create_request, organisation, master_data):
    _budget(organisation, master_data["general"], "100")
    _budget(organisation, master_data["general"], "40", option=master_data["north"])
    request = reload(create_request(source_reference="T-1"))
    with CaptureQueriesContext(connection) as few:
        budget_check(request)
    for n in range(5):
        _past(create_request, "published", f"P-{n}")
    with CaptureQueriesContext(connection) as many:
        budget_check(request)

    assert len(few) == len(many) <= 8
