"""Writes to the sandbox ledger. Each function is one transaction; validation has been done before."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from xero_integration.sandbox.models import (
    CREDIT_NOTE_TYPES,
    Allocation,
    Attachment,
    BankTransaction,
    Contact,
    HistoryRecord,
    Invoice,
    LineItem,
    Organisation,
    Payment,
)
from xero_integration.sandbox.clean import (
    CleanBankTransaction,
    CleanInvoice,
    CleanLine,
    CleanPayment,
    ContactChoice,
    ValidationFailed,
)

from xero_integration.sandbox.webhooks import document_changed

MAX_ATTACHMENTS = 10
# The sandbox's own names for who made a change through the API or on its pages.
API_USER = "ApprovalMax (API)"
# What Xero's history says of a document moved to a status.
STATUS_CHANGES = {"SUBMITTED": "Submitted", "AUTHORISED": "Approved", "DELETED": "Deleted", "VOIDED": "Voided",
                  "DRAFT": "Edited"}
_CLOSED_STATUSES = ("VOIDED", "DELETED")


class TooManyAttachments(Exception):
    pass


def contact_create(*, organisation: Organisation, data: dict) -> Contact:
    return Contact.objects.create(organisation=organisation, **_contact_fields(data))


def contact_update(*, contact: Contact, data: dict) -> Contact:
    for name, value in _contact_fields(data).items():
        setattr(contact, name, value)
    contact.save()
    return contact


def _history(invoice: Invoice, changes: str, user: str) -> None:
    HistoryRecord.objects.create(invoice=invoice, changes=changes, user=user, details=(
        f"{invoice.type} {invoice.invoice_number or '(no number)'} to {invoice.contact.name} for "
        f"{invoice.total} {invoice.currency_code}, {invoice.status.lower()}."))


def _announce(invoice: Invoice, *, created: bool) -> None:
    category = "CREDITNOTE" if invoice.type in CREDIT_NOTE_TYPES else "INVOICE"
    document_changed(tenant_id=invoice.organisation_id, category=category, resource_id=invoice.pk, created=created)


def invoice_create(*, organisation: Organisation, clean: CleanInvoice, user: str = API_USER) -> Invoice:
    with transaction.atomic():
        contact = _contact_for(organisation, clean.contact)
        invoice = Invoice(organisation=organisation, contact=contact)
        _invoice_fill(invoice, clean)
        if clean.type == "ACCREC" and not invoice.invoice_number:
            count = organisation.invoices.filter(type="ACCREC").count()
            invoice.invoice_number = f"INV-{count + 1:04d}"
        invoice.save()
        _lines_create(clean.lines, invoice=invoice)
        _mark_contact_role(contact, clean.type)
        _history(invoice, "Created", user)
        _announce(invoice, created=True)
    return invoice


def invoice_update(*, invoice: Invoice, clean: CleanInvoice, user: str = API_USER) -> Invoice:
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.payments.exists() or locked.credit_allocations.exists() or locked.allocations_given.exists():
            raise ValidationFailed(
                ["This document cannot be edited as it has a payment or credit note allocated to it."]
            )
        before = locked.status
        locked.contact = _contact_for(locked.organisation, clean.contact)
        _invoice_fill(locked, clean)
        locked.save()
        locked.line_items.all().delete()
        _lines_create(clean.lines, invoice=locked)
        _mark_contact_role(locked.contact, clean.type)
        _history(locked, STATUS_CHANGES.get(locked.status, "Edited") if locked.status != before else "Edited", user)
        _announce(locked, created=False)
    return locked


def credit_note_allocate(*, organisation: Organisation, credit_note_id, invoice_id, amount: Decimal,
                         on: date) -> Allocation:
    """Apply credit to an invoice, both rows locked so that two allocations cannot both take the
    last of the credit or of the amount due."""
    with transaction.atomic():
        rows = Invoice.objects.select_for_update().filter(organisation=organisation)
        credit = rows.filter(pk=credit_note_id, type__in=CREDIT_NOTE_TYPES).first()
        invoice = rows.filter(pk=invoice_id).exclude(type__in=CREDIT_NOTE_TYPES).first()
        if credit is None:
            raise ValidationFailed(["The document with the supplied id was not found for this endpoint."])
        problems = _allocation_problems(credit, invoice, amount)
        if problems:
            raise ValidationFailed(problems)
        allocation = Allocation.objects.create(credit_note=credit, invoice=invoice, amount=amount, date=on)
        for row, field in ((invoice, "amount_credited"), (credit, None)):
            row.amount_due -= amount
            if field:
                setattr(row, field, getattr(row, field) + amount)
            if row.amount_due == 0:
                row.status = "PAID"
                row.fully_paid_on_date = on
            row.save()
    return allocation


def _allocation_problems(credit: Invoice, invoice: Invoice | None, amount: Decimal) -> list[str]:
    if invoice is None:
        return ["Invoice could not be found"]
    if credit.status != "AUTHORISED":
        return ["Only credit notes with a status of AUTHORISED can be allocated"]
    problems = []
    if invoice.type != credit.type.removesuffix("CREDIT"):
        problems.append(f"A {credit.type} credit note can only be allocated to an {credit.type.removesuffix('CREDIT')} "
                        "invoice")
    if invoice.contact_id != credit.contact_id:
        problems.append("The credit note and the invoice must be for the same contact")
    if invoice.currency_code != credit.currency_code:
        problems.append("The credit note and the invoice must be in the same currency")
    if invoice.status != "AUTHORISED":
        problems.append("Credit can only be allocated to invoices with a status of AUTHORISED")
    if amount is None or amount <= 0:
        problems.append("The allocation amount must be greater than zero")
    elif amount > credit.amount_due:
        problems.append("The amount allocated is more than the remaining credit on the credit note")
    elif amount > invoice.amount_due:
        problems.append("The amount allocated is more than the amount due on the invoice")
    return problems


def bank_transaction_create(*, organisation: Organisation, clean: CleanBankTransaction) -> BankTransaction:
    with transaction.atomic():
        bank_transaction = BankTransaction.objects.create(
            organisation=organisation,
            type=clean.type,
            contact=_contact_for(organisation, clean.contact),
            bank_account=clean.bank_account,
            date=clean.date,
            reference=clean.reference,
            url=clean.url,
            status=clean.status,
            line_amount_types=clean.line_amount_types,
            currency_code=clean.currency_code,
            sub_total=clean.totals.sub_total,
            total_tax=clean.totals.total_tax,
            total=clean.totals.total,
        )
        _lines_create(clean.lines, bank_transaction=bank_transaction)
    return bank_transaction


def payment_create(*, organisation: Organisation, clean: CleanPayment) -> Payment:
    """Checks the invoice's state under its row lock, so two payments cannot both take the last amount."""
    with transaction.atomic():
        invoices = Invoice.objects.select_for_update().filter(organisation=organisation) \
            .exclude(type__in=CREDIT_NOTE_TYPES)
        if clean.invoice_id:
            invoice = invoices.filter(invoice_id=clean.invoice_id).first()
        else:
            invoice = invoices.filter(invoice_number=clean.invoice_number).order_by("created_at").first()
        if invoice is None:
            raise ValidationFailed(["The document with the supplied id was not found for this endpoint."])
        if invoice.status != "AUTHORISED":
            raise ValidationFailed(["Payments can only be made against Authorised documents"])
        if clean.amount > invoice.amount_due:
            raise ValidationFailed(["Payment amount exceeds the amount outstanding on this document"])
        payment = Payment.objects.create(
            organisation=organisation,
            invoice=invoice,
            account=clean.account,
            date=clean.date,
            amount=clean.amount,
            reference=clean.reference,
            currency_rate=clean.currency_rate or invoice.currency_rate,
        )
        invoice.amount_paid += clean.amount
        invoice.amount_due -= clean.amount
        if invoice.amount_due == 0:
            invoice.status = "PAID"
            invoice.fully_paid_on_date = clean.date
        invoice.save()
    return payment


def attachment_put(
    *,
    parent: Invoice | BankTransaction,
    file_name: str,
    mime_type: str,
    content: bytes,
    include_online: bool,
) -> Attachment:
    """The same file name replaces the earlier file; a new name counts against the limit."""
    parent_field = "invoice" if isinstance(parent, Invoice) else "bank_transaction"
    with transaction.atomic():
        type(parent).objects.select_for_update().filter(pk=parent.pk).exists()
        attachment = Attachment.objects.filter(**{parent_field: parent}, file_name=file_name).first()
        if attachment is None:
            if Attachment.objects.filter(**{parent_field: parent}).count() >= MAX_ATTACHMENTS:
                raise TooManyAttachments
            attachment = Attachment(**{parent_field: parent}, file_name=file_name)
        attachment.mime_type = mime_type
        attachment.content = content
        attachment.content_length = len(content)
        attachment.include_online = include_online
        attachment.save()
    return attachment


def _contact_fields(data: dict) -> dict:
    names = {
        "Name": "name",
        "FirstName": "first_name",
        "LastName": "last_name",
        "EmailAddress": "email_address",
        "AccountNumber": "account_number",
        "TaxNumber": "tax_number",
        "ContactStatus": "status",
    }
    return {model_name: data[api_name] or "" for api_name, model_name in names.items() if api_name in data}


def _contact_for(organisation: Organisation, choice: ContactChoice) -> Contact:
    return choice.existing or Contact.objects.create(organisation=organisation, name=choice.new_name)


def _mark_contact_role(contact: Contact, invoice_type: str) -> None:
    role = "is_supplier" if invoice_type.startswith("ACCPAY") else "is_customer"
    if not getattr(contact, role):
        setattr(contact, role, True)
        contact.save(update_fields=[role, "updated_at"])


def _invoice_fill(invoice: Invoice, clean: CleanInvoice) -> None:
    invoice.type = clean.type
    invoice.invoice_number = clean.invoice_number or invoice.invoice_number
    invoice.reference = clean.reference
    invoice.url = clean.url
    invoice.date = clean.date
    invoice.due_date = clean.due_date
    invoice.status = clean.status
    invoice.line_amount_types = clean.line_amount_types
    invoice.currency_code = clean.currency_code
    invoice.currency_rate = clean.currency_rate
    invoice.sub_total = clean.totals.sub_total
    invoice.total_tax = clean.totals.total_tax
    invoice.total = clean.totals.total
    invoice.amount_due = 0 if clean.status in _CLOSED_STATUSES else clean.totals.total


def _lines_create(lines: list[CleanLine], **parent) -> None:
    LineItem.objects.bulk_create(
        LineItem(
            **parent,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            account=line.account,
            tax_type=line.tax_type,
            tax_amount=line.tax_amount,
            line_amount=line.line_amount,
            tracking=line.tracking,
        )
        for position, line in enumerate(lines)
    )
