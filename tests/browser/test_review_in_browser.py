"""A reviewer recodes a line and completes the review in a real browser; the approver then
sees the change in the audit trail and approves."""

import pytest
from playwright.sync_api import expect

from tests.builders import bill_content, pdf_document
from tests.factories import MembershipFactory
from workflows import services
from workflows.models import ApprovalRequest, WorkflowStep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()


def test_reviewer_recodes_and_completes_the_review(page, live_server, organisation, master_data, workflow,
                                                   approver):
    review = workflow.steps.get()
    review.kind, review.name = WorkflowStep.Kind.REVIEW, "Review"
    review.save()
    reviewer = MembershipFactory(organisation=organisation).user
    review.approvers.set([reviewer])
    manager = WorkflowStep.objects.create(workflow=workflow, position=2, name="Manager")
    manager.approvers.set([approver])
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document())

    log_in(page, live_server, reviewer)
    page.get_by_role("row").filter(has_text="INV-4411").get_by_role("link", name="Acme Supplies Ltd").click()
    expect(page.get_by_role("heading", name="Your review")).to_be_visible()
    expect(page.locator(".status-panel")).to_contain_text("On review")
    page.get_by_label("Account").select_option(label="453 - Office Expenses")
    page.get_by_role("button", name="Save line 1").click()
    expect(page.get_by_role("status")).to_contain_text("Line 1 was saved.")
    expect(page.get_by_role("table", name="Everything that happened to this request, oldest first")).to_contain_text(
        "Line 1, account: 429 - General Expenses → 453 - Office Expenses."
    )
    page.get_by_role("button", name="Complete review", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You completed the review of INV-4411")

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, approver)
    page.get_by_role("row").filter(has_text="INV-4411").get_by_role("link", name="Acme Supplies Ltd").click()
    expect(page.get_by_role("table", name="Lines of revision 1; amounts in GBP, tax exclusive")).to_contain_text(
        "453 Office Expenses"
    )
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You approved INV-4411")
    assert ApprovalRequest.objects.get(pk=request.pk).state == ApprovalRequest.State.APPROVED
