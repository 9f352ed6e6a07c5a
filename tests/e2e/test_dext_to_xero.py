"""The whole path through real parts: Dext API over HTTP → approval over HTTP → a real Celery
worker on Redis → the Xero sandbox over HTTP."""

import json

import pytest

from approvalmax.demo.data import APPROVERS, PASSWORD
from approvalmax.demo.web_client import WebClient
from dext_integration.services import dext_connection_create
from tests.builders import MINIMAL_PDF
from tests.e2e.helpers import wait_for, worker_on_redis
from tests.xero_integration.helpers import SandboxReader, money
from workflows.models import ApprovalRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEM = {
    "dext_id": "CI-000123", "type": "invoice", "publish_to": "bill",
    "supplier": {"name": "Acme Supplies Ltd", "xero_contact_id": None},
    "invoice_number": "INV-4411", "date": "2026-11-02", "due_date": "2026-12-02", "currency": "GBP",
    "line_amount_types": "Exclusive",
    "line_items": [{"description": "Printer paper", "quantity": "10", "unit_amount": "4.50",
                    "account_code": "429", "tax_type": "INPUT2",
                    "tracking": [{"category": "Region", "option": "North"}]}],
    "total": "54.00", "tax_total": "9.00", "paid": True,
    "payment_method": {"name": "Company card", "bank_account_code": "090"},
    "owner": {"email": "sam@example.com", "name": "Sam Taylor"},
    "document_url": "https://app.dext.example/costs/CI-000123",
}


@pytest.fixture
def celery_worker(connected_organisation):
    """A real worker consuming from Redis, started after the organisation is connected."""
    with worker_on_redis():
        yield



def test_a_paid_dext_bill_is_approved_in_the_browser_flow_and_published_to_xero(
        connected_organisation, celery_worker, xero_sandbox, settings):
    _, key = dext_connection_create(organisation=connected_organisation, account_name="Dext")
    dext = WebClient(xero_sandbox.url)
    answer = dext.session.post(
        dext.url("/api/dext/v1/cost-items/"), headers={"Authorization": f"Bearer {key}"},
        files={"document": ("INV-4411.pdf", MINIMAL_PDF, "application/pdf")}, data={"item": json.dumps(ITEM)})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "on_approval"

    approver = WebClient(xero_sandbox.url)
    approver.log_in(APPROVERS[0].username, PASSWORD)
    decided = approver.post_form(body["url"], "/approve/")
    assert decided.status_code == 200

    request = wait_for(lambda: ApprovalRequest.objects.filter(
        public_id=body["id"], state=ApprovalRequest.State.PUBLISHED).first())
    status = dext.session.get(dext.url(f"/api/dext/v1/cost-items/{ITEM['dext_id']}/"),
                              headers={"Authorization": f"Bearer {key}"}).json()
    assert status["status"] == "published" and status["xero_invoice_id"] == request.external_id

    xero = SandboxReader(settings, connected_organisation)
    bill = xero.invoice(request.external_id)
    assert bill["Status"] == "PAID" and bill["InvoiceNumber"] == "INV-4411"
    assert money(bill["Total"]) == money("54.00")
    assert len(xero.attachments(request.external_id)) == 2
    assert xero.attachment_bytes(request.external_id, "INV-4411.pdf") == MINIMAL_PDF
    page = approver.session.get(body["url"]).text
    assert "Published" in page and request.external_url.replace("&", "&amp;") in page
