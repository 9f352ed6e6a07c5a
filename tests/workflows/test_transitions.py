"""Every transition added for review, overrides and auto-approval has a permission, tested;
and the committed state diagram is the one the code generates."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_fsm import TransitionNotAllowed, has_transition_perm

from tests.workflows.helpers import add_step, reload
from tests.workflows.test_state_machine import request_in
from workflows import services
from workflows.diagram import states_markdown
from workflows.models import ApprovalRequest, WorkflowStep

State = ApprovalRequest.State


@pytest.mark.parametrize(("name", "source", "target"), [
    ("start_review", State.ON_APPROVAL, State.ON_REVIEW),
    ("auto_approve", State.ON_APPROVAL, State.APPROVED),
    ("cancel", State.ON_REVIEW, State.CANCELLED),
    ("resubmit", State.ON_REVIEW, State.ON_APPROVAL),
])  # fmt: skip
def test_system_transitions_are_the_system_s(name, source, target, organisation, approver, administrator):
    request = request_in(source, organisation)

    assert has_transition_perm(getattr(request, name), None)
    assert not has_transition_perm(getattr(request, name), approver)
    assert not has_transition_perm(getattr(request, name), administrator)
    getattr(request, name)()
    assert request.state == target


@pytest.mark.parametrize(("name", "source"), [
    ("force_approve", State.ON_APPROVAL), ("force_approve", State.ON_REVIEW),
    ("force_reject", State.ON_APPROVAL), ("force_reject", State.ON_REVIEW),
])  # fmt: skip
def test_overrides_are_for_administrators_of_the_organisation(name, source, organisation, administrator, approver,
                                                              outsider):
    request = request_in(source, organisation)

    assert has_transition_perm(getattr(request, name), administrator)
    assert not has_transition_perm(getattr(request, name), approver)
    assert not has_transition_perm(getattr(request, name), outsider)
    assert not has_transition_perm(getattr(request, name), None)


@pytest.mark.parametrize("name", ["force_approve", "force_reject", "start_review", "complete_review",
                                  "return_to_review", "auto_approve"])
def test_new_transitions_refuse_closed_requests(name, organisation):
    request = request_in(State.APPROVED, organisation)

    with pytest.raises(TransitionNotAllowed):
        getattr(request, name)()


def test_complete_review_is_for_the_current_reviewer(create_request, workflow, approver, bystander):
    step = workflow.steps.get()
    step.kind = WorkflowStep.Kind.REVIEW
    step.save()
    request = reload(create_request())

    assert request.state == State.ON_REVIEW
    assert has_transition_perm(request.complete_review, approver)
    assert not has_transition_perm(request.complete_review, bystander)
    assert not has_transition_perm(request.complete_review, None)


def test_return_to_review_is_for_a_current_approver_after_a_review_step(create_request, workflow, approver,
                                                                        second_approver, bystander):
    step = workflow.steps.get()
    step.kind = WorkflowStep.Kind.REVIEW
    step.save()
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    request = reload(request)

    assert has_transition_perm(request.return_to_review, second_approver)
    assert not has_transition_perm(request.return_to_review, approver)
    assert not has_transition_perm(request.return_to_review, bystander)


def test_the_committed_state_diagram_is_up_to_date():
    committed = (Path(settings.BASE_DIR) / "docs" / "states.md").read_text(encoding="utf-8")

    assert committed == states_markdown(), "Run `python manage.py states_diagram` and commit docs/states.md."


def test_the_diagram_has_every_state_and_transition(tmp_path):
    output = tmp_path / "states.md"

    call_command("states_diagram", output=output)

    text = output.read_text(encoding="utf-8")
    assert "stateDiagram-v2" in text
    for state in State.values:
        assert f"    {state}: " in text
    for transition in ApprovalRequest._meta.get_field("state").get_all_transitions(ApprovalRequest):
        assert f": {transition.name} (" in text
    assert "on_approval --> on_review: return_to_review (later approver)" in text
