"""Cost items published through the Dext API run on the workflow an administrator built in
the admin, routed as its matrix says."""

import pytest

from dext_integration.services import dext_connection_create
from tests.dext_integration.conftest import client_for, make_item, publish
from tests.factories import UserFactory
from tests.workflows.helpers import events, reload
from tests.workflows.test_admin import build_three_step_workflow, people  # noqa: F401 - a fixture
from workflows import services
from workflows.models import ApprovalRequest, AuditEvent

State = ApprovalRequest.State


@pytest.fixture
def built(client, organisation, master_data, people):  # noqa: F811
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return build_three_step_workflow(client, organisation, master_data, **people)


@pytest.fixture
def dext(organisation):
    _, key = dext_connection_create(organisation=organisation, account_name="Dext")
    return client_for(key)


def published(dext, **overrides) -> ApprovalRequest:
    response = publish(dext, make_item(**overrides))
    assert response.status_code == 201, response.json()
    return reload(ApprovalRequest.objects.get(public_id=response.json()["id"]))


def waiting_for(request) -> set[str]:
    request = reload(request)
    assignments = request.assignments.filter(revision=request.revision, step=request.current_step)
    return {assignment.approver.first_name for assignment in assignments.select_related("approver")}


def test_a_small_bill_is_reviewed_approved_by_the_manager_and_skips_the_director(built, dext, people):
    request = published(dext, dext_id="CI-SMALL")

    assert request.state == State.ON_REVIEW and request.workflow == built
    assert waiting_for(request) == {"Reviewer"}
    services.request_approve(request_id=request.pk, user=people["reviewer"])
    assert waiting_for(request) == {"Manager"}
    services.request_approve(request_id=request.pk, user=people["manager"])

    request = reload(request)
    assert request.state == State.APPROVED
    skipped = events(request, AuditEvent.Action.STEP_SKIPPED)
    assert [e.message for e in skipped] == [
        "Step 3, Director, is skipped. No rule of the matrix matches and the step has no default approver."]


def test_a_large_office_bill_goes_to_the_director_by_the_rules(built, dext, people):
    line = {"description": "Desks", "quantity": "2", "unit_amount": "600.00", "account_code": "453",
            "tax_type": "INPUT2", "tracking": []}
    request = published(dext, dext_id="CI-LARGE", line_items=[line], total="1440.00", tax_total="240.00")

    services.request_approve(request_id=request.pk, user=people["reviewer"])
    assert waiting_for(request) == {"Director"}
    assert "by the rule “Office costs”" in events(request, AuditEvent.Action.STEP_STARTED)[-1].message
    services.request_approve(request_id=request.pk, user=people["director"])
    assert waiting_for(request) == {"Director"}
    assert "“Large bills”" in events(request, AuditEvent.Action.STEP_STARTED)[-1].message
    services.request_approve(request_id=request.pk, user=people["director"])

    assert reload(request).state == State.APPROVED


def test_the_dext_status_of_a_request_on_review_is_readable(built, dext):
    request = published(dext, dext_id="CI-STATUS")

    response = dext.get("/api/dext/v1/cost-items/CI-STATUS/")

    assert response.status_code == 200
    assert response.json()["id"] == str(request.public_id)
