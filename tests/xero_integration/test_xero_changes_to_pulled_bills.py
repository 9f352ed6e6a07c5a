"""What is done in Xero to a pulled bill is noticed here: deleted or moved back to draft while on
approval cancels the request; changed while on approval starts a new revision, telling those who
had approved; approved in Xero directly, or changed after approval, is flagged for administrators
(and reopens the request when the organisation chose so)."""

import pytest

from approvalmax.core.models import Membership
from approvalmax.notifications.models import Notification
from tests.xero_integration.pulled_bills import approve, first_approver, line_changed, pulled_request
from workflows import services as engine
from workflows.external_changes import BYPASSED, CHANGED
from workflows.models import ApprovalRequest, AuditEvent, WorkflowStep
from workflows.notices import event_announce
from xero_integration.models import XeroConnection
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)
State = ApprovalRequest.State


def _announced(request, action) -> list[str]:
    """Who was told of the request's latest event of that kind (as the announcing task does)."""
    event = request.audit_events.filter(action=action).latest("pk")
    event_announce(event_id=event.pk)
    return sorted(Notification.objects.filter(key=f"event:{event.pk}").values_list("recipient__username", flat=True))


def _published(organisation, xero, pull, capture, number="DX-30"):
    bill = xero.submit_bill(number=number, amount="100.00")
    pull()
    request = pulled_request(bill["InvoiceID"])
    approve(request, capture)
    with capture(execute=False):
        tenant_publish(organisation_id=organisation.pk)
    request.refresh_from_db()
    assert request.state == State.PUBLISHED
    return bill, request


def test_a_bill_deleted_in_xero_while_on_approval_cancels_the_request_with_the_reason(
        connected_organisation, xero, pull):
    bill = xero.submit_bill(number="DX-20")
    pull()
    xero.change(bill["InvoiceID"], Status="DELETED")

    assert pull().cancelled == 1

    request = pulled_request(bill["InvoiceID"])
    assert request.state == State.CANCELLED
    cancelled = request.audit_events.get(action=AuditEvent.Action.CANCELLED)
    assert (cancelled.actor_label, cancelled.message) == ("Xero", "Deleted in Xero while on approval.")


def test_a_bill_moved_back_to_draft_in_xero_is_cancelled_and_comes_back_when_submitted_again(
        connected_organisation, xero, pull):
    bill = xero.submit_bill(number="DX-21")
    pull()
    xero.change(bill["InvoiceID"], Status="DRAFT")
    pull()
    assert pulled_request(bill["InvoiceID"]).state == State.CANCELLED

    xero.change(bill["InvoiceID"], Status="SUBMITTED")
    pull()

    request = pulled_request(bill["InvoiceID"])
    assert (request.state, request.revision, request.current_step.position) == (State.ON_APPROVAL, 2, 1)


def test_a_bill_changed_in_xero_while_on_approval_starts_again_and_tells_who_had_approved(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    WorkflowStep.objects.filter(workflow__organisation=connected_organisation).update(mode=WorkflowStep.Mode.ALL)
    bill = xero.submit_bill(number="DX-22", amount="100.00")
    pull()
    request = pulled_request(bill["InvoiceID"])
    with django_capture_on_commit_callbacks(execute=False):
        engine.request_approve(request_id=request.pk, user=first_approver(request))
    xero.change(bill["InvoiceID"], LineItems=[line_changed(xero, bill, UnitAmount=110, AccountCode="453")])

    assert pull().revised == 1

    request.refresh_from_db()
    assert (request.state, request.revision, str(request.total)) == (State.ON_APPROVAL, 2, "132.00")
    assert not request.decisions.filter(revision=2).exists()
    event = request.audit_events.get(action=AuditEvent.Action.RESUBMITTED)
    fields = {change["field"]: (change["approved"], change["now"]) for change in event.data["changes"]}
    assert fields == {"Total": ("120", "132"), "Line 1 unit amount": ("100", "110"),
                      "Line 1 account": ("429", "453"), "Line 1 amount": ("100", "110")}
    assert _announced(request, AuditEvent.Action.RESUBMITTED) == [first_approver(request).username]


def test_a_bill_approved_in_xero_directly_is_flagged_cancelled_and_administrators_told(
        connected_organisation, xero, pull):
    bill = xero.submit_bill(number="DX-23")
    pull()
    xero.change(bill["InvoiceID"], Status="AUTHORISED")

    assert pull().flagged == 1

    request = pulled_request(bill["InvoiceID"])
    assert request.state == State.CANCELLED
    assert request.external_change["kind"] == BYPASSED
    assert request.external_change["headline"] == "Approved in Xero, bypassing the workflow"
    administrators = Membership.objects.filter(organisation=connected_organisation, role=Membership.Role.ADMINISTRATOR)
    assert _announced(request, AuditEvent.Action.CHANGED_EXTERNALLY) == sorted(
        administrators.values_list("user__username", flat=True))


def test_a_bill_changed_in_xero_after_approval_is_flagged_with_the_difference(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    bill, request = _published(connected_organisation, xero, pull, django_capture_on_commit_callbacks)
    assert pull().flagged == 0  # our own authorisation is no change
    xero.change(bill["InvoiceID"], LineItems=[line_changed(xero, bill, UnitAmount=150)])

    assert pull().flagged == 1
    assert pull().flagged == 0  # told once

    request.refresh_from_db()
    assert request.state == State.PUBLISHED and request.revision == 1
    assert request.external_change["kind"] == CHANGED
    assert {"field": "Total", "approved": "120", "now": "180"} in request.external_change["differences"]
    assert "admin" in _announced(request, AuditEvent.Action.CHANGED_EXTERNALLY)
    assert request.audit_events.filter(action=AuditEvent.Action.CHANGED_EXTERNALLY).count() == 1


def test_a_bill_voided_in_xero_after_approval_is_flagged(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    bill, request = _published(connected_organisation, xero, pull, django_capture_on_commit_callbacks)
    xero.change(bill["InvoiceID"], Status="VOIDED")

    pull()

    request.refresh_from_db()
    assert request.external_change["differences"][0] == {"field": "Status", "approved": "AUTHORISED", "now": "VOIDED"}


def test_an_organisation_that_reopens_changed_bills_approves_them_again(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    XeroConnection.objects.filter(organisation=connected_organisation).update(reopen_changed_bills=True)
    bill, request = _published(connected_organisation, xero, pull, django_capture_on_commit_callbacks)
    xero.change(bill["InvoiceID"], LineItems=[line_changed(xero, bill, UnitAmount=150)])

    pull()

    request.refresh_from_db()
    assert (request.state, request.revision, str(request.total)) == (State.ON_APPROVAL, 2, "180.00")
    assert request.audit_events.filter(action=AuditEvent.Action.CHANGED_EXTERNALLY).count() == 1
    approve(request, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        tenant_publish(organisation_id=connected_organisation.pk)
    request.refresh_from_db()
    assert request.state == State.PUBLISHED
    assert xero.invoice(bill["InvoiceID"])["Status"] == "AUTHORISED"


def test_a_reopened_bill_changed_again_in_xero_is_revised_not_taken_for_a_bypass(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    XeroConnection.objects.filter(organisation=connected_organisation).update(reopen_changed_bills=True)
    bill, request = _published(connected_organisation, xero, pull, django_capture_on_commit_callbacks)
    xero.change(bill["InvoiceID"], LineItems=[line_changed(xero, bill, UnitAmount=150)])
    pull()
    xero.change(bill["InvoiceID"], LineItems=[line_changed(xero, bill, UnitAmount=175)])

    pull()

    request.refresh_from_db()
    assert (request.state, request.revision, str(request.total)) == (State.ON_APPROVAL, 3, "210.00")
    assert request.external_change == {}
