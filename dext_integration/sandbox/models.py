from django.db import models
from encrypted_fields.fields import EncryptedTextField


def mask_key(api_key: str) -> str:
    """The only form in which an API key is ever shown or logged."""
    return f"{api_key[:6]}…"


class SandboxLink(models.Model):
    """An ApprovalMax organisation a Dext client account publishes to, as Dext holds it. A Dext
    practice has several; the one chosen last (`linked_at`) is the one the pages publish to."""

    name = models.CharField(max_length=200)
    base_url = models.CharField("API base URL", max_length=500)
    api_key = EncryptedTextField()
    linked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} → {self.base_url}"

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)


class SandboxItem(models.Model):
    """A cost item as it sits in Dext: what was extracted, the original file, the last answer."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "Publish"
        WITHDRAW = "withdraw", "Withdraw"

    dext_id = models.CharField(max_length=64, unique=True)
    payload = models.JSONField("item JSON")
    document = models.BinaryField()
    document_name = models.CharField(max_length=255)
    document_content_type = models.CharField(max_length=100)
    # The organisation it was last published to: its status, republishing and withdrawing go there.
    link = models.ForeignKey(SandboxLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    last_action = models.CharField(max_length=10, choices=Action.choices, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_body = models.TextField(blank=True)
    request_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.dext_id

    @property
    def supplier_name(self) -> str:
        return (self.payload.get("supplier") or {}).get("name", "")

    @property
    def total(self) -> str:
        return self.payload.get("total", "")

    @property
    def currency(self) -> str:
        return self.payload.get("currency", "")


class SandboxMasterData(models.Model):
    """A master-data list as ApprovalMax last pushed it to one linked organisation's account."""

    link = models.ForeignKey(SandboxLink, on_delete=models.CASCADE, null=True, related_name="master_data")
    name = models.CharField(max_length=30)
    payload = models.JSONField()
    row_count = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["link", "name"], name="ds_one_list_per_link")]

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> list[str]:
        return [str(row.get("name") or row.get("code") or "") for row in self.payload.get("results", [])
                if isinstance(row, dict)]
