"""Create an approved request in Xero: the bill (or spend-money transaction), its two
attachments and, when paid, the payment. Each step is recorded as it completes, and every
call carries a deterministic Idempotency-Key, so a retry resumes rather than repeats."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from workflows import services as workflow_services
from workflows.audit_report import render_audit_report
from workflows.models import ApprovalRequest
from xero_integration import payloads
from xero_integration.client import XeroAccounting, deep_link_to_bill, raise_element_errors
from xero_integration.exceptions import XeroNotConnected, XeroValidationError
from xero_integration.models import XeroConnection, XeroPublication
from xero_integration.services.connection import accounting_for

logger = logging.getLogger(__name__)

State = ApprovalRequest.State


def _key(request: ApprovalRequest, call: str) -> str:
    return f"approvalmax-{request.public_id}-r{request.revision}-{call}"


def _record(publication: XeroPublication, **fields) -> None:
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save(update_fields=[*fields, "updated_at"])


def _attach(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
            endpoint: str, object_id: str) -> None:
    if not publication.document_attached:
        document = request.current_document()
        with document.file.open("rb") as handle:
            data = handle.read()
        client.put_attachment(endpoint=endpoint, object_id=object_id, filename=document.filename, data=data,
                              content_type=document.content_type, idempotency_key=_key(request, "document"))
        _record(publication, document_attached=True)
    if not publication.report_attached:
        if not publication.audit_report:
            publication.audit_report.save(f"{request.public_id}-r{request.revision}.pdf",
                                          ContentFile(render_audit_report(request=request)))
        with publication.audit_report.open("rb") as handle:
            report = handle.read()
        client.put_attachment(endpoint=endpoint, object_id=object_id,
                              filename=f"Approval audit report {request.invoice_number or request.public_id}.pdf"[:120],
                              data=report, content_type="application/pdf", idempotency_key=_key(request, "report"))
        _record(publication, report_attached=True)


def _publish_bill(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
                  connection: XeroConnection) -> tuple[str, str, str]:
    if publication.invoice_id is None:
        [result] = client.put_invoices([payloads.bill(request)], idempotency_key=_key(request, "bill"))
        raise_element_errors(result)
        _record(publication, invoice_id=result["InvoiceID"])
    invoice_id = str(publication.invoice_id)
    _attach(client, request, publication, "Invoices", invoice_id)
    note = ""
    if request.is_paid and request.payment_account_id and publication.payment_id is None:
        [result] = client.put_payments([payloads.payment(request, invoice_id)], idempotency_key=_key(request, "payment"))
        raise_element_errors(result)
        _record(publication, payment_id=result["PaymentID"])
    elif request.is_paid and not request.payment_account_id:
        note = "Paid in Dext, but its payment method has no known bank account: created awaiting payment."
    return invoice_id, deep_link_to_bill(short_code=connection.short_code, invoice_id=invoice_id), note


def _publish_spend_money(client: XeroAccounting, request: ApprovalRequest,
                         publication: XeroPublication) -> tuple[str, str, str]:
    if request.payment_account_id is None:
        raise XeroValidationError(["A bank transaction needs the bank account of a known payment method."])
    if publication.bank_transaction_id is None:
        [result] = client.put_bank_transactions([payloads.spend_money(request)],
                                                idempotency_key=_key(request, "spend"))
        raise_element_errors(result)
        _record(publication, bank_transaction_id=result["BankTransactionID"])
    transaction_id = str(publication.bank_transaction_id)
    _attach(client, request, publication, "BankTransactions", transaction_id)
    return transaction_id, "", ""


def request_publish(*, request_id: int) -> None:
    """Idempotent: a request that is not approved (already published, failed, …) is left alone.
    Transient errors propagate for the task to retry; Xero's refusals fail the request."""
    request = ApprovalRequest.objects.select_related("organisation", "supplier", "payment_account").get(pk=request_id)
    if request.state != State.APPROVED:
        return
    try:
        client, connection = accounting_for(organisation_id=request.organisation_id)
    except XeroNotConnected as exc:
        workflow_services.request_mark_publish_failed(request_id=request.pk, error=exc.message)
        return
    with transaction.atomic():
        publication, _ = XeroPublication.objects.get_or_create(request=request, revision=request.revision)
    try:
        if request.kind == ApprovalRequest.Kind.SPEND_MONEY:
            external_id, url, note = _publish_spend_money(client, request, publication)
        else:
            external_id, url, note = _publish_bill(client, request, publication, connection)
    except XeroValidationError as exc:
        workflow_services.request_mark_publish_failed(request_id=request.pk, error="Xero refused it: " + "; ".join(exc.messages))
        return
    workflow_services.request_mark_published(request_id=request.pk, external_id=external_id, external_url=url,
                                             message=note)
