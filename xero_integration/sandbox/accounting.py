"""The Accounting API endpoints (`/api.xro/2.0/…`). Each view reads its input and answers as Xero does."""

import mimetypes
import uuid

from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotAllowed

from xero_integration.sandbox import api_parts as api
from xero_integration.sandbox import ledger, payloads, representations, selectors
from xero_integration.sandbox.gateway import ATTACHMENT_MAX_BYTES, ApiCall, accounting_endpoint
from xero_integration.sandbox.models import CREDIT_NOTE_TYPES, Contact, Invoice
from xero_integration.sandbox.clean import ValidationFailed, load_chart
from xero_integration.sandbox.validation import (
    validate_bank_transaction,
    validate_contact,
    validate_invoice,
    validate_payment,
)
from xero_integration.sandbox.xero_json import (
    envelope,
    json_response,
    not_found,
    parse_body,
    validation_exception,
)

SETTINGS = {"read_scopes": ("accounting.settings.read",), "write_scopes": ("accounting.settings",)}
CONTACTS = {"read_scopes": ("accounting.contacts.read",), "write_scopes": ("accounting.contacts",)}
INVOICES = {
    "read_scopes": ("accounting.transactions.read", "accounting.invoices.read"),
    "write_scopes": ("accounting.transactions", "accounting.invoices"),
}
PAYMENTS = {
    "read_scopes": ("accounting.transactions.read", "accounting.payments.read"),
    "write_scopes": ("accounting.transactions", "accounting.payments"),
}
BANK_TRANSACTIONS = {
    "read_scopes": ("accounting.transactions.read", "accounting.banktransactions.read"),
    "write_scopes": ("accounting.transactions", "accounting.banktransactions"),
}
ATTACHMENTS = {
    "read_scopes": ("accounting.attachments.read",),
    "write_scopes": ("accounting.attachments",),
    "max_body": ATTACHMENT_MAX_BYTES,
}
MAX_FILE_NAME = 255


@accounting_endpoint(**SETTINGS)
def organisation(call: ApiCall) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return json_response(envelope("Organisations", [representations.organisation_json(call.organisation)]))


@accounting_endpoint(**SETTINGS)
def accounts(call: ApiCall) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rows = api.modified(call, call.organisation.accounts.all())
    base_currency = call.organisation.base_currency
    return json_response(
        envelope("Accounts", [representations.account_json(account, base_currency=base_currency) for account in rows])
    )


@accounting_endpoint(**SETTINGS)
def tax_rates(call: ApiCall) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rows = api.modified(call, call.organisation.tax_rates.all())
    return json_response(envelope("TaxRates", [representations.tax_rate_json(rate) for rate in rows]))


@accounting_endpoint(**SETTINGS)
def tracking_categories(call: ApiCall) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    include_archived = api.flag(call, "includeArchived")
    categories = call.organisation.tracking_categories.prefetch_related("options")
    if not include_archived:
        categories = categories.filter(status="ACTIVE")
    since = api.if_modified_since(call)
    if since:
        # A category counts as changed when one of its options changed.
        categories = categories.filter(Q(updated_at__gt=since) | Q(options__updated_at__gt=since)).distinct()
    return json_response(
        envelope(
            "TrackingCategories",
            [
                representations.tracking_category_json(
                    category,
                    [option for option in category.options.all() if include_archived or option.status == "ACTIVE"],
                )
                for category in categories
            ],
        )
    )


@accounting_endpoint(**SETTINGS)
def currencies(call: ApiCall) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rows = api.modified(call, call.organisation.currencies.all())
    return json_response(envelope("Currencies", [representations.currency_json(currency) for currency in rows]))


@accounting_endpoint(**CONTACTS)
def contacts(call: ApiCall) -> HttpResponse:
    if call.request.method in ("PUT", "POST"):
        return _contacts_save(call)
    rows = api.modified(call, call.organisation.contacts.all())
    if not api.flag(call, "includeArchived"):
        rows = rows.filter(status=Contact.Status.ACTIVE)
    ids = api.guids(api.query(call, "IDs"))
    if ids is not None:
        rows = rows.filter(contact_id__in=ids)
    return api.listing(call, "Contacts", rows, representations.contact_json)


@accounting_endpoint(**CONTACTS)
def contact(call: ApiCall, contact_id: str) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    found = call.organisation.contacts.filter(contact_id=api.guid(contact_id)).first() if api.guid(contact_id) else None
    if found is None:
        return not_found()
    return json_response(envelope("Contacts", [representations.contact_json(found)]))


@accounting_endpoint(**INVOICES)
def invoices(call: ApiCall) -> HttpResponse:
    if call.request.method in ("PUT", "POST"):
        return _invoices_save(call)
    rows = api.modified(call, selectors.invoices_for_api(call.organisation))
    for parameter, field in (("IDs", "invoice_id__in"), ("ContactIDs", "contact_id__in")):
        ids = api.guids(api.query(call, parameter))
        if ids is not None:
            rows = rows.filter(**{field: ids})
    for parameter, field in (("InvoiceNumbers", "invoice_number__in"), ("Statuses", "status__in")):
        values = api.query(call, parameter)
        if values:
            rows = rows.filter(**{field: [value.strip() for value in values.split(",")]})
    try:
        rows = api.where(call, rows, {"Type": "type", "CurrencyCode": "currency_code", "Status": "status"})
    except api.UnsupportedFilter as exc:
        return validation_exception([{"ValidationErrors": [{"Message": str(exc)}]}])
    rows = api.ordered(call, rows, {"Date": "date", "UpdatedDateUTC": "updated_at"})
    # As in Xero: a list without paging is summarised, line items come with pages.
    with_lines = api.query(call, "page") is not None
    return api.listing(
        call, "Invoices", rows, lambda invoice: representations.invoice_json(invoice, with_lines=with_lines)
    )


@accounting_endpoint(**INVOICES)
def invoice(call: ApiCall, invoice_id: str) -> HttpResponse:
    if call.request.method == "POST":
        return _invoices_save(call, invoice_id=api.guid(invoice_id)) if api.guid(invoice_id) else not_found()
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    rows = selectors.invoices_for_api(call.organisation)
    # Xero also finds an invoice by its number here.
    found = rows.filter(invoice_id=api.guid(invoice_id)).first() if api.guid(invoice_id) else None
    found = found or rows.filter(invoice_number=invoice_id).order_by("created_at").first()
    if found is None:
        return not_found()
    attachments = [
        representations.attachment_json(attachment, api.attachment_url(call, "Invoices", found.pk, attachment.file_name))
        for attachment in selectors.attachments_without_content(invoice=found)
    ]
    return json_response(envelope("Invoices", [representations.invoice_json(found, attachments=attachments)]))


@accounting_endpoint(**PAYMENTS)
def payments(call: ApiCall) -> HttpResponse:
    if call.request.method in ("PUT", "POST"):
        return _payments_save(call)
    rows = api.modified(call, selectors.payments_for_api(call.organisation))
    return api.listing(call, "Payments", rows, representations.payment_json)


@accounting_endpoint(**BANK_TRANSACTIONS)
def bank_transactions(call: ApiCall) -> HttpResponse:
    if call.request.method in ("PUT", "POST"):
        return _bank_transactions_save(call)
    rows = api.modified(call, selectors.bank_transactions_for_api(call.organisation))
    return api.listing(call, "BankTransactions", rows, representations.bank_transaction_json)


@accounting_endpoint(**BANK_TRANSACTIONS)
def bank_transaction(call: ApiCall, bank_transaction_id: str) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    guid = api.guid(bank_transaction_id)
    found = selectors.bank_transactions_for_api(call.organisation).filter(pk=guid).first() if guid else None
    if found is None:
        return not_found()
    return json_response(envelope("BankTransactions", [representations.bank_transaction_json(found)]))


@accounting_endpoint(**ATTACHMENTS)
def attachments(call: ApiCall, endpoint: str, parent_id: str, file_name: str | None = None) -> HttpResponse:
    """`{Invoices|CreditNotes|BankTransactions}/{id}/Attachments[/{FileName or AttachmentID}]`."""
    parent_field = "bank_transaction" if endpoint == "BankTransactions" else "invoice"
    owners = {"Invoices": call.organisation.invoices.exclude(type__in=CREDIT_NOTE_TYPES),
              "CreditNotes": call.organisation.invoices.filter(type__in=CREDIT_NOTE_TYPES),
              "BankTransactions": call.organisation.bank_transactions}[endpoint]
    parent = owners.filter(pk=api.guid(parent_id)).first() if api.guid(parent_id) else None
    if parent is None:
        return not_found()
    if file_name is None:
        if call.request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        rows = selectors.attachments_without_content(**{parent_field: parent})
    elif call.request.method == "GET":
        return _attachment_download(parent_field, parent, file_name)
    else:
        if not call.body:
            return _attachment_refused("The attachment file is empty.")
        if len(file_name) > MAX_FILE_NAME:
            return _attachment_refused(f"The file name must be no longer than {MAX_FILE_NAME} characters.")
        try:
            saved = ledger.attachment_put(
                parent=parent,
                file_name=file_name,
                mime_type=_mime_type(call.request.content_type, file_name)[:MAX_FILE_NAME],
                content=call.body,
                include_online=api.flag(call, "IncludeOnline"),
            )
        except ledger.TooManyAttachments:
            return _attachment_refused(
                f"The maximum number of attachments ({ledger.MAX_ATTACHMENTS}) has been reached for this document."
            )
        rows = [saved]
    return json_response(
        envelope(
            "Attachments",
            [
                representations.attachment_json(row, api.attachment_url(call, endpoint, parent.pk, row.file_name))
                for row in rows
            ],
        )
    )


def _mime_type(declared: str | None, file_name: str) -> str:
    """The declared type; for raw octet-stream, the one the file's name implies, as Xero does."""
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def _attachment_refused(message: str) -> HttpResponse:
    return validation_exception([{"ValidationErrors": [{"Message": message}]}])


def _attachment_download(parent_field: str, parent, file_name: str) -> HttpResponse:
    found = selectors.attachment_by_name_or_id(parent={parent_field: parent}, name=file_name, guid=api.guid(file_name))
    if found is None:
        return not_found()
    return HttpResponse(bytes(found.content), content_type=found.mime_type)


def _invoices_save(call: ApiCall, invoice_id: uuid.UUID | None = None) -> HttpResponse:
    items = payloads.batch(parse_body(call.body), "Invoices", payloads.INVOICE)
    chart = load_chart(call.organisation)
    unit_dp = 4 if api.query(call, "unitdp") == "4" else 2
    results = []
    for raw, data in items:
        target = invoice_id or (data.get("InvoiceID") if call.request.method == "POST" else None)
        try:
            if target:
                saved = _invoice_update(call, target, data, chart, unit_dp)
            else:
                clean = validate_invoice(data, chart, unit_dp=unit_dp)
                saved = ledger.invoice_create(organisation=call.organisation, clean=clean)
        except ValidationFailed as failed:
            results.append(api.failed_element(raw, failed, id_field="InvoiceID", flag="HasErrors"))
            continue
        fresh = selectors.invoices_for_api(call.organisation).get(pk=saved.pk)
        results.append(api.saved(representations.invoice_json(fresh)))
    return api.batch_answer(call, "Invoices", results)


def _invoice_update(call: ApiCall, invoice_id: uuid.UUID, data: dict, chart, unit_dp: int) -> Invoice:
    existing = call.organisation.invoices.exclude(type__in=CREDIT_NOTE_TYPES).filter(pk=invoice_id).prefetch_related("line_items__account").first()
    if existing is None:
        raise ValidationFailed(["The document with the supplied id was not found for this endpoint."])
    if existing.status not in ("DRAFT", "SUBMITTED", "AUTHORISED"):
        raise ValidationFailed([f"This document cannot be edited as it is {existing.status.lower()}."])
    merged = {**invoice_as_input(existing), **data}
    clean = validate_invoice(merged, chart, unit_dp=unit_dp, current_status=existing.status)
    return ledger.invoice_update(invoice=existing, clean=clean)


def invoice_as_input(invoice: Invoice) -> dict:
    """The stored invoice in the typed form of a request, so that a POST changes only what it names."""
    return {
        "Type": invoice.type,
        "Contact": {"ContactID": invoice.contact_id},
        "Date": invoice.date,
        "DueDate": invoice.due_date,
        "LineAmountTypes": invoice.line_amount_types,
        "InvoiceNumber": invoice.invoice_number,
        "Reference": invoice.reference,
        "Url": invoice.url,
        "CurrencyCode": invoice.currency_code,
        "CurrencyRate": invoice.currency_rate,
        "Status": invoice.status,
        "LineItems": [
            {
                "Description": line.description,
                "Quantity": line.quantity,
                "UnitAmount": line.unit_amount,
                "AccountCode": line.account.code if line.account else None,
                "TaxType": line.tax_type,
                "Tracking": [
                    {
                        "TrackingCategoryID": uuid.UUID(entry["TrackingCategoryID"]),
                        "TrackingOptionID": uuid.UUID(entry["TrackingOptionID"]),
                    }
                    for entry in line.tracking
                ],
            }
            for line in invoice.line_items.all()
        ],
    }


def _payments_save(call: ApiCall) -> HttpResponse:
    items = payloads.batch(parse_body(call.body), "Payments", payloads.PAYMENT)
    chart = load_chart(call.organisation)
    results = []
    for raw, data in items:
        try:
            saved = ledger.payment_create(organisation=call.organisation, clean=validate_payment(data, chart))
        except ValidationFailed as failed:
            results.append(api.failed_element(raw, failed, id_field="PaymentID", flag="HasValidationErrors"))
            continue
        fresh = selectors.payments_for_api(call.organisation).get(pk=saved.pk)
        results.append(api.saved(representations.payment_json(fresh)))
    return api.batch_answer(call, "Payments", results)


def _bank_transactions_save(call: ApiCall) -> HttpResponse:
    items = payloads.batch(parse_body(call.body), "BankTransactions", payloads.BANK_TRANSACTION)
    chart = load_chart(call.organisation)
    unit_dp = 4 if api.query(call, "unitdp") == "4" else 2
    results = []
    for raw, data in items:
        try:
            clean = validate_bank_transaction(data, chart, unit_dp=unit_dp)
            saved = ledger.bank_transaction_create(organisation=call.organisation, clean=clean)
        except ValidationFailed as failed:
            results.append(api.failed_element(raw, failed, id_field="BankTransactionID", flag="HasErrors"))
            continue
        fresh = selectors.bank_transactions_for_api(call.organisation).get(pk=saved.pk)
        results.append(api.saved(representations.bank_transaction_json(fresh)))
    return api.batch_answer(call, "BankTransactions", results)


def _contacts_save(call: ApiCall) -> HttpResponse:
    items = payloads.batch(parse_body(call.body), "Contacts", payloads.CONTACT)
    results = []
    for raw, data in items:
        existing = None
        try:
            if call.request.method == "POST" and data.get("ContactID"):
                existing = call.organisation.contacts.filter(pk=data["ContactID"]).first()
                if existing is None:
                    raise ValidationFailed(["The contact with the supplied id was not found."])
            validate_contact(data, call.organisation, existing=existing)
        except ValidationFailed as failed:
            results.append(api.failed_element(raw, failed, id_field="ContactID", flag="HasValidationErrors"))
            continue
        if existing is None:
            saved = ledger.contact_create(organisation=call.organisation, data=data)
        else:
            saved = ledger.contact_update(contact=existing, data=data)
        results.append(api.saved(representations.contact_json(saved)))
    return api.batch_answer(call, "Contacts", results)
