"""Xero's webhooks, as the sandbox sends them: after a document is created or changed, a signed
POST (`x-xero-signature`, base64 HMAC-SHA256 of the body with the webhook key) names it, with no
content, to the delivery URL. Sent from a thread after the change commits, as Xero sends them a
moment later; a failed delivery is tried again a few times, then dropped."""

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)
ATTEMPTS = 3


def delivery_url() -> str:
    return settings.XERO_SANDBOX_WEBHOOK_URL or (
        settings.PUBLIC_BASE_URL.rstrip("/") + reverse("xero:webhooks"))


def signature(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def payload(*, tenant_id, category: str, resource_id, event_type: str) -> dict:
    return {"events": [{
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/{category.title()}s/{resource_id}",
        "resourceId": str(resource_id), "eventDateUtc": timezone.now().isoformat(timespec="seconds"),
        "eventType": event_type, "eventCategory": category, "tenantId": str(tenant_id),
        "tenantType": "ORGANISATION"}], "firstEventSequence": 1, "lastEventSequence": 1,
        "entropy": uuid.uuid4().hex.upper()[:20]}


def _deliver(url: str, key: str, body: bytes) -> None:
    for attempt in range(ATTEMPTS):
        try:
            answer = requests.post(url, data=body, timeout=5, headers={
                "Content-Type": "application/json", "x-xero-signature": signature(body, key)})
            if answer.status_code == 200:
                return
        except requests.RequestException as exc:
            logger.info("Sandbox webhook to %s failed: %s", url, exc)
        time.sleep(0.5 * (attempt + 1))


def document_changed(*, tenant_id, category: str, resource_id, created: bool) -> None:
    """Announce the change once it commits (nothing when no webhook key is configured)."""
    key = settings.XERO_WEBHOOK_KEY
    if not key:
        return
    body = json.dumps(payload(tenant_id=tenant_id, category=category, resource_id=resource_id,
                              event_type="CREATE" if created else "UPDATE")).encode()
    url = delivery_url()
    transaction.on_commit(lambda: threading.Thread(target=_deliver, args=(url, key, body), daemon=True).start())
