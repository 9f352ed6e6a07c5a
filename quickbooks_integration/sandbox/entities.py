"""Writes QBO accepts, with the refusals of QBO_FACTS.md: what each entity needs, the references
it may use, and what QBO works out itself (tax, totals, balances)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from quickbooks_integration.sandbox import faults, store
from quickbooks_integration.sandbox.faults import Fault
from quickbooks_integration.sandbox.models import Company, Entity

CENT = Decimal("0.01")
DOC_NUMBER_MAX = 21
PRIVATE_NOTE_MAX = 4000
DISPLAY_NAME_MAX = 500
TAX_CALCULATIONS = {"TaxExcluded", "TaxInclusive", "NotApplicable"}
PAY_TYPES = {"Check": ("CheckPayment", "BankAccountRef", "Bank"),
             "CreditCard": ("CreditCardPayment", "CCAccountRef", "Credit Card")}
PURCHASE_PAYMENT_TYPES = {"Cash": "Bank", "Check": "Bank", "CreditCard": "Credit Card"}


def _money(value, element: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise faults.malformed(f"Invalid amount for {element}: {value!r}") from None
    if not amount.is_finite():
        raise faults.malformed(f"Invalid amount for {element}: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _money_rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise faults.malformed(f"Invalid ExchangeRate: {value!r}") from None
    if not rate.is_finite() or rate <= 0:
        raise faults.business("The exchange rate must be more than zero.")
    return rate


def _ref(data: dict, name: str, *, needed: bool = True) -> str | None:
    ref = data.get(name)
    if ref in (None, "", {}):
        if needed:
            raise faults.required(name)
        return None
    if not isinstance(ref, dict) or not str(ref.get("value", "")).strip():
        raise faults.malformed(f"{name} needs a value")
    return str(ref["value"])


def _referenced(company: Company, kind: str, value: str) -> dict:
    entity = store.get(company, kind, value)
    if entity is None:
        raise faults.invalid_reference(kind, value)
    if not entity.get("Active", True):
        raise faults.inactive(kind)
    return entity


def _text(data: dict, name: str, limit: int) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise faults.malformed(f"{name} must be text")
    if len(value) > limit:
        raise Fault("6000", "A business validation error has occurred while processing your request",
                    f"String length is either shorter or longer than supported by specification. "
                    f"Min:0 Max:{limit} supplied:{len(value)}", element=name)
    return value


def _currency(company: Company, data: dict) -> dict:
    code = _ref(data, "CurrencyRef", needed=False) or company.home_currency
    if code != company.home_currency and code not in company.currencies:
        raise faults.business(f"The currency {code} is not turned on in this company (multicurrency).")
    return {"value": code}


def _lines(company: Company, data: dict, calculation: str) -> tuple[list[dict], Decimal, Decimal]:
    """The lines as QBO stores them, with the total tax and the amounts' sum."""
    lines = data.get("Line")
    if not lines:
        raise faults.required("Line")
    if not isinstance(lines, list):
        raise faults.malformed("Line must be a list")
    stored, tax_total, amount_total = [], Decimal("0.00"), Decimal("0.00")
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict) or line.get("DetailType") != "AccountBasedExpenseLineDetail":
            raise faults.malformed("Only lines with DetailType AccountBasedExpenseLineDetail are supported here")
        detail = line.get("AccountBasedExpenseLineDetail") or {}
        if "Amount" not in line:
            raise faults.required("Line.Amount")
        amount = _money(line["Amount"], "Line.Amount")
        account = _referenced(company, "Account", _ref(detail, "AccountRef"))
        if account["AccountType"] == "Accounts Payable":
            raise faults.business("You can't use Accounts Payable on a bill line.")
        tax_code = None
        if calculation != "NotApplicable" or company.country != "US":
            code = _ref(detail, "TaxCodeRef", needed=False)
            if code is None and company.country != "US":
                raise faults.business("Make sure all your transactions have a VAT rate before you save.")
            tax_code = _referenced(company, "TaxCode", code) if code else None
        class_id = _ref(detail, "ClassRef", needed=False)
        if class_id:
            _referenced(company, "Class", class_id)
        rate = _purchase_rate(company, tax_code) if tax_code and calculation != "NotApplicable" else Decimal(0)
        tax = _tax(amount, rate, calculation)
        tax_total += tax
        amount_total += amount
        stored.append({"Id": str(number), "LineNum": number, "Description": line.get("Description", ""),
                       "Amount": float(amount), "DetailType": "AccountBasedExpenseLineDetail",
                       "AccountBasedExpenseLineDetail": {
                           key: value for key, value in detail.items()
                           if key in {"AccountRef", "TaxCodeRef", "ClassRef", "BillableStatus"}}})
    return stored, tax_total, amount_total


def _purchase_rate(company: Company, tax_code: dict) -> Decimal:
    """A tax code's purchase rate: the sum of the tax rates its purchase list names."""
    details = (tax_code.get("PurchaseTaxRateList") or {}).get("TaxRateDetail") or []
    rates = (store.get(company, "TaxRate", detail["TaxRateRef"]["value"]) for detail in details)
    return sum((Decimal(str(rate.get("RateValue", 0))) for rate in rates if rate), Decimal(0))


def _tax(amount: Decimal, rate_percent: Decimal, calculation: str) -> Decimal:
    rate = rate_percent / 100
    if calculation == "TaxExcluded":
        return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if calculation == "TaxInclusive":
        return (amount - amount / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal("0.00")


def _transaction(company: Company, data: dict) -> dict:
    """What a bill and a purchase share: dates, number, note, currency, tax and lines."""
    calculation = data.get("GlobalTaxCalculation") or "TaxExcluded"
    if calculation not in TAX_CALCULATIONS:
        raise faults.malformed(f"Invalid Enumeration : {calculation} for GlobalTaxCalculation")
    lines, tax, amounts = _lines(company, data, calculation)
    department = _ref(data, "DepartmentRef", needed=False)
    if department:
        _referenced(company, "Department", department)
    total = amounts + tax if calculation == "TaxExcluded" else amounts
    stored = {
        **({"ExchangeRate": float(_money_rate(data["ExchangeRate"]))} if data.get("ExchangeRate") is not None else {}),
        "TxnDate": data.get("TxnDate") or timezone.localdate().isoformat(),
        "DocNumber": _text(data, "DocNumber", DOC_NUMBER_MAX),
        "PrivateNote": _text(data, "PrivateNote", PRIVATE_NOTE_MAX),
        "CurrencyRef": _currency(company, data),
        "GlobalTaxCalculation": calculation,
        "Line": lines,
        "TxnTaxDetail": {"TotalTax": float(tax)},
        "TotalAmt": float(total),
    }
    if department:
        stored["DepartmentRef"] = data["DepartmentRef"]
    return stored


def vendor_create(company: Company, data: dict) -> dict:
    name = _text(data, "DisplayName", DISPLAY_NAME_MAX).strip()
    if not name:
        raise faults.required("DisplayName")
    with transaction.atomic():
        # Names are unique across vendors (and customers and employees) whatever their case.
        Company.objects.select_for_update().filter(pk=company.pk).exists()
        for other in store.of_kind(company, "Vendor"):
            if other["DisplayName"].lower() == name.lower():
                raise Fault("6240", "Duplicate Name Exists Error",
                            f"The name supplied already exists. : Id={other['Id']}", element="DisplayName")
        email = (data.get("PrimaryEmailAddr") or {}).get("Address")
        return store.create(company, "Vendor", {
            "DisplayName": name, "CompanyName": data.get("CompanyName") or name, "PrintOnCheckName": name,
            "Active": True, "Balance": 0, "Vendor1099": False, "CurrencyRef": _currency(company, data),
            **({"PrimaryEmailAddr": {"Address": email}} if email else {}),
        })


def bill_create(company: Company, data: dict) -> dict:
    vendor = _referenced(company, "Vendor", _ref(data, "VendorRef"))
    stored = _transaction(company, data)
    stored["DueDate"] = data.get("DueDate") or stored["TxnDate"]
    return store.create(company, "Bill", {"VendorRef": {"value": vendor["Id"], "name": vendor["DisplayName"]},
                                          "APAccountRef": {"value": "33", "name": "Accounts Payable (Creditors)"},
                                          **stored, "Balance": stored["TotalAmt"]})


def vendor_credit_create(company: Company, data: dict) -> dict:
    """A supplier's credit: its open `Balance` is applied to the vendor's bills by bill payments."""
    vendor = _referenced(company, "Vendor", _ref(data, "VendorRef"))
    stored = _transaction(company, data)
    return store.create(company, "VendorCredit", {"VendorRef": {"value": vendor["Id"], "name": vendor["DisplayName"]},
                                                  "APAccountRef": {"value": "33", "name": "Accounts Payable (Creditors)"},
                                                  **stored, "Balance": stored["TotalAmt"]})


def purchase_create(company: Company, data: dict) -> dict:
    payment_type = data.get("PaymentType")
    if payment_type not in PURCHASE_PAYMENT_TYPES:
        raise faults.malformed(f"Invalid Enumeration : {payment_type} for PaymentType")
    account = _referenced(company, "Account", _ref(data, "AccountRef"))
    if account["AccountType"] != PURCHASE_PAYMENT_TYPES[payment_type]:
        raise faults.business(f"A {payment_type} purchase is paid from a {PURCHASE_PAYMENT_TYPES[payment_type]} "
                              f"account; {account['Name']} is {account['AccountType']}.")
    entity = data.get("EntityRef") or {}
    vendor = _referenced(company, "Vendor", _ref(data, "EntityRef")) if entity else None
    stored = _transaction(company, data)
    return store.create(company, "Purchase", {
        "PaymentType": payment_type, "AccountRef": {"value": account["Id"], "name": account["Name"]},
        **({"EntityRef": {"type": "Vendor", "value": vendor["Id"], "name": vendor["DisplayName"]}} if vendor else {}),
        **stored})


def bill_payment_create(company: Company, data: dict) -> dict:
    vendor = _referenced(company, "Vendor", _ref(data, "VendorRef"))
    pay_type = data.get("PayType")
    if pay_type not in PAY_TYPES:
        raise faults.malformed(f"Invalid Enumeration : {pay_type} for PayType")
    holder, ref_name, account_type = PAY_TYPES[pay_type]
    account = _referenced(company, "Account", _ref(data.get(holder) or {}, ref_name))
    if account["AccountType"] != account_type:
        raise faults.business(f"A {pay_type} payment needs a {account_type} account; {account['Name']} is "
                              f"{account['AccountType']}.")
    if "TotalAmt" not in data:
        raise faults.required("TotalAmt")
    total = _money(data["TotalAmt"], "TotalAmt")
    lines = data.get("Line") or []
    if not lines:
        raise faults.required("Line")
    with transaction.atomic():
        linked_rows = [_linked(company, vendor, line) for line in lines]
        # Bills are paid by the payment's money and by the vendor credits it applies.
        paid = sum((amount for row, amount in linked_rows if row.kind == "Bill"), Decimal("0.00"))
        credited = sum((amount for row, amount in linked_rows if row.kind == "VendorCredit"), Decimal("0.00"))
        if paid - credited != total:
            raise faults.business(f"The bills' lines ({paid}) less the credits applied ({credited}) are "
                                  f"{paid - credited}, not TotalAmt {total}.")
        for row, amount in linked_rows:
            store.save(company, row.kind, {**row.data, "Balance": float(Decimal(str(row.data["Balance"])) - amount)})
        return store.create(company, "BillPayment", {
            "VendorRef": {"value": vendor["Id"], "name": vendor["DisplayName"]}, "PayType": pay_type,
            holder: {ref_name: {"value": account["Id"], "name": account["Name"]}},
            "TotalAmt": float(total), "TxnDate": data.get("TxnDate") or timezone.localdate().isoformat(),
            "CurrencyRef": _currency(company, data),
            "Line": [{"Amount": float(amount), "LinkedTxn": [{"TxnId": row.entity_id, "TxnType": row.kind}]}
                     for row, amount in linked_rows]})


def _linked(company: Company, vendor: dict, line: dict) -> tuple[Entity, Decimal]:
    """A bill payment's line: the vendor's bill it pays, or the vendor's credit it applies, locked."""
    linked = (line.get("LinkedTxn") or [{}])[0]
    kind = linked.get("TxnType")
    if kind not in ("Bill", "VendorCredit"):
        raise faults.malformed("A bill payment's line links a Bill or a VendorCredit")
    row = Entity.objects.select_for_update().filter(company=company, kind=kind,
                                                    entity_id=str(linked.get("TxnId"))).first()
    if row is None:
        raise faults.invalid_reference(kind, linked.get("TxnId"))
    amount = _money(line.get("Amount"), "Line.Amount")
    noun = "bill" if kind == "Bill" else "vendor credit"
    if row.data["VendorRef"]["value"] != vendor["Id"]:
        raise faults.business(f"The {noun} belongs to another vendor.")
    if amount <= 0:
        raise faults.business(f"The amount applied to the {noun} must be more than zero.")
    if amount > Decimal(str(row.data["Balance"])):
        raise faults.business(f"{amount} is more than the {noun}'s open balance {row.data['Balance']}.")
    return row, amount


CREATORS = {"vendor": ("Vendor", vendor_create), "bill": ("Bill", bill_create),
            "billpayment": ("BillPayment", bill_payment_create), "purchase": ("Purchase", purchase_create),
            "vendorcredit": ("VendorCredit", vendor_credit_create)}
