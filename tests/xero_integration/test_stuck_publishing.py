"""Nothing approved waits for good: retries that run out fail the requests visibly, and the
sweep finds tenants that no live publisher holds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvalmax.core.locks import exclusive
from approvalmax.core.models import Membership
from tests.xero_integration.helpers import approved_request
from workflows.models import ApprovalRequest, AuditEvent
from xero_integration.exceptions import XeroUnavailable
from xero_integration.models import XeroConnection
from xero_integration.sandbox.faults import fault_arm
from xero_integration.sandbox.models import Fault
from xero_integration.services.publishing import tenants_stuck
from xero_integration.tasks import publish_tenant

pytestmark = pytest.mark.django_db(transaction=True)


def _age(request, seconds: float) -> None:
    ApprovalRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def test_a_transient_failure_postpones_the_tenant_and_the_sweep_waits_for_the_retry(
        connected_organisation, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    fault_arm(kind=Fault.Kind.ERROR, method="PUT", path_contains="/api.xro/2.0/invoices", times=1)

    with pytest.raises(XeroUnavailable):  # called directly, the retry re-raises what it would retry
        publish_tenant(connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED
    connection = XeroConnection.objects.get(organisation=connected_organisation)
    assert connection.publish_retry_at > timezone.now()
    _age(request, 600)
    assert tenants_stuck(approved_before=timezone.now()) == []


def test_when_retries_run_out_the_request_fails_with_the_cause_and_administrators_see_it(
        connected_organisation, client, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    fault_arm(kind=Fault.Kind.ERROR, method="PUT", path_contains="/api.xro/2.0/invoices", times=1)

    publish_tenant.apply(args=[connected_organisation.pk], retries=publish_tenant.max_retries)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISH_FAILED
    assert "Publishing stopped after 13 attempts" in request.publish_error
    assert "Publish again once Xero is available" in request.publish_error
    assert AuditEvent.objects.filter(request=request, action=AuditEvent.Action.PUBLISH_FAILED).exists()
    assert XeroConnection.objects.get(organisation=connected_organisation).publish_retry_at is None

    administrator = Membership.objects.filter(organisation=connected_organisation,
                                              role=Membership.Role.ADMINISTRATOR).first().user
    client.force_login(administrator)
    page = client.get("/requests/").content.decode()
    assert "Publishing failed:" in page and "1 request of Demo Trading Ltd could not be published" in page
    approver = Membership.objects.filter(organisation=connected_organisation,
                                         role=Membership.Role.APPROVER).first().user
    client.force_login(approver)
    assert "Publishing failed:" not in client.get("/requests/").content.decode()


def test_the_sweep_finds_approved_requests_that_nothing_publishes(
        connected_organisation, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    now = timezone.now()

    assert tenants_stuck(approved_before=now - timedelta(seconds=60)) == []  # just approved: its task is coming
    _age(request, 120)
    assert tenants_stuck(approved_before=now - timedelta(seconds=60)) == [connected_organisation.pk]

    with exclusive(f"xero-publish-{connected_organisation.pk}", timeout=1):
        assert tenants_stuck(approved_before=now - timedelta(seconds=60)) == []  # a live publisher has it


def test_a_publisher_that_finds_the_tenant_held_leaves_the_work_to_the_holder(
        connected_organisation, django_capture_on_commit_callbacks, settings):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    from xero_integration.services import publishing

    settings.LOCK_LEASE_SECONDS = 5
    with exclusive(f"xero-publish-{connected_organisation.pk}", timeout=1):
        original, publishing.LOCK_WAIT_SECONDS = publishing.LOCK_WAIT_SECONDS, 0.5
        try:
            assert publishing.tenant_publish(organisation_id=connected_organisation.pk) == 0
        finally:
            publishing.LOCK_WAIT_SECONDS = original
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED
