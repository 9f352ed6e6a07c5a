"""Deciding on a bill pulled from Xero: final approval authorises it there, rejection sends it back
to draft.

Authorising is one `POST /Invoices/{id}`: `Status: AUTHORISED`, `Url` back to our request page and,
only if an approver changed the coding here, the lines; nothing else. The bill is read first: if it
changed in Xero since it was pulled, it is not authorised but starts again as a new revision;
deleted, voided or back in draft, publishing fails with that reason. An answer that never came
is looked up (the bill authorised with our Url) before anything is sent again, so under any fault
it ends authorised once, with one audit report."""

import hashlib

from django.db import transaction
from django.utils import timezone

from approvalmax.core.locks import exclusive
from workflows import outcomes
from workflows import services as engine
from workflows.external_changes import BYPASSED, request_flag_external_change
from workflows.models import ApprovalRequest
from workflows.selectors import request_page_url
from xero_integration.client import XeroAccounting, deep_link_to_bill, encode_json
from xero_integration.exceptions import XeroValidationError
from xero_integration.models import XeroConnection, XeroPublication, XeroPulledBill
from xero_integration.services import steps
from xero_integration.services.connection import accounting_for
from xero_integration.services.pulled_content import content_differences, number_text, plain
from xero_integration.services.pulling import (
    AUTHORISED,
    NOT_AWAITING,
    bill_content,
    bill_remember,
    lock_name,
    original_document,
)
from xero_integration.system import KEY as SYSTEM

CODING = ("description", "quantity", "unit_amount", "account", "tax", "tracking")


def is_pulled(request: ApprovalRequest) -> bool:
    return request.source_system == SYSTEM


def _our_lines(request: ApprovalRequest) -> list[dict]:
    lines = request.current_lines().select_related("account", "tax_rate").prefetch_related("tracking__category")
    return [{
        "description": line.description,
        "quantity": number_text(line.quantity),
        "unit_amount": number_text(line.unit_amount),
        "account": line.account.code,
        "tax": line.tax_rate.tax_type if line.tax_rate else "",
        "tracking": ", ".join(sorted(f"{o.category.name}: {o.name}" for o in line.tracking.all())),
        "options": [{"Name": o.category.name, "Option": o.name} for o in line.tracking.all()],
    } for line in lines]


def edited_lines(request: ApprovalRequest, row: XeroPulledBill) -> list[dict] | None:
    """The lines to send when an approver changed the coding here; None when nobody did."""
    ours, pulled = _our_lines(request), row.snapshot.get("lines", [])
    if [{k: line[k] for k in CODING} for line in ours] == [{k: line.get(k) for k in CODING} for line in pulled]:
        return None
    same_lines = len(ours) == len(row.line_item_ids)
    return [{**({"LineItemID": row.line_item_ids[index]} if same_lines and row.line_item_ids[index] else {}),
             "Description": line["description"], "Quantity": line["quantity"], "UnitAmount": line["unit_amount"],
             "AccountCode": line["account"], "TaxType": line["tax"] or None, "Tracking": line["options"]}
            for index, line in enumerate(ours)]


def _authorise(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
               row: XeroPulledBill, url: str) -> dict:
    fields = {"Status": "AUTHORISED", "Url": url}
    lines = edited_lines(request, row)
    if lines is not None:
        fields["LineItems"] = lines
    digest = hashlib.sha256(encode_json(fields)).hexdigest()[:16]
    steps.record(publication, create_sent_at=timezone.now())
    return client.update_invoice(str(row.invoice_id), fields,
                                 idempotency_key=f"{steps.key(request, 'authorise')}-{digest}")


def _authorised(publication: XeroPublication, row: XeroPulledBill, invoice: dict) -> None:
    with transaction.atomic():
        steps.record(publication, authorised=True)
        row.status, row.updated_utc, row.approved = invoice["Status"], invoice.get("UpdatedDateUTC") or "", plain(invoice)
        row.save(update_fields=["status", "updated_utc", "approved"])


def pulled_bill_publish(client: XeroAccounting, connection: XeroConnection, request: ApprovalRequest,
                        publication: XeroPublication) -> None:
    """Authorise the approved bill in Xero, attach the audit report and mark the request published
    (or start it again, when Xero's bill changed meanwhile). XeroValidationError: Xero refused."""
    row = XeroPulledBill.objects.get(request=request)
    url = request_page_url(request=request)
    note = ""
    if not publication.authorised:
        invoice = client.get_invoice(str(row.invoice_id))
        status = invoice["Status"]
        if publication.create_sent_at and status in AUTHORISED and invoice.get("Url") == url:
            _authorised(publication, row, invoice)  # the answer was lost; it was done
        elif status in NOT_AWAITING:
            raise XeroValidationError([f"The bill is {status.lower()} in Xero, no longer awaiting approval: it "
                                       "cannot be authorised from here."])
        elif status in AUTHORISED and invoice.get("Url") != url:
            request_flag_external_change(request_id=request.pk, system_name="Xero", kind=BYPASSED, differences=[
                {"field": "Status", "approved": "Awaiting approval here", "now": status}])
            note = "It had already been approved in Xero directly."
            _authorised(publication, row, invoice)
        else:
            changes = content_differences(row.snapshot, plain(invoice))
            if changes:
                # Changed in Xero after it was pulled: what was approved is not what Xero holds.
                content = bill_content(client, connection, invoice)
                document = original_document(client, invoice["InvoiceID"])
                with transaction.atomic():
                    engine.request_resubmit(request_id=request.pk, content=content, document=document,
                                            changes=changes, reopen=True)
                    bill_remember(row, invoice, snapshot=True)
                return
            _authorised(publication, row, _authorise(client, request, publication, row, url))
    publication.document_attached = True  # the original is Xero's own attachment already
    steps.attach(client, request, publication, "Invoices", str(row.invoice_id))
    outcomes.request_mark_published(
        request_id=request.pk, external_system=SYSTEM, external_id=str(row.invoice_id),
        external_url=deep_link_to_bill(short_code=connection.short_code, invoice_id=str(row.invoice_id)),
        message=note, done="Authorised")


def pulled_bill_return(*, request_id: int) -> str:
    """A rejected pulled bill goes back to draft in Xero, its number prefixed as the organisation
    chose. Returns what was done ("" when nothing was: not pulled, not rejected, or done already)."""
    row = XeroPulledBill.objects.select_related("request").filter(request_id=request_id).first()
    if row is None:
        return ""
    request = row.request
    client, connection = accounting_for(organisation_id=request.organisation_id)
    with exclusive(lock_name(request.organisation_id)):
        row.refresh_from_db()
        request.refresh_from_db()
        if request.state != ApprovalRequest.State.REJECTED or row.returned_revision == request.revision:
            return ""
        invoice = client.get_invoice(str(row.invoice_id))
        done = ""
        if invoice["Status"] == "SUBMITTED":
            fields = {"Status": "DRAFT"}
            number, prefix = invoice.get("InvoiceNumber") or "", connection.rejected_prefix
            if prefix and not number.startswith(prefix):
                fields["InvoiceNumber"] = (prefix + number)[:255]
            invoice = client.update_invoice(str(row.invoice_id), fields,
                                            idempotency_key=steps.key(request, "return-to-draft"))
            done = "draft"
        row.returned_revision = request.revision
        row.status, row.updated_utc = invoice["Status"], invoice.get("UpdatedDateUTC") or ""
        row.save(update_fields=["returned_revision", "status", "updated_utc"])
        return done
