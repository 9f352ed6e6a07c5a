"""Xero's budgets in our master data's terms (XERO_FACTS.md, "Budgets"): the overall budget by
account, and each tracking budget by account and its one tracking option, monthly from a year ago
to eleven months ahead (the 24 months one call may read)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from approvalmax.core.accounting import BudgetFigure, BudgetsUnavailable
from approvalmax.core.models import Account, TrackingOption
from xero_integration.exceptions import XeroAuthError
from xero_integration.services.connection import accounting_for
from xero_integration.system import KEY as SYSTEM

MONTHS_BACK, MONTHS_AHEAD = 12, 11
RECONNECT = ("Xero refused to show the budgets: the connection was made without permission to read them. "
             "Reconnect Xero to allow it, or upload the budgets as a file.")


def _month(day: date, add: int) -> date:
    index = day.year * 12 + day.month - 1 + add
    return date(index // 12, index % 12 + 1, 1)


def _amount(balance: dict) -> Decimal:
    # The official spec names the figure ambiguously: read both, prefer Amount.
    value = balance.get("Amount") if balance.get("Amount") is not None else balance.get("UnitAmount")
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _option_id(budget: dict, options: dict) -> int | None | bool:
    """None for an overall budget; the option of a one-option tracking budget; False to skip it."""
    if budget.get("Type") != "TRACKING":
        return None
    tracking = budget.get("Tracking") or []
    if len(tracking) != 1:
        return False  # a budget for a combination of options has no place in per-option budgets
    entry = tracking[0]
    return options.get((entry.get("TrackingCategoryID"), entry.get("Option"))) or False


def xero_budgets(organisation_id: int) -> list[BudgetFigure]:
    client, _ = accounting_for(organisation_id=organisation_id)
    start = _month(timezone.localdate(), -MONTHS_BACK)
    end = _month(timezone.localdate(), MONTHS_AHEAD)
    accounts = dict(Account.objects.filter(organisation_id=organisation_id, external_system=SYSTEM)
                    .values_list("external_id", "pk"))
    options = {(category, name): pk for category, name, pk in TrackingOption.objects.filter(
        category__organisation_id=organisation_id, category__external_system=SYSTEM)
        .values_list("category__external_id", "name", "pk")}
    figures: dict[tuple, Decimal] = {}
    try:
        listed = client.budgets()
        for summary in listed:
            option_id = _option_id(summary, options)
            if option_id is False:
                continue
            budget = client.budget_with_lines(summary["BudgetID"], date_from=start, date_to=end)
            for line in budget.get("BudgetLines") or []:
                account_id = accounts.get(line.get("AccountID"))
                for balance in line.get("BudgetBalances") or [] if account_id else []:
                    year, month = (int(part) for part in balance["Period"][:7].split("-"))
                    key = (account_id, option_id, date(year, month, 1))
                    figures[key] = figures.get(key, Decimal(0)) + _amount(balance)
    except XeroAuthError:
        raise BudgetsUnavailable(RECONNECT) from None
    return [BudgetFigure(account, option, month, amount) for (account, option, month), amount in figures.items()]
