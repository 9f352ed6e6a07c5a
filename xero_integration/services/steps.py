"""The steps every document's publication shares: deterministic Idempotency-Keys, progress
recorded as each step completes, and the two attachments (the original and the audit report)."""

from datetime import timedelta

from workflows.audit_reports import audit_report_get
from workflows.models import ApprovalRequest
from xero_integration.client import XeroAccounting
from xero_integration.models import XeroPublication


# Looked-up documents changed after (sent time − margin): generous, for clocks that disagree.
LOOKUP_MARGIN = timedelta(minutes=15)
# A document in one of these is there; a deleted or voided one is not.
LIVE_STATUSES = {"DRAFT", "SUBMITTED", "AUTHORISED", "PAID"}


def key(request: ApprovalRequest, call: str) -> str:
    return f"approvalmax-{request.public_id}-r{request.revision}-{call}"


def record(publication: XeroPublication, **fields) -> None:
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save(update_fields=[*fields, "updated_at"])


def attach(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
           endpoint: str, object_id: str) -> None:
    if not publication.document_attached:
        document = request.current_document()
        with document.file.open("rb") as handle:
            data = handle.read()
        client.put_attachment(endpoint=endpoint, object_id=object_id, filename=document.filename, data=data,
                              idempotency_key=key(request, "document"))
        record(publication, document_attached=True)
    if not publication.report_attached:
        # Rendered before the lock was taken (workflows.audit_reports); a publication from before
        # that kept its own copy, and a retry must send the bytes it sent first.
        stored = publication.audit_report or audit_report_get(request=request).file
        with stored.open("rb") as handle:
            report = handle.read()
        client.put_attachment(endpoint=endpoint, object_id=object_id,
                              filename=f"Approval audit report {request.invoice_number or request.public_id}.pdf"[:120],
                              data=report, idempotency_key=key(request, "report"))
        record(publication, report_attached=True)
