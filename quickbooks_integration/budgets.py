"""QuickBooks Online's budgets in our master data's terms: each active monthly `Budget`'s details
by account, overall or for one class or department (a tracking option here). Details for a
customer, or for a class and a department at once, have no place in per-option budgets."""

from datetime import date
from decimal import Decimal

from approvalmax.core.accounting import BudgetFigure, BudgetsUnavailable
from approvalmax.core.models import Account, TrackingOption
from quickbooks_integration.exceptions import QuickBooksAuthError
from quickbooks_integration.services.connection import accounting_for
from quickbooks_integration.system import KEY as SYSTEM


def _option_key(detail: dict) -> tuple[str, str] | None | bool:
    refs = [(category, (detail.get(field) or {}).get("value")) for field, category in
            (("ClassRef", "class"), ("DepartmentRef", "department")) if (detail.get(field) or {}).get("value")]
    if detail.get("CustomerRef") or len(refs) > 1:
        return False
    return refs[0] if refs else None


def quickbooks_budgets(organisation_id: int) -> list[BudgetFigure]:
    client, _ = accounting_for(organisation_id=organisation_id)
    accounts = dict(Account.objects.filter(organisation_id=organisation_id, external_system=SYSTEM)
                    .values_list("external_id", "pk"))
    options = {(category, external): pk for category, external, pk in TrackingOption.objects.filter(
        category__organisation_id=organisation_id, category__external_system=SYSTEM)
        .values_list("category__external_id", "external_id", "pk")}
    try:
        budgets = client.query_all("Budget")
    except QuickBooksAuthError:
        raise BudgetsUnavailable("QuickBooks Online refused to show the budgets: reconnect it, or upload the "
                                 "budgets as a file.") from None
    figures: dict[tuple, Decimal] = {}
    for budget in budgets:
        if not budget.get("Active", True) or budget.get("BudgetEntryType", "Monthly") != "Monthly":
            continue
        for detail in budget.get("BudgetDetail") or []:
            account_id = accounts.get((detail.get("AccountRef") or {}).get("value"))
            key = _option_key(detail)
            if account_id is None or key is False or not detail.get("BudgetDate"):
                continue
            option_id = options.get(key) if key else None
            if key and option_id is None:
                continue
            day = date.fromisoformat(detail["BudgetDate"][:10]).replace(day=1)
            amount = Decimal(str(detail.get("Amount") or 0)).quantize(Decimal("0.01"))
            figures[(account_id, option_id, day)] = figures.get((account_id, option_id, day), Decimal(0)) + amount
    return [BudgetFigure(account, option, month, amount) for (account, option, month), amount in figures.items()]
