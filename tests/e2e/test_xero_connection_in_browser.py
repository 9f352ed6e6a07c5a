"""The Xero connection's lifecycle in a real browser against the sandbox: connect (with the choice of
organisation), see the page's facts, disconnect, reconnect."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from approvalmax.demo.data import ADMINISTRATOR, PASSWORD
from xero_integration.models import XeroConnection
from xero_integration.sandbox.models import Organisation as SandboxOrganisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _connect(page, *, choose: str | None = None) -> None:
    page.get_by_role("button", name="Connect Xero").click()
    expect(page.get_by_role("heading", name="wants access to")).to_be_visible()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Allow access").click()
    if choose:
        expect(page.get_by_role("heading", name="Choose the Xero organisation")).to_be_visible()
        page.get_by_label(choose).check()
        page.get_by_role("button", name="Connect this organisation").click()
    expect(page.get_by_text(f"Connected to {choose or 'Demo Trading Ltd'}")).to_be_visible()


def test_an_administrator_connects_disconnects_and_reconnects_xero(page, xero_sandbox, demo_organisation, settings):
    call_command("xero_sandbox_seed", verbosity=0)
    SandboxOrganisation.objects.create(name="Other Holdings Ltd", short_code="!0th3r", base_currency="GBP",
                                       country_code="GB", timezone="GMTSTANDARDTIME")
    page.goto(f"{xero_sandbox.url}/xero/{demo_organisation.slug}/")
    page.get_by_label("Username").fill(ADMINISTRATOR.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Xero connection for {demo_organisation.name}")).to_be_visible()
    expect(page.get_by_text("not connected to Xero")).to_be_visible()

    _connect(page, choose="Demo Trading Ltd")

    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Connected")
    expect(facts).to_contain_text("Demo Trading Ltd")
    expect(facts).to_contain_text("accounting.transactions")
    assert XeroConnection.objects.get(organisation=demo_organisation).tenant_name == "Demo Trading Ltd"

    page.get_by_role("link", name="Disconnect Xero…").click()
    expect(page.get_by_role("heading", name="Disconnect Xero from Demo Trading Ltd?")).to_be_visible()
    page.get_by_role("button", name="Yes, disconnect Xero").click()
    expect(page.get_by_text("Xero is disconnected.")).to_be_visible()
    expect(page.get_by_text("not connected to Xero")).to_be_visible()
    assert not XeroConnection.objects.filter(organisation=demo_organisation).exists()

    SandboxOrganisation.objects.filter(name="Other Holdings Ltd").delete()
    _connect(page)

    expect(page.locator("dl.facts")).to_contain_text("Demo Trading Ltd")
    assert XeroConnection.objects.filter(organisation=demo_organisation).exists()
