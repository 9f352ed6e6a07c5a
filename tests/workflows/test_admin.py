"""The admin shows requests and their audit trail but never edits them."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from workflows.models import AuditEvent


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:core_organisation_changelist",
        "admin:core_supplier_changelist",
        "admin:core_account_changelist",
        "admin:core_taxrate_changelist",
        "admin:core_trackingcategory_changelist",
        "admin:workflows_workflow_changelist",
        "admin:workflows_approvalrequest_changelist",
        "admin:workflows_auditevent_changelist",
    ],
)
def test_admin_lists_open(name, admin_client, create_request):
    create_request()

    response = admin_client.get(reverse(name), {"q": "Acme"})

    assert response.status_code == 200


def test_request_is_shown_read_only(admin_client, create_request):
    request = create_request()

    page = admin_client.get(reverse("admin:workflows_approvalrequest_change", args=[request.pk]))
    post = admin_client.post(reverse("admin:workflows_approvalrequest_change", args=[request.pk]),
                             {"state": "approved"})

    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert "Printer paper" in page.content.decode()
    assert post.status_code == 403
    assert admin_client.get(reverse("admin:workflows_approvalrequest_add")).status_code == 403


def test_audit_events_cannot_be_added_changed_or_deleted(admin_client, create_request):
    event = AuditEvent.objects.filter(request=create_request()).first()

    assert admin_client.get(reverse("admin:workflows_auditevent_add")).status_code == 403
    delete = admin_client.post(reverse("admin:workflows_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    change = admin_client.get(reverse("admin:workflows_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and 'name="message"' not in change.content.decode()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_workflow_steps_are_edited_with_their_approvers(admin_client, workflow, approver):
    page = admin_client.get(reverse("admin:workflows_workflow_change", args=[workflow.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="steps-0-approvers"' in html
    assert "selectfilter" in html


def test_organisation_shows_its_members(admin_client, organisation, approver):
    page = admin_client.get(reverse("admin:core_organisation_change", args=[organisation.pk]))

    assert page.status_code == 200
    assert 'name="memberships-0-user"' in page.content.decode()
