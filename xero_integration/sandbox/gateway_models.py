"""The stand-in's own bookkeeping, beside the ledger: OAuth grants and tokens, its call budget
and calls in flight, replayed answers for Idempotency-Keys, and the faults a test injects."""

import uuid

from django.db import models

from xero_integration.sandbox.models import Organisation


class Grant(models.Model):
    """One user's consent to the app: the scopes and the organisations chosen on the consent page."""

    auth_event_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField(max_length=100)
    scope = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())


class Connection(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="connections")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="connections")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["grant", "organisation"], name="xs_connection_unique")]


# Tokens and codes are stored as SHA-256 digests: the database never holds a usable credential,
# except the answer kept for the refresh grace period.
class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, primary_key=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.TextField()
    code_challenge = models.CharField(max_length=128, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class AccessToken(models.Model):
    token_hash = models.CharField(max_length=64, primary_key=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()


class RefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, primary_key=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    # The token answer given when this token was rotated, repeated during the grace period.
    rotation_answer = models.JSONField(null=True, blank=True)


class RateCounter(models.Model):
    """Calls counted in one fixed window (`window` is the window's index since the epoch)."""

    scope = models.CharField(max_length=80)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "window"], name="xs_ratecounter_unique")]


class InFlightCall(models.Model):
    """A call being answered; rows older than a stale limit are ignored in case a process died."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()


class IdempotencyRecord(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64)
    # Null while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="xs_idempotency_unique_key")]


class Fault(models.Model):
    """A fault switched on at run time (by a test or the benchmark): the next `remaining` calls
    whose method and path match misbehave as `kind` says. Rows live in the database so that every
    thread and process serving the sandbox sees them."""

    class Kind(models.TextChoices):
        ERROR = "error", "Answer 500 without doing anything"
        LOST_ANSWER = "lost_answer", "Do the work, then answer 502 as a proxy whose upstream dropped"
        SLOW = "slow", "Wait `delay` seconds, then do the work and answer"
        TIMEOUT = "timeout", "Do the work, then wait `delay` seconds before answering"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(max_length=10, blank=True, help_text="Empty matches every method.")
    path_contains = models.CharField(max_length=200, blank=True, help_text="Matched ignoring case.")
    delay = models.FloatField(default=0)
    remaining = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
