from django.db import models
from encrypted_fields.fields import EncryptedTextField

from approvalmax.core.models import Organisation


class XeroConnection(models.Model):
    """One organisation's OAuth2 grant to one Xero tenant. Tokens are encrypted at rest."""

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        NEEDS_RECONNECTING = "needs_reconnecting", "Needs reconnecting"

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="xero_connection")
    tenant_id = models.UUIDField()
    tenant_name = models.CharField(max_length=255)
    connection_id = models.UUIDField(null=True, blank=True)
    short_code = models.CharField(max_length=20, blank=True)
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    access_token_expires_at = models.DateTimeField()
    scopes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    problem = models.TextField(blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Recent supplier bills were read up to here (services.bills_mirror).
    bills_synced_at = models.DateTimeField(null=True, blank=True)
    # The Xero organisation's settings, read by every sync; the pre-flight check uses the lock dates.
    xero_timezone = models.CharField(max_length=64, blank=True)
    period_lock_date = models.DateField(null=True, blank=True)
    end_of_year_lock_date = models.DateField(null=True, blank=True)
    # Codes of the currencies enabled in the Xero organisation (its base currency included).
    currencies = models.JSONField(default=list, blank=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    # Xero answered 429: no call to this tenant before `paused_until` (hours, for a day breach).
    paused_until = models.DateTimeField(null=True, blank=True)
    paused_problem = models.CharField(max_length=20, blank=True)
    # Publishing was postponed (a retry is scheduled then): the stuck-publish sweep waits for it.
    publish_retry_at = models.DateTimeField(null=True, blank=True)
    # Bills awaiting approval in Xero (Dext published them there) are pulled in as requests
    # (services.pulling): whether, up to when, and why one could not be.
    pull_bills = models.BooleanField("Pull bills awaiting approval in Xero", default=True)
    bills_pulled_at = models.DateTimeField(null=True, blank=True)
    pull_problem = models.TextField(blank=True)
    # Bills that named master data not synced yet, or came without their original: fetched again by id
    # at the next pull.
    pull_retry_ids = models.JSONField(default=list, blank=True)
    # A rejected pulled bill goes back to draft in Xero, its number prefixed with this (if any).
    rejected_prefix = models.CharField("Prefix for rejected bills' numbers", max_length=20, blank=True)
    # A pulled bill changed in Xero after approval is flagged; with this, it is also approved again.
    reopen_changed_bills = models.BooleanField("Reopen approved bills changed in Xero", default=False)

    def __str__(self) -> str:
        return f"{self.organisation} → {self.tenant_name}"


class XeroPendingGrant(models.Model):
    """A grant covering several Xero organisations, kept (encrypted) while an administrator chooses one."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    expires_in = models.PositiveIntegerField()
    scope = models.TextField(blank=True)
    tenants = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)


class XeroPublication(models.Model):
    """Progress of publishing one request revision, so a retry resumes instead of repeating."""

    request = models.ForeignKey("workflows.ApprovalRequest", on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    invoice_id = models.UUIDField(null=True, blank=True)
    bank_transaction_id = models.UUIDField(null=True, blank=True)
    credit_note_id = models.UUIDField(null=True, blank=True)
    # A credit note's allocation to the bill an approver chose: sent (looked up if unanswered),
    # made, or why not.
    allocation_sent_at = models.DateTimeField(null=True, blank=True)
    allocation_id = models.UUIDField(null=True, blank=True)
    allocation_note = models.TextField(blank=True)
    document_attached = models.BooleanField(default=False)
    # A pulled bill's revision is authorised in Xero (create_sent_at: when that was first sent).
    authorised = models.BooleanField(default=False)
    report_attached = models.BooleanField(default=False)
    # Rendered once: a retry must send the very same bytes under the same Idempotency-Key.
    audit_report = models.FileField(upload_to="audit-reports/%Y/%m/", blank=True, max_length=300)
    payment_id = models.UUIDField(null=True, blank=True)
    # Set before a create (bill or spend money) or payment is sent: if its answer never arrives,
    # the next run looks it up in Xero before sending it again.
    create_sent_at = models.DateTimeField(null=True, blank=True)
    payment_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "revision"], name="one_publication_per_revision")]


class XeroPulledBill(models.Model):
    """A bill awaiting approval in Xero, pulled in as a request. `snapshot` is what Xero held when
    the request's current revision was pulled, `approved` what it held once we authorised it
    (both in `services.pulled_content`'s plain form), so that a change in Xero is noticed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    invoice_id = models.UUIDField()
    request = models.OneToOneField("workflows.ApprovalRequest", on_delete=models.CASCADE, related_name="xero_bill")
    status = models.CharField(max_length=12)
    updated_utc = models.CharField(max_length=40, blank=True)  # Xero's UpdatedDateUTC, as it came
    snapshot = models.JSONField(default=dict)
    approved = models.JSONField(default=dict, blank=True)
    # Line ids of the snapshot, in order: an approver's coding edit updates those lines in place.
    line_item_ids = models.JSONField(default=list, blank=True)
    returned_revision = models.PositiveIntegerField(null=True, blank=True)  # sent back to draft on rejection

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "invoice_id"], name="one_request_per_xero_bill")]
