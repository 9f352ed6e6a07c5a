"""Review and editing: reviewers and approvers change the coding their step allows, never the
total; a later approver sends the request back to review. Through the services, on the real database."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django_fsm import has_transition_perm

from tests.builders import bill_content
from tests.factories import MembershipFactory
from tests.workflows.helpers import actions, add_step, events, reload
from workflows import editing, services
from workflows.exceptions import (
    AlreadyDecided,
    CommentRequired,
    EditNotAllowed,
    NotAnApprover,
    TotalWouldChange,
)
from workflows.models import ApprovalRequest, AuditEvent, Decision, RequestLine, WorkflowStep

State = ApprovalRequest.State
Action = AuditEvent.Action


@pytest.fixture
def reviewer(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def review_workflow(workflow, reviewer, approver, second_approver):
    """1. Review by `reviewer`; 2. approval by `approver`; 3. approval by `second_approver`."""
    step = workflow.steps.get()
    step.position, step.kind, step.name = 1, WorkflowStep.Kind.REVIEW, "Review"
    step.save()
    step.approvers.set([reviewer])
    add_step(workflow, position=2, approvers=[approver], name="Manager")
    add_step(workflow, position=3, approvers=[second_approver], name="Finance")
    return workflow


def line_of(request: ApprovalRequest) -> RequestLine:
    return reload(request).current_lines().get()

def test_a_review_step_puts_the_request_on_review_and_completing_it_moves_on(create_request, review_workflow,
                                                                             reviewer, approver):
    request = reload(create_request())
    assert request.state == State.ON_REVIEW
    assert request.current_approver_ids() == {reviewer.pk}

    services.request_approve(request_id=request.pk, user=reviewer, comment="Coding checked.")

    request = reload(request)
    assert request.state == State.ON_APPROVAL
    assert request.current_step.name == "Manager"
    assert Decision.objects.get(request=request).outcome == Decision.Outcome.REVIEWED
    assert Action.REVIEWED in actions(request)


def test_a_reviewer_changes_the_coding_and_each_field_is_recorded(create_request, review_workflow, reviewer,
                                                                  master_data):
    request = create_request(invoice_number="INV-R")
    line = line_of(request)
    other_vat = master_data["input2"].__class__.objects.create(
        organisation=request.organisation, tax_type="INPUT3", name="20% other", effective_rate=Decimal("20"))

    editing.request_line_edit(request_id=request.pk, user=reviewer, line_id=line.pk, description="A4 paper",
                               account_id=master_data["office"].pk, tax_rate_id=other_vat.pk,
                               tracking_option_ids=[master_data["south"].pk])

    line = line_of(request)
    assert (line.description, line.account, line.tax_rate) == ("A4 paper", master_data["office"], other_vat)
    assert list(line.tracking.all()) == [master_data["south"]]
    edits = events(request, Action.LINE_EDITED)
    assert [e.data["field"] for e in edits] == ["description", "account", "tax_rate", "tracking"]
    assert edits[1].message == "Line 1, account: 429 - General Expenses → 453 - Office Expenses."
    assert edits[3].data == {"line": 1, "field": "tracking", "from": "Region: North", "to": "Region: South"}
    assert all(e.actor == reviewer for e in edits)
    assert reload(request).total == Decimal("54.00")


def test_an_edit_that_would_change_the_total_is_refused(create_request, review_workflow, reviewer, master_data):
    request = create_request()
    line = line_of(request)

    with pytest.raises(TotalWouldChange, match="from 54.00 to 45.00"):
        editing.request_line_edit(request_id=request.pk, user=reviewer, line_id=line.pk,
                                   tax_rate_id=master_data["none"].pk)

    assert line_of(request).tax_rate == master_data["input2"]
    assert not events(request, Action.LINE_EDITED)


def test_on_a_tax_inclusive_bill_a_new_tax_rate_keeps_the_total(create_request, review_workflow, reviewer,
                                                                 master_data):
    line = replace(bill_content(master_data).lines[0], tax_amount=Decimal("7.50"))
    request = create_request(tax_treatment="inclusive", lines=[line], sub_total=Decimal("37.50"),
                             tax_total=Decimal("7.50"), total=Decimal("45.00"))

    editing.request_line_edit(request_id=request.pk, user=reviewer, line_id=line_of(request).pk,
                               tax_rate_id=master_data["none"].pk)

    request = reload(request)
    assert (request.sub_total, request.tax_total, request.total) == (Decimal("45.00"), Decimal("0.00"),
                                                                     Decimal("45.00"))


def test_a_reviewer_splits_a_line_without_changing_the_total(create_request, review_workflow, reviewer,
                                                             master_data):
    request = create_request()

    editing.request_line_split(request_id=request.pk, user=reviewer, line_id=line_of(request).pk,
                                amount=Decimal("15.00"))

    lines = list(reload(request).current_lines().order_by("position"))
    assert [(x.position, x.line_amount, x.tax_amount) for x in lines] == [
        (1, Decimal("30.00"), Decimal("6.00")), (2, Decimal("15.00"), Decimal("3.00"))]
    assert all(list(x.tracking.all()) == [master_data["north"]] for x in lines)
    assert reload(request).total == Decimal("54.00")
    assert events(request, Action.LINE_SPLIT)[0].message == "Line 1 (45.00) split into line 1 (30.00) and line 2 (15.00)."


@pytest.mark.parametrize("amount", ["0", "45.00", "60.00", "-5.00"])
def test_a_split_must_take_part_of_the_line(amount, create_request, review_workflow, reviewer):
    request = create_request()

    with pytest.raises(EditNotAllowed):
        editing.request_line_split(request_id=request.pk, user=reviewer, line_id=line_of(request).pk,
                                    amount=Decimal(amount))
    assert reload(request).current_lines().count() == 1


def test_an_approver_edits_only_the_fields_the_step_allows(create_request, workflow, approver, master_data):
    step = workflow.steps.get()
    step.editable_fields = ["description"]
    step.save()
    request = create_request()
    line = line_of(request)

    editing.request_line_edit(request_id=request.pk, user=approver, line_id=line.pk, description="Paper, A4")
    with pytest.raises(EditNotAllowed, match="account"):
        editing.request_line_edit(request_id=request.pk, user=approver, line_id=line.pk,
                                   account_id=master_data["office"].pk)
    with pytest.raises(EditNotAllowed, match="split"):
        editing.request_line_split(request_id=request.pk, user=approver, line_id=line.pk, amount=Decimal("5"))

    assert (line_of(request).description, line_of(request).account) == ("Paper, A4", master_data["general"])
    assert [e.data["field"] for e in events(request, Action.LINE_EDITED)] == ["description"]


def test_an_approval_step_without_edit_rights_allows_no_edit(create_request, approver):
    request = create_request()

    with pytest.raises(EditNotAllowed):
        editing.request_line_edit(request_id=request.pk, user=approver, line_id=line_of(request).pk,
                                   description="Mine now")


def test_only_the_step_s_approvers_may_edit(create_request, review_workflow, approver):
    request = create_request()

    with pytest.raises(NotAnApprover):
        editing.request_line_edit(request_id=request.pk, user=approver, line_id=line_of(request).pk,
                                   description="Not my step")


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_a_later_approver_sends_the_request_back_to_review(create_request, review_workflow, reviewer, approver,
                                                           second_approver, approvals):
    request = create_request()
    services.request_approve(request_id=request.pk, user=reviewer)
    services.request_approve(request_id=request.pk, user=approver)
    assert reload(request).current_step.name == "Finance"

    with pytest.raises(CommentRequired):
        services.request_return_to_review(request_id=request.pk, user=second_approver, comment=" ")
    services.request_return_to_review(request_id=request.pk, user=second_approver, comment="Code it to 453.")

    request = reload(request)
    assert request.state == State.ON_REVIEW
    assert request.current_step.name == "Review"
    assert request.current_approver_ids() == {reviewer.pk}
    assert events(request, Action.RETURNED_TO_REVIEW)[0].message == "Code it to 453."
    assert not Decision.objects.filter(request=request, outcome=Decision.Outcome.REJECTED).exists()
    assert Decision.objects.filter(request=request, revoked_at__isnull=False).count() == 2

    for user in (reviewer, approver, second_approver):
        services.request_approve(request_id=request.pk, user=user)
    assert reload(request).state == State.APPROVED
    assert approvals == [request.pk]


def test_without_a_review_step_before_there_is_nothing_to_return_to(create_request, review_workflow, reviewer):
    request = create_request()

    assert not has_transition_perm(reload(request).return_to_review, reviewer)
    with pytest.raises(AlreadyDecided):
        services.request_return_to_review(request_id=request.pk, user=reviewer, comment="Again.",
                                          step_id=reload(request).current_step_id + 1)


def test_a_reviewer_cannot_remove_a_required_tracking_category(create_request, review_workflow, reviewer,
                                                              master_data):
    review_workflow.required_tracking_categories.add(master_data["region"])
    request = create_request()

    with pytest.raises(EditNotAllowed, match="'Region' is required"):
        editing.request_line_edit(request_id=request.pk, user=reviewer, line_id=line_of(request).pk,
                                   tracking_option_ids=[])

    assert list(line_of(request).tracking.all()) == [master_data["north"]]
