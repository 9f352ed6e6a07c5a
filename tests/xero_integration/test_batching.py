"""A tenant's waiting bills go to Xero together, and Xero's limits pause rather than lose work."""

import pytest
from django.test import Client

from approvalmax.demo.data import ADMINISTRATOR
from tests.xero_integration.helpers import SandboxReader, approved_request, synced_master_data
from workflows.models import ApprovalRequest
from xero_integration import client as xero_client
from xero_integration.exceptions import XeroRateLimited
from xero_integration.models import XeroConnection
from xero_integration.sandbox.models import RateCounter
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)

State = ApprovalRequest.State


@pytest.fixture
def calls(monkeypatch):
    sent = []
    original = xero_client._send

    def counting(session, method, url, **kwargs):
        path = url.split("/api.xro/2.0/")[-1]
        sent.append(f"{method} {'Attachments' if '/Attachments/' in path else path}")
        return original(session, method, url, **kwargs)

    monkeypatch.setattr(xero_client, "_send", counting)
    return sent


def test_waiting_bills_are_created_in_one_call_and_a_bad_one_fails_alone(
        connected_organisation, settings, calls, django_capture_on_commit_callbacks):
    settings.XERO_PUBLISH_TURN_CALLS = 100  # the whole batch in one turn: taking turns is tested on its own
    data = synced_master_data(connected_organisation)
    paid = {"is_paid": True, "payment_method_name": "Card", "payment_account": data["bank"]}
    good = [approved_request(connected_organisation, django_capture_on_commit_callbacks,
                             invoice_number=f"B-{n}", source_reference=f"CI-{n}", **(paid if n < 2 else {}))
            for n in range(3)]
    bad = approved_request(connected_organisation, django_capture_on_commit_callbacks,
                           invoice_number="B-bad", source_reference="CI-bad")
    bad.current_lines().update(account=data["archived"])

    assert tenant_publish(organisation_id=connected_organisation.pk) == 0

    assert calls.count("PUT Invoices") == 1
    assert calls.count("PUT Payments") == 1
    assert calls.count("PUT Attachments") == 2 * len(good)
    for request in good:
        request.refresh_from_db()
        assert request.state == State.PUBLISHED
    bad.refresh_from_db()
    assert bad.state == State.PUBLISH_FAILED
    assert "The account 999 is archived in Xero" in bad.publish_error
    xero = SandboxReader(settings, connected_organisation)
    assert sorted(b["InvoiceNumber"] for b in xero.bills()) == ["B-0", "B-1", "B-2"]
    assert len(xero.payments()) == 2


def test_a_day_breach_pauses_the_tenant_says_so_and_loses_nothing(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    settings.XERO_SANDBOX_TIME_SCALE = 1000
    settings.XERO_SANDBOX_CALLS_PER_DAY = 1

    with pytest.raises(XeroRateLimited) as refused:
        tenant_publish(organisation_id=connected_organisation.pk)
    assert refused.value.problem == "day"

    request.refresh_from_db()
    assert request.state == State.APPROVED
    connection = XeroConnection.objects.get(organisation=connected_organisation)
    assert connection.paused_problem == "day" and connection.paused_until
    browser = Client()
    browser.force_login(connection.organisation.memberships.get(user__username=ADMINISTRATOR.username).user)
    page = browser.get(f"/xero/{connected_organisation.slug}/").content.decode()
    assert "Publishing paused" in page and "daily" in page

    # The day is over: Xero's counters reset and the pause has passed.
    RateCounter.objects.all().delete()
    settings.XERO_SANDBOX_CALLS_PER_DAY = 5000
    XeroConnection.objects.filter(pk=connection.pk).update(paused_until=None, paused_problem="")
    tenant_publish(organisation_id=connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == State.PUBLISHED
    assert len(SandboxReader(settings, connected_organisation).bills()) == 1
