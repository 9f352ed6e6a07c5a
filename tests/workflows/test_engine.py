"""Review and editing, substitutes, segregation of duties, overrides, revoking, versions and
the decision policy, through the services against the real database."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_fsm import has_transition_perm

from tests.builders import bill_content, pdf_document
from approvalmax.core.models import Membership
from tests.factories import MembershipFactory
from tests.workflows.helpers import actions, add_rule, add_step, events, reload
from workflows import configuration, editing, overrides, services
from workflows.exceptions import (
    AlreadyDecided,
    CommentRequired,
    EditNotAllowed,
    InvalidSubstitution,
    NotAnAdministrator,
    NotAnApprover,
    NothingToRevoke,
    SelfApprovalRefused,
    TotalWouldChange,
)
from workflows.models import ApprovalRequest, AuditEvent, Decision, RequestLine, Workflow, WorkflowStep
from workflows.signals import request_approved

State = ApprovalRequest.State
Action = AuditEvent.Action


@pytest.fixture
def approvals():
    received = []

    def receiver(sender, request, **kwargs):
        received.append(request.pk)

    request_approved.connect(receiver, weak=False)
    yield received
    request_approved.disconnect(receiver)


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


# Review and editing.


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


# Segregation of duties.


@pytest.fixture
def requester(organisation):
    return MembershipFactory(organisation=organisation, user__email="sam@example.com").user


def test_the_requester_cannot_approve_their_own_request(create_request, workflow, requester, approver):
    request = create_request()
    assigned = reload(request)
    assert requester.pk not in assigned.current_approver_ids()

    with pytest.raises(SelfApprovalRefused, match="segregation of duties"):
        services.request_approve(request_id=request.pk, user=requester)


def test_a_substitute_who_is_the_requester_cannot_approve_either(create_request, organisation, approver,
                                                                 requester):
    configuration.substitution_create(organisation=organisation, user=approver, substitute=requester,
                                 starts_on=timezone.localdate(), ends_on=timezone.localdate())
    request = create_request()

    with pytest.raises(SelfApprovalRefused):
        services.request_approve(request_id=request.pk, user=requester)


def test_an_administrator_may_switch_segregation_of_duties_off(create_request, workflow, requester, approvals):
    workflow.requester_may_approve = True
    workflow.save()
    workflow.steps.get().approvers.set([requester])
    request = create_request()

    services.request_approve(request_id=request.pk, user=requester)

    assert reload(request).state == State.APPROVED
    assert "segregation of duties is off" in events(request, Action.APPROVED)[0].message


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_when_only_the_requester_could_approve_an_administrator_must(create_request, workflow, requester,
                                                                     administrator, approvals):
    workflow.steps.get().approvers.set([requester])
    request = reload(create_request())

    assert request.state == State.ON_APPROVAL
    assert request.current_approver_ids() == set()
    overrides.request_force_approve(request_id=request.pk, user=administrator, comment="Sam is the only buyer.")
    assert approvals == [request.pk]


# Substitutes.


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_a_substitute_decides_on_behalf_of_the_absent_approver(create_request, organisation, approver, bystander,
                                                               approvals):
    today = timezone.localdate()
    configuration.substitution_create(organisation=organisation, user=approver, substitute=bystander,
                                 starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
    request = create_request()

    services.request_approve(request_id=request.pk, user=bystander, comment="Covering for a colleague.")

    decision = Decision.objects.get(request=request)
    assert (decision.approver, decision.on_behalf_of) == (bystander, approver)
    event = events(request, Action.APPROVED)[0]
    assert event.actor == bystander
    assert f"On behalf of {approver.get_full_name()} (substitute)." in event.message
    assert approvals == [request.pk]


def test_a_substitute_outside_the_dates_cannot_decide(create_request, organisation, approver, bystander):
    today = timezone.localdate()
    configuration.substitution_create(organisation=organisation, user=approver, substitute=bystander,
                                 starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=5))
    request = create_request()

    with pytest.raises(NotAnApprover):
        services.request_approve(request_id=request.pk, user=bystander)


def test_chains_of_substitutes_are_refused(organisation, approver, second_approver, bystander):
    today = timezone.localdate()
    configuration.substitution_create(organisation=organisation, user=approver, substitute=second_approver,
                                 starts_on=today, ends_on=today + timedelta(days=7))

    with pytest.raises(InvalidSubstitution, match="chains"):
        configuration.substitution_create(organisation=organisation, user=second_approver, substitute=bystander,
                                     starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=10))
    with pytest.raises(InvalidSubstitution, match="chains"):
        configuration.substitution_create(organisation=organisation, user=bystander, substitute=approver,
                                     starts_on=today, ends_on=today)
    configuration.substitution_create(organisation=organisation, user=second_approver, substitute=bystander,
                                 starts_on=today + timedelta(days=8), ends_on=today + timedelta(days=10))


def test_a_substitute_must_be_someone_else_in_the_organisation(organisation, approver, outsider):
    today = timezone.localdate()
    with pytest.raises(InvalidSubstitution):
        configuration.substitution_create(organisation=organisation, user=approver, substitute=approver,
                                     starts_on=today, ends_on=today)
    with pytest.raises(InvalidSubstitution):
        configuration.substitution_create(organisation=organisation, user=approver, substitute=outsider,
                                     starts_on=today, ends_on=today)


# Overrides.


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_an_administrator_force_approves_with_a_comment(create_request, workflow, administrator, second_approver,
                                                        approvals):
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()

    with pytest.raises(CommentRequired):
        overrides.request_force_approve(request_id=request.pk, user=administrator, comment="")
    overrides.request_force_approve(request_id=request.pk, user=administrator, comment="Urgent supplier.")

    request = reload(request)
    assert request.state == State.APPROVED
    decision = Decision.objects.get(request=request)
    assert (decision.forced, decision.approver, decision.comment) == (True, administrator, "Urgent supplier.")
    assert actions(request)[-2:] == [Action.FORCE_APPROVED, Action.FULLY_APPROVED]
    assert approvals == [request.pk]


def test_an_administrator_force_rejects_with_a_comment(create_request, administrator, approvals):
    request = create_request()

    with pytest.raises(CommentRequired):
        overrides.request_force_reject(request_id=request.pk, user=administrator, comment=" ")
    overrides.request_force_reject(request_id=request.pk, user=administrator, comment="Fraudulent.")

    assert reload(request).state == State.REJECTED
    assert events(request, Action.FORCE_REJECTED)[0].actor == administrator
    assert approvals == []


@pytest.mark.parametrize("override", ["request_force_approve", "request_force_reject"])
def test_only_administrators_override(override, create_request, approver):
    request = create_request()

    with pytest.raises(NotAnAdministrator):
        getattr(overrides, override)(request_id=request.pk, user=approver, comment="Let me.")
    assert reload(request).state == State.ON_APPROVAL


@pytest.mark.parametrize("override", ["request_force_approve", "request_force_reject"])
def test_an_administrator_who_requested_the_bill_may_not_override_its_workflow(
        override, create_request, organisation, requester, approvals):
    Membership.objects.filter(organisation=organisation, user=requester).update(role=Membership.Role.ADMINISTRATOR)
    request = create_request()

    with pytest.raises(SelfApprovalRefused):
        getattr(overrides, override)(request_id=request.pk, user=requester, comment="My own bill.")
    assert reload(request).state == State.ON_APPROVAL
    assert approvals == []


def test_with_segregation_of_duties_off_the_requesting_administrator_may_override(
        create_request, organisation, workflow, requester, approvals):
    Membership.objects.filter(organisation=organisation, user=requester).update(role=Membership.Role.ADMINISTRATOR)
    workflow.requester_may_approve = True
    workflow.save()
    request = create_request()

    overrides.request_force_approve(request_id=request.pk, user=requester, comment="Allowed here.")
    assert reload(request).state == State.APPROVED


def test_overriding_a_decided_request_is_already_decided(create_request, approver, administrator):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    with pytest.raises(AlreadyDecided):
        overrides.request_force_reject(request_id=request.pk, user=administrator, comment="Too late.")


# Revoking.


def test_an_approver_revokes_their_decision_while_the_step_waits(create_request, workflow, approver,
                                                                 second_approver):
    step = workflow.steps.get()
    step.mode = WorkflowStep.Mode.ALL
    step.save()
    step.approvers.add(second_approver)
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    services.request_revoke_decision(request_id=request.pk, user=approver)

    request = reload(request)
    assert request.current_approver_ids() == {approver.pk, second_approver.pk}
    assert events(request, Action.DECISION_REVOKED)[0].actor == approver
    services.request_approve(request_id=request.pk, user=second_approver)
    assert reload(request).state == State.ON_APPROVAL
    services.request_approve(request_id=request.pk, user=approver)
    assert reload(request).state == State.APPROVED


def test_a_decision_cannot_be_revoked_once_the_request_moved_on(create_request, workflow, approver,
                                                                second_approver):
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    with pytest.raises(NothingToRevoke):
        services.request_revoke_decision(request_id=request.pk, user=approver)


# Moved on meanwhile.


def test_deciding_on_a_step_the_request_has_left_is_already_decided(create_request, workflow, approver,
                                                                    second_approver):
    workflow.steps.get().approvers.add(second_approver)
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()
    seen = reload(request).current_step_id
    services.request_approve(request_id=request.pk, user=approver)

    with pytest.raises(AlreadyDecided, match="moved on while you were deciding"):
        services.request_approve(request_id=request.pk, user=second_approver, step_id=seen)
    assert reload(request).current_step.position == 2


# Decision policy.


def test_an_approver_in_several_steps_approves_them_at_once_when_the_workflow_says_so(
    create_request, workflow, approver, second_approver, approvals
):
    workflow.approve_all_steps_at_once = True
    workflow.save()
    add_step(workflow, position=2, approvers=[approver, second_approver], mode=WorkflowStep.Mode.ANY)
    add_step(workflow, position=3, approvers=[second_approver])
    request = create_request()

    services.request_approve(request_id=request.pk, user=approver)

    request = reload(request)
    assert request.current_step.position == 3
    at_once = events(request, Action.APPROVED)[1]
    assert "Approved at once" in at_once.message and at_once.data["step_name"] == "Step 2"
    assert approvals == []


def test_without_the_policy_each_step_asks_again(create_request, workflow, approver, second_approver):
    add_step(workflow, position=2, approvers=[approver])
    request = create_request()

    services.request_approve(request_id=request.pk, user=approver)

    assert reload(request).current_step.position == 2
    assert reload(request).current_approver_ids() == {approver.pk}


# Versions.


def test_a_request_keeps_running_on_the_version_it_started_on(create_request, workflow, approver, second_approver,
                                                              organisation, master_data):
    running = create_request()
    new = configuration.workflow_publish_new_version(workflow_id=workflow.pk)
    new_step = new.steps.get()
    new_step.approvers.set([second_approver])
    add_rule(new_step, approver, amount_operator="at_or_over", amount=Decimal("1000"))

    later = create_request()

    assert new.version == 2 and workflow.version == 1
    assert reload(running).workflow == workflow and reload(running).current_approver_ids() == {approver.pk}
    assert reload(later).workflow == new and reload(later).current_approver_ids() == {second_approver.pk}
    services.request_approve(request_id=running.pk, user=approver, comment="Not a duplicate: a separate bill.")
    assert reload(running).state == State.APPROVED
    assert configuration.workflow_in_use(workflow=workflow)


def test_a_new_version_copies_steps_rules_and_settings(workflow, master_data, second_approver):
    workflow.approve_all_steps_at_once = True
    workflow.save()
    workflow.required_tracking_categories.add(master_data["region"])
    add_rule(workflow.steps.get(), second_approver, account=master_data["office"], name="Office")

    copy = configuration.workflow_publish_new_version(workflow_id=workflow.pk)

    assert copy.approve_all_steps_at_once
    assert list(copy.required_tracking_categories.all()) == [master_data["region"]]
    step = copy.steps.get()
    assert step.pk != workflow.steps.get().pk
    assert list(step.approvers.all()) == list(workflow.steps.get().approvers.all())
    assert [r.describe() for r in step.rules.all()] == [r.describe() for r in workflow.steps.get().rules.all()]
    assert Workflow.objects.filter(organisation=workflow.organisation).count() == 2


def test_a_resubmission_runs_on_the_latest_version_and_keeps_earlier_decisions(
    create_request, workflow, approver, second_approver, master_data
):
    request = create_request()
    services.request_reject(request_id=request.pk, user=approver, comment="Wrong VAT.")
    new = configuration.workflow_publish_new_version(workflow_id=workflow.pk)
    new.steps.get().approvers.set([second_approver])

    services.request_resubmit(request_id=request.pk, content=bill_content(master_data), document=pdf_document())

    request = reload(request)
    assert (request.revision, request.workflow, request.current_step.workflow) == (2, new, new)
    assert request.current_approver_ids() == {second_approver.pk}
    assert list(Decision.objects.filter(request=request).values_list("revision", "comment")) == [(1, "Wrong VAT.")]


def test_a_reviewer_cannot_remove_a_required_tracking_category(create_request, review_workflow, reviewer,
                                                              master_data):
    review_workflow.required_tracking_categories.add(master_data["region"])
    request = create_request()

    with pytest.raises(EditNotAllowed, match="'Region' is required"):
        editing.request_line_edit(request_id=request.pk, user=reviewer, line_id=line_of(request).pk,
                                   tracking_option_ids=[])

    assert list(line_of(request).tracking.all()) == [master_data["north"]]
