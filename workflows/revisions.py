"""Writing a revision's content: the request's fields (with its requester, when a member, and
its conversion, when in another currency), its lines and their tracking, and its document."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction

from approvalmax.core.models import Membership
from approvalmax.core.versioned_reads import loaded_organisation, read_through
from workflows import routing
from workflows.content import DocumentContent, RequestContent
from workflows.conversion import request_convert
from workflows.image_hash import difference_hash
from workflows.models import ApprovalRequest, RequestDocument, RequestLine
from workflows.models.spending import line_count


CONTENT_FIELDS = [
    "kind", "supplier_name", "supplier", "invoice_number", "date", "due_date", "currency",
    "tax_treatment", "sub_total", "tax_total", "total", "is_paid", "payment_method_name",
    "payment_account", "source_system", "source_reference", "source_url", "requester_name",
    "requester_email",
]  # fmt: skip


def _requester(request: ApprovalRequest, email: str) -> AbstractBaseUser | None:
    """The member of the organisation with the requester's email (Dext's `owner.email`)."""
    if not email:
        return None

    def load(keys: set) -> dict:
        members = Membership.objects.filter(organisation_id=request.organisation_id, user__email__iexact=email)
        member = members.select_related("user").order_by("user_id").first()
        return {email.lower(): member.user if member else None}

    return read_through(loaded_organisation(request), "requester", [email.lower()], load).get(email.lower())


def revision_write(request: ApprovalRequest, content: RequestContent,
                   document: DocumentContent | None) -> routing.RequestFacts:
    """Store the revision's content: the request, its lines (all in one insert, their tracking in
    another) and its document (a bill pulled from an accounting system may come without one).
    Returns the facts the matrix routes on, from what was written."""
    facts = revision_prepare(request, content)
    request.save()
    revision_rows_write(request, content, document)
    return facts


def revision_prepare(request: ApprovalRequest, content: RequestContent) -> routing.RequestFacts:
    """The revision's fields on the request (its requester, when a member, and its conversion),
    not yet saved; the facts the matrix routes on. A new request is routed before its first
    save, so that its row is inserted once, with its first step."""
    for name in CONTENT_FIELDS:
        setattr(request, name, getattr(content, name))
    # What the accounting system changed after an earlier approval is answered by this revision.
    request.external_change = {}
    request.requester = _requester(request, content.requester_email)
    request_convert(request)
    return routing.RequestFacts(
        total=request.routing_total, supplier_id=request.supplier_id, requester_id=request.requester_id,
        budget=routing.BudgetStatuses(request, lines=content.lines),
        lines=tuple(routing.LineFacts(line.account.pk if line.account else None,
                                      line.tax_rate.pk if line.tax_rate else None,
                                      frozenset(option.pk for option in line.tracking)) for line in content.lines))


def revision_rows_write(request: ApprovalRequest, content: RequestContent, document: DocumentContent | None) -> None:
    """The saved request's lines for this revision, their tracking and its document."""
    rows = [RequestLine(request=request, revision=request.revision, position=position, description=line.description,
                        quantity=line.quantity, unit_amount=line.unit_amount, account=line.account,
                        tax_rate=line.tax_rate, line_amount=line.line_amount, tax_amount=line.tax_amount)
            for position, line in enumerate(content.lines, start=1)]
    for row in rows:
        line_count(row, request)
    RequestLine.objects.bulk_create(rows)
    Tracking = RequestLine.tracking.through
    Tracking.objects.bulk_create(Tracking(requestline_id=row.pk, trackingoption_id=option.pk)
                                 for row, line in zip(rows, content.lines, strict=True) for option in line.tracking)
    if document is not None:
        _document_write(request, document)


@transaction.atomic
def request_document_add(*, request_id: int, revision: int, document: DocumentContent) -> bool:
    """The original of a revision that arrived without one (its source attached it a moment
    later). Nothing when the revision moved on or has its document already. True when added."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request_id)
    if request.revision != revision or request.documents.filter(revision=revision).exists():
        return False
    _document_write(request, document)
    return True


def _document_write(request: ApprovalRequest, document: DocumentContent) -> None:
    stored = RequestDocument(
        request=request,
        organisation_id=request.organisation_id,
        revision=request.revision,
        filename=document.filename,
        content_type=document.content_type,
        size=len(document.data),
        sha256=document.sha256,
        image_hash=difference_hash(document.data) if document.content_type.startswith("image/") else "",
    )
    stored.file.save(document.filename, ContentFile(document.data), save=False)
    stored.save()
