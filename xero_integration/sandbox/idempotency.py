"""`Idempotency-Key`: a replay inside the window gets the first answer; another body with the key is refused."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from xero_integration.sandbox.models import IdempotencyRecord, Organisation

MAX_KEY_LENGTH = 128
WINDOW_SECONDS = 300


class KeyMisused(Exception):
    """The key came with another request, or its first request is still being answered."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Claim:
    record_id: int


def fingerprint(method: str, full_path: str, body: bytes) -> str:
    digest = hashlib.sha256(f"{method} {full_path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def claim_or_replay(*, organisation: Organisation, key: str, request_fingerprint: str) -> Claim | HttpResponse:
    """Either the stored first answer, or a claim on the key to complete with `claim_complete`."""
    now = timezone.now()
    window = timedelta(seconds=getattr(settings, "XERO_SANDBOX_IDEMPOTENCY_SECONDS", WINDOW_SECONDS))
    IdempotencyRecord.objects.filter(organisation=organisation, created_at__lt=now - window).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                organisation=organisation, key=key, fingerprint=request_fingerprint, created_at=now
            )
        return Claim(record.pk)
    except IntegrityError:
        pass
    first = IdempotencyRecord.objects.filter(organisation=organisation, key=key).first()
    if first is None:
        raise KeyMisused(409, "A request with this Idempotency-Key is being processed.")
    if first.fingerprint != request_fingerprint:
        raise KeyMisused(400, "The Idempotency-Key has already been used with a different request.")
    if first.status_code is None:
        raise KeyMisused(409, "A request with this Idempotency-Key is being processed.")
    return HttpResponse(bytes(first.body), status=first.status_code, content_type=first.content_type)


def claim_complete(claim: Claim, response: HttpResponse) -> None:
    IdempotencyRecord.objects.filter(pk=claim.record_id).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
    )


def claim_abandon(claim: Claim) -> None:
    IdempotencyRecord.objects.filter(pk=claim.record_id).delete()
