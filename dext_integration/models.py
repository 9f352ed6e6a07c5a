import re

from django.db import models

from approvalmax.core.models import MasterDataList, Organisation


class DextConnection(models.Model):
    """A linked Dext account. The API key is shown once and stored only as a SHA-256 hash."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dext_connections")
    account_name = models.CharField(max_length=200, blank=True)
    key_prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.key_prefix}…"


# Dext's id for a cost item also names it in URLs (percent-encoded): no whitespace, slashes or control
# characters, nor what a URL path normalises away ("." and "..", backslashes read as slashes).
DEXT_ID_PATTERN = re.compile(r"(?!\.{1,2}$)[^\s/\\\x00-\x1f\x7f]{1,100}")


class CostItem(models.Model):
    """A Dext cost item and the request it became; `fingerprint` spots unchanged re-pushes.

    The push that creates an item inserts its row first, to hold the dext_id while it builds the
    request (`services._claim`): until that push commits, `request` is empty, or names the request
    it is about to insert."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    dext_id = models.CharField(max_length=100)
    request = models.OneToOneField("workflows.ApprovalRequest", on_delete=models.CASCADE, related_name="dext_item",
                                   null=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "dext_id"], name="one_item_per_dext_id")]


class MasterDataPush(models.Model):
    """What the linked Dext account was last sent of one master-data list, and when.

    `version` is a hash of the list's content (timestamps aside). `current_at` is when the list
    was last known to be what Dext has: pushed then, or found unchanged since the last push. Dext
    has the list while that was for the organisation's current link and no row changed after."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dext_pushes")
    name = models.CharField(max_length=30, choices=MasterDataList.choices)
    connection = models.ForeignKey(DextConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.CharField(max_length=64, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    pushed_at = models.DateTimeField(null=True, blank=True)
    current_at = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="one_push_state_per_list")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_name_display()} for Dext"
