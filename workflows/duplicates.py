"""Duplicate bills, caught before anyone approves: against every request of the organisation, in
any state. Exact: the same supplier and the same bill number once case, spaces, punctuation and
leading zeros are ignored. Near: the same supplier, total and currency within 7 days of each
other, or bill numbers one edit apart. Same file: the same SHA-256."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q

from workflows.models import ApprovalRequest, RequestDocument

NEAR_DAYS = 7
# Enough of the supplier's history to find a repeat without reading years of it on every page.
CANDIDATES = 500


def normalised_number(number: str) -> str:
    """"INV-0042", "inv 42" and "Inv.042" are one number."""
    squeezed = re.sub(r"[^0-9a-z]", "", (number or "").lower())
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", squeezed)


def one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added or left out (and not the same)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


@dataclass
class PossibleDuplicate:
    other: ApprovalRequest
    reasons: list[str] = field(default_factory=list)

    def describe(self) -> str:
        other = self.other
        number = f"bill {other.invoice_number}" if other.invoice_number else "a bill without a number"
        return (f"Possible duplicate of {number} from {other.supplier_name}, {other.total:,.2f} {other.currency}, "
                f"dated {other.date:%d %b %Y} ({other.get_state_display().lower()}): {', '.join(self.reasons)}.")


def _same_supplier(request: ApprovalRequest) -> Q:
    if request.supplier_id:
        return Q(supplier_id=request.supplier_id) | Q(supplier__isnull=True, supplier_name__iexact=request.supplier_name)
    return Q(supplier_name__iexact=request.supplier_name)


def possible_duplicates(request: ApprovalRequest) -> list[PossibleDuplicate]:
    """Other requests of the organisation this one may repeat, each with why; two queries."""
    others = ApprovalRequest.objects.filter(organisation_id=request.organisation_id).exclude(pk=request.pk)
    found: dict[int, PossibleDuplicate] = {}

    def note(other: ApprovalRequest, reason: str) -> None:
        found.setdefault(other.pk, PossibleDuplicate(other)).reasons.append(reason)

    mine = normalised_number(request.invoice_number)
    for other in others.filter(_same_supplier(request)).order_by("-created_at")[:CANDIDATES]:
        theirs = normalised_number(other.invoice_number)
        if mine and mine == theirs:
            note(other, "the same supplier and bill number")
        elif mine and theirs and min(len(mine), len(theirs)) >= 3 and one_edit_apart(mine, theirs):
            note(other, "the same supplier and a bill number one character apart")
        if (other.total == request.total and other.currency == request.currency
                and abs(other.date - request.date) <= timedelta(days=NEAR_DAYS)):
            note(other, f"the same supplier and total within {NEAR_DAYS} days")
    document = request.documents.filter(revision=request.revision).only("sha256").first()
    if document is not None:
        same_file = RequestDocument.objects.filter(request__organisation_id=request.organisation_id,
                                                   sha256=document.sha256).exclude(request_id=request.pk)
        for other in others.filter(pk__in=same_file.values("request_id")):
            note(other, "the very same file")
    return sorted(found.values(), key=lambda d: d.other.created_at, reverse=True)
