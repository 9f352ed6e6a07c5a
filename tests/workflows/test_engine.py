"""Substitutes, segregation of duties, overrides, revoking, versions and the decision policy,
through the services against the real database (review and editing: test_review_and_editing.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.builders import bill_content, pdf_document
from approvalmax.core.models import Membership
from tests.factories import MembershipFactory
from tests.workflows.helpers import actions, add_rule, add_step, events, reload
from workflows import configuration, overrides, services
from workflows.exceptions import (
    AlreadyDecided,
    CommentRequired,
    InvalidSubstitution,
    NotAnAdministrator,
    NotAnApprover,
    NothingToRevoke,
    SelfApprovalRefused,
)
from workflows.models import ApprovalRequest, AuditEvent, Decision, Workflow, WorkflowStep

State = ApprovalRequest.State
Action = AuditEvent.Action



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
    new = configuration.workflow_new_draft(workflow_id=workflow.pk)
    new_step = new.steps.get()
    new_step.approvers.set([second_approver])
    add_rule(new_step, approver, amount_operator="at_or_over", amount=Decimal("1000"))
    while_drafted = create_request(source_reference="D-1", invoice_number="D-1")
    configuration.workflow_publish(workflow_id=new.pk)

    later = create_request()

    assert new.version == 2 and workflow.version == 1
    assert reload(while_drafted).workflow == workflow  # a draft runs nothing
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

    copy = configuration.workflow_new_draft(workflow_id=workflow.pk)

    assert copy.is_draft and copy.approve_all_steps_at_once
    assert list(copy.required_tracking_categories.all()) == [master_data["region"]]
    step = copy.steps.get()
    assert step.pk != workflow.steps.get().pk
    assert list(step.approvers.all()) == list(workflow.steps.get().approvers.all())
    assert [r.describe() for r in step.rules.all()] == [r.describe() for r in workflow.steps.get().rules.all()]
    assert Workflow.objects.filter(organisation=workflow.organisation).count() == 2


def test_only_a_draft_newer_than_the_live_version_and_with_steps_is_published(workflow):
    first, second = (configuration.workflow_new_draft(workflow_id=workflow.pk) for _ in range(2))
    configuration.workflow_publish(workflow_id=second.pk)

    with pytest.raises(configuration.CannotPublish, match="Version 3 is live and newer than this draft"):
        configuration.workflow_publish(workflow_id=first.pk)
    with pytest.raises(configuration.CannotPublish, match="already published"):
        configuration.workflow_publish(workflow_id=second.pk)
    empty = configuration.workflow_new_draft(workflow_id=second.pk)
    empty.steps.all().delete()
    with pytest.raises(configuration.CannotPublish, match="has no steps"):
        configuration.workflow_publish(workflow_id=empty.pk)


def test_a_resubmission_runs_on_the_latest_version_and_keeps_earlier_decisions(
    create_request, workflow, approver, second_approver, master_data
):
    request = create_request()
    services.request_reject(request_id=request.pk, user=approver, comment="Wrong VAT.")
    new = configuration.workflow_new_draft(workflow_id=workflow.pk)
    new.steps.get().approvers.set([second_approver])
    configuration.workflow_publish(workflow_id=new.pk)

    services.request_resubmit(request_id=request.pk, content=bill_content(master_data), document=pdf_document())

    request = reload(request)
    assert (request.revision, request.workflow, request.current_step.workflow) == (2, new, new)
    assert request.current_approver_ids() == {second_approver.pk}
    assert list(Decision.objects.filter(request=request).values_list("revision", "comment")) == [(1, "Wrong VAT.")]
