"""QuickBooks Online's rules, run against the synced master data before the final approval: what
QBO would refuse (QBO_FACTS.md and the stand-in's validation), in plain words."""

from approvalmax.core.models import MasterDataStatus
from quickbooks_integration import payloads
from quickbooks_integration.models import QuickBooksConnection
from workflows.models import ApprovalRequest

ACTIVE = MasterDataStatus.ACTIVE
NOT_ON_LINES = {"BANK", "CREDITCARD", "CURRLIAB"}


def _line_problems(position: int, line, *, needs_tax_code: bool) -> list[str]:
    where = f"Line {position}"
    problems = []
    if line.account.status != ACTIVE:
        problems.append(f"{where}: the account {line.account} is inactive in QuickBooks Online. Choose another.")
    elif line.account.type in NOT_ON_LINES:
        problems.append(f"{where}: {line.account} is a bank, card or payables account; a bill line needs an "
                        "expense account.")
    if line.tax_rate_id is None and needs_tax_code:
        problems.append(f"{where}: QuickBooks Online needs a VAT code on every line of this company's bills.")
    elif line.tax_rate_id and line.tax_rate.status != ACTIVE:
        problems.append(f"{where}: the VAT code {line.tax_rate} is inactive in QuickBooks Online.")
    for option in line.tracking.all():
        if option.status != ACTIVE or option.category.status != ACTIVE:
            problems.append(f"{where}: the {option.category.name.lower()} “{option.name}” is inactive in "
                            "QuickBooks Online.")
    return problems


def quickbooks_problems_before_approval(request: ApprovalRequest) -> list[str]:
    connection = QuickBooksConnection.objects.filter(organisation_id=request.organisation_id).first()
    if connection is None:
        return ["This organisation is not connected to QuickBooks Online."]
    problems = []
    if connection.status != QuickBooksConnection.Status.CONNECTED:
        problems.append("The QuickBooks Online connection needs reconnecting by an administrator before the bill "
                        "can be created.")
    if request.supplier_id and request.supplier.status != ACTIVE:
        problems.append(f"The vendor “{request.supplier.name}” is inactive in QuickBooks Online. Make it active "
                        "there or choose another supplier.")
    if connection.currencies and request.currency not in connection.currencies:
        problems.append(f"The currency {request.currency} is not turned on in QuickBooks Online (multicurrency).")
    if len(request.invoice_number) > payloads.DOC_NUMBER_MAX:
        problems.append(f"The bill number “{request.invoice_number}” is longer than the {payloads.DOC_NUMBER_MAX} "
                        "characters QuickBooks Online takes. Shorten it.")
    if len(payloads.departments(request)) > 1:
        problems.append("QuickBooks Online takes one department per bill, and the lines name several. "
                        "Give every line the same department.")
    lines = (request.current_lines().select_related("account", "tax_rate")
             .prefetch_related("tracking__category").order_by("position"))
    for position, line in enumerate(lines, start=1):
        problems += _line_problems(position, line, needs_tax_code=connection.country not in ("", "US"))
    account = request.payment_account
    if request.is_paid and account is not None and account.status != ACTIVE:
        problems.append(f"The payment account {account} is inactive in QuickBooks Online, so the payment cannot "
                        "be recorded.")
    return problems
