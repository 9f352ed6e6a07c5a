"""`/Budgets` and `/Budgets/{BudgetID}` (scope `accounting.budgets.read`), as XERO_FACTS.md says
Xero answers: the list without lines; one budget with its lines' monthly balances, for at most 24
months (3 from this month when no dates are given)."""

from datetime import date

from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils import timezone

from xero_integration.sandbox import api_parts as api
from xero_integration.sandbox.gateway import ApiCall, accounting_endpoint
from xero_integration.sandbox.models import Budget
from xero_integration.sandbox.xero_json import (
    PostDataInvalid,
    envelope,
    json_response,
    ms_datetime,
    not_found,
    parse_date,
    validation_exception,
)

BUDGETS = {"read_scopes": ("accounting.budgets.read",)}
MAX_MONTHS = 24
DEFAULT_MONTHS = 3


def _summary(budget: Budget) -> dict:
    return {"BudgetID": str(budget.budget_id), "Type": budget.type, "Description": budget.description,
            "UpdatedDateUTC": ms_datetime(budget.updated_at), "Tracking": budget.tracking}


def _month(day: date, add: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + add
    return date(index // 12, index % 12 + 1, 1)


def _range(call: ApiCall) -> tuple[date, date]:
    """The first and last months asked for; PostDataInvalid or ValueError when they cannot be."""
    given_from, given_to = api.query(call, "DateFrom"), api.query(call, "DateTo")
    start = _month(parse_date(given_from)) if given_from else _month(timezone.localdate())
    end = _month(parse_date(given_to)) if given_to else _month(start, DEFAULT_MONTHS - 1)
    if end < start:
        raise ValueError("DateTo must not be before DateFrom.")
    if (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
        raise ValueError(f"A budget can be read for at most {MAX_MONTHS} months at a time.")
    return start, end


@accounting_endpoint(**BUDGETS)
def budgets(call: ApiCall) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rows = Budget.objects.filter(organisation=call.organisation)
    ids = api.guids(api.query(call, "IDs"))
    if ids is not None:
        rows = rows.filter(budget_id__in=ids)
    return json_response(envelope("Budgets", [_summary(budget) for budget in rows]))


@accounting_endpoint(**BUDGETS)
def budget(call: ApiCall, budget_id: str) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    guid = api.guid(budget_id)
    found = Budget.objects.filter(organisation=call.organisation, pk=guid).first() if guid else None
    if found is None:
        return not_found()
    try:
        start, end = _range(call)
    except (ValueError, PostDataInvalid) as exc:
        return validation_exception([{"ValidationErrors": [{"Message": str(exc)}]}])
    lines: dict = {}
    for balance in found.balances.filter(period__gte=start, period__lte=end).select_related("account"):
        line = lines.setdefault(balance.account_id, {"AccountID": str(balance.account_id),
                                                     "AccountCode": balance.account.code, "BudgetBalances": []})
        line["BudgetBalances"].append({"Period": f"{balance.period:%Y-%m}", "Amount": balance.amount,
                                       "UnitAmount": balance.amount})
    return json_response(envelope("Budgets", [{**_summary(found), "BudgetLines": list(lines.values())}]))
