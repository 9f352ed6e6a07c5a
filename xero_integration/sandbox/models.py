"""The sandbox's own copy of a Xero organisation's ledger, its OAuth grants and its call budget.

Everything lives in the database because the demo's web server, worker and tests share it
from several threads and processes.
"""

import uuid

from django.db import models


class Organisation(models.Model):
    """A Xero organisation; its id is the `tenantId` clients send as `xero-tenant-id`."""

    organisation_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    short_code = models.CharField(max_length=20, unique=True)
    base_currency = models.CharField(max_length=3)
    country_code = models.CharField(max_length=2)
    timezone = models.CharField(max_length=64)
    period_lock_date = models.DateField(null=True, blank=True)
    end_of_year_lock_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Currency(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="currencies")
    code = models.CharField(max_length=3)
    description = models.CharField(max_length=100)
    # The day's rate Xero applies when a document gives none: units of this currency to one of the base.
    rate = models.DecimalField(max_digits=22, decimal_places=10, default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="xs_currency_unique_code")]
        ordering = ["code"]


# Xero derives an account's class from its type.
ACCOUNT_CLASSES = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}


class Account(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"

    account_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=150)
    type = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    tax_type = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    enable_payments_to_account = models.BooleanField(default=False)
    bank_account_number = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="xs_account_unique_code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def account_class(self) -> str:
        return ACCOUNT_CLASSES.get(self.type, "EXPENSE")


class TaxRate(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"
        DELETED = "DELETED"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tax_rates")
    tax_type = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    rate = models.DecimalField(max_digits=7, decimal_places=4)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    report_tax_type = models.CharField(max_length=30, blank=True)
    can_apply_to_assets = models.BooleanField(default=True)
    can_apply_to_equity = models.BooleanField(default=True)
    can_apply_to_expenses = models.BooleanField(default=True)
    can_apply_to_liabilities = models.BooleanField(default=True)
    can_apply_to_revenue = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "tax_type"], name="xs_taxrate_unique_type")]
        ordering = ["tax_type"]

    def applies_to(self, account_class: str) -> bool:
        """Whether lines coded to an account of this class (ASSET, EXPENSE, …) may use this rate."""
        return {
            "ASSET": self.can_apply_to_assets,
            "EQUITY": self.can_apply_to_equity,
            "EXPENSE": self.can_apply_to_expenses,
            "LIABILITY": self.can_apply_to_liabilities,
            "REVENUE": self.can_apply_to_revenue,
        }[account_class]


class TrackingCategory(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"

    tracking_category_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tracking_categories")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]


class TrackingOption(models.Model):
    tracking_option_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.ForeignKey(TrackingCategory, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=TrackingCategory.Status.choices, default=TrackingCategory.Status.ACTIVE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]


class Contact(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"

    contact_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=255)
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    email_address = models.CharField(max_length=255, blank=True)
    account_number = models.CharField(max_length=50, blank=True)
    tax_number = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Read-only through the API: Xero sets these once a bill or a sales invoice exists.
    is_supplier = models.BooleanField(default=False)
    is_customer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "contact_id"]

    def __str__(self) -> str:
        return self.name


# The names Xero's own screens give a bill's status.
STATUS_LABELS = {
    "DRAFT": "Draft",
    "SUBMITTED": "Awaiting approval",
    "AUTHORISED": "Awaiting payment",
    "PAID": "Paid",
    "VOIDED": "Voided",
    "DELETED": "Deleted",
}


# Credit notes are kept with the invoices (the same lines, totals, contacts and attachments);
# /CreditNotes shows only these types and /Invoices never does.
CREDIT_NOTE_TYPES = ("ACCPAYCREDIT", "ACCRECCREDIT")


class Invoice(models.Model):
    """An ACCPAY bill or an ACCREC sales invoice; or a credit note (ACCPAYCREDIT, ACCRECCREDIT),
    whose `amount_due` is its remaining credit."""

    invoice_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invoices")
    type = models.CharField(max_length=12)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="invoices")
    invoice_number = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10)
    line_amount_types = models.CharField(max_length=10)
    currency_code = models.CharField(max_length=3)
    currency_rate = models.DecimalField(max_digits=22, decimal_places=10, default=1)
    sub_total = models.DecimalField(max_digits=20, decimal_places=2)
    total_tax = models.DecimalField(max_digits=20, decimal_places=2)
    total = models.DecimalField(max_digits=20, decimal_places=2)
    amount_paid = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    amount_due = models.DecimalField(max_digits=20, decimal_places=2)
    amount_credited = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    fully_paid_on_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "invoice_id"]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class BankTransaction(models.Model):
    bank_transaction_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="bank_transactions")
    type = models.CharField(max_length=20)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="bank_transactions")
    bank_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="bank_transactions")
    date = models.DateField()
    reference = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=10)
    line_amount_types = models.CharField(max_length=10)
    currency_code = models.CharField(max_length=3)
    sub_total = models.DecimalField(max_digits=20, decimal_places=2)
    total_tax = models.DecimalField(max_digits=20, decimal_places=2)
    total = models.DecimalField(max_digits=20, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "bank_transaction_id"]


class LineItem(models.Model):
    """A line of an invoice or of a bank transaction (exactly one of the two)."""

    line_item_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, null=True, on_delete=models.CASCADE, related_name="line_items")
    bank_transaction = models.ForeignKey(
        BankTransaction, null=True, on_delete=models.CASCADE, related_name="line_items"
    )
    position = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_amount = models.DecimalField(max_digits=18, decimal_places=4)
    account = models.ForeignKey(Account, null=True, on_delete=models.PROTECT, related_name="+")
    tax_type = models.CharField(max_length=50, blank=True)
    tax_amount = models.DecimalField(max_digits=20, decimal_places=2)
    line_amount = models.DecimalField(max_digits=20, decimal_places=2)
    # As Xero answers it: [{"TrackingCategoryID", "TrackingOptionID", "Name", "Option"}]
    tracking = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=True) ^ models.Q(bank_transaction__isnull=True),
                name="xs_lineitem_one_parent",
            )
        ]


class Payment(models.Model):
    payment_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    reference = models.CharField(max_length=255, blank=True)
    currency_rate = models.DecimalField(max_digits=22, decimal_places=10, default=1)
    status = models.CharField(max_length=10, default="AUTHORISED")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "payment_id"]


class Budget(models.Model):
    """An OVERALL budget, or a TRACKING one for one or two tracking options."""

    budget_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="budgets")
    type = models.CharField(max_length=10)
    description = models.CharField(max_length=255)
    # As Xero answers it: [{"TrackingCategoryID", "TrackingOptionID", "Name", "Option"}]
    tracking = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["description", "budget_id"]


class BudgetBalance(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="balances")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    period = models.DateField(help_text="The first day of the month.")
    amount = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["account__code", "period"]
        constraints = [models.UniqueConstraint(fields=["budget", "account", "period"], name="xs_budget_balance_once")]


class Allocation(models.Model):
    """Part of a credit note's credit applied to an invoice of the same contact."""

    allocation_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit_note = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allocations_given")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_allocations")
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "allocation_id"]


class Attachment(models.Model):
    attachment_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, null=True, on_delete=models.CASCADE, related_name="attachments")
    bank_transaction = models.ForeignKey(
        BankTransaction, null=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=255)
    content = models.BinaryField()
    content_length = models.PositiveIntegerField()
    include_online = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "file_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=True) ^ models.Q(bank_transaction__isnull=True),
                name="xs_attachment_one_parent",
            ),
            models.UniqueConstraint(fields=["invoice", "file_name"], name="xs_attachment_invoice_file"),
            models.UniqueConstraint(
                fields=["bank_transaction", "file_name"], name="xs_attachment_banktransaction_file"
            ),
        ]


# The stand-in's own bookkeeping lives beside these, in gateway_models; imported here so that
# Django registers it and `sandbox.models` stays the one place to import models from.
from xero_integration.sandbox.gateway_models import (  # noqa: E402, F401
    AccessToken,
    AuthorizationCode,
    Connection,
    Fault,
    Grant,
    IdempotencyRecord,
    InFlightCall,
    RateCounter,
    RefreshToken,
)


class HistoryRecord(models.Model):
    """A line of `GET /Invoices/{id}/History`: what changed, by whom, when."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="history")
    changes = models.CharField(max_length=50)
    details = models.TextField(blank=True)
    user = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
