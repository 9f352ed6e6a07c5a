"""Xero's business rules for documents, with its messages. Reads only; `ledger` writes."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from xero_integration.sandbox.amounts import (
    LINE_AMOUNT_TYPES,
    document_totals,
    line_amount,
    line_tax,
)
from xero_integration.sandbox.clean import (
    Chart,
    CleanBankTransaction,
    CleanInvoice,
    CleanLine,
    CleanPayment,
    ContactChoice,
    ValidationFailed,
)
from xero_integration.sandbox.models import Account, Contact, Organisation, TaxRate, TrackingCategory

MAX_TRACKING_PER_LINE = 2
# Xero's field lengths; the sandbox's columns are sized to match.
MAX_LENGTHS = {
    "Name": 255,
    "FirstName": 255,
    "LastName": 255,
    "EmailAddress": 255,
    "AccountNumber": 50,
    "TaxNumber": 50,
    "InvoiceNumber": 255,
    "Reference": 255,
    "Url": 2000,
    "Description": 4000,
}
# Larger line totals would not fit the ledger's columns once summed.
MAX_LINE_AMOUNT = Decimal(10) ** 12
CREATABLE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
# Where an existing invoice may go when it is posted again.
NEXT_STATUSES = {
    "DRAFT": ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"),
    "SUBMITTED": ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"),
    "AUTHORISED": ("AUTHORISED", "VOIDED"),
}


@dataclass
class _Errors:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def check_lengths(self, data: dict, *fields: str) -> None:
        for name in fields:
            if len(data.get(name) or "") > MAX_LENGTHS[name]:
                self.add(f"{name} must be no longer than {MAX_LENGTHS[name]} characters.")

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationFailed(self.messages)


def validate_invoice(data: dict, chart: Chart, *, unit_dp: int, current_status: str | None = None,
                     types: tuple[str, ...] = ("ACCPAY", "ACCREC")) -> CleanInvoice:
    """An invoice, or with the credit note types a credit note (its number in `InvoiceNumber`)."""
    errors = _Errors()
    invoice_type = data.get("Type")
    noun = "Credit Note" if "ACCPAYCREDIT" in types else "Invoice"
    if not invoice_type:
        errors.add(f"{noun} Type must be specified")
    elif invoice_type not in types:
        errors.add(f"{noun} Type '{invoice_type}' is not valid; use {' or '.join(types)}.")
    status = data.get("Status") or "DRAFT"
    if current_status is None and status not in CREATABLE_STATUSES:
        errors.add("Invoice not of valid status for creation")
    elif current_status is not None and status not in NEXT_STATUSES.get(current_status, ()):
        errors.add("Invoice not of valid status for modification")
    contact = _contact(data.get("Contact"), chart, errors)
    document_date = data.get("Date") or timezone.localdate()
    _check_lock_dates(document_date, chart.organisation, errors)
    line_amount_types = _line_amount_types(data, errors)
    currency_code = _currency(data, chart, errors)
    url = _url(data, errors)
    errors.check_lengths(data, "InvoiceNumber", "Reference")
    if data.get("CurrencyRate") is not None and data["CurrencyRate"] <= 0:
        errors.add("The CurrencyRate must be greater than zero.")
    lines = _lines(
        data.get("LineItems") or [],
        chart,
        line_amount_types,
        unit_dp=unit_dp,
        accounts_required=status in ("SUBMITTED", "AUTHORISED"),
        errors=errors,
    )
    if not lines and status not in ("DRAFT", "DELETED", "VOIDED"):
        errors.add("At least one line item must be specified")
    errors.raise_if_any()
    return CleanInvoice(
        type=invoice_type,
        contact=contact,
        date=document_date,
        due_date=data.get("DueDate"),
        status=status,
        line_amount_types=line_amount_types,
        currency_code=currency_code,
        currency_rate=data.get("CurrencyRate") or (
            chart.day_rates.get(currency_code, Decimal(1)) if currency_code != chart.organisation.base_currency
            else Decimal(1)),
        invoice_number=data.get("InvoiceNumber") or "",
        reference=data.get("Reference") or "",
        url=url,
        lines=lines,
        totals=document_totals([(line.line_amount, line.tax_amount) for line in lines], line_amount_types),
    )


def validate_bank_transaction(data: dict, chart: Chart, *, unit_dp: int) -> CleanBankTransaction:
    errors = _Errors()
    transaction_type = data.get("Type")
    if transaction_type not in ("SPEND", "RECEIVE"):
        errors.add("The Type field must be SPEND or RECEIVE for a bank transaction.")
    status = data.get("Status") or "AUTHORISED"
    if status != "AUTHORISED":
        errors.add("Bank transaction not of valid status for creation")
    contact = _contact(data.get("Contact"), chart, errors)
    bank_account = _bank_account(data.get("BankAccount") or {}, chart, errors, purpose="bank transaction")
    document_date = data.get("Date") or timezone.localdate()
    _check_lock_dates(document_date, chart.organisation, errors)
    line_amount_types = _line_amount_types(data, errors)
    currency_code = _currency(data, chart, errors)
    url = _url(data, errors)
    errors.check_lengths(data, "Reference")
    lines = _lines(
        data.get("LineItems") or [], chart, line_amount_types, unit_dp=unit_dp, accounts_required=True, errors=errors
    )
    if not lines:
        errors.add("At least one line item must be specified")
    errors.raise_if_any()
    return CleanBankTransaction(
        type=transaction_type,
        contact=contact,
        bank_account=bank_account,
        date=document_date,
        status=status,
        line_amount_types=line_amount_types,
        currency_code=currency_code,
        reference=data.get("Reference") or "",
        url=url,
        lines=lines,
        totals=document_totals([(line.line_amount, line.tax_amount) for line in lines], line_amount_types),
    )


def validate_payment(data: dict, chart: Chart) -> CleanPayment:
    """The rules that do not depend on the invoice's state; those are checked under its row lock."""
    errors = _Errors()
    invoice = data.get("Invoice") or {}
    if not invoice.get("InvoiceID") and not invoice.get("InvoiceNumber"):
        errors.add("You must specify either an Invoice ID or Invoice Number")
    account = _bank_account(data.get("Account") or {}, chart, errors, purpose="payment")
    amount = data.get("Amount")
    if amount is None or amount <= 0:
        errors.add("Payment amount must be greater than zero")
    payment_date = data.get("Date") or timezone.localdate()
    _check_lock_dates(payment_date, chart.organisation, errors)
    errors.check_lengths(data, "Reference")
    errors.raise_if_any()
    return CleanPayment(
        invoice_id=invoice.get("InvoiceID"),
        invoice_number=invoice.get("InvoiceNumber") or "",
        account=account,
        date=payment_date,
        amount=amount,
        reference=data.get("Reference") or "",
        currency_rate=data.get("CurrencyRate") if (data.get("CurrencyRate") or 0) > 0 else None,
    )


def validate_contact(data: dict, organisation: Organisation, *, existing: Contact | None = None) -> None:
    """A new contact needs a name; every active contact's name is unique."""
    errors = _Errors()
    errors.check_lengths(data, "Name", "FirstName", "LastName", "EmailAddress", "AccountNumber", "TaxNumber")
    status = data.get("ContactStatus") or (existing.status if existing else Contact.Status.ACTIVE)
    if status not in Contact.Status.values:
        errors.add(f"'{status}' is not a valid ContactStatus.")
    name = data.get("Name", existing.name if existing else "")
    if not (name or "").strip():
        errors.add("The contact name must be specified.")
    elif status == Contact.Status.ACTIVE:
        clash = organisation.contacts.filter(name=name, status=Contact.Status.ACTIVE)
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        if clash.exists():
            errors.add(
                f"The contact name {name} is already assigned to another contact. "
                "The contact name must be unique across all active contacts."
            )
    errors.raise_if_any()


def _contact(ref: dict | None, chart: Chart, errors: _Errors) -> ContactChoice:
    ref = ref or {}
    contacts = chart.organisation.contacts
    if ref.get("ContactID"):
        contact = contacts.filter(contact_id=ref["ContactID"]).first()
        if contact is None:
            errors.add(f"The contact with ContactID '{ref['ContactID']}' could not be found.")
        elif contact.status != Contact.Status.ACTIVE:
            errors.add(f"The contact '{contact.name}' has been archived and cannot be used.")
        return ContactChoice(existing=contact)
    name = ref.get("Name") or ""
    if not name.strip():
        errors.add("A Contact must be specified for this type of transaction")
        return ContactChoice()
    errors.check_lengths(ref, "Name")
    existing = contacts.filter(name=name, status=Contact.Status.ACTIVE).first()
    return ContactChoice(existing=existing) if existing else ContactChoice(new_name=name)


def _check_lock_dates(document_date: date, organisation: Organisation, errors: _Errors) -> None:
    if organisation.end_of_year_lock_date and document_date <= organisation.end_of_year_lock_date:
        errors.add(
            "The document date cannot be before the end of year lock date, "
            f"{organisation.end_of_year_lock_date:%d %b %Y}."
        )
    elif organisation.period_lock_date and document_date <= organisation.period_lock_date:
        errors.add(
            f"The document date cannot be before the period lock date, {organisation.period_lock_date:%d %b %Y}."
        )


def _line_amount_types(data: dict, errors: _Errors) -> str:
    value = data.get("LineAmountTypes") or "Exclusive"
    if value not in LINE_AMOUNT_TYPES:
        errors.add(f"'{value}' is not a valid value for LineAmountTypes. Use Exclusive, Inclusive or NoTax.")
    return value


def _currency(data: dict, chart: Chart, errors: _Errors) -> str:
    code = data.get("CurrencyCode") or chart.organisation.base_currency
    if code not in chart.currencies:
        errors.add(f"Organisation is not subscribed to currency {code}")
    return code


def _url(data: dict, errors: _Errors) -> str:
    url = data.get("Url") or ""
    errors.check_lengths(data, "Url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            errors.add("The Url field is not a valid fully-qualified http or https URL.")
    return url


def _bank_account(ref: dict, chart: Chart, errors: _Errors, *, purpose: str) -> Account | None:
    if ref.get("AccountID"):
        account = chart.accounts_by_id.get(ref["AccountID"])
    elif ref.get("Code"):
        account = chart.accounts_by_code.get(ref["Code"])
    else:
        errors.add(f"An Account must be specified for this {purpose}")
        return None
    if account is None or account.status != Account.Status.ACTIVE:
        errors.add("Account could not be found")
        return None
    payable = account.type == "BANK" or (purpose == "payment" and account.enable_payments_to_account)
    if not payable:
        errors.add(f"Account type is invalid for making a {purpose} to/from")
        return None
    return account


def _lines(
    raw_lines: list[dict],
    chart: Chart,
    line_amount_types: str,
    *,
    unit_dp: int,
    accounts_required: bool,
    errors: _Errors,
) -> list[CleanLine]:
    return [
        _line(raw, chart, line_amount_types, unit_dp=unit_dp, accounts_required=accounts_required, errors=errors)
        for raw in raw_lines
        if raw is not None
    ]


def _line(
    raw: dict, chart: Chart, line_amount_types: str, *, unit_dp: int, accounts_required: bool, errors: _Errors
) -> CleanLine:
    description = raw.get("Description") or ""
    if not description.strip():
        errors.add("The description field is mandatory for each line item.")
    errors.check_lengths(raw, "Description")
    quantity = raw.get("Quantity")
    quantity = Decimal(1) if quantity is None else quantity.quantize(Decimal("0.0001"))
    unit_amount = raw.get("UnitAmount")
    given_line_amount = raw.get("LineAmount")
    if unit_amount is None:
        unit_amount = given_line_amount / quantity if given_line_amount is not None and quantity else Decimal(0)
    unit_amount = unit_amount.quantize(Decimal(1).scaleb(-unit_dp))
    amount = line_amount(quantity, unit_amount)
    if abs(amount) >= MAX_LINE_AMOUNT:
        errors.add("The line total is too large.")
    if given_line_amount is not None and given_line_amount != amount:
        errors.add(f"The line total {given_line_amount} does not match the expected line total {amount}")

    account = _line_account(raw, chart, accounts_required, errors)
    tax_type = raw.get("TaxType") or (account.tax_type if account else "") or "NONE"
    rate = chart.tax_rates.get(tax_type)
    if rate is None or rate.status != TaxRate.Status.ACTIVE:
        errors.add(f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction.")
        rate_percent = Decimal(0)
    else:
        rate_percent = rate.rate
        if account is not None and not rate.applies_to(account.account_class):
            errors.add(f"The TaxType code '{tax_type}' cannot be used with account code '{account.code}'.")
    return CleanLine(
        description=description,
        quantity=quantity,
        unit_amount=unit_amount,
        account=account,
        tax_type=tax_type,
        line_amount=amount,
        tax_amount=line_tax(amount, rate_percent, line_amount_types),
        tracking=_tracking(raw.get("Tracking") or [], chart, errors),
    )


def _line_account(raw: dict, chart: Chart, required: bool, errors: _Errors) -> Account | None:
    code = raw.get("AccountCode")
    if raw.get("AccountID"):
        account = chart.accounts_by_id.get(raw["AccountID"])
        code = account.code if account else str(raw["AccountID"])
    elif code:
        account = chart.accounts_by_code.get(code)
    else:
        if required:
            errors.add("An account code must be specified for each line item.")
        return None
    # Bank accounts take payments; they are not a valid code for a document's lines.
    if account is None or account.type == "BANK":
        errors.add(f"Account code '{code}' is not a valid code for this document.")
        return None
    if account.status != Account.Status.ACTIVE:
        errors.add(
            f"Account code '{code}' has been archived, or has been deleted. "
            "Each line item must reference a valid account."
        )
        return None
    return account


def _tracking(raw_tracking: list[dict], chart: Chart, errors: _Errors) -> list[dict]:
    entries = [entry for entry in raw_tracking if entry]
    if len(entries) > MAX_TRACKING_PER_LINE:
        errors.add("A line item can have at most 2 tracking categories.")
        return []
    active = [category for category in chart.categories if category.status == TrackingCategory.Status.ACTIVE]
    chosen = []
    for entry in entries:
        category = next(
            (
                c
                for c in active
                if (entry.get("TrackingCategoryID") and c.tracking_category_id == entry["TrackingCategoryID"])
                or (not entry.get("TrackingCategoryID") and c.name == entry.get("Name"))
            ),
            None,
        )
        if category is None:
            errors.add(f"The TrackingCategory '{entry.get('Name') or entry.get('TrackingCategoryID')}' is not valid")
            continue
        option = next(
            (
                o
                for o in category.options.all()
                if o.status == TrackingCategory.Status.ACTIVE
                and (
                    (entry.get("TrackingOptionID") and o.tracking_option_id == entry["TrackingOptionID"])
                    or (not entry.get("TrackingOptionID") and o.name == entry.get("Option"))
                )
            ),
            None,
        )
        if option is None:
            errors.add(
                f"The TrackingOption '{entry.get('Option') or entry.get('TrackingOptionID') or ''}' "
                f"is not valid for TrackingCategory '{category.name}'"
            )
            continue
        if any(item["TrackingCategoryID"] == str(category.tracking_category_id) for item in chosen):
            errors.add(f"The TrackingCategory '{category.name}' can only be used once per line item.")
            continue
        chosen.append(
            {
                "Name": category.name,
                "Option": option.name,
                "TrackingCategoryID": str(category.tracking_category_id),
                "TrackingOptionID": str(option.tracking_option_id),
            }
        )
    return chosen
