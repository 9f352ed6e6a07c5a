"""The sandbox keeps each bill's history (`/Invoices/{id}/History`) and sends Xero's signed
`INVOICE` webhooks when a bill is created or changed."""

import base64
import hashlib
import hmac
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.xero_sandbox.conftest import bill

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "the-webhook-key"


@pytest.fixture
def receiver(settings):
    """A webhook receiver of our own on a free port: what Xero would deliver to our app."""
    received: queue.Queue = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put((self.headers["x-xero-signature"], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.XERO_WEBHOOK_KEY = KEY
    settings.XERO_SANDBOX_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/xero/webhooks/"
    yield received
    server.shutdown()


def _event(received) -> dict:
    signature, body = received.get(timeout=10)
    expected = base64.b64encode(hmac.new(KEY.encode(), body, hashlib.sha256).digest()).decode()
    assert signature == expected
    [event] = json.loads(body)["events"]
    return event


def test_a_bill_keeps_its_history_of_changes(api):
    created = api.put("Invoices", {"Invoices": [bill(Status="SUBMITTED")]}).json()["Invoices"][0]
    api.post(f"Invoices/{created['InvoiceID']}", {"Invoices": [{"Status": "AUTHORISED"}]})

    records = api.get(f"Invoices/{created['InvoiceID']}/History").json()["HistoryRecords"]

    assert [r["Changes"] for r in records] == ["Created", "Approved"]
    assert {r["User"] for r in records} == {"ApprovalMax (API)"}
    assert "INV-4411 to Acme Supplies Ltd for 54.00 GBP" in records[0]["Details"]
    assert api.get("Invoices/00000000-0000-0000-0000-000000000000/History").status_code == 404


def test_creating_and_changing_a_bill_sends_signed_invoice_webhooks(api, tenant, receiver):
    created = api.put("Invoices", {"Invoices": [bill(Status="SUBMITTED")]}).json()["Invoices"][0]
    event = _event(receiver)
    assert (event["eventCategory"], event["eventType"], event["resourceId"], event["tenantId"]) == (
        "INVOICE", "CREATE", created["InvoiceID"], str(tenant.organisation_id))

    api.post(f"Invoices/{created['InvoiceID']}", {"Invoices": [{"Status": "DRAFT"}]})

    assert _event(receiver)["eventType"] == "UPDATE"


def test_without_a_webhook_key_nothing_is_sent(api, receiver, settings):
    settings.XERO_WEBHOOK_KEY = ""
    api.put("Invoices", {"Invoices": [bill(Status="SUBMITTED")]})
    with pytest.raises(queue.Empty):
        receiver.get(timeout=1.5)


def test_a_member_publishes_a_bill_for_approval_with_its_document_as_dext_would(sandbox, api, tenant):
    from tests.xero_sandbox.conftest import csrf_token
    from xero_integration.sandbox.models import Account, Contact

    url = f"{sandbox.base}/organisations/{tenant.organisation_id}/bills/new/"
    page = sandbox.session.get(url)
    assert page.status_code == 200 and "Acme Supplies Ltd" in page.text
    contact = Contact.objects.get(organisation=tenant, name="Acme Supplies Ltd")
    account = Account.objects.get(organisation=tenant, code="429")
    form = {"csrfmiddlewaretoken": csrf_token(page.text), "contact": contact.pk, "invoice_number": "DX-55",
            "date": "2026-11-20", "description": "Toner", "account": account.code, "tax_type": "INPUT2",
            "unit_amount": "80.00"}
    answer = sandbox.session.post(url, data=form, files={"document": ("DX-55.pdf", b"%PDF-1.4 dx", "application/pdf")})
    assert answer.status_code == 200 and "(SUBMITTED)" in answer.text and "DX-55.pdf" in answer.text

    [found] = api.get("Invoices", Statuses="SUBMITTED", page=1).json()["Invoices"]
    assert (found["InvoiceNumber"], found["Total"], found["HasAttachments"]) == ("DX-55", 96.0, True)
    records = api.get(f"Invoices/{found['InvoiceID']}/History").json()["HistoryRecords"]
    assert records[0]["User"] == "Dext Integration"

    refused = sandbox.session.post(url, data={**form, "unit_amount": "-3"})
    assert refused.status_code == 400
    assert len(api.get("Invoices", Statuses="SUBMITTED", page=1).json()["Invoices"]) == 1


def test_a_member_edits_a_bill_as_in_xero_and_only_xeros_status_moves_are_offered(sandbox, api, tenant):
    from tests.xero_sandbox.conftest import csrf_token

    created = api.put("Invoices", {"Invoices": [bill(Status="SUBMITTED")]}).json()["Invoices"][0]
    url = f"{sandbox.base}/organisations/{tenant.organisation_id}/bills/{created['InvoiceID']}/edit/"
    page = sandbox.session.get(url)
    form = {"csrfmiddlewaretoken": csrf_token(page.text), "status": "SUBMITTED", "invoice_number": "INV-4411",
            "description": "Printer paper, A3", "account": "429", "tax_type": "INPUT2", "unit_amount": "5.00"}

    assert sandbox.session.post(url, data=form).status_code == 200
    now = api.get(f"Invoices/{created['InvoiceID']}").json()["Invoices"][0]
    assert (now["LineItems"][0]["Description"], now["SubTotal"], now["Status"]) == ("Printer paper, A3", 50.0, "SUBMITTED")

    assert sandbox.session.post(url, data={**form, "status": "AUTHORISED"}).status_code == 200
    page = sandbox.session.get(url)
    assert 'value="DRAFT"' not in page.text and 'value="VOIDED"' in page.text
    assert sandbox.session.post(url, data={**form, "csrfmiddlewaretoken": csrf_token(page.text),
                                           "status": "DRAFT"}).status_code == 400
    history = api.get(f"Invoices/{created['InvoiceID']}/History").json()["HistoryRecords"]
    assert [r["Changes"] for r in history] == ["Created", "Edited", "Approved"]


def test_the_bill_pages_need_a_member(sandbox, tenant):
    import requests

    answer = requests.get(f"{sandbox.base}/organisations/{tenant.organisation_id}/bills/new/", allow_redirects=False)
    assert answer.status_code == 302 and "/login/" in answer.headers["Location"]
