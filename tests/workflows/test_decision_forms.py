"""The request page offers each person the decisions they may make, and no other: "Send back to
review" only after a review step, nothing to an auditor a step names, override to administrators."""

import pytest
from django.urls import reverse

from approvalmax.core.models import Membership
from tests.factories import MembershipFactory
from tests.workflows.helpers import add_step
from workflows import services
from workflows.models import WorkflowStep

pytestmark = pytest.mark.django_db


def _page(client, user, request) -> str:
    client.force_login(user)
    return client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode()


def test_send_back_to_review_is_offered_only_after_a_review_step(client, workflow, create_request, approver,
                                                                 second_approver):
    assert "Send back to review" not in _page(client, approver, create_request(source_reference="A"))

    reviewer = MembershipFactory(organisation=workflow.organisation).user
    step = workflow.steps.get()
    step.position = 2
    step.save()
    add_step(workflow, position=1, approvers=[reviewer], kind=WorkflowStep.Kind.REVIEW, name="Review")
    request = create_request(source_reference="B", invoice_number="B")
    services.request_approve(request_id=request.pk, user=reviewer)

    assert "Send back to review" in _page(client, approver, request)


def test_someone_waited_for_who_has_become_an_auditor_is_offered_no_decision(client, organisation, create_request,
                                                                           approver):
    request = create_request()
    assert "Your decision" in _page(client, approver, request)
    # Made an auditor in the admin while the bill waits for them: they still read it, and decide nothing.
    Membership.objects.filter(organisation=organisation, user=approver).update(role=Membership.Role.AUDITOR)

    page = _page(client, approver, request)

    assert "Your decision" not in page and "Bill INV-4411 from Acme Supplies Ltd" in page


def test_administrators_may_override_and_approvers_may_not(client, create_request, approver, administrator):
    request = create_request()

    assert "Administrator override" in _page(client, administrator, request)
    assert "Administrator override" not in _page(client, approver, request)
