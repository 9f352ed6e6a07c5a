"""The Dext stand-in's form in a browser: lines are added and removed one at a time, and the
running total follows what the stand-in will send."""

import pytest
from playwright.sync_api import expect

from dext_integration.sandbox.services import link_save
from tests.browser_fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lines_are_added_and_removed_and_the_total_runs(page, live_server, approver):
    link_save(name="Demo Trading Ltd", base_url=f"{live_server.url}/api/dext/v1/", api_key="dxk_live_" + "a" * 32)
    log_in(page, live_server, approver)
    page.goto(f"{live_server.url}/sandbox/dext/")

    first = page.get_by_role("group", name="Line 1")
    expect(page.get_by_role("group", name="Line 2")).to_be_hidden()
    first.get_by_label("Description").fill("Paper")
    first.get_by_label("Quantity").fill("10")
    first.get_by_label("Unit amount").fill("4.50")
    total = page.locator("[data-running-total]")
    expect(total).to_have_text("Lines 45.00, tax 9.00, total 54.00 (exclusive).")

    page.get_by_role("button", name="Add a line").click()
    second = page.get_by_role("group", name="Line 2")
    expect(second).to_be_visible()
    second.get_by_label("Description").fill("Toner")
    second.get_by_label("Unit amount").fill("10.01")
    expect(total).to_have_text("Lines 55.01, tax 11.00, total 66.01 (exclusive).")

    second.get_by_role("button", name="Remove line 2").click()
    expect(second).to_be_hidden()
    expect(total).to_have_text("Lines 45.00, tax 9.00, total 54.00 (exclusive).")
