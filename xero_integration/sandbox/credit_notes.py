"""`/CreditNotes`: supplier and customer credit notes, their attachments and their allocations to
invoices of the same contact, as Xero answers them. Kept with the invoices (the same lines,
totals and validation), under the credit note types."""

from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils import timezone

from xero_integration.sandbox import api_parts as api
from xero_integration.sandbox import ledger, payloads, representations, selectors
from xero_integration.sandbox.accounting import INVOICES
from xero_integration.sandbox.gateway import ApiCall, accounting_endpoint
from xero_integration.sandbox.models import CREDIT_NOTE_TYPES
from xero_integration.sandbox.clean import ValidationFailed, load_chart
from xero_integration.sandbox.validation import validate_invoice
from xero_integration.sandbox.xero_json import envelope, json_response, not_found, parse_body


@accounting_endpoint(**INVOICES)
def credit_notes(call: ApiCall) -> HttpResponse:
    if call.request.method in ("PUT", "POST"):
        return _credit_notes_save(call)
    rows = api.modified(call, selectors.invoices_for_api(call.organisation, credit_notes=True))
    ids = api.guids(api.query(call, "IDs"))
    if ids is not None:
        rows = rows.filter(invoice_id__in=ids)
    statuses = api.query(call, "Statuses")
    if statuses:
        rows = rows.filter(status__in=[value.strip() for value in statuses.split(",")])
    return api.listing(call, "CreditNotes", rows, representations.credit_note_json)


@accounting_endpoint(**INVOICES)
def credit_note(call: ApiCall, credit_note_id: str) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    guid = api.guid(credit_note_id)
    found = selectors.invoices_for_api(call.organisation, credit_notes=True).filter(pk=guid).first() if guid else None
    if found is None:
        return not_found()
    attachments = [
        representations.attachment_json(row, api.attachment_url(call, "CreditNotes", found.pk, row.file_name))
        for row in selectors.attachments_without_content(invoice=found)
    ]
    return json_response(envelope("CreditNotes", [representations.credit_note_json(found, attachments=attachments)]))


@accounting_endpoint(**INVOICES)
def allocations(call: ApiCall, credit_note_id: str) -> HttpResponse:
    """`PUT /CreditNotes/{id}/Allocations`: apply credit to invoices of the same contact."""
    if call.request.method not in ("PUT", "POST"):
        return HttpResponseNotAllowed(["PUT", "POST"])
    guid = api.guid(credit_note_id)
    if guid is None or not call.organisation.invoices.filter(pk=guid, type__in=CREDIT_NOTE_TYPES).exists():
        return not_found()
    results = []
    for raw, data in payloads.batch(parse_body(call.body), "Allocations", payloads.ALLOCATION):
        invoice_id = (data.get("Invoice") or {}).get("InvoiceID")
        try:
            if invoice_id is None:
                raise ValidationFailed(["Invoice could not be found"])
            saved = ledger.credit_note_allocate(organisation=call.organisation, credit_note_id=guid,
                                                invoice_id=invoice_id, amount=data.get("Amount"),
                                                on=data.get("Date") or timezone.localdate())
        except ValidationFailed as failed:
            results.append(api.failed_element(raw, failed, id_field="AllocationID", flag="HasErrors"))
            continue
        results.append(api.saved(representations.allocation_json(saved)))
    return api.batch_answer(call, "Allocations", results)


def _credit_notes_save(call: ApiCall) -> HttpResponse:
    items = payloads.batch(parse_body(call.body), "CreditNotes", payloads.CREDIT_NOTE)
    chart = load_chart(call.organisation)
    unit_dp = 4 if api.query(call, "unitdp") == "4" else 2
    results = []
    for raw, data in items:
        try:
            if data.get("CreditNoteID") and call.request.method == "POST":
                raise ValidationFailed(["This sandbox does not edit credit notes: create a new one."])
            clean = validate_invoice(_as_invoice(data), chart, unit_dp=unit_dp, types=CREDIT_NOTE_TYPES)
            saved = ledger.invoice_create(organisation=call.organisation, clean=clean)
        except ValidationFailed as failed:
            results.append(api.failed_element(raw, failed, id_field="CreditNoteID", flag="HasErrors"))
            continue
        fresh = selectors.invoices_for_api(call.organisation, credit_notes=True).get(pk=saved.pk)
        results.append(api.saved(representations.credit_note_json(fresh)))
    return api.batch_answer(call, "CreditNotes", results)


def _as_invoice(data: dict) -> dict:
    """The invoice validation's words: the credit note's number is its InvoiceNumber; no Url."""
    converted = {key: value for key, value in data.items() if key not in ("CreditNoteNumber", "CreditNoteID")}
    if data.get("CreditNoteNumber") is not None:
        converted["InvoiceNumber"] = data["CreditNoteNumber"]
    return converted
