"""Budgets in the Xero stand-in: the list, one budget's monthly balances for a range of at most 24
months, and a 401 for a connection made without `accounting.budgets.read`."""

from datetime import date

import pytest

from tests.xero_sandbox.conftest import SCOPES, Api

pytestmark = pytest.mark.django_db(transaction=True)


def _month(add: int) -> str:
    today = date.today().replace(day=1)
    index = today.year * 12 + today.month - 1 + add
    return f"{index // 12}-{index % 12 + 1:02d}"


def test_budgets_are_listed_without_lines_and_read_with_their_monthly_balances(api):
    listed = api.get("Budgets").json()["Budgets"]
    assert {(b["Type"], b["Description"]) for b in listed} == {("OVERALL", "Overall Budget"),
                                                               ("TRACKING", "North region")}
    assert all("BudgetLines" not in b for b in listed)
    overall = next(b for b in listed if b["Type"] == "OVERALL")

    read = api.get(f"Budgets/{overall['BudgetID']}").json()["Budgets"][0]

    general = next(line for line in read["BudgetLines"] if line["AccountCode"] == "429")
    assert [b["Period"] for b in general["BudgetBalances"]] == [_month(0), _month(1), _month(2)]
    assert general["BudgetBalances"][0]["Amount"] == 1000.0
    tracking = next(b for b in listed if b["Type"] == "TRACKING")["Tracking"]
    assert [(t["Name"], t["Option"]) for t in tracking] == [("Region", "North")]


def test_a_range_is_at_most_24_months(api):
    budget_id = api.get("Budgets").json()["Budgets"][0]["BudgetID"]

    wide = api.get(f"Budgets/{budget_id}", DateFrom=f"{_month(-12)}-01", DateTo=f"{_month(12)}-01")
    year = api.get(f"Budgets/{budget_id}", DateFrom=f"{_month(-12)}-01", DateTo=f"{_month(11)}-01")

    assert wide.status_code == 400 and "at most 24 months" in wide.text
    balances = year.json()["Budgets"][0]["BudgetLines"][0]["BudgetBalances"]
    assert len(balances) == 24


def test_without_the_budgets_scope_xero_answers_401(sandbox, tenant):
    narrow = SCOPES.replace("accounting.budgets.read", "").strip()
    tokens = sandbox.connect([str(tenant.organisation_id)], scope=narrow)
    api = Api(base=sandbox.api, access_token=tokens["access_token"], tenant_id=str(tenant.organisation_id))

    assert api.get("Budgets").status_code == 401
