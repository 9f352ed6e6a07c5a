"""Reads, shaped for the API answers and the pages that use them."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from xero_integration.sandbox.models import (
    CREDIT_NOTE_TYPES,
    Attachment,
    BankTransaction,
    Invoice,
    Organisation,
    Payment,
)


def invoices_for_api(organisation: Organisation, *, credit_notes: bool = False) -> QuerySet[Invoice]:
    """Invoices, or with `credit_notes` the credit notes, as the API shows them."""
    rows = Invoice.objects.filter(organisation=organisation)
    rows = rows.filter(type__in=CREDIT_NOTE_TYPES) if credit_notes else rows.exclude(type__in=CREDIT_NOTE_TYPES)
    allocations = "allocations_given__invoice" if credit_notes else "credit_allocations__credit_note"
    return (
        rows.select_related("contact")
        .prefetch_related("line_items__account", "payments", allocations)
        .annotate(has_attachments=Exists(Attachment.objects.filter(invoice=OuterRef("pk"))))
    )


def bank_transactions_for_api(organisation: Organisation) -> QuerySet[BankTransaction]:
    return (
        BankTransaction.objects.filter(organisation=organisation)
        .select_related("contact", "bank_account")
        .prefetch_related("line_items__account")
        .annotate(has_attachments=Exists(Attachment.objects.filter(bank_transaction=OuterRef("pk"))))
    )


def payments_for_api(organisation: Organisation) -> QuerySet[Payment]:
    return Payment.objects.filter(organisation=organisation).select_related("account", "invoice__contact")


def attachments_without_content(**parent) -> QuerySet[Attachment]:
    return Attachment.objects.filter(**parent).defer("content")


def organisations_with_bills() -> QuerySet[Organisation]:
    bills = (
        Invoice.objects.filter(type="ACCPAY")
        .select_related("contact")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.defer("content")),
            Prefetch("payments", queryset=Payment.objects.select_related("account")),
        )
        .order_by("-created_at")
    )
    return Organisation.objects.order_by("name").prefetch_related(Prefetch("invoices", queryset=bills, to_attr="bills"))


def bill_for_page(*, organisation_id, invoice_id) -> Invoice | None:
    return (
        Invoice.objects.filter(organisation_id=organisation_id, invoice_id=invoice_id, type="ACCPAY")
        .select_related("contact", "organisation")
        .prefetch_related(
            "line_items__account",
            Prefetch("attachments", queryset=Attachment.objects.defer("content")),
            Prefetch("payments", queryset=Payment.objects.select_related("account")),
        )
        .first()
    )


def attachment_for_download(attachment_id) -> Attachment | None:
    return Attachment.objects.filter(attachment_id=attachment_id).first()


def attachment_by_name_or_id(*, parent: dict, name: str, guid) -> Attachment | None:
    """Xero serves an attachment by its file name, or by its AttachmentID in the same place."""
    rows = Attachment.objects.filter(**parent)
    found = rows.filter(file_name=name).first()
    if found is None and guid is not None:
        found = rows.filter(attachment_id=guid).first()
    return found
