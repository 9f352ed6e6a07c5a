"""A bill awaiting approval in Xero, pulled by Xero's webhook and a real worker, rejected here over
HTTP: the worker sends it back to draft in Xero with the organisation's prefix."""

import pytest

from approvalmax.demo.data import APPROVERS, PASSWORD
from approvalmax.demo.web_client import WebClient
from tests.e2e.helpers import wait_for, worker_on_redis
from tests.xero_integration.pulled_bills import SandboxWriter
from workflows.models import ApprovalRequest
from workflows.selectors import request_page_url
from xero_integration.models import XeroConnection, XeroPulledBill

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_pulled_bill_rejected_here_goes_back_to_draft_in_xero(connected_organisation, xero_sandbox, settings):
    settings.XERO_WEBHOOK_KEY = "the-webhook-key-of-our-xero-app"
    XeroConnection.objects.filter(organisation=connected_organisation).update(rejected_prefix="REJ-")
    xero = SandboxWriter(settings, connected_organisation)
    with worker_on_redis():
        bill = xero.submit_bill(number="DX-900")
        pulled = wait_for(lambda: XeroPulledBill.objects.filter(invoice_id=bill["InvoiceID"]).first())
        approver = WebClient(xero_sandbox.url)
        approver.log_in(APPROVERS[0].username, PASSWORD)
        answer = approver.post_form(request_page_url(request=pulled.request), "/reject/", {"comment": "Not ours."})
        assert answer.status_code == 200

        wait_for(lambda: xero.invoice(bill["InvoiceID"])["Status"] == "DRAFT")

    assert xero.invoice(bill["InvoiceID"])["InvoiceNumber"] == "REJ-DX-900"
    assert ApprovalRequest.objects.get(pk=pulled.request_id).state == ApprovalRequest.State.REJECTED
