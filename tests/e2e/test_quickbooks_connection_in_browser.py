"""The QuickBooks Online connection's lifecycle in a real browser against the stand-in: connect
through Intuit's consent page, see the page's facts, disconnect (the grant is revoked), connect again."""

import pytest
from playwright.sync_api import expect

from approvalmax.demo.data import ADMINISTRATOR, PASSWORD
from quickbooks_integration.models import QuickBooksConnection
from quickbooks_integration.sandbox.models import Grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _connect(page) -> None:
    page.get_by_role("button", name="Connect QuickBooks Online").click()
    expect(page.get_by_role("heading", name="wants to connect to your QuickBooks company")).to_be_visible()
    page.get_by_label("Demo Services Ltd").check()
    page.get_by_role("button", name="Connect", exact=True).click()


def test_an_administrator_connects_disconnects_and_reconnects_quickbooks(page, qbo_sandbox, demo_organisation):
    page.goto(f"{qbo_sandbox.url}/quickbooks/{demo_organisation.slug}/")
    page.get_by_label("Username").fill(ADMINISTRATOR.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    heading = f"QuickBooks Online connection for {demo_organisation.name}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("not connected to QuickBooks Online")).to_be_visible()

    _connect(page)

    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Connected")
    expect(facts).to_contain_text("Demo Services Ltd")
    expect(facts).to_contain_text("9341453050478362")
    expect(facts).to_contain_text("com.intuit.quickbooks.accounting")
    expect(page.get_by_role("link", name="QuickBooks Online", exact=True)).to_be_visible()  # the navigation names it

    page.get_by_role("link", name="Disconnect QuickBooks Online…").click()
    expect(page.get_by_role("heading", name="Disconnect QuickBooks Online from Demo Trading Ltd?")).to_be_visible()
    page.get_by_role("button", name="Yes, disconnect QuickBooks Online").click()
    expect(page.get_by_text("QuickBooks Online is disconnected.")).to_be_visible()
    assert not QuickBooksConnection.objects.filter(organisation=demo_organisation).exists()
    assert Grant.objects.get().revoked_at is not None

    _connect(page)
    expect(page.locator("dl.facts")).to_contain_text("Demo Services Ltd")
    assert QuickBooksConnection.objects.filter(organisation=demo_organisation).exists()
