"""Create approved requests in Xero: the bill (or spend-money transaction), its two attachments
and, when paid, the payment. A tenant's waiting bills are created together, up to 50 per
`PUT /Invoices` with `summarizeErrors=false` so that one bad bill fails alone, and their payments
likewise per `PUT /Payments`. Each step is recorded as it completes, and every call carries a
deterministic Idempotency-Key, so a retry resumes rather than repeats. One publisher runs per
tenant at a time (a named lock shared by all processes).

Exactly once: a create whose answer never arrived (timeout, 5xx, dropped connection, worker
killed) may still have happened, and Xero's idempotency window is only minutes long. So the
publication records that a create was sent before sending it, and a later run looks the document
up in Xero (by our request's `Url`, which nothing else carries) before creating it again. A bill
that already has a payment is not paid again. Attachments are named, and Xero replaces a file of
the same name, so a repeated upload never makes a third attachment."""

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from approvalmax.core.locks import LockTimeout, exclusive, is_held
from approvalmax.core.publish_batches import next_batch
from workflows import outcomes
from workflows.audit_reports import audit_report_ensure, audit_reports_ready
from workflows.models import ApprovalRequest
from workflows.selectors import request_page_url
from xero_integration import payloads
from xero_integration.client import XeroAccounting, deep_link_to_bill, encode_json, raise_element_errors
from xero_integration.exceptions import XeroNotConnected, XeroValidationError
from xero_integration.messages import publish_error_text
from xero_integration.models import XeroConnection, XeroPublication
from xero_integration.services import steps
from xero_integration.services.authorising import is_pulled, pulled_bill_publish
from xero_integration.services.credit_notes import credit_note_publish
from xero_integration.services.connection import accounting_for
from xero_integration.system import KEY as SYSTEM

logger = logging.getLogger(__name__)

State = ApprovalRequest.State
BATCH_SIZE = 50
# A publisher that finds the tenant's lock held this long leaves the work to its holder, which
# runs again while anything waits; the sweep covers the rest.
LOCK_WAIT_SECONDS = 10.0
Item = tuple[ApprovalRequest, XeroPublication]


def _chunks(items: list, size: int = BATCH_SIZE) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _batch_key(call: str, chunk: list[Item], bodies: list[dict]) -> str:
    """Deterministic for the same requests, revisions and content, whatever else is waiting. The
    content is part of it so that a bill corrected after Xero refused it is not a reused key with
    another body (which Xero answers with a 400 inside its window)."""
    digest = hashlib.sha256(encode_json(bodies))
    if len(chunk) == 1:
        return f"{steps.key(chunk[0][0], call)}-{digest.hexdigest()[:16]}"
    digest.update("\n".join(sorted(f"{request.public_id}-r{request.revision}" for request, _ in chunk)).encode())
    return f"approvalmax-{call}s-{digest.hexdigest()[:48]}"


def _fail(request: ApprovalRequest, messages: list[str]) -> None:
    outcomes.request_mark_publish_failed(request_id=request.pk, error=publish_error_text(messages))


def _send_in_batches(items: list[Item], *, call: str, sent_field: str, put, body, record) -> set[int]:
    """Create up to 50 elements per PUT, noting when each was sent first (so an answer that never
    comes is looked up, not resent blindly). Returns the requests whose element Xero refused."""
    refused = set()
    for chunk in _chunks(items):
        sent_at = timezone.now()
        XeroPublication.objects.filter(pk__in=[p.pk for _, p in chunk]).update(**{sent_field: sent_at})
        bodies = [body(request, publication) for request, publication in chunk]
        results = put(bodies, idempotency_key=_batch_key(call, chunk, bodies))
        for (request, publication), element in zip(chunk, results, strict=True):
            setattr(publication, sent_field, sent_at)
            try:
                raise_element_errors(element)
            except XeroValidationError as exc:
                _fail(request, exc.messages)
                refused.add(request.pk)
                continue
            steps.record(publication, **record(element))
    return refused


def _bills_lookup(client: XeroAccounting, unknown: list[Item]) -> None:
    """Find the bills of unanswered creates by our Url, which nothing else carries."""
    since = min(publication.create_sent_at for _, publication in unknown) - steps.LOOKUP_MARGIN
    narrow = {}
    if len(unknown) == 1:
        request = unknown[0][0]
        narrow["invoice_number"] = request.invoice_number
        if request.supplier_id and request.supplier.external_id:
            narrow["contact_id"] = request.supplier.external_id
    found = {invoice.get("Url"): invoice["InvoiceID"] for invoice in client.find_invoices(modified_since=since, **narrow)
             if invoice.get("Type") == "ACCPAY" and invoice.get("Status") in steps.LIVE_STATUSES}
    for request, publication in unknown:
        invoice_id = found.get(request_page_url(request=request))
        if invoice_id:
            logger.info("Request %s: its unanswered create did make a bill; not creating another.", request.pk,
                        extra={"request": request.public_id})
            steps.record(publication, invoice_id=invoice_id)


def _contacts_create(client: XeroAccounting, bills: list[Item]) -> dict[str, str]:
    """Suppliers Xero does not know yet become contacts first, together; returns name → ContactID.

    Active contacts' names are unique in Xero, so a name Xero refuses as taken (an earlier create
    whose answer was lost, or a contact made in Xero since the last sync) is looked up instead."""
    names = sorted({r.supplier_name for r, _ in bills
                    if not (r.supplier_id and r.supplier.external_id) and r.supplier_name.strip()})
    created: dict[str, str] = {}
    for chunk in _chunks(names):
        digest = hashlib.sha256("\n".join(chunk).encode()).hexdigest()[:48]
        results = client.put_contacts([payloads.new_contact(name) for name in chunk],
                                      idempotency_key=f"approvalmax-contacts-{digest}")
        for name, element in zip(chunk, results, strict=True):
            if element.get("ContactID") and not (element.get("HasValidationErrors") or element.get("HasErrors")):
                created[name] = element["ContactID"]
    if len(created) < len(names):
        for contact in client.active_contacts():
            if contact.get("Name") in names and contact.get("Name") not in created:
                created[contact["Name"]] = contact["ContactID"]
    return created


def _bills_create(client: XeroAccounting, bills: list[Item]) -> set[int]:
    """Create the bills not yet in Xero, up to 50 per PUT /Invoices. Returns the requests Xero refused."""
    waiting = [(r, p) for r, p in bills if p.invoice_id is None]
    unknown = [(r, p) for r, p in waiting if p.create_sent_at is not None]
    if unknown:
        _bills_lookup(client, unknown)
    waiting = [(r, p) for r, p in waiting if p.invoice_id is None]
    contact_ids = _contacts_create(client, waiting) if waiting else {}
    return _send_in_batches(
        waiting, call="bill", sent_field="create_sent_at", put=client.put_invoices,
        body=lambda request, _: payloads.bill(request, contact_ids.get(request.supplier_name)),
        record=lambda element: {"invoice_id": element["InvoiceID"]},
    )


def _bills_pay(client: XeroAccounting, bills: list[Item]) -> set[int]:
    """Pay the paid bills, up to 50 per PUT /Payments; a bill that already has a payment is not paid
    again. Returns the requests whose payment Xero refused."""
    due = [(r, p) for r, p in bills if _needs_payment(r) and p.payment_id is None]
    for request, publication in due:
        if publication.payment_sent_at is not None:
            existing = client.get_invoice(str(publication.invoice_id)).get("Payments") or []
            if existing:
                steps.record(publication, payment_id=existing[0]["PaymentID"])
    return _send_in_batches(
        [(r, p) for r, p in due if p.payment_id is None], call="payment", sent_field="payment_sent_at",
        put=client.put_payments,
        body=lambda request, publication: payloads.payment(request, str(publication.invoice_id)),
        record=lambda element: {"payment_id": element["PaymentID"]},
    )


def _spend_money_lookup(client: XeroAccounting, request: ApprovalRequest,
                        publication: XeroPublication) -> str | None:
    url = request_page_url(request=request)
    for found in client.find_bank_transactions(modified_since=publication.create_sent_at - steps.LOOKUP_MARGIN):
        if found.get("Type") == "SPEND" and found.get("Url") == url and found.get("Status") != "DELETED":
            return found["BankTransactionID"]
    return None


def _publish_spend_money(client: XeroAccounting, request: ApprovalRequest,
                         publication: XeroPublication) -> tuple[str, str, str]:
    if request.payment_account_id is None:
        raise XeroValidationError(["A bank transaction needs the bank account of a known payment method."])
    if publication.bank_transaction_id is None:
        found = _spend_money_lookup(client, request, publication) if publication.create_sent_at else None
        if found:
            steps.record(publication, bank_transaction_id=found)
        else:
            steps.record(publication, create_sent_at=timezone.now())
            body = payloads.spend_money(request)
            [result] = client.put_bank_transactions([body], idempotency_key=_batch_key("spend", [(request, publication)],
                                                                                       [body]))
            raise_element_errors(result)
            steps.record(publication, bank_transaction_id=result["BankTransactionID"])
    transaction_id = str(publication.bank_transaction_id)
    steps.attach(client, request, publication, "BankTransactions", transaction_id)
    return transaction_id, "", ""


def _bill_mark_published(connection: XeroConnection, request: ApprovalRequest, publication: XeroPublication) -> None:
    note = ""
    if request.is_paid and not request.payment_account_id:
        note = "Paid in Dext, but its payment method has no known bank account: created awaiting payment."
    invoice_id = str(publication.invoice_id)
    outcomes.request_mark_published(
        request_id=request.pk, external_system=SYSTEM, external_id=invoice_id,
        external_url=deep_link_to_bill(short_code=connection.short_code, invoice_id=invoice_id), message=note)


def _needs_payment(request: ApprovalRequest) -> bool:
    return request.is_paid and bool(request.payment_account_id)


def _publish_together(client: XeroAccounting, connection: XeroConnection, requests: list[ApprovalRequest]) -> None:
    """Bills created together, then each one's attachments (a bill with nothing to pay is
    published as soon as they are there, so that a publisher whose turn ends mid-batch leaves
    each finished bill published), then payments together and those bills published.
    Spend-money transactions and credit notes one by one."""
    with transaction.atomic():
        items = [(r, XeroPublication.objects.get_or_create(request=r, revision=r.revision)[0]) for r in requests]
    # Bills pulled from Xero are there already: they are authorised, not created.
    bills = [(r, p) for r, p in items if r.kind == ApprovalRequest.Kind.BILL and not is_pulled(r)]
    refused = _bills_create(client, bills)
    credits = [(r, p) for r, p in items if r.is_credit_note and p.credit_note_id is None]
    contact_ids = _contacts_create(client, credits) if credits else {}
    for request, publication in items:
        if request.pk in refused:
            continue
        try:
            if request.kind == ApprovalRequest.Kind.SPEND_MONEY:
                external_id, url, note = _publish_spend_money(client, request, publication)
                outcomes.request_mark_published(request_id=request.pk, external_system=SYSTEM,
                                                         external_id=external_id, external_url=url, message=note)
            elif is_pulled(request):
                pulled_bill_publish(client, connection, request, publication)
            elif request.is_credit_note:
                credit_note_publish(client, connection, request, publication, contact_ids.get(request.supplier_name))
            else:
                steps.attach(client, request, publication, "Invoices", str(publication.invoice_id))
                if not _needs_payment(request):
                    _bill_mark_published(connection, request, publication)
        except XeroValidationError as exc:
            _fail(request, exc.messages)
            refused.add(request.pk)
    paid = [(r, p) for r, p in bills if r.pk not in refused and _needs_payment(r)]
    refused |= _bills_pay(client, paid)
    for request, publication in paid:
        if request.pk not in refused:
            _bill_mark_published(connection, request, publication)


def _approved(queryset) -> QuerySet:
    return (queryset.filter(state=State.APPROVED)
            .select_related("organisation", "supplier", "payment_account", "credit_for").order_by("pk"))


def _next_batch(waiting) -> list[ApprovalRequest]:
    """The approved requests whose bills Xero already has first (`publish_batches.next_batch`)."""
    started = XeroPublication.objects.filter(request=OuterRef("pk"), revision=OuterRef("revision"),
                                             invoice_id__isnull=False)
    return next_batch(_approved(waiting), started, BATCH_SIZE)


def _client_or_fail(organisation_id: int, requests: list[ApprovalRequest]):
    try:
        return accounting_for(organisation_id=organisation_id, max_wait=settings.XERO_PUBLISH_MAX_WAIT,
                              turn_calls=settings.XERO_PUBLISH_TURN_CALLS)
    except XeroNotConnected as exc:
        for request in requests:
            outcomes.request_mark_publish_failed(request_id=request.pk, error=exc.message)
        return None


def _report_kept(request: ApprovalRequest) -> bool:
    return XeroPublication.objects.filter(request=request, revision=request.revision).exclude(audit_report="").exists()


def tenant_publish(*, organisation_id: int) -> int:
    """Publish up to one batch of the organisation's approved requests together. Returns how many
    approved requests still wait, for the caller to run again; 0 when another live publisher holds
    the tenant (it runs again itself while anything waits)."""
    waiting = ApprovalRequest.objects.filter(organisation_id=organisation_id)
    # Reports a lost render task never made are rendered here, before the lock: under it, only Xero.
    for request in _approved(waiting)[:BATCH_SIZE]:
        audit_report_ensure(request=request)
    try:
        with exclusive(_lock_name(organisation_id), timeout=LOCK_WAIT_SECONDS):
            candidates = _next_batch(waiting)
            ready = audit_reports_ready(candidates)
            requests = [request for request in candidates if request.pk in ready or _report_kept(request)]
            connected = requests and _client_or_fail(organisation_id, requests)
            if connected:
                _publish_together(*connected, requests)
            return waiting.filter(state=State.APPROVED).count()
    except LockTimeout:
        logger.info("Organisation %s is being published by another process.", organisation_id)
        return 0


def tenants_stuck(*, approved_before) -> list[int]:
    """Organisations connected to Xero with requests approved before `approved_before` that no
    live publisher holds: a worker died, a message was lost, or nothing enqueued them. (Those
    with no accounting system are failed by the engine's own sweep.)"""
    organisation_ids = list(ApprovalRequest.objects.filter(state=State.APPROVED, updated_at__lt=approved_before,
                                                           organisation__xero_connection__isnull=False)
                            .values_list("organisation_id", flat=True).distinct().order_by("organisation_id"))
    waiting = XeroConnection.objects.filter(organisation_id__in=organisation_ids,
                                            publish_retry_at__gt=timezone.now())
    postponed = set(waiting.values_list("organisation_id", flat=True))
    return [pk for pk in organisation_ids if pk not in postponed and not is_held(_lock_name(pk))]


def tenant_publish_postpone(*, organisation_id: int, until) -> None:
    """A retry is scheduled for then: the sweep leaves the tenant alone until it is due."""
    XeroConnection.objects.filter(organisation_id=organisation_id).update(publish_retry_at=until)


def _lock_name(organisation_id: int) -> str:
    # One publisher per tenant at a time: two could both find a bill missing and both create it.
    return f"xero-publish-{organisation_id}"
