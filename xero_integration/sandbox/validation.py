"""Xero's business rules for documents, with its messages. Reads only; `ledger` writes."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from xero_integration.sandbox.amounts import LINE_AMOUNT_TYPES, document_totals
from xero_integration.sandbox.clean import (
    Chart,
    CleanBankTransaction,
    CleanInvoice,
    CleanPayment,
    ContactChoice,
)
from xero_integration.sandbox.line_validation import invoice_lines
from xero_integration.sandbox.models import Account, Contact, Organisation
from xero_integration.sandbox.validation_errors import Errors

CREATABLE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
# Where an existing invoice may go when it is posted again.
NEXT_STATUSES = {
    "DRAFT": ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"),
    "SUBMITTED": ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"),
    "AUTHORISED": ("AUTHORISED", "VOIDED"),
}


def validate_invoice(data: dict, chart: Chart, *, unit_dp: int, current_status: str | None = None,
                     types: tuple[str, ...] = ("ACCPAY", "ACCREC")) -> CleanInvoice:
    """An invoice, or with the credit note types a credit note (its number in `InvoiceNumber`)."""
    errors = Errors()
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
    lines = invoice_lines(
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
    errors = Errors()
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
    lines = invoice_lines(
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
    errors = Errors()
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
    errors = Errors()
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


def _contact(ref: dict | None, chart: Chart, errors: Errors) -> ContactChoice:
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


def _check_lock_dates(document_date: date, organisation: Organisation, errors: Errors) -> None:
    if organisation.end_of_year_lock_date and document_date <= organisation.end_of_year_lock_date:
        errors.add(
            "The document date cannot be before the end of year lock date, "
            f"{organisation.end_of_year_lock_date:%d %b %Y}."
        )
    elif organisation.period_lock_date and document_date <= organisation.period_lock_date:
        errors.add(
            f"The document date cannot be before the period lock date, {organisation.period_lock_date:%d %b %Y}."
        )


def _line_amount_types(data: dict, errors: Errors) -> str:
    value = data.get("LineAmountTypes") or "Exclusive"
    if value not in LINE_AMOUNT_TYPES:
        errors.add(f"'{value}' is not a valid value for LineAmountTypes. Use Exclusive, Inclusive or NoTax.")
    return value


def _currency(data: dict, chart: Chart, errors: Errors) -> str:
    code = data.get("CurrencyCode") or chart.organisation.base_currency
    if code not in chart.currencies:
        errors.add(f"Organisation is not subscribed to currency {code}")
    return code


def _url(data: dict, errors: Errors) -> str:
    url = data.get("Url") or ""
    errors.check_lengths(data, "Url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            errors.add("The Url field is not a valid fully-qualified http or https URL.")
    return url


def _bank_account(ref: dict, chart: Chart, errors: Errors, *, purpose: str) -> Account | None:
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
