"""Helpers for tests of the master-data push to Dext."""

import hashlib
import hmac
import json

DEXT_API_URL = "http://dext.test/api"


def pushed(calls) -> dict[str, dict]:
    """List name → JSON body of each PUT that reached the fake Dext, checking its signature."""
    bodies = {}
    for call in calls:
        request = call.request
        assert request.method == "PUT"
        name = request.url.removeprefix(f"{DEXT_API_URL}/master-data/").rstrip("/")
        bodies[name] = json.loads(request.body)
    return bodies


def signature_valid(request, key: str) -> bool:
    secret = hashlib.sha256(key.encode()).hexdigest().encode()
    timestamp = request.headers["X-ApprovalMax-Timestamp"].encode()
    expected = "v1=" + hmac.new(secret, timestamp + b"." + request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers["X-ApprovalMax-Signature"])
