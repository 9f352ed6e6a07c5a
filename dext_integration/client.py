"""Outbound HTTP to the linked Dext account: master-data lists, PUT one list at a time.

The protocol: `PUT {DEXT_API_URL}/master-data/{list}/` with the feed's JSON for the whole list.
Our key is stored only as its SHA-256 hash, so the push is signed rather than carrying the key:
`X-ApprovalMax-Signature: v1=<HMAC-SHA256 of "<timestamp>.<body>" keyed with sha256(key)>`,
with the timestamp in `X-ApprovalMax-Timestamp` and the key's prefix in `X-ApprovalMax-Key`.
Dext, which holds the key, recomputes the signature."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import requests
from django.conf import settings

TIMEOUT = (5, 30)
SIGNATURE_VERSION = "v1"


class DextUnavailable(Exception):
    """No answer, or one worth retrying: a timeout, 5xx, 408 or 429."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DextRefused(Exception):
    """A 4xx that will fail again until someone changes something."""


class DextNotConfigured(DextRefused):
    pass


def signature(*, key_hash: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key_hash.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


@dataclass(frozen=True)
class DextAccount:
    key_hash: str
    key_prefix: str

    def put_master_data(self, *, name: str, body: dict) -> None:
        base = settings.DEXT_API_URL.rstrip("/")
        if not base:
            raise DextNotConfigured("DEXT_API_URL is not set: there is nowhere to push master data.")
        data = json.dumps(body, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-ApprovalMax-Key": self.key_prefix,
            "X-ApprovalMax-Timestamp": timestamp,
            "X-ApprovalMax-Signature": signature(key_hash=self.key_hash, timestamp=timestamp, body=data),
        }
        url = f"{base}/master-data/{name}/"
        try:
            response = requests.put(url, data=data, headers=headers, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            raise DextUnavailable(f"Dext could not be reached at {url} ({exc.__class__.__name__}).") from exc
        if response.status_code < 300:
            return
        message = f"Dext answered {response.status_code} to the {name} list: {response.text[:300]}"
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise DextUnavailable(message, retry_after=_retry_after(response.headers.get("Retry-After")))
        raise DextRefused(message)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
