"""Approved supplier credit notes into Xero (`ACCPAYCREDIT`): the credit note, its two
attachments and, when an approver chose an open bill of the same supplier, the allocation of as
much credit as that bill still owes.

Exactly once, as for bills, though Xero keeps no Url on a credit note: an unanswered create is
looked up by its number, supplier and total among the credit notes changed since it was sent; an
unanswered allocation by the credit note's own allocations. A refused allocation leaves the credit
note published, with the reason on the request."""

from decimal import Decimal

from django.utils import timezone

from workflows import outcomes
from workflows.models import ApprovalRequest
from xero_integration import payloads
from xero_integration.client import XeroAccounting, deep_link_to_credit_note, raise_element_errors
from xero_integration.exceptions import XeroValidationError
from xero_integration.models import XeroConnection, XeroPublication
from xero_integration.services import steps
from xero_integration.system import KEY as SYSTEM



def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _same_supplier(request: ApprovalRequest, contact: dict, contact_id: str | None) -> bool:
    known = contact_id or (request.supplier.external_id if request.supplier_id else "")
    return contact.get("ContactID") == known if known else contact.get("Name") == request.supplier_name


def _lookup(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
            contact_id: str | None) -> str | None:
    for found in client.find_credit_notes(modified_since=publication.create_sent_at - steps.LOOKUP_MARGIN):
        if (found.get("Type") == "ACCPAYCREDIT" and found.get("Status") in steps.LIVE_STATUSES
                and found.get("CreditNoteNumber") == request.invoice_number
                and _money(found.get("Total")) == request.total
                and _same_supplier(request, found.get("Contact") or {}, contact_id)):
            return found["CreditNoteID"]
    return None


def _create(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
            contact_id: str | None) -> str:
    if publication.credit_note_id is None and publication.create_sent_at is not None:
        found = _lookup(client, request, publication, contact_id)
        if found:
            steps.record(publication, credit_note_id=found)
    if publication.credit_note_id is None:
        steps.record(publication, create_sent_at=timezone.now())
        [element] = client.put_credit_notes([payloads.credit_note(request, contact_id)],
                                            idempotency_key=steps.key(request, "credit-note"))
        raise_element_errors(element)
        steps.record(publication, credit_note_id=element["CreditNoteID"])
    return str(publication.credit_note_id)


def _allocation_note(client: XeroAccounting, request: ApprovalRequest, publication: XeroPublication,
                     credit_note_id: str) -> str:
    """Allocate to the chosen bill; answers what the request should say about it."""
    bill = request.credit_for
    if bill is None or publication.allocation_id or publication.allocation_note:
        return publication.allocation_note or (f"Allocated to bill {bill.invoice_number}." if bill else "")
    if bill.external_system != SYSTEM or not bill.external_id:
        steps.record(publication, allocation_note=f"Not allocated: bill {bill.invoice_number} is not in Xero.")
        return publication.allocation_note
    if publication.allocation_sent_at is not None:
        made = [a for a in client.get_credit_note(credit_note_id).get("Allocations") or []
                if (a.get("Invoice") or {}).get("InvoiceID") == bill.external_id]
        if made:
            steps.record(publication, allocation_id=made[0]["AllocationID"])
            return f"Allocated {_money(made[0]['Amount'])} to bill {bill.invoice_number}."
    due = _money(client.get_invoice(bill.external_id).get("AmountDue"))
    amount = min(due, request.total)
    if amount <= 0:
        steps.record(publication, allocation_note=f"Not allocated: bill {bill.invoice_number} has nothing left to pay.")
        return publication.allocation_note
    steps.record(publication, allocation_sent_at=timezone.now())
    element = client.put_allocation(credit_note_id=credit_note_id,
                                    allocation=payloads.allocation(request, bill.external_id, amount),
                                    idempotency_key=steps.key(request, f"allocation-{amount}"))
    try:
        raise_element_errors(element)
    except XeroValidationError as exc:
        steps.record(publication, allocation_note=f"Not allocated to bill {bill.invoice_number}: Xero said "
                                                  + " ".join(exc.messages))
        return publication.allocation_note
    steps.record(publication, allocation_id=element["AllocationID"])
    return f"Allocated {amount} to bill {bill.invoice_number}."


def credit_note_publish(client: XeroAccounting, connection: XeroConnection, request: ApprovalRequest,
                        publication: XeroPublication, contact_id: str | None) -> None:
    credit_note_id = _create(client, request, publication, contact_id)
    steps.attach(client, request, publication, "CreditNotes", credit_note_id)
    notes = [_allocation_note(client, request, publication, credit_note_id)]
    if request.is_paid:
        notes.append("Refunded in Dext: record the refund in Xero.")
    outcomes.request_mark_published(
        request_id=request.pk, external_system=SYSTEM, external_id=credit_note_id,
        external_url=deep_link_to_credit_note(short_code=connection.short_code, credit_note_id=credit_note_id),
        message=" ".join(note for note in notes if note))
