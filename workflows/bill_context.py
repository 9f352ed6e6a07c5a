"""What the request page says around a bill, for the approver to judge it: a supplier the
accounting system does not know yet, a bill already past its due date, and the supplier's last
bills here with their amounts and states."""

from dataclasses import dataclass, field

from django.utils import timezone

from workflows.models import ApprovalRequest

EARLIER = 5


@dataclass
class BillContext:
    new_supplier: bool
    overdue_days: int
    earlier: list[ApprovalRequest] = field(default_factory=list)


def bill_context(request: ApprovalRequest, history=None) -> BillContext:
    """One query: the supplier's five latest other requests of the organisation; none when the
    caller has read `history` for the duplicate check (workflows.duplicates.supplier_history),
    which holds them: the same supplier's requests, latest bill date first."""
    supplier = request.supplier
    new_supplier = supplier is None or not supplier.external_id
    today = timezone.localdate()
    overdue = (today - request.due_date).days if request.due_date and not request.is_paid else 0
    if history is not None:
        earlier = [other for other in history.others if other.kind == request.kind and _same_supplier(request, other)]
        return BillContext(new_supplier=new_supplier, overdue_days=max(overdue, 0), earlier=earlier[:EARLIER])
    same = ({"supplier_id": request.supplier_id} if request.supplier_id
            else {"supplier__isnull": True, "supplier_name__iexact": request.supplier_name})
    earlier = list(ApprovalRequest.objects.filter(organisation_id=request.organisation_id, kind=request.kind, **same)
                   .exclude(pk=request.pk).order_by("-date", "-pk")
                   .only("public_id", "invoice_number", "date", "total", "currency", "state", "kind")[:EARLIER])
    return BillContext(new_supplier=new_supplier, overdue_days=max(overdue, 0), earlier=earlier)


def _same_supplier(request: ApprovalRequest, other) -> bool:
    """The query's test above, on a row already read."""
    if request.supplier_id:
        return other.supplier_id == request.supplier_id
    return other.supplier_id is None and other.supplier_name.casefold() == request.supplier_name.casefold()
