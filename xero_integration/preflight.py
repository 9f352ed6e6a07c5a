"""Xero's validations, run against the synced master data before the final approval.

The same cases Xero refuses a bill for (XERO_FACTS.md and the sandbox's validation): an archived
supplier, an archived or unknown account, a tax rate that is archived or not for expenses, an
archived tracking option or category, a date on or before a lock date, and a payment account that
cannot take payments, a currency Xero does not have. Registered with `workflows.checks` in `XeroIntegrationConfig.ready`."""

from approvalmax.core.models import MasterDataStatus
from workflows.models import ApprovalRequest
from xero_integration.models import XeroConnection

ACTIVE = MasterDataStatus.ACTIVE


def _date_problem(request: ApprovalRequest, connection: XeroConnection) -> str | None:
    for label, lock_date in (("end of year lock date", connection.end_of_year_lock_date),
                             ("period lock date", connection.period_lock_date)):
        if lock_date and request.date <= lock_date:
            return (f"The date {request.date:%d %b %Y} is on or before Xero's {label} ({lock_date:%d %b %Y}): "
                    "Xero will refuse it. Change the date, or ask your accountant to move the lock date.")
    return None


def _line_problems(position: int, line) -> list[str]:
    problems = []
    where = f"Line {position}"
    if line.account.status != ACTIVE:
        problems.append(f"{where}: the account {line.account} is archived in Xero. Choose another account.")
    if line.tax_rate_id:
        if line.tax_rate.status != ACTIVE:
            problems.append(f"{where}: the tax rate {line.tax_rate} is archived in Xero. Choose another tax rate.")
        elif not line.tax_rate.can_apply_to_expenses:
            problems.append(f"{where}: the tax rate {line.tax_rate} cannot be used on bills. Choose another tax rate.")
    for option in line.tracking.all():
        if option.category.status != ACTIVE:
            problems.append(f"{where}: the tracking category “{option.category.name}” is archived in Xero.")
        elif option.status != ACTIVE:
            problems.append(f"{where}: the tracking option “{option.name}” of “{option.category.name}” "
                            "is archived in Xero. Choose another option.")
    return problems


def xero_problems_before_approval(request: ApprovalRequest) -> list[str]:
    """What Xero would refuse in this request, in plain words; empty when it would be accepted."""
    connection = XeroConnection.objects.filter(organisation_id=request.organisation_id).first()
    if connection is None:
        return ["This organisation is not connected to Xero: the bill cannot be created there until "
                "an administrator connects it."]
    problems = []
    if connection.status != XeroConnection.Status.CONNECTED:
        problems.append("The Xero connection needs reconnecting by an administrator before the bill can be created.")
    if request.supplier_id and request.supplier.status != ACTIVE:
        problems.append(f"The supplier “{request.supplier.name}” is archived in Xero. "
                        "Restore the contact in Xero or choose another supplier.")
    if connection.currencies and request.currency not in connection.currencies:
        problems.append(f"The currency {request.currency} is not enabled in Xero. Ask your accountant to add it "
                        "in Xero's currency settings.")
    date_problem = _date_problem(request, connection)
    if date_problem:
        problems.append(date_problem)
    lines = (request.current_lines().select_related("account", "tax_rate")
             .prefetch_related("tracking__category").order_by("position"))
    for position, line in enumerate(lines, start=1):
        problems += _line_problems(position, line)
    account = request.payment_account
    if request.is_paid and account is not None:
        if account.status != ACTIVE:
            problems.append(f"The payment account {account} is archived in Xero, so the payment cannot be recorded.")
        elif not account.accepts_payments:
            problems.append(f"The payment account {account} does not accept payments in Xero.")
    return problems
