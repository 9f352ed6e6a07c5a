"""Bills that Dext publishes into Xero as "Awaiting Approval" (`SUBMITTED`), pulled in as approval
requests, and what Xero does to them afterwards (XERO_FACTS.md, "the indirect path").

A pull reads what changed since the last one (`If-Modified-Since`, every status, paged): one call
when nothing did. The first reads every bill awaiting approval. Bills our publisher created are
never pulled (their `Url` is ours). For a bill already pulled:
- while on approval: deleted, voided or moved back to draft cancels the request with the reason;
  authorised in Xero bypasses the workflow and is flagged; changed content makes a new revision
  that starts again, telling those who had approved;
- rejected here, or cancelled, and submitted again: a new revision from the first step;
- after approval: a change is flagged with the difference, administrators are told, and the
  request reopens if the organisation chose so.
One pull runs per tenant at a time, so two cannot both make a request of one bill."""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from approvalmax.core.locks import exclusive
from workflows import services as engine
from workflows.content import DocumentContent
from workflows.external_changes import BYPASSED, CHANGED, request_flag_external_change
from workflows.models import ApprovalRequest
from workflows.revisions import request_document_add
from xero_integration.client import XeroAccounting, deep_link_to_bill
from xero_integration.models import XeroConnection, XeroPulledBill
from xero_integration.services.connection import accounting_for
from xero_integration.services.pulled_content import Unresolved, content_differences, plain, request_content
from xero_integration.services.sync import master_data_sync

logger = logging.getLogger(__name__)
State = ApprovalRequest.State
PAGE_SIZE = 100
LOCK_WAIT_SECONDS = 60.0
GONE = {"DELETED", "VOIDED"}
AUTHORISED = {"AUTHORISED", "PAID"}
# A bill in these is no longer awaiting approval, and cannot be authorised from here.
NOT_AWAITING = GONE | {"DRAFT"}
# Documents Xero holds that the request page can show; anything else is taken only if alone.
SHOWN_TYPES = ("application/pdf", "image/")


@dataclass
class PullResult:
    calls: int = 0
    created: int = 0
    revised: int = 0
    cancelled: int = 0
    flagged: int = 0
    problems: list[str] = field(default_factory=list)
    without_document: list[str] = field(default_factory=list)  # looked for again at the next pull


def lock_name(organisation_id: int) -> str:
    return f"xero-pull-{organisation_id}"


def is_ours(invoice: dict) -> bool:
    """A bill our publisher created carries our request page as its Url."""
    return (invoice.get("Url") or "").startswith(settings.PUBLIC_BASE_URL.rstrip("/") + "/")


class _Counting:
    """The client, counting the calls one pull makes (the bench reports them)."""

    def __init__(self, client: XeroAccounting, result: PullResult) -> None:
        self.client, self.result = client, result

    def __getattr__(self, name):
        method = getattr(self.client, name)

        def counted(*args, **kwargs):
            self.result.calls += 1
            return method(*args, **kwargs)

        return counted


def _changed_bills(client, connection: XeroConnection) -> list[dict]:
    """Every page of what changed since the last pull; the first pull reads those awaiting approval."""
    since, statuses = connection.bills_pulled_at, ""
    if since is None:
        statuses = "SUBMITTED"
    found, page = [], 1
    while True:
        batch = client.bills_page(page=page, page_size=PAGE_SIZE, statuses=statuses, modified_since=since)
        found += batch
        if len(batch) < PAGE_SIZE:
            break
        page += 1
    waiting = {str(i) for i in connection.pull_retry_ids} - {b["InvoiceID"] for b in found}
    return found + [client.get_invoice(invoice_id) for invoice_id in sorted(waiting)]


def original_document(client, invoice_id: str) -> DocumentContent | None:
    """The bill's original, as Dext attached it: its first PDF or picture (or its only file)."""
    attachments = client.attachments(endpoint="Invoices", object_id=invoice_id)
    shown = [a for a in attachments if (a.get("MimeType") or "").startswith(SHOWN_TYPES)]
    chosen = (shown or (attachments if len(attachments) == 1 else []))[:1]
    if not chosen:
        return None
    [attachment] = chosen
    data = client.attachment_content(endpoint="Invoices", object_id=invoice_id,
                                     attachment_id=attachment["AttachmentID"])
    return DocumentContent(filename=attachment.get("FileName") or "document",
                           content_type=attachment.get("MimeType") or "application/octet-stream", data=data)


def _creator(client, invoice_id: str) -> str:
    """Who put the bill in Xero (Dext's integration, usually), from its history."""
    records = client.invoice_history(invoice_id)
    created = [r for r in records if (r.get("Changes") or "").lower() in ("created", "submitted")]
    who = (created or records or [{}])[0].get("User") or ""
    return f"{who} (in Xero)" if who else "Xero"


def bill_content(client, connection: XeroConnection, invoice: dict):
    return request_content(connection.organisation, invoice, requester_name=_creator(client, invoice["InvoiceID"]),
                           source_url=deep_link_to_bill(short_code=connection.short_code,
                                                        invoice_id=invoice["InvoiceID"]),
                           strip_prefix=connection.rejected_prefix)


def bill_remember(row: XeroPulledBill, invoice: dict, *, snapshot: bool) -> None:
    row.status, row.updated_utc = invoice.get("Status") or "", invoice.get("UpdatedDateUTC") or ""
    if snapshot:
        row.snapshot = plain(invoice)
        row.line_item_ids = [line.get("LineItemID") for line in invoice.get("LineItems") or []]
    row.save()


def _new(client, connection: XeroConnection, invoice: dict, result: PullResult) -> None:
    if invoice.get("Status") != "SUBMITTED" or is_ours(invoice):
        return
    content = bill_content(client, connection, invoice)
    document = original_document(client, invoice["InvoiceID"])
    with transaction.atomic():
        request = engine.request_create(organisation=connection.organisation, content=content, document=document)
        bill_remember(XeroPulledBill(organisation=connection.organisation, invoice_id=invoice["InvoiceID"],
                                 request=request), invoice, snapshot=True)
    result.created += 1
    if document is None:
        result.without_document.append(invoice["InvoiceID"])


def _document_later(client, row: XeroPulledBill, invoice: dict, result: PullResult) -> None:
    """Dext attaches the original after creating the bill, and Xero may tell us in between: a
    request pulled without its document looks again at each pull while it is open."""
    request = row.request
    if not request.is_open or request.documents.filter(revision=request.revision).exists():
        return
    document = original_document(client, invoice["InvoiceID"]) if invoice.get("HasAttachments") else None
    if document is None or not request_document_add(request_id=request.pk, revision=request.revision,
                                                    document=document):
        result.without_document.append(invoice["InvoiceID"])


def _revise(client, connection, row: XeroPulledBill, invoice: dict, changes: list[dict], *, reopen=False) -> None:
    content = bill_content(client, connection, invoice)
    document = original_document(client, invoice["InvoiceID"])
    with transaction.atomic():
        engine.request_resubmit(request_id=row.request_id, content=content, document=document,
                                changes=changes, reopen=reopen)
        row.returned_revision = None
        bill_remember(row, invoice, snapshot=True)


def _while_open(client, connection, row: XeroPulledBill, invoice: dict, result: PullResult) -> None:
    status, now = invoice["Status"], plain(invoice)
    if status in NOT_AWAITING:
        reason = (f"{status.title()} in Xero while on approval." if status in GONE else
                  "Moved back to draft in Xero; it comes back here when it is submitted again.")
        with transaction.atomic():
            engine.request_cancel(request_id=row.request_id, actor_label="Xero", reason=reason)
            bill_remember(row, invoice, snapshot=False)
        result.cancelled += 1
    elif status in AUTHORISED and not is_ours(invoice):
        # (Ours when a request reopened after its bill changed: we authorised an earlier revision.)
        with transaction.atomic():
            outside = {"field": "Status", "approved": "Awaiting approval here", "now": status}
            request_flag_external_change(request_id=row.request_id, system_name="Xero", kind=BYPASSED,
                                         differences=[outside, *content_differences(row.snapshot, now)])
            engine.request_cancel(request_id=row.request_id, actor_label="Xero",
                                  reason="Approved in Xero directly, bypassing the workflow.")
            bill_remember(row, invoice, snapshot=False)
        result.flagged += 1
    else:
        changes = content_differences(row.snapshot, now)
        if changes:
            _revise(client, connection, row, invoice, changes)
            result.revised += 1
        else:
            bill_remember(row, invoice, snapshot=False)


def _after_approval(client, connection, row: XeroPulledBill, invoice: dict, result: PullResult) -> None:
    now = plain(invoice)
    changes = content_differences(row.approved, now)
    if invoice["Status"] in GONE:
        changes.insert(0, {"field": "Status", "approved": row.approved.get("status", ""), "now": invoice["Status"]})
    if changes:
        with transaction.atomic():
            request_flag_external_change(request_id=row.request_id, system_name="Xero", kind=CHANGED,
                                         differences=changes)
        result.flagged += 1
        if connection.reopen_changed_bills and invoice["Status"] in ("SUBMITTED", "AUTHORISED"):
            _revise(client, connection, row, invoice, changes, reopen=True)
            result.revised += 1
            return
    bill_remember(row, invoice, snapshot=False)


def _pulled_again(client, connection, row: XeroPulledBill, invoice: dict, result: PullResult) -> None:
    request = row.request
    if request.is_open:
        _while_open(client, connection, row, invoice, result)
    elif request.state in (State.REJECTED, State.CANCELLED):
        if invoice["Status"] == "SUBMITTED":
            _revise(client, connection, row, invoice, content_differences(row.snapshot, plain(invoice)))
            result.revised += 1
        else:
            bill_remember(row, invoice, snapshot=False)
    elif request.state == State.PUBLISHED and row.approved:
        _after_approval(client, connection, row, invoice, result)
    # Approved and not yet published: the publisher compares the bill with what was approved itself.


def _apply(client, connection, row: XeroPulledBill | None, invoice: dict, result: PullResult) -> None:
    if row is None:
        _new(client, connection, invoice, result)
    else:
        _pulled_again(client, connection, row, invoice, result)


def bills_pull(*, organisation_id: int) -> PullResult:
    """Pull what changed in the organisation's Xero bills since the last pull. Safe to run again."""
    result = PullResult()
    client, connection = accounting_for(organisation_id=organisation_id)
    if not connection.pull_bills:
        return result
    client = _Counting(client, result)
    with exclusive(lock_name(organisation_id), timeout=LOCK_WAIT_SECONDS):
        connection = XeroConnection.objects.select_related("organisation").get(pk=connection.pk)
        started_at = timezone.now()
        invoices = _changed_bills(client, connection)
        rows = {str(row.invoice_id): row for row in XeroPulledBill.objects.filter(
            organisation_id=organisation_id, invoice_id__in=[i["InvoiceID"] for i in invoices]).select_related("request")}
        retry, synced = [], False
        for invoice in invoices:
            row = rows.get(invoice["InvoiceID"])
            if row is not None and invoice["InvoiceID"] in connection.pull_retry_ids:
                _document_later(client, row, invoice, result)
            if row is not None and invoice.get("UpdatedDateUTC") == row.updated_utc:
                continue  # our own change, or one already seen
            try:
                try:
                    _apply(client, connection, row, invoice, result)
                except Unresolved:
                    if synced:
                        raise
                    # A supplier or account made in Xero since the last sync: sync once, try again.
                    master_data_sync(organisation_id=organisation_id, incremental=True)
                    synced = True
                    _apply(client, connection, row, invoice, result)
            except Unresolved as exc:
                retry.append(invoice["InvoiceID"])
                result.problems.append(f"Bill {invoice.get('InvoiceNumber') or invoice['InvoiceID']} from "
                                       f"{(invoice.get('Contact') or {}).get('Name', 'an unknown supplier')}: {exc}")
        XeroConnection.objects.filter(pk=connection.pk).update(
            bills_pulled_at=started_at, pull_retry_ids=sorted({*retry, *result.without_document}),
            pull_problem="\n".join(result.problems))
    if retry:
        logger.info("Organisation %s: %s pulled bills wait for master data.", organisation_id, len(retry))
    return result
