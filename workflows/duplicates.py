"""Duplicate bills, caught before anyone approves: against every request of the organisation, in
any state, and against the accounting system's recent bills that did not come from here. Exact: the same supplier and the same bill number once case, spaces, punctuation and
leading zeros are ignored. Near: the same supplier, total and currency within 7 days of each
other, or bill numbers one edit apart. Same file: the same SHA-256, or for images a perceptual
fingerprint a few bits away (the same page photographed again)."""

import re
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.models import AccountingBill
from workflows.image_hash import CLOSE, distance
from workflows.models import ApprovalRequest, AuditEvent, RequestDocument
from workflows.trail import audit

NEAR_DAYS = 7
# Enough of the supplier's history to find a repeat without reading years of it on every page.
CANDIDATES = 500
# The latest possible duplicates a page or a message names before it folds or counts the rest.
FIRST_SHOWN = 5
# What the comparison and the warning read of each candidate.
COMPARED = ["id", "public_id", "kind", "state", "supplier_name", "supplier_id", "invoice_number", "date", "currency",
            "total", "created_at"]


class OtherRequest(namedtuple("OtherRequest", ["pk", *COMPARED[1:]])):
    """Another request of the organisation, as far as the check reads it: a row, not a model
    instance, because hundreds are compared on each push and most are dropped."""

    def get_state_display(self) -> str:
        return ApprovalRequest.State(self.state).label

# The organisation's latest pictures compared by fingerprint (a bit count each, in Python).
IMAGES = 5000


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
    """Another request of the organisation (`other`), or a bill already in the accounting system (`bill`)."""

    other: "OtherRequest | None" = None
    reasons: list[str] = field(default_factory=list)
    bill: AccountingBill | None = None

    def describe(self) -> str:
        what = self.other or self.bill
        number = what.invoice_number if self.other else what.number
        label = f"bill {number}" if number else "a bill without a number"
        where = (self.other.get_state_display().lower() if self.other else
                 f"already in {_system_name(self.bill)}, {self.bill.status.lower()}")
        return (f"Possible duplicate of {label} from {what.supplier_name}, {what.total:,.2f} {what.currency}, "
                f"dated {what.date:%d %b %Y} ({where}): {', '.join(self.reasons)}.")

    @property
    def url(self) -> str:
        from workflows.selectors import request_page_url

        return request_page_url(request=self.other) if self.other else self.bill.url

    @property
    def page_url(self) -> str:
        """The link on our own pages: the request's path, or the bill in the accounting system."""
        from django.urls import reverse

        return reverse("workflows:request_detail", args=[self.other.public_id]) if self.other else self.bill.url

    @property
    def reference(self):
        """For the trail: the other request's id, or the accounting system's id of the bill."""
        return self.other.pk if self.other else f"{self.bill.external_system}:{self.bill.external_id}"

    @property
    def when(self):
        return self.other.created_at if self.other else self.bill.updated_at


def _system_name(bill: AccountingBill) -> str:
    system = accounting.system_named(bill.external_system)
    return system.name if system else "the accounting system"


def _alike(request: ApprovalRequest, mine: str, number: str, total, currency: str, on) -> list[str]:
    """Why a bill of the same supplier may be this one again, by its number, total and date."""
    reasons, theirs = [], normalised_number(number)
    if mine and mine == theirs:
        reasons.append("the same supplier and bill number")
    elif mine and theirs and min(len(mine), len(theirs)) >= 3 and one_edit_apart(mine, theirs):
        reasons.append("the same supplier and a bill number one character apart")
    if total == request.total and currency == request.currency and abs(on - request.date) <= timedelta(days=NEAR_DAYS):
        reasons.append(f"the same supplier and total within {NEAR_DAYS} days")
    return reasons


def _in_accounting(request: ApprovalRequest, mine: str) -> list[PossibleDuplicate]:
    """The accounting system's recent bills of the supplier that did not come from here."""
    if request.kind != ApprovalRequest.Kind.BILL:
        return []
    bills = AccountingBill.objects.filter(_same_supplier(request), organisation_id=request.organisation_id,
                                          from_here=False)
    # A bill pulled from the accounting system for approval is not a duplicate of itself there.
    bills = bills.exclude(external_system=request.source_system, external_id=request.source_reference)
    bills = bills.order_by("-date", "-pk")[:CANDIDATES]
    found = []
    for bill in bills:
        if _supplier_matches(request, bill):
            reasons = _alike(request, mine, bill.number, bill.total, bill.currency, bill.date)
            if reasons:
                found.append(PossibleDuplicate(bill=bill, reasons=reasons))
    return found


def _same_supplier(request: ApprovalRequest) -> Q:
    if request.supplier_id:
        return Q(supplier_id=request.supplier_id) | Q(supplier__isnull=True, supplier_name__iexact=request.supplier_name)
    return Q(supplier_name__iexact=request.supplier_name)


def _supplier_matches(request: ApprovalRequest, other) -> bool:
    if request.supplier_id and other.supplier_id:
        return request.supplier_id == other.supplier_id
    return request.supplier_name.casefold() == other.supplier_name.casefold()


_READ = object()


@dataclass
class SupplierHistory:
    """What the check compares a request with: the organisation's other requests of the same
    supplier or with the same file or picture, latest first, and which share the file or picture."""

    others: list[OtherRequest]
    same_file: set[int]
    same_picture: set[int]


def supplier_history(request: ApprovalRequest, *, document=_READ) -> SupplierHistory:
    """Three queries at most: its document (unless the caller has it: `document`, the current
    revision's or None), the requests with the same file, the pictures' fingerprints (for an
    image), and the candidates, latest bill date first."""
    documents = RequestDocument.objects.filter(organisation_id=request.organisation_id).exclude(request_id=request.pk)
    if document is _READ:
        # request_id too: the related manager checks each row's, and a deferred one is a query.
        document = request.documents.filter(revision=request.revision).order_by().only(
            "request_id", "sha256", "image_hash").first()
    wanted, same_picture, same_file = _same_supplier(request), set(), set()
    if document is not None:
        sha256, image_hash = document.sha256, document.image_hash
        # Ids, not a subquery: inside the OR a subquery would make PostgreSQL read every request.
        same_file = set(documents.filter(sha256=sha256).order_by("-id").values_list("request_id", flat=True)[:CANDIDATES])
        wanted |= Q(pk__in=same_file)
        if image_hash:
            pictures = documents.exclude(image_hash="").exclude(sha256=sha256).order_by("-id")
            same_picture = {request_id for request_id, fingerprint in
                            pictures.values_list("request_id", "image_hash")[:IMAGES]
                            if distance(fingerprint, image_hash) <= CLOSE}  # fmt: skip
            wanted |= Q(pk__in=same_picture)
    candidates = (ApprovalRequest.objects.filter(wanted, organisation_id=request.organisation_id)
                  .exclude(pk=request.pk).order_by("-date", "-pk").values_list(*COMPARED)[:CANDIDATES])
    return SupplierHistory(list(map(OtherRequest._make, candidates)), same_file, same_picture)


def possible_duplicates(request: ApprovalRequest, *, document=_READ,
                        history: SupplierHistory | None = None) -> list[PossibleDuplicate]:
    """Other requests of the organisation this one may repeat, each with why, then the accounting
    system's bills: the same number of queries whatever is found (`supplier_history`'s, unless
    the caller has read it, and one)."""
    if history is None:
        history = supplier_history(request, document=document)
    found: dict[int, PossibleDuplicate] = {}
    mine = normalised_number(request.invoice_number)
    for other in history.others:
        reasons = []
        if other.kind == request.kind and _supplier_matches(request, other):
            reasons = _alike(request, mine, other.invoice_number, other.total, other.currency, other.date)
        if other.pk in history.same_file:
            reasons.append("the very same file")
        elif other.pk in history.same_picture:
            reasons.append("a picture of the same page")
        if reasons:
            found[other.pk] = PossibleDuplicate(other, reasons)
    return sorted([*found.values(), *_in_accounting(request, mine)], key=lambda d: d.when, reverse=True)


# A possible duplicate held for review waits this long at most (the longest hold).
DUPLICATE_HOLD = timedelta(days=90)


def hold_for_review(request: ApprovalRequest) -> None:
    """Where the organisation asks for it, a possible duplicate waits on hold until someone reviews it."""
    if not (request.organisation.hold_possible_duplicates and request.is_open):
        return
    found = possible_duplicates(request)
    if not found:
        return
    request.held_until = timezone.now() + DUPLICATE_HOLD
    request.hold_reason = f"{found[0].describe()} Held for review: end the hold once it is known not to be one."
    request.save(update_fields=["held_until", "hold_reason", "updated_at"])
    audit(request, AuditEvent.Action.HELD, message=request.hold_reason,
          data={"possible_duplicates": [d.reference for d in found]})
