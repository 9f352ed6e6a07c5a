"""A credit note's allocation: while it is on approval, one of its approvers (or an administrator)
may choose an open bill of the same supplier for its credit; publishing then applies as much of the
credit as that bill still owes in the accounting system."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from approvalmax.core.selectors import is_administrator
from workflows.exceptions import EditNotAllowed
from workflows.models import ApprovalRequest, AuditEvent
from workflows.trail import audit

State = ApprovalRequest.State
CANDIDATES = 20


def credit_candidates(request: ApprovalRequest) -> list[ApprovalRequest]:
    """Bills the credit may go to: published, not paid from here, the same supplier and currency."""
    if not request.is_credit_note:
        return []
    supplier = Q(supplier_id=request.supplier_id) if request.supplier_id else Q(
        supplier_name__iexact=request.supplier_name)
    bills = ApprovalRequest.objects.filter(
        supplier, organisation_id=request.organisation_id, kind=ApprovalRequest.Kind.BILL, state=State.PUBLISHED,
        is_paid=False, currency=request.currency)
    return list(bills.order_by("-date", "-pk")[:CANDIDATES])


def may_choose(request: ApprovalRequest, user: AbstractBaseUser) -> bool:
    return request.is_credit_note and request.is_open and (
        request.decides_for(user) is not None or is_administrator(user=user, organisation=request.organisation))


@transaction.atomic
def credit_allocate(*, request_id: int, user: AbstractBaseUser, bill_id: int | None) -> ApprovalRequest:
    """Choose the bill (or none) the credit note's credit goes to; recorded in the audit trail."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request_id)
    if not may_choose(request, user):
        raise EditNotAllowed("Only the credit note's approvers or an administrator may choose, while it is on approval.")
    bill = None
    if bill_id is not None:
        bill = next((b for b in credit_candidates(request) if b.pk == bill_id), None)
        if bill is None:
            raise EditNotAllowed("Choose a published, unpaid bill of the same supplier in the same currency.")
    if bill == request.credit_for:
        return request
    request.credit_for = bill
    request.save(update_fields=["credit_for", "updated_at"])
    message = (f"The credit goes to bill {bill.invoice_number or 'without a number'} of {bill.date:%d %b %Y} "
               f"({bill.currency} {bill.total}) when published." if bill else "The credit is not allocated to a bill.")
    audit(request, AuditEvent.Action.CREDIT_ALLOCATED, actor=user, message=message,
          data={"bill": bill.pk if bill else None})
    return request
