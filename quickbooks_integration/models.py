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
    connected_at = models.DateTimeField(auto_now_add=True)
    # QBO answered 429: no call to this realm before then.
    paused_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation} → {self.company_name}"
