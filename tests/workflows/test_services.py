"""The approval engine's services against the real database."""

import pytest

from tests.builders import bill_content, pdf_document
from tests.workflows.helpers import add_step, reload
from workflows import outcomes, services
from workflows.exceptions import AlreadyDecided, CommentRequired, NotAnApprover, RequestLocked
from workflows.models import ApprovalRequest, AuditEvent, Decision, RequestDocument, RequestLine, WorkflowStep
from workflows.signals import request_approved

State = ApprovalRequest.State
Action = AuditEvent.Action


def actions(request: ApprovalRequest) -> list[str]:
    events = AuditEvent.objects.filter(request=request).order_by("created_at", "pk")
    return list(events.values_list("action", flat=True))


def test_create_submits_the_bill_and_starts_the_first_step(create_request, approver, approvals):
    request = reload(create_request())

    assert request.state == State.ON_APPROVAL
    assert request.revision == 1
    assert request.current_step.position == 1
    assert request.current_approver_ids() == {approver.pk}
    assert actions(request) == [Action.SUBMITTED, Action.STEP_STARTED]
    started = AuditEvent.objects.get(request=request, action=Action.STEP_STARTED)
    assert approver.get_full_name() in started.message
    submitted = AuditEvent.objects.get(request=request, action=Action.SUBMITTED)
    assert submitted.actor_label == "Sam Taylor <sam@example.com>, requester from Dext (not a member)"
    assert submitted.message.startswith("Submitted from Dext item CI-000123.")
    assert request.current_lines().count() == 1
    assert request.current_document().sha256 == RequestDocument.objects.get(request=request).sha256
    assert approvals == []


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_any_of_step_completes_with_one_approval(create_request, workflow, approver, second_approver, approvals):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()

    services.request_approve(request_id=request.pk, user=second_approver, comment="Fine.")

    request = reload(request)
    assert request.state == State.APPROVED
    assert actions(request)[-3:] == [Action.APPROVED, Action.STEP_COMPLETED, Action.FULLY_APPROVED]
    assert approvals == [request.pk]


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_all_of_step_needs_every_approver(create_request, workflow, approver, second_approver, approvals):
    step = workflow.steps.get()
    step.mode = WorkflowStep.Mode.ALL
    step.save()
    step.approvers.add(second_approver)
    request = create_request()

    services.request_approve(request_id=request.pk, user=approver)

    assert reload(request).state == State.ON_APPROVAL
    assert reload(request).current_approver_ids() == {second_approver.pk}
    assert approvals == []

    services.request_approve(request_id=request.pk, user=second_approver)

    assert reload(request).state == State.APPROVED
    assert approvals == [request.pk]


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_multi_step_workflow_advances_step_by_step(create_request, workflow, approver, second_approver, approvals):
    add_step(workflow, position=2, approvers=[second_approver], name="Finance")
    request = create_request()

    services.request_approve(request_id=request.pk, user=approver)

    request = reload(request)
    assert request.state == State.ON_APPROVAL
    assert request.current_step.name == "Finance"
    assert request.current_approver_ids() == {second_approver.pk}
    assert actions(request)[-2:] == [Action.STEP_COMPLETED, Action.STEP_STARTED]
    assert approvals == []
    with pytest.raises(NotAnApprover):
        services.request_approve(request_id=request.pk, user=approver)

    services.request_approve(request_id=request.pk, user=second_approver)

    assert reload(request).state == State.APPROVED
    assert approvals == [request.pk]


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_final_approval_announces_exactly_once(create_request, approver, second_approver, workflow, approvals):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()

    services.request_approve(request_id=request.pk, user=approver)
    with pytest.raises(AlreadyDecided):
        services.request_approve(request_id=request.pk, user=second_approver)

    assert approvals == [request.pk]
    assert AuditEvent.objects.filter(request=request, action=Action.FULLY_APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_workflow_without_steps_approves_at_once(organisation, master_data, approvals):
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document())

    assert reload(request).state == State.APPROVED
    assert approvals == [request.pk]


def test_reject_needs_a_comment(create_request, approver):
    request = create_request()

    for comment in ["", "   "]:
        with pytest.raises(CommentRequired) as raised:
            services.request_reject(request_id=request.pk, user=approver, comment=comment)
        assert "comment" in raised.value.fields

    assert reload(request).state == State.ON_APPROVAL
    assert not Decision.objects.filter(request=request).exists()


def test_reject_records_the_decision_and_its_reason(create_request, approver, approvals):
    request = create_request()

    services.request_reject(request_id=request.pk, user=approver, comment="  Wrong supplier.  ")

    request = reload(request)
    assert request.state == State.REJECTED
    decision = Decision.objects.get(request=request)
    assert (decision.outcome, decision.comment, decision.approver) == ("rejected", "Wrong supplier.", approver)
    event = AuditEvent.objects.get(request=request, action=Action.REJECTED)
    assert (event.actor, event.message) == (approver, "Wrong supplier.")
    assert approvals == []


def test_deciding_twice_is_already_decided(create_request, workflow, approver, second_approver):
    step = workflow.steps.get()
    step.mode = WorkflowStep.Mode.ALL
    step.save()
    step.approvers.add(second_approver)
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    with pytest.raises(AlreadyDecided):
        services.request_approve(request_id=request.pk, user=approver)
    with pytest.raises(AlreadyDecided):
        services.request_reject(request_id=request.pk, user=approver, comment="Changed my mind.")

    assert Decision.objects.filter(request=request, approver=approver).count() == 1


def test_a_non_approver_cannot_decide(create_request, bystander):
    request = create_request()

    with pytest.raises(NotAnApprover):
        services.request_approve(request_id=request.pk, user=bystander)
    with pytest.raises(NotAnApprover):
        services.request_reject(request_id=request.pk, user=bystander, comment="No.")

    assert reload(request).state == State.ON_APPROVAL
    assert not Decision.objects.filter(request=request).exists()


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_deciding_on_a_rejected_request_is_already_decided(decide, create_request, approver, second_approver,
                                                           workflow):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()
    services.request_reject(request_id=request.pk, user=approver, comment="Duplicate.")

    with pytest.raises(AlreadyDecided):
        if decide == "approve":
            services.request_approve(request_id=request.pk, user=second_approver)
        else:
            services.request_reject(request_id=request.pk, user=second_approver, comment="Also no.")

    assert reload(request).state == State.REJECTED


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_resubmit_after_rejection_starts_a_new_revision_at_step_one(
    create_request, workflow, master_data, approver, second_approver, approvals
):
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver, comment="Step one fine.")
    services.request_reject(request_id=request.pk, user=second_approver, comment="Wrong total.")

    services.request_resubmit(
        request_id=request.pk,
        content=bill_content(master_data, invoice_number="INV-4411-B"),
        document=pdf_document("INV-4411-B.pdf"),
    )

    request = reload(request)
    assert request.state == State.ON_APPROVAL
    assert request.revision == 2
    assert request.current_step.position == 1
    assert request.invoice_number == "INV-4411-B"
    assert request.current_approver_ids() == {approver.pk}
    assert list(Decision.objects.filter(request=request).values_list("revision", "outcome", "comment")) == [
        (1, "approved", "Step one fine."),
        (1, "rejected", "Wrong total."),
    ]
    assert RequestLine.objects.filter(request=request).count() == 2
    assert request.current_document().filename == "INV-4411-B.pdf"
    assert actions(request)[-2:] == [Action.RESUBMITTED, Action.STEP_STARTED]

    services.request_approve(request_id=request.pk, user=approver)
    services.request_approve(request_id=request.pk, user=second_approver)
    assert reload(request).state == State.APPROVED
    assert approvals == [request.pk]


def test_resubmit_of_an_approved_request_is_refused(create_request, master_data, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    with pytest.raises(RequestLocked):
        services.request_resubmit(request_id=request.pk, content=bill_content(master_data), document=pdf_document())

    assert reload(request).revision == 1


def test_an_approved_request_whose_bill_changed_elsewhere_reopens_at_step_one_when_asked(
        create_request, master_data, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    changes = [{"field": "Total", "approved": "54", "now": "60"}]

    services.request_resubmit(request_id=request.pk, content=bill_content(master_data), document=pdf_document(),
                              changes=changes, reopen=True)

    request = reload(request)
    assert (request.state, request.revision, request.current_step.position) == (State.ON_APPROVAL, 2, 1)
    event = AuditEvent.objects.get(request=request, action=Action.RESUBMITTED)
    assert event.data["changes"] == changes and event.data["approved_by"] == [approver.pk]
    assert "Changed: Total 54 → 60." in event.message


def test_cancel_withdraws_a_request_on_approval(create_request, approver):
    request = create_request()

    services.request_cancel(request_id=request.pk, actor_label="dext CI-000123")
    services.request_cancel(request_id=request.pk, actor_label="dext CI-000123")

    request = reload(request)
    assert request.state == State.CANCELLED
    assert AuditEvent.objects.filter(request=request, action=Action.CANCELLED).count() == 1
    with pytest.raises(AlreadyDecided):
        services.request_approve(request_id=request.pk, user=approver)


def test_cancel_of_an_approved_request_is_refused(create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    with pytest.raises(RequestLocked):
        services.request_cancel(request_id=request.pk, actor_label="dext CI-000123")

    assert reload(request).state == State.APPROVED


def test_mark_published_records_the_bill_in_xero(create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    outcomes.request_mark_published(request_id=request.pk, external_system="xero", external_id="inv-1", external_url="https://go.xero.com/x")
    outcomes.request_mark_published(request_id=request.pk, external_system="xero", external_id="inv-1", external_url="https://go.xero.com/x")

    request = reload(request)
    assert request.state == State.PUBLISHED
    assert (request.external_id, request.external_url) == ("inv-1", "https://go.xero.com/x")
    assert AuditEvent.objects.filter(request=request, action=Action.PUBLISHED).count() == 1


def test_mark_publish_failed_keeps_the_reason(create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    outcomes.request_mark_publish_failed(request_id=request.pk, error="Account 429 is archived.")

    request = reload(request)
    assert request.state == State.PUBLISH_FAILED
    assert request.publish_error == "Account 429 is archived."
    assert AuditEvent.objects.get(request=request, action=Action.PUBLISH_FAILED).actor_label == "System"


def test_mark_publish_failed_leaves_other_states_alone(create_request):
    request = create_request()

    outcomes.request_mark_publish_failed(request_id=request.pk, error="Too early.")

    assert reload(request).state == State.ON_APPROVAL
    assert not AuditEvent.objects.filter(request=request, action=Action.PUBLISH_FAILED).exists()


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_spend_money_bypasses_approval(organisation, master_data, workflow, approvals):
    request = services.request_create(organisation=organisation, content=bill_content(master_data, kind="spend_money"),
                                      document=pdf_document())

    request = reload(request)
    assert request.state == State.APPROVED
    assert request.current_step is None
    assert actions(request) == [Action.BYPASSED]
    assert not Decision.objects.filter(request=request).exists()
    assert approvals == [request.pk]


def test_a_failing_service_rolls_back_its_audit_rows(create_request, approver, monkeypatch):
    request = create_request()
    audit_before = actions(request)

    def broken(request):
        raise RuntimeError("Failed after the decision and its audit rows were written.")

    monkeypatch.setattr(services, "_step_complete", broken)
    with pytest.raises(RuntimeError):
        services.request_approve(request_id=request.pk, user=approver, comment="Looks right.")

    assert actions(request) == audit_before
    assert not Decision.objects.filter(request=request).exists()
    assert reload(request).state == State.ON_APPROVAL


@pytest.mark.django_db(transaction=True)
def test_an_approval_that_rolls_back_is_never_announced(create_request, approver, monkeypatch):
    request = create_request()
    announced = []
    request_approved.connect(lambda sender, request, **kwargs: announced.append(request.pk), weak=False,
                             dispatch_uid="test-announced")  # fmt: skip
    real_finish = services._finish

    def finish_then_fail(*args, **kwargs):
        real_finish(*args, **kwargs)
        raise RuntimeError("failed after the request was approved")

    monkeypatch.setattr(services, "_finish", finish_then_fail)
    try:
        with pytest.raises(RuntimeError):
            services.request_approve(request_id=request.pk, user=approver)
    finally:
        request_approved.disconnect(dispatch_uid="test-announced")

    assert announced == []
    assert ApprovalRequest.objects.get(pk=request.pk).state == ApprovalRequest.State.ON_APPROVAL


def test_a_requester_who_is_a_member_is_named_as_the_member(create_request, organisation):
    from tests.factories import MembershipFactory

    member = MembershipFactory(organisation=organisation, user__email="SAM@example.com", user__first_name="Samantha",
                               user__last_name="Taylor").user
    request = create_request()

    submitted = AuditEvent.objects.get(request=request, action=Action.SUBMITTED)
    assert submitted.actor_label == "Samantha Taylor, requester (member, via Dext)"
    assert request.requester == member
