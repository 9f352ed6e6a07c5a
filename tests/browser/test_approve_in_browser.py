"""An approver decides on a bill in a real browser, without JavaScript of ours."""

import os

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.builders import bill_content, pdf_document
from tests.conftest import require_service
from workflows import services
from workflows.models import ApprovalRequest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing: install Debian's package (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            yield context.new_page()
        finally:
            browser.close()
            # Playwright runs the test in its own context, where Django opened a second
            # database connection; close it, or the test database cannot be dropped.
            connections.close_all()


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
    expect(page.get_by_text("Nothing is waiting for your decision.")).to_be_visible()

    page.get_by_role("link", name="All requests", exact=True).click()
    page.get_by_role("link", name="Acme Supplies Ltd").click()
    expect(page.locator(".status-panel")).to_contain_text("Approved")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(page.get_by_role("table", name="Decisions of every revision, oldest first")).to_contain_text(
        "Checked against the delivery note."
    )
    assert ApprovalRequest.objects.get(pk=request.pk).state == ApprovalRequest.State.APPROVED
