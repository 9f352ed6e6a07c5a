"""Xero JSON for an approval request, in the dialect of XERO_FACTS.md."""

from approvalmax.core.money import TaxTreatment
from workflows.models import ApprovalRequest, RequestLine
from workflows.selectors import request_page_url

# Our words for whether amounts include tax, in Xero's.
LINE_AMOUNT_TYPES = {TaxTreatment.EXCLUSIVE: "Exclusive", TaxTreatment.INCLUSIVE: "Inclusive",
                     TaxTreatment.NO_TAX: "NoTax"}


def contact(request: ApprovalRequest, contact_id: str | None = None) -> dict:
    """By ContactID when the supplier is known to Xero (or was just created there); by name otherwise."""
    if contact_id:
        return {"ContactID": contact_id}
    if request.supplier_id and request.supplier.external_id:
        return {"ContactID": request.supplier.external_id}
    return {"Name": request.supplier_name}


def line_item(line: RequestLine) -> dict:
    item = {
        "Description": line.description,
        "Quantity": line.quantity,
        "UnitAmount": line.unit_amount,
        "AccountCode": line.account.code,
    }
    if line.tax_rate_id:
        item["TaxType"] = line.tax_rate.tax_type
    tracking = [{"Name": o.category.name, "Option": o.name} for o in line.tracking.all()]
    if tracking:
        item["Tracking"] = tracking
    return item


def _lines(request: ApprovalRequest) -> list[dict]:
    lines = (request.current_lines().select_related("account", "tax_rate")
             .prefetch_related("tracking__category"))
    return [line_item(line) for line in lines]


def bill(request: ApprovalRequest, contact_id: str | None = None) -> dict:
    payload = {
        "Type": "ACCPAY",
        "Contact": contact(request, contact_id),
        "InvoiceNumber": request.invoice_number,
        "Date": request.date.isoformat(),
        "CurrencyCode": request.currency,
        "LineAmountTypes": LINE_AMOUNT_TYPES[request.tax_treatment],
        "Status": "AUTHORISED",
        "Url": request_page_url(request=request),
        "LineItems": _lines(request),
    }
    if request.due_date:
        payload["DueDate"] = request.due_date.isoformat()
    return payload


def credit_note(request: ApprovalRequest, contact_id: str | None = None) -> dict:
    """A supplier credit note. Xero keeps no Url on credit notes: a lost create is found again by
    its number, supplier and total (services.credit_notes)."""
    return {
        "Type": "ACCPAYCREDIT",
        "Contact": contact(request, contact_id),
        "CreditNoteNumber": request.invoice_number,
        "Date": request.date.isoformat(),
        "CurrencyCode": request.currency,
        "LineAmountTypes": LINE_AMOUNT_TYPES[request.tax_treatment],
        "Status": "AUTHORISED",
        "LineItems": _lines(request),
    }


def allocation(request: ApprovalRequest, invoice_id: str, amount) -> dict:
    return {"Invoice": {"InvoiceID": invoice_id}, "Amount": amount, "Date": request.date.isoformat()}


def payment(request: ApprovalRequest, invoice_id: str) -> dict:
    payload = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"AccountID": request.payment_account.external_id},
        "Date": request.date.isoformat(),
        "Amount": request.total,
        "Reference": request.invoice_number,
    }
    if request.exchange_rate and request.is_foreign:
        payload["CurrencyRate"] = request.exchange_rate  # the rate the bill was approved at
    return payload


def spend_money(request: ApprovalRequest) -> dict:
    return {
        "Type": "SPEND",
        "Contact": contact(request),
        "BankAccount": {"AccountID": request.payment_account.external_id},
        "Date": request.date.isoformat(),
        "Reference": request.invoice_number,
        "CurrencyCode": request.currency,
        "LineAmountTypes": LINE_AMOUNT_TYPES[request.tax_treatment],
        "Status": "AUTHORISED",
        "Url": request_page_url(request=request),
        "LineItems": _lines(request),
    }


def new_contact(name: str) -> dict:
    return {"Name": name}
