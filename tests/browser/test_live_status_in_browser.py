"""After approving, the approver sees publishing happen and end on the page, without reloading it."""

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import log_in
from tests.builders import bill_content, pdf_document
from workflows import outcomes, services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_page_shows_published_with_the_bills_link_without_a_reload(page, live_server, organisation, master_data,
                                                                      workflow, approver):
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document())
    log_in(page, live_server, approver)
    page.goto(f"{live_server.url}/requests/{request.public_id}/")

    page.get_by_role("button", name="Approve", exact=True).click()
    live = page.locator("#live-status")
    expect(live).to_contain_text("Publishing to the accounting system")
    page.wait_for_load_state("load")
    page.evaluate("window.notReloaded = true")

    # The publisher, elsewhere, finishes.
    outcomes.request_mark_published(request_id=request.pk, external_system="xero", external_id="b-1",
                                    external_url="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=b-1")

    expect(live).to_contain_text("Published: the bill has been created in Xero as INV-4411.", timeout=10_000)
    expect(live.get_by_role("link", name="Open the bill in Xero")).to_have_attribute(
        "href", "https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=b-1")
    assert page.evaluate("window.notReloaded === true")  # no reload: the fragment was swapped in
