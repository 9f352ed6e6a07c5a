"""Create approved requests in QuickBooks Online: the vendor if it is new, the bill (or a
`Purchase` for a bank transaction), both attachments, and a `BillPayment` when it was paid. The
company's waiting bills are created together, up to QBO_BATCH_MAX per `/batch` call.

Exactly once: every write carries a deterministic `requestid` (QBO answers a repeat with the first
answer), each step is recorded as it completes, and a create or payment is marked sent before it
goes. An answer that never came (timeout, 5xx, worker killed) is reconciled by a query (vendor,
`DocNumber` and our marker in `PrivateNote`) before writing again, since requestids are not kept
for ever. One publisher runs per company at a time (a named lock shared by all processes)."""

import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet
from django.utils import timezone

from approvalmax.core.locks import LockTimeout, exclusive, is_held
from approvalmax.core.models import Account
from approvalmax.core.publish_batches import next_batch
from workflows import outcomes
from workflows.audit_reports import audit_report_ensure, audit_reports_ready
from workflows.models import ApprovalRequest
from quickbooks_integration import payloads
from quickbooks_integration.client import QuickBooksAccounting, deep_link, fault_of
from quickbooks_integration.exceptions import QuickBooksFault, QuickBooksNotConnected
from quickbooks_integration.messages import publish_error_text
from quickbooks_integration.models import QuickBooksConnection, QuickBooksPublication
from quickbooks_integration.services.connection import accounting_for
from quickbooks_integration.system import KEY as SYSTEM

logger = logging.getLogger(__name__)

State = ApprovalRequest.State
BATCH_SIZE = 30
LOCK_WAIT_SECONDS = 10.0
DUPLICATE_NAME = "6240"


def _request_id(request: ApprovalRequest, publication: QuickBooksPublication, step: str) -> str:
    # At most 50 characters, unique per company: the request, its revision, the attempt, the step.
    return f"amx-{request.public_id.hex[:20]}-r{request.revision}a{publication.attempt}-{step}"[:50]


def _record(publication: QuickBooksPublication, **fields) -> None:
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save(update_fields=[*fields, "updated_at"])


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _vendor(client: QuickBooksAccounting, request: ApprovalRequest, publication: QuickBooksPublication) -> str:
    """The vendor's id; a supplier QBO does not know becomes a vendor first. A name QBO says is
    taken (an earlier create whose answer was lost, or a vendor made in QBO since the last sync)
    is looked up instead."""
    if publication.vendor_id:
        return publication.vendor_id
    supplier = request.supplier
    if supplier is not None and supplier.external_system == SYSTEM and supplier.external_id:
        vendor_id = supplier.external_id
    else:
        try:
            vendor_id = client.create("Vendor", payloads.vendor(request.supplier_name),
                                      request_id=_request_id(request, publication, "vendor"))["Id"]
        except QuickBooksFault as fault:
            if DUPLICATE_NAME not in fault.codes:
                raise
            found = client.query_all("Vendor", f"DisplayName = {_quoted(request.supplier_name[:500])} "
                                               "and Active in (true, false)")
            if not found:
                raise
            vendor_id = found[0]["Id"]
    _record(publication, vendor_id=vendor_id)
    return vendor_id


def _created_before(client: QuickBooksAccounting, request: ApprovalRequest, entity: str, vendor_id: str) -> str:
    """The id of the bill or purchase an unanswered create made, found by our marker; or ""."""
    conditions = [f"TxnDate = '{request.date.isoformat()}'"]
    if request.invoice_number:
        conditions.append(f"DocNumber = {_quoted(request.invoice_number)}")
    if entity in ("Bill", "VendorCredit"):
        conditions.append(f"VendorRef = {_quoted(vendor_id)}")
    marker = payloads.marker(request)
    for found in client.query_all(entity, " and ".join(conditions)):
        if found.get("PrivateNote", "") == marker:
            return found["Id"]
    return ""


def _create(client, request, publication, entity: str, field: str, vendor_id: str | None, body: dict) -> str:
    existing = getattr(publication, field)
    if existing:
        return existing
    if publication.create_sent_at is not None:
        found = _created_before(client, request, entity, vendor_id or "")
        if found:
            logger.info("Request %s: its unanswered create did make the %s; not creating another.", request.pk,
                        entity, extra={"request": request.public_id})
            _record(publication, **{field: found})
            return found
    _record(publication, create_sent_at=timezone.now())
    created = client.create(entity, body, request_id=_request_id(request, publication, entity.lower()))
    _record(publication, **{field: created["Id"]})
    return created["Id"]


def _batch_request_id(chunk: list[tuple]) -> str:
    names = "\n".join(sorted(f"{r.public_id}-r{r.revision}a{p.attempt}" for r, p, _ in chunk))
    return f"amx-b-{hashlib.sha256(names.encode()).hexdigest()[:44]}"


def _bills_create_together(client: QuickBooksAccounting, requests: list[ApprovalRequest]) -> set[int]:
    """Bills not yet sent are created up to QBO_BATCH_MAX per `/batch` call (one call instead of
    one each); each operation's answer, or its Fault, is its bill's alone. A batch whose answer is
    lost leaves its bills marked sent, so each is then looked up before it is created again.
    Returns the requests QBO refused."""
    refused, waiting = set(), []
    for request in requests:
        publication, _ = QuickBooksPublication.objects.get_or_create(request=request, revision=request.revision)
        if publication.bill_id or publication.create_sent_at:
            continue
        try:
            waiting.append((request, publication, _vendor(client, request, publication)))
        except QuickBooksFault as fault:
            if fault.kind not in ("ValidationFault", ""):
                raise
            _refused(request, fault)
            refused.add(request.pk)
    size = settings.QBO_BATCH_MAX
    for chunk in [waiting[i:i + size] for i in range(0, len(waiting), size)]:
        if len(chunk) == 1:
            continue  # one bill: its own create is as cheap, and simpler to follow
        sent_at = timezone.now()
        QuickBooksPublication.objects.filter(pk__in=[p.pk for _, p, _ in chunk]).update(create_sent_at=sent_at)
        operations = [{"bId": str(p.pk), "operation": "create", "Bill": payloads.bill(r, vendor_id)}
                      for r, p, vendor_id in chunk]
        answers = {a.get("bId"): a for a in client.batch(operations, request_id=_batch_request_id(chunk))}
        for request, publication, _ in chunk:
            answer = answers.get(str(publication.pk), {})
            fault = fault_of(answer)
            if "Bill" in answer:
                _record(publication, bill_id=answer["Bill"]["Id"], create_sent_at=sent_at)
            elif fault is not None:
                _refused(request, fault)
                refused.add(request.pk)
    return refused


def _attach(client: QuickBooksAccounting, request: ApprovalRequest, publication: QuickBooksPublication,
            entity: str, entity_id: str) -> None:
    if not publication.document_attached:
        document = request.current_document()
        with document.file.open("rb") as handle:
            data = handle.read()
        client.upload(entity=entity, entity_id=entity_id, filename=document.filename,
                      content_type=document.content_type, data=data, request_id=_request_id(request, publication, "original"))
        _record(publication, document_attached=True)
    if not publication.report_attached:
        report = audit_report_ensure(request=request)
        with report.file.open("rb") as handle:
            data = handle.read()
        name = f"Approval audit report {request.invoice_number or request.public_id}.pdf"[:120]
        client.upload(entity=entity, entity_id=entity_id, filename=name, content_type="application/pdf", data=data,
                      request_id=_request_id(request, publication, "report"))
        _record(publication, report_attached=True)


def _pay(client: QuickBooksAccounting, request: ApprovalRequest, publication: QuickBooksPublication,
         vendor_id: str) -> None:
    if publication.payment_id:
        return
    if publication.payment_sent_at is not None and client.get("Bill", publication.bill_id).get("Balance", 1) == 0:
        # The bill is settled: the payment whose answer was lost went through.
        for payment in client.query_all("BillPayment", f"VendorRef = {_quoted(vendor_id)}"):
            if any(linked.get("TxnId") == publication.bill_id for line in payment.get("Line", [])
                   for linked in line.get("LinkedTxn", [])):
                _record(publication, payment_id=payment["Id"])
                return
    _record(publication, payment_sent_at=timezone.now())
    paid = client.create("BillPayment", payloads.bill_payment(request, vendor_id, publication.bill_id),
                         request_id=_request_id(request, publication, "payment"))
    _record(publication, payment_id=paid["Id"])


def _needs_payment(request: ApprovalRequest) -> bool:
    return request.is_paid and request.payment_account_id is not None and request.payment_account.accepts_payments


def _bank_account_id(request: ApprovalRequest) -> str:
    account = (Account.objects.active().filter(organisation_id=request.organisation_id, external_system=SYSTEM,
                                               type="BANK").order_by("code", "pk").first())
    return account.external_id if account else ""


def _credit_applied(client: QuickBooksAccounting, request: ApprovalRequest, publication: QuickBooksPublication,
                    vendor_id: str) -> str:
    """Apply the credit to the bill an approver chose, as much as it still owes; what to say of it."""
    bill = request.credit_for
    if bill is None:
        return ""
    if publication.allocation_note:
        return publication.allocation_note
    if bill.external_system != SYSTEM or not bill.external_id:
        _record(publication, allocation_note=f"Not applied: bill {bill.invoice_number} is not in QuickBooks Online.")
        return publication.allocation_note
    credit_id = publication.vendor_credit_id
    if not publication.payment_id and publication.payment_sent_at is not None:
        for payment in client.query_all("BillPayment", f"VendorRef = {_quoted(vendor_id)}"):
            if any(linked.get("TxnId") == credit_id and linked.get("TxnType") == "VendorCredit"
                   for line in payment.get("Line", []) for linked in line.get("LinkedTxn", [])):
                _record(publication, payment_id=payment["Id"])
    if publication.payment_id:
        return f"Applied to bill {bill.invoice_number}."
    owed = Decimal(str(client.get("Bill", bill.external_id).get("Balance", 0))).quantize(Decimal("0.01"))
    amount, bank = min(owed, request.total), _bank_account_id(request)
    reason = (f"bill {bill.invoice_number} has nothing left to pay" if amount <= 0 else
              "QuickBooks Online needs a bank account for the bill payment that applies it, and none is synced"
              if not bank else "")
    if reason:
        _record(publication, allocation_note=f"Not applied: {reason}.")
        return publication.allocation_note
    _record(publication, payment_sent_at=timezone.now())
    try:
        paid = client.create("BillPayment", payloads.credit_application(request, vendor_id, bill.external_id,
                                                                        credit_id, amount, bank),
                             request_id=_request_id(request, publication, "apply"))
    except QuickBooksFault as fault:
        if fault.kind not in ("ValidationFault", ""):
            raise
        _record(publication, allocation_note=f"Not applied to bill {bill.invoice_number}: QuickBooks Online said "
                                             + "; ".join(fault.messages))
        return publication.allocation_note
    _record(publication, payment_id=paid["Id"])
    return f"Applied {amount} to bill {bill.invoice_number}."


def _publish_credit_note(client: QuickBooksAccounting, request: ApprovalRequest,
                         publication: QuickBooksPublication) -> None:
    vendor_id = _vendor(client, request, publication)
    credit_id = _create(client, request, publication, "VendorCredit", "vendor_credit_id", vendor_id,
                        payloads.vendor_credit(request, vendor_id))
    _attach(client, request, publication, "VendorCredit", credit_id)
    notes = [_credit_applied(client, request, publication, vendor_id),
             "Refunded in Dext: record the refund in QuickBooks Online." if request.is_paid else ""]
    outcomes.request_mark_published(request_id=request.pk, external_system=SYSTEM, external_id=credit_id,
                                    external_url=deep_link(entity="VendorCredit", entity_id=credit_id),
                                    message=" ".join(note for note in notes if note))


def _publish_one(client: QuickBooksAccounting, request: ApprovalRequest) -> None:
    publication, _ = QuickBooksPublication.objects.get_or_create(request=request, revision=request.revision)
    if request.is_credit_note:
        _publish_credit_note(client, request, publication)
        return
    if request.kind == ApprovalRequest.Kind.SPEND_MONEY:
        if request.payment_account_id is None:
            raise QuickBooksFault(["A bank transaction needs the bank or card account it was paid from."],
                                  kind="ValidationFault", codes=[])
        vendor_id = _vendor(client, request, publication) if request.supplier_name.strip() else None
        purchase_id = _create(client, request, publication, "Purchase", "purchase_id", vendor_id,
                              payloads.purchase(request, vendor_id))
        _attach(client, request, publication, "Purchase", purchase_id)
        outcomes.request_mark_published(request_id=request.pk, external_system=SYSTEM,
                                                 external_id=purchase_id,
                                                 external_url=deep_link(entity="Purchase", entity_id=purchase_id))
        return
    vendor_id = _vendor(client, request, publication)
    bill_id = _create(client, request, publication, "Bill", "bill_id", vendor_id, payloads.bill(request, vendor_id))
    _attach(client, request, publication, "Bill", bill_id)
    note = ""
    if _needs_payment(request):
        _pay(client, request, publication, vendor_id)
    elif request.is_paid:
        note = "Paid in Dext, but its payment method has no known bank or card account: created awaiting payment."
    outcomes.request_mark_published(request_id=request.pk, external_system=SYSTEM, external_id=bill_id,
                                             external_url=deep_link(entity="Bill", entity_id=bill_id), message=note)


def _refused(request: ApprovalRequest, fault: QuickBooksFault) -> None:
    """QBO refused a step: the request fails visibly, and the next attempt (once the cause is
    fixed) sends what nothing was made of again, under new requestids."""
    publication = QuickBooksPublication.objects.get(request=request, revision=request.revision)
    publication.attempt += 1
    if not (publication.bill_id or publication.purchase_id or publication.vendor_credit_id):
        publication.create_sent_at = None
    if not publication.payment_id:
        publication.payment_sent_at = None
    publication.save(update_fields=["attempt", "create_sent_at", "payment_sent_at", "updated_at"])
    outcomes.request_mark_publish_failed(request_id=request.pk, error=publish_error_text(fault))


def _approved(organisation_id: int) -> QuerySet:
    return (ApprovalRequest.objects.filter(organisation_id=organisation_id, state=State.APPROVED)
            .select_related("organisation", "supplier", "payment_account", "credit_for").order_by("pk"))


def _next_batch(organisation_id: int) -> list[ApprovalRequest]:
    """The approved requests that QBO already has (or may have: sent, answer lost) first
    (`publish_batches.next_batch`)."""
    started = QuickBooksPublication.objects.filter(
        Q(create_sent_at__isnull=False) | ~Q(bill_id="") | ~Q(purchase_id="") | ~Q(vendor_credit_id=""),
        request=OuterRef("pk"), revision=OuterRef("revision"))
    return next_batch(_approved(organisation_id), started, BATCH_SIZE)


def realm_publish(*, organisation_id: int) -> int:
    """Publish up to one batch of the organisation's approved requests, one after another. Returns
    how many still wait, for the caller to run again; 0 when another live publisher holds the
    company (it runs again itself while anything waits)."""
    for request in _approved(organisation_id)[:BATCH_SIZE]:
        audit_report_ensure(request=request)  # before the lock: under it, only QBO's calls
    try:
        with exclusive(_lock_name(organisation_id), timeout=LOCK_WAIT_SECONDS):
            requests = _next_batch(organisation_id)
            ready = audit_reports_ready(requests)
            try:
                client, _ = accounting_for(organisation_id=organisation_id, max_wait=settings.QBO_PUBLISH_MAX_WAIT,
                                           turn_calls=settings.QBO_PUBLISH_TURN_CALLS)
            except QuickBooksNotConnected as exc:
                for request in requests:
                    outcomes.request_mark_publish_failed(request_id=request.pk, error=exc.message)
                return 0
            ready_requests = [r for r in requests if r.pk in ready]
            refused = _bills_create_together(
                client, [r for r in ready_requests if r.kind == ApprovalRequest.Kind.BILL])
            for request in ready_requests:
                if request.pk in refused:
                    continue
                try:
                    _publish_one(client, request)
                except QuickBooksFault as fault:
                    if fault.kind not in ("ValidationFault", ""):
                        raise
                    _refused(request, fault)
            return ApprovalRequest.objects.filter(organisation_id=organisation_id, state=State.APPROVED).count()
    except LockTimeout:
        logger.info("Organisation %s is being published by another process.", organisation_id)
        return 0


def realms_stuck(*, approved_before) -> list[int]:
    """Organisations connected to QuickBooks Online with requests approved a while ago that no
    live publisher holds: a worker died, a message was lost."""
    organisation_ids = (ApprovalRequest.objects.filter(state=State.APPROVED, updated_at__lt=approved_before,
                                                       organisation__quickbooks_connection__isnull=False)
                        .values_list("organisation_id", flat=True).distinct().order_by("organisation_id"))
    paused = set(QuickBooksConnection.objects.filter(paused_until__gt=timezone.now())
                 .values_list("organisation_id", flat=True))
    return [pk for pk in organisation_ids if pk not in paused and not is_held(_lock_name(pk))]


def _lock_name(organisation_id: int) -> str:
    return f"quickbooks-publish-{organisation_id}"
