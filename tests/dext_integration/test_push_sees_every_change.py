"""Pushes read master data, the workflow and the members as their process last held them, under
the organisation's data-version token: a change however made (here by `QuerySet.update()` and
raw SQL, which send no signal) is seen by the very next push."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from approvalmax.core.models import Account, Membership, TrackingOption
from tests.dext_integration.conftest import client_for, make_item, publish
from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts, one_step_workflow
from dext_integration.services import dext_connection_create
from workflows.models import ApprovalRequest, Assignment, WorkflowStep

pytestmark = pytest.mark.django_db


def _request(response) -> ApprovalRequest:
    assert response.status_code == 201, response.content
    return ApprovalRequest.objects.get(public_id=response.json()["id"])


def _assigned(response) -> set[int]:
    return set(Assignment.objects.filter(request=_request(response)).values_list("approver_id", flat=True))


def test_an_account_archived_by_a_bulk_update_is_refused_at_the_next_push(api, ready):
    _request(publish(api, make_item(dext_id="CI-000001")))
    Account.objects.filter(pk=ready["general"].pk).update(status="ARCHIVED")

    response = publish(api, make_item(dext_id="CI-000002"))

    assert response.status_code == 422
    assert "line_items[0].account_code" in response.json()["error"]["fields"]


def test_a_tracking_option_renamed_in_sql_is_refused_by_its_old_name(api, ready):
    _request(publish(api, make_item(dext_id="CI-000001")))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_trackingoption SET name = 'Northern' WHERE id = %s", [ready["north"].pk])

    response = publish(api, make_item(dext_id="CI-000002"))

    assert response.status_code == 422
    assert "line_items[0].tracking[0].option" in response.json()["error"]["fields"]
    renamed = make_item(dext_id="CI-000003", line_items=[{**make_item()["line_items"][0],
                                                          "tracking": [{"category": "Region", "option": "Northern"}]}])
    assert _request(publish(api, renamed)).lines.get().tracking.get() == TrackingOption.objects.get(name="Northern")


def test_a_new_default_approver_gets_the_next_push(api, ready, workflow, approver, second_approver):
    assert _assigned(publish(api, make_item(dext_id="CI-000001"))) == {approver.pk}
    workflow.steps.get().approvers.set([second_approver])

    assert _assigned(publish(api, make_item(dext_id="CI-000002"))) == {second_approver.pk}


def test_an_approver_removed_from_the_organisation_is_not_routed_to(api, ready, workflow, approver, second_approver):
    workflow.steps.get().approvers.set([approver, second_approver])
    assert _assigned(publish(api, make_item(dext_id="CI-000001"))) == {approver.pk, second_approver.pk}
    Membership.objects.filter(user=approver).delete()

    assert _assigned(publish(api, make_item(dext_id="CI-000002"))) == {second_approver.pk}


def test_a_step_added_in_front_routes_the_next_push(api, ready, organisation, workflow, approver, second_approver):
    _request(publish(api, make_item(dext_id="CI-000001")))
    WorkflowStep.objects.filter(workflow=workflow).update(position=2)
    WorkflowStep.objects.create(workflow=workflow, position=1, name="First look").approvers.set([second_approver])

    request = _request(publish(api, make_item(dext_id="CI-000002")))

    assert request.current_step.name == "First look"


def test_a_tracking_category_made_mandatory_is_asked_for_at_the_next_push(api, ready, workflow):
    untracked = [{**make_item()["line_items"][0], "tracking": []}]
    _request(publish(api, make_item(dext_id="CI-000001", line_items=untracked)))
    workflow.required_tracking_categories.add(ready["region"])

    response = publish(api, make_item(dext_id="CI-000002", line_items=untracked))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "required_tracking_missing"


def test_a_member_whose_email_changed_is_the_requester_of_the_next_push(api, ready, organisation):
    member = MembershipFactory(organisation=organisation).user
    assert _request(publish(api, make_item(dext_id="CI-000001"))).requester is None
    get_user_model().objects.filter(pk=member.pk).update(email="sam@example.com")

    assert _request(publish(api, make_item(dext_id="CI-000002"))).requester == member


def test_two_organisations_with_the_same_codes_each_code_with_their_own(api, ready, approver):
    other = OrganisationFactory(name="Other Ltd", slug="other")
    theirs = chart_of_accounts(other)
    one_step_workflow(other, [MembershipFactory(organisation=other).user])
    _, key = dext_connection_create(organisation=other)

    ours = _request(publish(api, make_item(dext_id="CI-000001"))).lines.get()
    their_line = _request(publish(client_for(key), make_item(dext_id="CI-000001"))).lines.get()

    assert (ours.account, ours.tax_rate) == (ready["general"], ready["input2"])
    assert (their_line.account, their_line.tax_rate) == (theirs["general"], theirs["input2"])
    assert their_line.tracking.get() == theirs["north"]
