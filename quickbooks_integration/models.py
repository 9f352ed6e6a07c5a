from django.db import models
from encrypted_fields.fields import EncryptedTextField

from approvalmax.core.models import Organisation


class QuickBooksConnection(models.Model):
    """One organisation's OAuth 2.0 grant to one QuickBooks Online company (realm). Tokens are
    encrypted at rest; Intuit may hand out a new refresh token on any refresh, and the newest is kept."""

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        NEEDS_RECONNECTING = "needs_reconnecting", "Needs reconnecting"

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="quickbooks_connection")
    realm_id = models.CharField(max_length=32)
    company_name = models.CharField(max_length=255)
    country = models.CharField(max_length=2, blank=True)
    home_currency = models.CharField(max_length=3, blank=True)
    # Codes of the currencies the company can use (its home currency included).
    currencies = models.JSONField(default=list, blank=True)
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    access_token_expires_at = models.DateTimeField()
    # The refresh token's own expiry: 100 days, rolling, but never past the grant's hard maximum life.
    refresh_token_expires_at = models.DateTimeField()
    scopes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    problem = models.TextField(blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Recent bills were read up to here (services.bills_mirror).
    bills_synced_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    # QBO answered 429: no call to this realm before then.
    paused_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation} → {self.company_name}"


class QuickBooksPublication(models.Model):
    """Progress of publishing one request revision to QuickBooks Online, so that a retry resumes
    instead of repeating. A create or payment is marked sent before it goes: if its answer never
    arrives, the next run looks for it in QBO (our marker is in `PrivateNote`) before sending it again."""

    request = models.ForeignKey("workflows.ApprovalRequest", on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    vendor_id = models.CharField(max_length=32, blank=True)
    bill_id = models.CharField(max_length=32, blank=True)
    purchase_id = models.CharField(max_length=32, blank=True)
    vendor_credit_id = models.CharField(max_length=32, blank=True)
    # Why a credit note's credit was not applied to the bill an approver chose, once known.
    allocation_note = models.TextField(blank=True)
    document_attached = models.BooleanField(default=False)
    report_attached = models.BooleanField(default=False)
    # The BillPayment that pays the bill, or for a credit note the one that applies its credit.
    payment_id = models.CharField(max_length=32, blank=True)
    create_sent_at = models.DateTimeField(null=True, blank=True)
    payment_sent_at = models.DateTimeField(null=True, blank=True)
    # Part of every requestid: QBO replays a requestid's first answer, a refusal too, so an attempt
    # after QBO refused (and the cause was fixed) needs ids of its own; a lost answer keeps them.
    attempt = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "revision"],
                                               name="one_quickbooks_publication_per_revision")]
