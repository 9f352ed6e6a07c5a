"""The stand-in's own copy of QuickBooks Online companies, their OAuth grants and call limits.

Entities are kept as QBO answers them (JSON), one row each, because the API reads and writes
whole entities and queries them by field; everything lives in the database because the demo's
web server, worker and tests share it from several threads and processes."""

from django.db import models


class Company(models.Model):
    """A QuickBooks Online company; its `realm_id` is part of every API path."""

    realm_id = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=255)
    country = models.CharField(max_length=2, default="GB")
    home_currency = models.CharField(max_length=3, default="GBP")
    # Other currencies the company has switched on (multicurrency).
    currencies = models.JSONField(default=list, blank=True)
    # QBO sometimes answers a Fault with HTTP 200; a switch, so clients are proven to read the body.
    faults_in_200 = models.BooleanField(default=False)
    # Faults injected into the next writes, consumed one per write: "error_500" (nothing written),
    # "lost_answer" (written, then a 502), "throttle" (a 429); any other word lets the write through.
    injected_faults = models.JSONField(default=list, blank=True)
    next_id = models.PositiveBigIntegerField(default=100)

    def __str__(self) -> str:
        return self.name


class Entity(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="entities")
    kind = models.CharField(max_length=20)  # QBO's entity name: Vendor, Account, Bill, ...
    entity_id = models.CharField(max_length=20)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "kind", "entity_id"], name="qs_entity_unique_id")]
        indexes = [models.Index(fields=["company", "kind", "updated_at"])]


class AttachableContent(models.Model):
    """The bytes of an uploaded attachment (an `Attachable` entity)."""

    attachable = models.OneToOneField(Entity, on_delete=models.CASCADE, related_name="content")
    data = models.BinaryField()


class RequestIdAnswer(models.Model):
    """The first answer to a write with a `requestid`: the same id again gets it back."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    request_id = models.CharField(max_length=50)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "request_id"], name="qs_one_answer_per_requestid")]


class Grant(models.Model):
    client_id = models.CharField(max_length=100)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="grants")
    scope = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    # Intuit's refresh tokens have a hard maximum life since 2025, whatever their rolling 100 days.
    hard_expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=1000)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class AccessToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()


class RefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    # What the rotation answered, replayed to a retry within a short grace period.
    rotation_answer = models.JSONField(null=True, blank=True)


class RateCounter(models.Model):
    scope = models.CharField(max_length=100)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "window"], name="qs_counter_unique_window")]


class InFlightCall(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
