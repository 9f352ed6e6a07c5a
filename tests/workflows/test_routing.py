"""The approval matrix: each rule type matching and not matching, alternatives, defaults,
skipped steps and auto-approval, through `request_create` against the real database."""

import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from approvalmax.core.models import Supplier
from tests.builders import bill_content, pdf_document
from tests.factories import MembershipFactory
from tests.workflows.helpers import actions, add_rule, add_step, events, reload
from workflows import editing, services
from workflows.models import ApprovalRequest, Assignment, AuditEvent, WorkflowStep

State = ApprovalRequest.State
Action = AuditEvent.Action


@pytest.fixture
def requester(organisation):
    """The member whose email Dext sends as the item's owner."""
    return MembershipFactory(organisation=organisation, user__email="Sam@Example.com").user


@pytest.fixture
def ruled(organisation, master_data):
    """Another supplier, for rules that name one the bill does not have."""
    return Supplier.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), name="Other Ltd",
                                   is_supplier=True)


def assigned(request: ApprovalRequest) -> set[int]:
    request = reload(request)
    return set(Assignment.objects.filter(request=request, revision=request.revision,
                                         step=request.current_step).values_list("approver_id", flat=True))


# The bill: total 54.00 GBP, Acme Supplies Ltd, requested by sam@example.com, one line on
# account 429 at INPUT2 tracked to Region: North.
CASES = {
    "under, matching": (lambda md, p: {"amount_operator": "under", "amount": Decimal("100")}, True),
    "under, not matching at the bound": (lambda md, p: {"amount_operator": "under", "amount": Decimal("54")}, False),
    "at or over, matching at the bound": (lambda md, p: {"amount_operator": "at_or_over", "amount": Decimal("54")},
                                          True),
    "at or over, not matching": (lambda md, p: {"amount_operator": "at_or_over", "amount": Decimal("54.01")}, False),
    "between, matching": (lambda md, p: {"amount_operator": "between", "amount": Decimal("50"),
                                         "amount_to": Decimal("60")}, True),
    "between, upper bound excluded": (lambda md, p: {"amount_operator": "between", "amount": Decimal("40"),
                                                     "amount_to": Decimal("54")}, False),
    "total does not match under": (lambda md, p: {"amount_operator": "under", "amount": Decimal("100"),
                                                  "amount_negated": True}, False),
    "supplier, matching": (lambda md, p: {"supplier": md["supplier"]}, True),
    "supplier, not matching": (lambda md, p: {"supplier": p["other_supplier"]}, False),
    "supplier does not match another": (lambda md, p: {"supplier": p["other_supplier"], "supplier_negated": True},
                                        True),
    "requester, matching": (lambda md, p: {"requester": p["requester"]}, True),
    "requester, not matching": (lambda md, p: {"requester": p["bystander"]}, False),
    "requester does not match": (lambda md, p: {"requester": p["requester"], "requester_negated": True}, False),
    "account, matching": (lambda md, p: {"account": md["general"]}, True),
    "account, not matching": (lambda md, p: {"account": md["office"]}, False),
    "account does not match another": (lambda md, p: {"account": md["office"], "account_negated": True}, True),
    "account does not match its own": (lambda md, p: {"account": md["general"], "account_negated": True}, False),
    "tracking, matching": (lambda md, p: {"tracking_option": md["north"]}, True),
    "tracking, not matching": (lambda md, p: {"tracking_option": md["south"]}, False),
    "tracking does not match another": (lambda md, p: {"tracking_option": md["south"],
                                                       "tracking_option_negated": True}, True),
    "tax rate, matching": (lambda md, p: {"tax_rate": md["input2"]}, True),
    "tax rate, not matching": (lambda md, p: {"tax_rate": md["none"]}, False),
    "tax rate does not match its own": (lambda md, p: {"tax_rate": md["input2"], "tax_rate_negated": True}, False),
    "all conditions hold": (lambda md, p: {"supplier": md["supplier"], "account": md["general"],
                                           "amount_operator": "under", "amount": Decimal("100")}, True),
    "one condition of several fails": (lambda md, p: {"supplier": md["supplier"], "account": md["office"]}, False),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_type_routes_when_it_matches_and_only_then(case, create_request, workflow, master_data, approver,
                                                             second_approver, requester, ruled, bystander):
    conditions, matches = CASES[case]
    people = {"requester": requester, "bystander": bystander, "other_supplier": ruled}
    add_rule(workflow.steps.get(), second_approver, **conditions(master_data, people))

    request = create_request()

    assert assigned(request) == ({second_approver.pk} if matches else {approver.pk})
    started = events(request, Action.STEP_STARTED)[0].message
    if matches:
        assert "by the rule" in started
    else:
        assert "No rule of the matrix matches: default approvers" in started


def test_a_line_condition_matches_when_any_line_matches(create_request, workflow, master_data, approver,
                                                        second_approver):
    paper = bill_content(master_data).lines[0]
    desk = replace(paper, account=master_data["office"], tracking=[master_data["south"]])
    step = workflow.steps.get()
    add_rule(step, second_approver, account=master_data["office"], tracking_option=master_data["north"])

    request = create_request(lines=[paper, desk], sub_total=Decimal("90.00"), tax_total=Decimal("18.00"),
                             total=Decimal("108.00"))

    assert assigned(request) == {second_approver.pk}


def test_does_not_match_holds_when_some_line_differs(create_request, workflow, master_data, approver,
                                                     second_approver):
    paper = bill_content(master_data).lines[0]
    add_rule(workflow.steps.get(), second_approver, account=master_data["general"], account_negated=True)

    same = create_request(lines=[paper, paper], sub_total=Decimal("90.00"), tax_total=Decimal("18.00"),
                          total=Decimal("108.00"))
    mixed = create_request(lines=[paper, replace(paper, account=master_data["office"])], sub_total=Decimal("90.00"),
                           tax_total=Decimal("18.00"), total=Decimal("108.00"))

    assert assigned(same) == {approver.pk}
    assert assigned(mixed) == {second_approver.pk}


def test_rules_for_one_approver_are_alternatives(create_request, workflow, master_data, approver, second_approver):
    step = workflow.steps.get()
    add_rule(step, second_approver, account=master_data["office"])
    add_rule(step, second_approver, tracking_option=master_data["north"], name="Northern costs")

    request = create_request()

    assert assigned(request) == {second_approver.pk}
    assert "“Northern costs”" in events(request, Action.STEP_STARTED)[0].message


def test_every_matching_approver_is_asked(create_request, workflow, master_data, organisation, approver,
                                         second_approver):
    third = MembershipFactory(organisation=organisation).user
    step = workflow.steps.get()
    add_rule(step, second_approver, account=master_data["general"])
    add_rule(step, third, amount_operator="under", amount=Decimal("1000"))

    request = create_request()

    assert assigned(request) == {second_approver.pk, third.pk}
    services.request_approve(request_id=request.pk, user=third)
    assert reload(request).state == State.APPROVED


def test_a_step_without_a_matching_rule_or_default_is_skipped_and_says_why(
    create_request, workflow, master_data, approver, second_approver
):
    first = workflow.steps.get()
    first.approvers.clear()
    add_rule(first, approver, amount_operator="at_or_over", amount=Decimal("1000"))
    add_step(workflow, position=2, approvers=[second_approver], name="Finance")

    request = reload(create_request())

    assert request.current_step.name == "Finance"
    skipped = events(request, Action.STEP_SKIPPED)
    assert len(skipped) == 1
    assert skipped[0].message == (
        "Step 1, Approval, is skipped. No rule of the matrix matches and the step has no default approver."
    )
    assert actions(request) == [Action.SUBMITTED, Action.STEP_SKIPPED, Action.STEP_STARTED]


def test_a_step_with_neither_rules_nor_default_is_skipped(create_request, workflow, second_approver):
    workflow.steps.get().approvers.clear()
    add_step(workflow, position=2, approvers=[second_approver])

    request = reload(create_request())

    assert request.current_step.position == 2
    assert "neither matrix rules nor a default approver" in events(request, Action.STEP_SKIPPED)[0].message


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_when_every_step_is_skipped_the_request_is_approved_once(create_request, workflow):
    received = []
    from workflows.signals import request_approved

    def receiver(sender, request, **kwargs):
        received.append(request.pk)

    request_approved.connect(receiver, weak=False)
    try:
        workflow.steps.get().approvers.clear()
        request = reload(create_request())
    finally:
        request_approved.disconnect(receiver)

    assert request.state == State.APPROVED
    assert received == [request.pk]
    assert actions(request)[-1] == Action.FULLY_APPROVED
    assert "Every step was skipped" in events(request, Action.FULLY_APPROVED)[0].message


def test_auto_approval_rule_approves_outright_and_names_the_rule(create_request, workflow, master_data):
    auto = add_step(workflow, position=9, approvers=[], kind=WorkflowStep.Kind.AUTO_APPROVAL, name="Small bills")
    add_rule(auto, name="Small Acme bills", supplier=master_data["supplier"], amount_operator="under",
             amount=Decimal("100"))

    request = reload(create_request())

    assert request.state == State.APPROVED
    assert actions(request) == [Action.SUBMITTED, Action.AUTO_APPROVED, Action.FULLY_APPROVED]
    message = events(request, Action.AUTO_APPROVED)[0].message
    assert "“Small Acme bills”" in message and "step 9, Small bills" in message
    assert not request.decisions.exists()


def test_auto_approval_that_does_not_match_leaves_the_workflow_to_run(create_request, workflow, master_data,
                                                                      approver):
    auto = add_step(workflow, position=9, approvers=[], kind=WorkflowStep.Kind.AUTO_APPROVAL)
    add_rule(auto, supplier=master_data["supplier"], amount_operator="under", amount=Decimal("50"))

    request = reload(create_request())

    assert request.state == State.ON_APPROVAL
    assert request.current_step.position == 1
    assert assigned(request) == {approver.pk}


def test_the_requester_is_matched_by_email_and_never_routed_to(create_request, workflow, requester, approver):
    workflow.steps.get().approvers.add(requester)

    request = reload(create_request())

    assert request.requester == requester
    assert assigned(request) == {approver.pk}
    assert "segregation of duties" in events(request, Action.STEP_STARTED)[0].message


def test_later_steps_are_routed_on_the_request_as_it_is_then(organisation, master_data, workflow, approver,
                                                             second_approver):
    review = workflow.steps.get()
    review.kind = WorkflowStep.Kind.REVIEW
    review.save()
    later = add_step(workflow, position=2, approvers=[approver], name="Office")
    add_rule(later, second_approver, account=master_data["office"])
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document())
    line = request.current_lines().get()

    editing.request_line_edit(request_id=request.pk, user=approver, line_id=line.pk,
                               account_id=master_data["office"].pk)
    services.request_approve(request_id=request.pk, user=approver)

    assert assigned(request) == {second_approver.pk}
