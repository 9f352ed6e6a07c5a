"""A bill Dext publishes into Xero for approval reaches an approver's inbox through Xero's webhook
and a real worker, is approved in the browser with its original on screen, and ends authorised
in Xero with the audit report."""

import pytest
from playwright.sync_api import expect

from approvalmax.demo.data import ADMINISTRATOR, APPROVERS, PASSWORD
from tests.builders import MINIMAL_PDF
from tests.e2e.helpers import wait_for, worker_on_redis
from tests.xero_integration.helpers import SandboxReader
from xero_integration.models import XeroPulledBill

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(connected_organisation, settings):
    settings.XERO_WEBHOOK_KEY = "the-webhook-key-of-our-xero-app"  # the sandbox signs with it, we check it
    with worker_on_redis():
        yield


def _log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_bill_published_into_xero_for_approval_is_approved_here_with_its_original_visible(
        page, connected_organisation, worker, xero_sandbox, settings, tmp_path):
    base = xero_sandbox.url
    original = tmp_path / "DX-501.pdf"
    original.write_bytes(MINIMAL_PDF)
    # Dext publishes the bill into Xero, awaiting approval, with the original attached.
    _log_in(page, base, ADMINISTRATOR.username)
    page.goto(f"{base}/sandbox/xero/")
    page.get_by_role("link", name="Publish a bill for approval, as Dext does").first.click()
    page.get_by_label("Supplier").select_option(label="Acme Supplies Ltd")
    page.get_by_label("Bill number").fill("DX-501")
    page.get_by_label("Date", exact=True).fill("2026-11-20")
    page.get_by_label("Description").fill("Printer paper")
    page.get_by_label("Account").select_option(value="429")
    page.get_by_label("Tax rate").select_option(value="INPUT2")
    page.get_by_label("Unit amount (excluding tax)").fill("100.00")
    page.get_by_label("Original document (PDF or picture)").set_input_files(str(original))
    page.get_by_role("button", name="Publish to Xero for approval").click()
    expect(page.get_by_role("heading", name="Bill DX-501 from Acme Supplies Ltd")).to_be_visible()

    # Xero's webhook, then a real worker's pull: the request is there within seconds.
    pulled = wait_for(lambda: XeroPulledBill.objects.select_related("request").first(), timeout=60)
    page.context.clear_cookies()
    _log_in(page, base, APPROVERS[0].username)
    row = page.get_by_role("row").filter(has_text="DX-501")
    expect(row).to_contain_text("120.00")
    row.get_by_role("link", name="Acme Supplies Ltd").click()

    expect(page.get_by_role("heading", name="Bill DX-501 from Acme Supplies Ltd")).to_be_visible()
    expect(page.get_by_role("link", name="Download the original, DX-501.pdf")).to_be_visible()
    expect(page.locator("#document img").first).to_be_visible()
    expect(page.get_by_role("link", name="The bill in Xero", exact=True)).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(page.locator(".status-panel")).to_contain_text("Published", timeout=60_000)
    expect(page.locator(".status-panel")).to_contain_text("DX-501")
    xero = SandboxReader(settings, connected_organisation)
    bill = xero.invoice(str(pulled.invoice_id))
    assert bill["Status"] == "AUTHORISED"
    assert sorted(a["FileName"] for a in xero.attachments(str(pulled.invoice_id))) == [
        "Approval audit report DX-501.pdf", "DX-501.pdf"]
