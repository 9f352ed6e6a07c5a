"""An organisation's data-version token changes with every write to what a new request is built
from, however the write is made, and only the organisation written to."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from approvalmax.core.models import Account, DataVersion, Membership, Supplier, TrackingOption
from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts, one_step_workflow
from workflows.models import MatrixRule, Workflow, WorkflowStep

pytestmark = pytest.mark.django_db


def token(organisation) -> str | None:
    return DataVersion.objects.filter(organisation=organisation).values_list("token", flat=True).first()


@pytest.fixture
def two(organisation, master_data, workflow):
    other = OrganisationFactory(name="Other Ltd", slug="other")
    return master_data, other, chart_of_accounts(other)


def _changes(organisation, write) -> bool:
    before = token(organisation)
    write()
    return token(organisation) != before


def test_every_kind_of_write_to_master_data_changes_the_token_of_that_organisation_only(organisation, two):
    master, other, _ = two
    region = master["region"]
    writes = [
        lambda: Account.objects.filter(pk=master["general"].pk).update(status="ARCHIVED"),
        lambda: master["office"].save(),
        lambda: Supplier.objects.bulk_create([Supplier(organisation=organisation, name="New Ltd")]),
        lambda: TrackingOption.objects.filter(pk=master["north"].pk).update(name="Northern"),
        lambda: TrackingOption.objects.create(category=region, external_id="x", name="East"),
        lambda: master["south"].delete(),
        lambda: master["none"].delete(),
    ]
    for write in writes:
        other_before = token(other)
        assert _changes(organisation, write)
        assert token(other) == other_before


def test_raw_sql_changes_the_token(organisation, master_data):
    with connection.cursor() as cursor:
        assert _changes(organisation, lambda: cursor.execute(
            "UPDATE core_taxrate SET effective_rate = 17.5 WHERE organisation_id = %s", [organisation.pk]))


def test_a_user_changes_the_token_of_every_organisation_they_belong_to(organisation, approver):
    other = OrganisationFactory(name="Other Ltd", slug="other")
    MembershipFactory(organisation=other, user=approver)
    before = token(other)

    assert _changes(organisation, lambda: get_user_model().objects.filter(pk=approver.pk).update(first_name="Renamed"))
    assert token(other) != before


def test_a_membership_changes_its_organisations_token_only(organisation, approver):
    other = OrganisationFactory(name="Other Ltd", slug="other")
    MembershipFactory(organisation=other, user=approver)
    before = token(other)

    assert _changes(organisation, lambda: Membership.objects.filter(organisation=organisation).update(role="auditor"))
    assert token(other) == before


def test_the_workflow_its_steps_approvers_rules_and_required_tracking_change_the_token(
        organisation, master_data, approver, second_approver):
    workflow = one_step_workflow(organisation, [approver])
    step = workflow.steps.get()
    writes = [
        lambda: step.approvers.set([second_approver]),
        lambda: MatrixRule.objects.create(step=step, approver=approver),
        lambda: MatrixRule.objects.filter(step=step).update(approver=second_approver),
        lambda: WorkflowStep.objects.filter(pk=step.pk).update(name="Renamed"),
        lambda: workflow.required_tracking_categories.add(master_data["region"]),
        lambda: Workflow.objects.filter(pk=workflow.pk).update(requester_may_approve=True),
        lambda: WorkflowStep.objects.create(workflow=workflow, position=2, name="Second"),
    ]
    for write in writes:
        assert _changes(organisation, write)
