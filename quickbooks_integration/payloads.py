"""QBO JSON for an approval request, in the dialect of QBO_FACTS.md. Our words become QBO's here:
tax treatment → `GlobalTaxCalculation`, the "Class" tracking option → `ClassRef` per line, the
"Department" option → the bill's `DepartmentRef`."""

from decimal import Decimal

from approvalmax.core.money import TaxTreatment
from workflows.models import ApprovalRequest
from workflows.selectors import request_page_url

GLOBAL_TAX_CALCULATION = {TaxTreatment.EXCLUSIVE: "TaxExcluded", TaxTreatment.INCLUSIVE: "TaxInclusive",
                          TaxTreatment.NO_TAX: "NotApplicable"}
CLASS, DEPARTMENT = "class", "department"  # the tracking categories' external ids (services/sync.py)
DOC_NUMBER_MAX = 21


def marker(request: ApprovalRequest) -> str:
    """In `PrivateNote`: how an unanswered create is recognised when it is looked for later."""
    return f"ApprovalMax {request.public_id} r{request.revision}: {request_page_url(request=request)}"


def _options(line, category: str) -> list:
    return [option for option in line.tracking.all() if option.category.external_id == category]


def departments(request: ApprovalRequest) -> set[str]:
    return {option.external_id for line in request.current_lines().prefetch_related("tracking__category")
            for option in _options(line, DEPARTMENT)}


def _lines(request: ApprovalRequest) -> list[dict]:
    lines = []
    for line in request.current_lines().select_related("account", "tax_rate").prefetch_related(
            "tracking__category").order_by("position"):
        detail = {"AccountRef": {"value": line.account.external_id}}
        if line.tax_rate_id:
            detail["TaxCodeRef"] = {"value": line.tax_rate.tax_type}
        classes = _options(line, CLASS)
        if classes:
            detail["ClassRef"] = {"value": classes[0].external_id}
        lines.append({"Description": line.description[:4000], "Amount": line.line_amount,
                      "DetailType": "AccountBasedExpenseLineDetail", "AccountBasedExpenseLineDetail": detail})
    return lines


def _transaction(request: ApprovalRequest) -> dict:
    payload = {"TxnDate": request.date.isoformat(), "CurrencyRef": {"value": request.currency},
               "GlobalTaxCalculation": GLOBAL_TAX_CALCULATION[request.tax_treatment],
               "PrivateNote": marker(request), "Line": _lines(request)}
    if request.invoice_number:
        payload["DocNumber"] = request.invoice_number
    if request.exchange_rate and request.is_foreign:
        # QBO's ExchangeRate is home currency per unit of the bill's; ours is the other way round.
        payload["ExchangeRate"] = (Decimal(1) / request.exchange_rate).quantize(Decimal("0.000001"))
    [department, *others] = sorted(departments(request)) or [None]
    if department and not others:
        payload["DepartmentRef"] = {"value": department}
    return payload


def bill(request: ApprovalRequest, vendor_id: str) -> dict:
    payload = {"VendorRef": {"value": vendor_id}, **_transaction(request)}
    if request.due_date:
        payload["DueDate"] = request.due_date.isoformat()
    return payload


def vendor_credit(request: ApprovalRequest, vendor_id: str) -> dict:
    return {"VendorRef": {"value": vendor_id}, **_transaction(request)}


def credit_application(request: ApprovalRequest, vendor_id: str, bill_id: str, credit_id: str, amount,
                       bank_account_id: str) -> dict:
    """A bill payment of nothing that applies `amount` of the vendor credit to the bill: QBO's way
    of allocating a credit. It still names a bank account, as every cheque payment does."""
    return {"VendorRef": {"value": vendor_id}, "PayType": "Check", "TotalAmt": 0,
            "TxnDate": request.date.isoformat(), "CurrencyRef": {"value": request.currency},
            "CheckPayment": {"BankAccountRef": {"value": bank_account_id}}, "PrivateNote": marker(request),
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": bill_id, "TxnType": "Bill"}]},
                     {"Amount": amount, "LinkedTxn": [{"TxnId": credit_id, "TxnType": "VendorCredit"}]}]}


def vendor(name: str) -> dict:
    return {"DisplayName": name[:500]}


def payment_type(request: ApprovalRequest) -> str:
    """A card account pays by credit card; any other account that takes payments, by cheque."""
    return "CreditCard" if request.payment_account.type == "CREDITCARD" else "Check"


def bill_payment(request: ApprovalRequest, vendor_id: str, bill_id: str) -> dict:
    account = {"value": request.payment_account.external_id}
    pay_type = payment_type(request)
    paid_from = ({"CreditCardPayment": {"CCAccountRef": account}} if pay_type == "CreditCard"
                 else {"CheckPayment": {"BankAccountRef": account}})
    return {"VendorRef": {"value": vendor_id}, "PayType": pay_type, "TotalAmt": request.total,
            "TxnDate": request.date.isoformat(), "CurrencyRef": {"value": request.currency}, **paid_from,
            "PrivateNote": marker(request),
            "Line": [{"Amount": request.total, "LinkedTxn": [{"TxnId": bill_id, "TxnType": "Bill"}]}]}


def purchase(request: ApprovalRequest, vendor_id: str | None) -> dict:
    payload = {"PaymentType": "CreditCard" if request.payment_account.type == "CREDITCARD" else "Cash",
               "AccountRef": {"value": request.payment_account.external_id}, **_transaction(request)}
    if vendor_id:
        payload["EntityRef"] = {"type": "Vendor", "value": vendor_id}
    return payload
