"""Configuration changes join the organisation's audit chain: who, when, old value → new value,
from the Django admin and from our pages alike; secrets never in clear."""

import pytest
from django.urls import reverse

from approvalmax.core.audit_chain import chain_verify
from approvalmax.core.models import ConfigurationChange, Membership
from dext_integration.models import DextConnection
from tests.admin_forms import admin_post
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_staff=True, is_superuser=True, first_name="Ada", last_name="Root")
    client.force_login(user)
    return client


def _changes(organisation, subject_type):
    return list(ConfigurationChange.objects.filter(organisation=organisation, subject_type=subject_type)
                .order_by("chain_position"))


def test_switching_segregation_of_duties_off_in_the_admin_is_recorded_with_who_and_old_and_new(
        superuser_client, organisation, workflow):
    url = reverse("admin:workflows_workflow_change", args=[workflow.pk])

    response = admin_post(superuser_client, url, requester_may_approve="on")

    assert response.status_code == 302, response.content.decode()[:2000]
    change = _changes(organisation, "workflows.workflow")[-1]
    assert change.action == "changed" and change.via == "admin" and change.actor_label == "Ada Root"
    assert change.changes == {"requester_may_approve": [False, True]}
    assert chain_verify()[2] == []


def test_a_role_change_and_a_new_member_in_the_admin_are_recorded(superuser_client, organisation, approver):
    membership = Membership.objects.get(organisation=organisation, user=approver)
    url = reverse("admin:core_organisation_change", args=[organisation.pk])
    prefix = next(f"memberships-{i}" for i in range(5)
                  if admin_post_value(superuser_client, url, f"memberships-{i}-id") == str(membership.pk))

    response = admin_post(superuser_client, url, **{f"{prefix}-role": "administrator"})

    assert response.status_code == 302
    [change] = [c for c in _changes(organisation, "core.membership") if c.action == "changed"]
    assert change.changes == {"role": ["approver", "administrator"]} and change.via == "admin"


def admin_post_value(client, url, name):
    from tests.admin_forms import _FormValues

    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    return dict(parser.values).get(name)


def test_linking_dext_on_our_page_is_recorded_without_the_key(client, organisation, administrator):
    client.force_login(administrator)

    response = client.post(reverse("dext:link", kwargs={"slug": organisation.slug}), {"account_name": "Dext Ltd"})

    assert response.status_code == 200
    connection = DextConnection.objects.get(organisation=organisation)
    [created] = _changes(organisation, "dext_integration.dextconnection")
    assert created.action == "created" and created.via == "pages"
    assert created.actor_id == administrator.pk
    assert created.changes["key_hash"] == ["(secret changed)", "(secret changed)"]
    assert connection.key_hash not in str(created.changes)


def test_changes_made_by_the_system_say_so(organisation):
    MembershipFactory(organisation=organisation, role="administrator")

    [created] = _changes(organisation, "core.membership")
    assert (created.actor_label, created.via, created.actor_id) == ("System", "system", None)


def test_a_deleted_step_with_its_rules_is_recorded(organisation, workflow):
    step = workflow.steps.get()
    step_id = step.pk
    step.delete()

    deleted = [c for c in _changes(organisation, "workflows.workflowstep") if c.action == "deleted"]
    assert [c.subject_id for c in deleted] == [str(step_id)]
    assert deleted[0].changes["name"] == [step.name, None]
    assert chain_verify()[2] == []
