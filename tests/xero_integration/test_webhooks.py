"""Xero's webhooks: signature checked, intent-to-receive answered, events trigger an incremental sync."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory
from xero_integration import views
from xero_integration.models import XeroConnection

pytestmark = pytest.mark.django_db

KEY = "webhook-key-from-the-developer-portal"
URL = "/xero/webhooks/"


@pytest.fixture
def queued(monkeypatch, settings):
    settings.XERO_WEBHOOK_KEY = KEY
    sent = []
    monkeypatch.setattr(views.sync_master_data, "delay", lambda *args, **kwargs: sent.append((args, kwargs)))
    monkeypatch.setattr(views.pull_bills, "delay", lambda *args: sent.append(("pull", args)))
    return sent


@pytest.fixture
def tenant():
    tenant_id = uuid.uuid4()
    connection = XeroConnection.objects.create(
        organisation=OrganisationFactory(), tenant_id=tenant_id, tenant_name="T", access_token="a",
        refresh_token="r", access_token_expires_at=timezone.now() + timedelta(minutes=30))
    return str(tenant_id), connection.organisation_id


def _post(client, payload: dict, *, key: str = KEY):
    body = json.dumps(payload).encode()
    signature = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    return client.post(URL, data=body, content_type="application/json", HTTP_X_XERO_SIGNATURE=signature)


def _event(tenant_id: str, category: str = "CONTACT") -> dict:
    return {"resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{uuid.uuid4()}", "resourceId": str(uuid.uuid4()),
            "eventDateUtc": "2026-11-22T03:00:00.000", "eventType": "UPDATE", "eventCategory": category,
            "tenantId": tenant_id, "tenantType": "ORGANISATION"}


def test_intent_to_receive_is_answered_with_an_empty_200(client, queued):
    answer = _post(client, {"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": "X"})
    assert answer.status_code == 200 and answer.content == b""
    assert queued == []


def test_a_bad_signature_is_a_401(client, queued, tenant):
    answer = _post(client, {"events": [_event(tenant[0])]}, key="another-key")
    assert answer.status_code == 401 and answer.content == b""
    assert queued == []


def test_without_a_configured_key_nothing_is_trusted(client, queued, settings, tenant):
    settings.XERO_WEBHOOK_KEY = ""
    assert _post(client, {"events": [_event(tenant[0])]}, key="").status_code == 401


def test_contact_events_trigger_one_incremental_sync_per_tenant(client, queued, tenant):
    tenant_id, organisation_id = tenant
    payload = {"events": [_event(tenant_id), _event(tenant_id), _event(str(uuid.uuid4())),
                          {"tenantId": "not-a-guid", "eventCategory": "CONTACT"}]}

    assert _post(client, payload).status_code == 200
    assert queued == [((organisation_id,), {"incremental": True})]


def test_invoice_events_trigger_one_pull_of_bills_per_tenant(client, queued, tenant):
    tenant_id, organisation_id = tenant
    payload = {"events": [_event(tenant_id, "INVOICE"), _event(tenant_id, "INVOICE"), _event(str(uuid.uuid4()), "INVOICE")]}

    assert _post(client, payload).status_code == 200
    assert queued == [("pull", (organisation_id,))]


def test_invoice_events_pull_nothing_where_pulling_is_off(client, queued, tenant):
    tenant_id, organisation_id = tenant
    XeroConnection.objects.filter(organisation_id=organisation_id).update(pull_bills=False)

    assert _post(client, {"events": [_event(tenant_id, "INVOICE")]}).status_code == 200
    assert queued == []


@pytest.mark.parametrize("body", [b"not json", b"[" * 100_000 + b"]" * 100_000,
                                  b'{"events":' * 100_000 + b"[]" + b"}" * 100_000, b"[]", b'{"events": 3}'])
def test_a_signed_body_that_is_no_webhook_payload_is_a_400(body, client, queued):
    signature = base64.b64encode(hmac.new(KEY.encode(), body, hashlib.sha256).digest()).decode()
    answer = client.post(URL, data=body, content_type="application/json", HTTP_X_XERO_SIGNATURE=signature)
    assert answer.status_code == 400 and queued == []
