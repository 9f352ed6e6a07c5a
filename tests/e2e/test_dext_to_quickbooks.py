"""The whole path to the second accounting system through real parts: Dext API over HTTP →
approval over HTTP → a real Celery worker on Redis → the QuickBooks Online stand-in over HTTP."""

import json

import pytest

from approvalmax.core.models import TaxRate
from approvalmax.demo.data import APPROVERS, PASSWORD
from approvalmax.demo.web_client import WebClient
from dext_integration.services import dext_connection_create
from quickbooks_integration.sandbox import store
from quickbooks_integration.sandbox.models import AttachableContent, Company
from quickbooks_integration.services.sync import master_data_sync
from tests.builders import MINIMAL_PDF
from tests.e2e.helpers import wait_for, worker_on_redis
from workflows.models import ApprovalRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(quickbooks_connected, settings):
    """A real worker consuming from Redis, started after the organisation is connected and synced."""
    settings.QBO_SANDBOX_CALLS_PER_SECOND = 1000
    master_data_sync(organisation_id=quickbooks_connected.organisation_id)
    with worker_on_redis():
        yield



def test_a_paid_dext_bill_is_approved_and_published_to_quickbooks_online(quickbooks_connected, celery_worker,
                                                                          qbo_sandbox):
    organisation = quickbooks_connected.organisation
    vat = TaxRate.objects.get(organisation=organisation, name="20.0% S").tax_type
    item = {
        "dext_id": "CI-000777", "type": "invoice", "publish_to": "bill",
        "supplier": {"name": "Acme Supplies Ltd", "xero_contact_id": None},
        "invoice_number": "INV-7001", "date": "2026-11-02", "due_date": "2026-12-02", "currency": "GBP",
        "line_amount_types": "Exclusive",
        "line_items": [{"description": "Printer paper", "quantity": "10", "unit_amount": "4.50",
                        "account_code": "429", "tax_type": vat,
                        "tracking": [{"category": "Class", "option": "Consulting"}]}],
        "total": "54.00", "tax_total": "9.00", "paid": True,
        "payment_method": {"name": "Business account", "bank_account_code": "090"},
        "owner": {"email": "sam@example.com", "name": "Sam Taylor"},
        "document_url": "https://app.dext.example/costs/CI-000777",
    }
    _, key = dext_connection_create(organisation=organisation, account_name="Dext")
    dext = WebClient(qbo_sandbox.url)
    answer = dext.session.post(
        dext.url("/api/dext/v1/cost-items/"), headers={"Authorization": f"Bearer {key}"},
        files={"document": ("INV-7001.pdf", MINIMAL_PDF, "application/pdf")}, data={"item": json.dumps(item)})
    assert answer.status_code == 201, answer.text
    body = answer.json()

    approver = WebClient(qbo_sandbox.url)
    approver.log_in(APPROVERS[0].username, PASSWORD)
    assert approver.post_form(body["url"], "/approve/").status_code == 200

    request = wait_for(lambda: ApprovalRequest.objects.filter(
        public_id=body["id"], state=ApprovalRequest.State.PUBLISHED).first())
    status = dext.session.get(dext.url(f"/api/dext/v1/cost-items/{item['dext_id']}/"),
                              headers={"Authorization": f"Bearer {key}"}).json()
    assert (status["status"], status["accounting_system"], status["external_id"]) == (
        "published", "quickbooks", request.external_id)
    assert status["xero_invoice_id"] is None and status["external_url"] == request.external_url

    company = Company.objects.get()
    bill = store.get(company, "Bill", request.external_id)
    assert bill["DocNumber"] == "INV-7001" and bill["TotalAmt"] == 54.0 and bill["Balance"] == 0
    assert len(store.of_kind(company, "BillPayment")) == 1
    attached = [a for a in store.of_kind(company, "Attachable")
                if a["AttachableRef"][0]["EntityRef"] == {"type": "Bill", "value": bill["Id"]}]
    assert len(attached) == 2
    assert bytes(AttachableContent.objects.get(attachable__data__FileName="INV-7001.pdf").data) == MINIMAL_PDF
    page = approver.session.get(body["url"]).text
    assert "QuickBooks Online" in page and request.external_url in page
