"""The request page as an approver sees it in Chromium: on a wide screen the document is beside
the decision, full height, with paging and zoom; on a phone the supplier and total come first, the
decision stays in reach at the bottom, the document is one tap away and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests import files
from tests.browser_fixtures import log_in
from tests.builders import bill_content, pdf_document
from workflows import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(page, live_server, approver, request, *, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server, approver)
    page.goto(f"{live_server.url}/requests/{request.public_id}/")
    expect(page.get_by_role("heading", name="Bill INV-4411 from Acme Supplies Ltd")).to_be_visible()


@pytest.fixture
def bill(organisation, master_data, workflow):
    return services.request_create(organisation=organisation, content=bill_content(master_data),
                                   document=pdf_document(data=files.pdf(pages=3, text_size=600)))


def test_on_a_wide_screen_the_document_is_beside_the_decision_in_the_first_screen(page, live_server, approver,
                                                                                  bill):
    _open(page, live_server, approver, bill, width=1280, height=800)

    decision = page.get_by_role("heading", name="Your decision").bounding_box()
    document = page.locator("#document").bounding_box()
    first_page = page.get_by_role("img", name="Page 1 of 3 of INV-4411.pdf")
    expect(first_page).to_be_visible()
    assert decision["y"] < 800 and document["y"] < 800
    assert document["x"] > decision["x"] + decision["width"] / 2  # beside, not below
    assert first_page.bounding_box()["y"] < 800

    # Zoom changes the page's width; "Fit width" brings it back.
    fitted = first_page.bounding_box()["width"]
    page.get_by_role("button", name="Zoom in").click()
    expect(page.get_by_text("125%")).to_be_visible()
    assert first_page.bounding_box()["width"] > fitted * 1.2
    page.get_by_role("button", name="Fit width").click()
    assert abs(first_page.bounding_box()["width"] - fitted) < 2

    # The pages are linked; the decision bar is for phones only.
    page.get_by_role("navigation", name="Pages of the document").get_by_role("link", name="Page 3").click()
    expect(page.get_by_role("img", name="Page 3 of 3 of INV-4411.pdf")).to_be_in_viewport()
    expect(page.get_by_role("navigation", name="Decide on this bill")).to_be_hidden()


def test_on_a_phone_the_total_comes_first_and_the_decision_stays_in_reach(page, live_server, approver, bill):
    _open(page, live_server, approver, bill, width=390, height=844)

    summary = page.get_by_role("definition").filter(has_text="54.00 GBP").first
    assert summary.bounding_box()["y"] + summary.bounding_box()["height"] < 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways

    bar = page.get_by_role("navigation", name="Decide on this bill")
    expect(bar).to_be_visible()
    page.mouse.wheel(0, 1500)
    expect(bar).to_be_in_viewport()  # still in reach after scrolling
    for link in bar.get_by_role("link").all():
        assert link.bounding_box()["height"] >= 44  # a thumb's target

    bar.get_by_role("link", name="Document").click()
    expect(page.get_by_role("img", name="Page 1 of 3 of INV-4411.pdf")).to_be_in_viewport()
    bar.get_by_role("link", name="Approve or reject").click()
    expect(page.get_by_role("heading", name="Your decision")).to_be_in_viewport()
