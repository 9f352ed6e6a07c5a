"""The inbox by keyboard: j/k move between bills, x chooses, a approves, r asks for the rejection's
comment, o opens, ? shows the help."""

import pytest
from playwright.sync_api import expect

from tests import files
from tests.browser_fixtures import log_in
from tests.builders import bill_content, pdf_document
from workflows import services
from workflows.models import ApprovalRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bills(organisation, master_data, workflow):
    # Each with its own file: the same file twice would be a possible duplicate, which needs a comment.
    return [services.request_create(organisation=organisation, document=pdf_document(data=files.pdf(text_size=200 + n)),
                                    content=bill_content(master_data, source_reference=f"K-{n}",
                                                         invoice_number=f"K-{n}", supplier=None,
                                                         supplier_name=f"Supplier {n}"))
            for n in range(3)]


def _inbox(page, live_server, approver):
    log_in(page, live_server, approver)
    expect(page.get_by_role("heading", name="Awaiting my decision")).to_be_visible()
    expect(page.get_by_role("button", name="Keyboard shortcuts (?)")).to_be_visible()  # the script has run


def test_j_k_move_x_chooses_and_a_approves_the_chosen(page, live_server, approver, bills):
    _inbox(page, live_server, approver)

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.get_by_role("link", name="Supplier 0")).to_be_focused()
    page.keyboard.press("x")
    expect(page.get_by_label("Choose Supplier 0 K-0")).to_be_checked()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("a")

    expect(page.get_by_role("status")).to_contain_text("2 of 2 approved.")
    states = dict(ApprovalRequest.objects.values_list("invoice_number", "state"))
    assert states == {"K-0": "approved", "K-1": "on_approval", "K-2": "approved"}


def test_r_chooses_the_current_bill_and_moves_to_the_comment(page, live_server, approver, bills):
    _inbox(page, live_server, approver)

    page.keyboard.press("j")
    page.keyboard.press("r")

    expect(page.get_by_label("Comment (needed to reject")).to_be_focused()
    expect(page.get_by_label("Choose Supplier 0 K-0")).to_be_checked()
    page.keyboard.type("jar")  # typing in the comment is not a shortcut
    expect(page.get_by_label("Choose Supplier 1 K-1")).not_to_be_checked()
    page.get_by_role("button", name="Reject chosen").click()
    expect(page.get_by_role("status")).to_contain_text("1 of 1 rejected.")


def test_question_mark_shows_the_help_and_o_opens_a_bill(page, live_server, approver, bills):
    _inbox(page, live_server, approver)

    page.keyboard.press("?")
    help = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help).to_be_visible()
    expect(help).to_contain_text("Approve the chosen bills")
    page.keyboard.press("Escape")
    expect(help).to_be_hidden()

    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(page.get_by_role("heading", name="Bill K-0 from Supplier 0")).to_be_visible()
