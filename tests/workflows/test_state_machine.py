"""The request state machine: which transitions exist, and who may take each."""

from datetime import date
from decimal import Decimal

import pytest
from django_fsm import TransitionNotAllowed, has_transition_perm

from tests.workflows.helpers import reload
from workflows import services
from workflows.models import ApprovalRequest, AuditEvent

State = ApprovalRequest.State
SYSTEM_TRANSITIONS = {
    # transition: (source state, target state)
    "submit": (State.DRAFT, State.ON_APPROVAL),
    "bypass": (State.DRAFT, State.APPROVED),
    "cancel": (State.ON_APPROVAL, State.CANCELLED),
    "resubmit": (State.REJECTED, State.ON_APPROVAL),
    "mark_published": (State.APPROVED, State.PUBLISHED),
    "mark_publish_failed": (State.APPROVED, State.PUBLISH_FAILED),
}


def request_in(state: str, organisation) -> ApprovalRequest:
    """An unsaved request in a given state, as the database would hand it back."""
    return ApprovalRequest(
        organisation=organisation, state=state, supplier_name="Acme Supplies Ltd", date=date(2026, 11, 2),
        currency="GBP", tax_treatment="exclusive", sub_total=Decimal("45.00"), tax_total=Decimal("9.00"),
        total=Decimal("54.00"), source_system="dext", source_reference="CI-000123",
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(SYSTEM_TRANSITIONS))
def test_system_transitions_are_taken_by_the_system_only(name, organisation, approver):
    source, target = SYSTEM_TRANSITIONS[name]
    request = request_in(source, organisation)

    assert has_transition_perm(getattr(request, name), None)
    assert not has_transition_perm(getattr(request, name), approver)

    getattr(request, name)()
    assert request.state == target


@pytest.mark.parametrize("name", ["approve", "reject"])
def test_decisions_are_taken_by_a_current_approver_only(name, create_request, approver, bystander, outsider):
    request = create_request()

    assert has_transition_perm(getattr(request, name), approver)
    assert not has_transition_perm(getattr(request, name), bystander)
    assert not has_transition_perm(getattr(request, name), outsider)
    assert not has_transition_perm(getattr(request, name), None)


def test_an_approver_who_approved_this_revision_is_no_longer_current(create_request, workflow, approver,
                                                                     second_approver):
    workflow.steps.get().approvers.add(second_approver)
    step = workflow.steps.get()
    step.mode = "all"
    step.save()
    request = create_request()

    services.request_approve(request_id=request.pk, user=approver)

    request = reload(request)
    assert request.current_approver_ids() == {second_approver.pk}
    assert not has_transition_perm(request.approve, approver)
    assert has_transition_perm(request.approve, second_approver)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("approve", State.DRAFT),
        ("approve", State.REJECTED),
        ("reject", State.APPROVED),
        ("submit", State.ON_APPROVAL),
        ("bypass", State.ON_APPROVAL),
        ("cancel", State.APPROVED),
        ("cancel", State.PUBLISHED),
        ("resubmit", State.APPROVED),
        ("resubmit", State.PUBLISHED),
        ("reopen", State.ON_APPROVAL),
        ("reopen", State.REJECTED),
        ("mark_published", State.ON_APPROVAL),
        ("mark_publish_failed", State.PUBLISHED),
    ],
)
def test_transitions_from_other_states_are_not_allowed(name, state, organisation):
    request = request_in(state, organisation)

    with pytest.raises(TransitionNotAllowed):
        getattr(request, name)()
    assert request.state == state


@pytest.mark.parametrize("source", [State.ON_APPROVAL, State.REJECTED, State.CANCELLED])
def test_resubmission_is_possible_until_the_request_is_approved(source, organisation):
    request = request_in(source, organisation)

    request.resubmit()

    assert request.state == State.ON_APPROVAL


def test_state_cannot_be_assigned_directly(create_request):
    request = reload(create_request())

    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        request.state = State.APPROVED
    assert reload(request).state == State.ON_APPROVAL


def test_audit_events_cannot_be_changed_or_deleted(create_request):
    request = create_request()
    event = AuditEvent.objects.filter(request=request).first()

    event.message = "Nothing happened."
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(request=request).update(message="Nothing happened.")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(request=request).delete()
    assert AuditEvent.objects.get(pk=event.pk).message != "Nothing happened."
