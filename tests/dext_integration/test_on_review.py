"""A request at a review step is still open: Dext may amend or withdraw it, and sees it on approval."""

import pytest

from tests.dext_integration.conftest import make_item, publish
from tests.factories import MembershipFactory
from workflows.models import ApprovalRequest, Workflow, WorkflowStep

pytestmark = pytest.mark.django_db

URL = "/api/dext/v1/cost-items/CI-000123/"


@pytest.fixture
def review_first(organisation, master_data):
    workflow, _ = Workflow.objects.get_or_create(organisation=organisation)
    step = WorkflowStep.objects.create(workflow=workflow, position=1, name="Review", kind=WorkflowStep.Kind.REVIEW)
    step.approvers.set([MembershipFactory(organisation=organisation).user])
    return master_data


def test_a_request_on_review_reads_as_on_approval(api, review_first):
    publish(api, make_item())
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.ON_REVIEW

    assert api.get(URL).json()["status"] == "on_approval"


def test_an_amended_item_on_review_starts_a_new_revision(api, review_first):
    publish(api, make_item())

    answer = publish(api, make_item(invoice_number="INV-4411-A"))

    assert answer.status_code == 201
    request = ApprovalRequest.objects.get()
    assert (request.revision, request.invoice_number) == (2, "INV-4411-A")


def test_an_item_on_review_can_be_withdrawn(api, review_first):
    publish(api, make_item())

    assert api.delete(URL).status_code == 204
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.CANCELLED
