"""The client's reading of Xero's answers, with `responses` standing in for Xero."""

import json
import uuid
from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from xero_integration.client import XeroAccounting, raise_element_errors
from xero_integration.exceptions import (
    XeroAuthError,
    XeroRateLimited,
    XeroUnavailable,
    XeroValidationError,
)
from xero_integration.models import XeroConnection
from xero_integration.services.connection import xero_access_token

API = "https://api.xero.test/api.xro/2.0"
TOKEN = "https://identity.xero.test/connect/token"


@pytest.fixture
def xero_urls(settings):
    settings.XERO_API_URL = API
    settings.XERO_TOKEN_URL = TOKEN
    settings.XERO_CLIENT_ID = "client"
    settings.XERO_CLIENT_SECRET = "secret"


@pytest.fixture
def client(xero_urls):
    return XeroAccounting(access_token="token", tenant_id="tenant-1")


@responses.activate
def test_bills_are_put_with_summarize_errors_off_and_an_idempotency_key(client):
    responses.put(f"{API}/Invoices", json={"Invoices": [{"InvoiceID": "abc", "StatusAttributeString": "OK"}]})

    [result] = client.put_invoices([{"Type": "ACCPAY"}], idempotency_key="key-1")

    call = responses.calls[0].request
    assert "summarizeErrors=false" in call.url
    assert call.headers["Idempotency-Key"] == "key-1"
    assert call.headers["xero-tenant-id"] == "tenant-1"
    assert json.loads(call.body) == {"Invoices": [{"Type": "ACCPAY"}]}
    assert result["InvoiceID"] == "abc"


@responses.activate
def test_a_429_carries_retry_after_and_the_problem(client):
    responses.get(f"{API}/Accounts", status=429, headers={"Retry-After": "37", "X-Rate-Limit-Problem": "day"})

    with pytest.raises(XeroRateLimited) as caught:
        client.accounts()
    assert caught.value.retry_after == 37 and caught.value.problem == "day"


@responses.activate
def test_server_errors_and_dropped_connections_are_transient(client):
    responses.get(f"{API}/Accounts", status=503)
    responses.get(f"{API}/TaxRates", body=requests.ConnectionError("reset"))

    with pytest.raises(XeroUnavailable):
        client.accounts()
    with pytest.raises(XeroUnavailable):
        client.tax_rates()


@responses.activate
def test_a_validation_exception_yields_xeros_messages(client):
    responses.put(f"{API}/Payments", status=400, json={
        "ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred",
        "Elements": [{"ValidationErrors": [{"Message": "Payment amount exceeds the amount outstanding"}]}]})

    with pytest.raises(XeroValidationError) as caught:
        client.put_payments([{}], idempotency_key="k")
    assert caught.value.messages == ["Payment amount exceeds the amount outstanding"]


def test_an_element_with_errors_fails_alone():
    raise_element_errors({"InvoiceID": "x", "StatusAttributeString": "OK"})
    with pytest.raises(XeroValidationError) as caught:
        raise_element_errors({"HasErrors": True, "StatusAttributeString": "ERROR",
                              "ValidationErrors": [{"Message": "Account code '999' has been archived"}]})
    assert "999" in str(caught.value)


def _connection(organisation, expires_in: timedelta) -> XeroConnection:
    return XeroConnection.objects.create(
        organisation=organisation, tenant_id=uuid.uuid4(), tenant_name="Demo", access_token="old-access",
        refresh_token="old-refresh", access_token_expires_at=timezone.now() + expires_in)


@responses.activate
def test_an_expiring_token_is_refreshed_and_the_new_refresh_token_kept(organisation, xero_urls):
    connection = _connection(organisation, timedelta(seconds=30))
    responses.post(TOKEN, json={"access_token": "new-access", "refresh_token": "new-refresh",
                                "expires_in": 1800, "scope": "offline_access"})

    token, _ = xero_access_token(organisation_id=organisation.pk)

    connection.refresh_from_db()
    assert token == "new-access"
    assert connection.refresh_token == "new-refresh"
    assert "grant_type=refresh_token" in responses.calls[0].request.body
    assert "refresh_token=old-refresh" in responses.calls[0].request.body


@responses.activate
def test_a_fresh_token_is_used_without_calling_xero(organisation, xero_urls):
    _connection(organisation, timedelta(minutes=20))

    token, _ = xero_access_token(organisation_id=organisation.pk)

    assert token == "old-access" and len(responses.calls) == 0


@responses.activate
def test_a_refused_refresh_marks_the_connection_for_reconnecting(organisation, administrator, xero_urls):
    from approvalmax.notifications.models import Notification

    connection = _connection(organisation, timedelta(seconds=0))
    responses.post(TOKEN, status=400, json={"error": "invalid_grant"})

    with pytest.raises(XeroAuthError):
        xero_access_token(organisation_id=organisation.pk)

    connection.refresh_from_db()
    assert connection.status == XeroConnection.Status.NEEDS_RECONNECTING
    assert "reconnect" in connection.problem
    told = Notification.objects.get(recipient=administrator)
    assert told.mandatory and told.subject == "Demo Trading Ltd: Xero needs reconnecting"


def test_tokens_are_encrypted_at_rest(organisation):
    from django.db import connection as db

    _connection(organisation, timedelta(minutes=20))
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM xero_integration_xeroconnection")
        access, refresh = cursor.fetchone()
    assert "old-access" not in access and "old-refresh" not in refresh


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(organisation, xero_urls):
    """Xero rotates refresh tokens: a second refresh with the old one would lose the connection."""
    import threading
    import time

    from django.db import connection as db

    _connection(organisation, timedelta(seconds=0))

    def slow_token(request):
        time.sleep(0.3)
        return 200, {}, json.dumps({"access_token": "new-access", "refresh_token": "new-refresh",
                                    "expires_in": 1800, "scope": ""})

    responses.add_callback(responses.POST, TOKEN, callback=slow_token)
    tokens, errors = [], []

    def refresh():
        try:
            tokens.append(xero_access_token(organisation_id=organisation.pk)[0])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert tokens == ["new-access"] * 4
    assert len(responses.calls) == 1
