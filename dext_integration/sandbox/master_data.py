"""Receiving master data as Dext does: ApprovalMax PUTs each list, signed with the key we hold.

The signature is HMAC-SHA256 of "<timestamp>.<body>", keyed with the SHA-256 hex digest of the
API key (ApprovalMax keeps only that digest), sent as `X-ApprovalMax-Signature: v1=<hex>`."""

import hashlib
import hmac
import json
import time

from django.db import transaction
from django.utils import timezone

from .models import SandboxLink, SandboxMasterData

LISTS = ("suppliers", "accounts", "tax-rates", "tracking-categories", "bank-accounts")
MAX_CLOCK_SKEW = 300


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def signature_check(*, link: SandboxLink | None, timestamp: str, signature: str, body: bytes) -> None:
    if link is None:
        raise Refused(401, "No ApprovalMax organisation is linked to this Dext account.")
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        raise Refused(401, "X-ApprovalMax-Timestamp must be a Unix time.") from None
    if age > MAX_CLOCK_SKEW:
        raise Refused(401, "The push is too old or from the future.")
    secret = hashlib.sha256(link.api_key.encode()).hexdigest().encode()
    expected = "v1=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Refused(401, "The signature does not match the API key this account holds.")


def link_for_push(key_prefix: str) -> SandboxLink | None:
    """The linked organisation whose key the push names (ApprovalMax sends the key's prefix)."""
    links = SandboxLink.objects.order_by("-linked_at")
    if not key_prefix:
        return links.first()
    return next((link for link in links if link.api_key.startswith(key_prefix)), None)


def master_data_receive(*, link: SandboxLink, name: str, body: bytes) -> SandboxMasterData:
    if name not in LISTS:
        raise Refused(404, f"No list {name!r}.")
    try:
        payload = json.loads(body)
    except ValueError:
        raise Refused(400, "The body is not JSON.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise Refused(400, "The body must be an object with a results list.")
    with transaction.atomic():
        received, _ = SandboxMasterData.objects.update_or_create(
            link=link, name=name,
            defaults={"payload": payload, "row_count": len(payload["results"]), "received_at": timezone.now()},
        )
    return received
