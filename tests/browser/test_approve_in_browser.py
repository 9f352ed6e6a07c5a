"""An approver decides on a bill in a real browser, without JavaScript of ours."""

import pytest
from playwright.sync_api import expect

from tests.builders import bill_content, pdf_document
from workflows import services
from workflows.models import ApprovalRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approver_approves_a_bill_from_the_inbox(page, live_server, organisation, master_data, workflow, approver):
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document())

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(approver.username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Awaiting my decision")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="INV-4411")
    expect(row).to_contain_text("54.00")
    row.get_by_role("link", name="Acme Supplies Ltd").click()

    expect(page.get_by_role("heading", name="Bill INV-4411 from Acme Supplies Ltd")).to_be_visible()
    expect(page.locator(".status-panel")).to_contain_text("On approval")
    page.get_by_label("Comment (optional)").fill("Checked against the delivery note.")
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("You approved INV-4411 from Acme Supplies Ltd.")
    # The page stays, to show the result.
    expect(page.locator(".status-panel")).to_contain_text("Approved")
    page.get_by_role("link", name="Awaiting my decision").click()
    expect(page.get_by_text("Nothing is waiting for your decision.")).to_be_visible()

    page.get_by_role("link", name="All requests", exact=True).click()
    page.get_by_role("link", name="Acme Supplies Ltd").click()
    expect(page.locator(".status-panel")).to_contain_text("Approved")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(page.get_by_role("table", name="Decisions of every revision, oldest first")).to_contain_text(
        "Checked against the delivery note."
    )
    assert ApprovalRequest.objects.get(pk=request.pk).state == ApprovalRequest.State.APPROVED
