"""Approved supplier credit notes in Xero: created once, with both attachments, and allocated to
the bill an approver chose, against the Xero sandbox over real HTTP."""

from decimal import Decimal

import pytest

from tests.xero_integration.helpers import SandboxReader, approved_request, money
from workflows.models import ApprovalRequest, AuditEvent
from xero_integration.exceptions import XeroUnavailable
from xero_integration.sandbox.faults import fault_arm
from xero_integration.sandbox.models import Fault, Invoice
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)
CREDIT = ApprovalRequest.Kind.CREDIT_NOTE


def _credit_notes(xero: SandboxReader) -> list[dict]:
    return xero.get("CreditNotes").json()["CreditNotes"]


def _publish_until_done(request, attempts: int = 5) -> ApprovalRequest:
    for _ in range(attempts):
        try:
            tenant_publish(organisation_id=request.organisation_id)
        except XeroUnavailable:
            continue
        request.refresh_from_db()
        if request.state != ApprovalRequest.State.APPROVED:
            return request
    raise AssertionError("the request was never published")


@pytest.fixture
def published_bill(connected_organisation, django_capture_on_commit_callbacks):
    bill = approved_request(connected_organisation, django_capture_on_commit_callbacks, invoice_number="B-100")
    return _publish_until_done(bill)


def test_an_approved_credit_note_becomes_a_supplier_credit_note_with_both_attachments(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, kind=CREDIT,
                               invoice_number="CN-1", source_reference="CI-CN1")

    _publish_until_done(request)

    assert request.state == ApprovalRequest.State.PUBLISHED
    xero = SandboxReader(settings, connected_organisation)
    [credit] = _credit_notes(xero)
    assert credit["CreditNoteID"] == request.external_id
    assert (credit["Type"], credit["Status"], credit["CreditNoteNumber"]) == ("ACCPAYCREDIT", "AUTHORISED", "CN-1")
    assert money(credit["Total"]) == Decimal("54.00") and credit["Contact"]["Name"] == "Acme Supplies Ltd"
    attachments = xero.get(f"CreditNotes/{request.external_id}/Attachments").json()["Attachments"]
    assert len(attachments) == 2
    assert xero.bills() == []
    assert "ViewCreditNote.aspx?creditNoteID=" + request.external_id in request.external_url
    published = request.audit_events.get(action=AuditEvent.Action.PUBLISHED)
    assert "as credit note CN-1" in published.message


def test_a_credit_note_is_allocated_to_the_chosen_bill(
        connected_organisation, settings, django_capture_on_commit_callbacks, published_bill):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, kind=CREDIT,
                               invoice_number="CN-2", source_reference="CI-CN2")
    ApprovalRequest.objects.filter(pk=request.pk).update(credit_for=published_bill)

    _publish_until_done(request)

    xero = SandboxReader(settings, connected_organisation)
    bill = xero.invoice(published_bill.external_id)
    assert bill["Status"] == "PAID" and money(bill["AmountCredited"]) == Decimal("54.00")
    credit = xero.get(f"CreditNotes/{request.external_id}").json()["CreditNotes"][0]
    assert money(credit["RemainingCredit"]) == 0
    assert "Allocated 54.00 to bill B-100." in request.audit_events.get(action=AuditEvent.Action.PUBLISHED).message


def test_a_bill_paid_since_is_not_allocated_and_the_request_says_so(
        connected_organisation, django_capture_on_commit_callbacks, published_bill):
    Invoice.objects.filter(invoice_id=published_bill.external_id).update(amount_due=0, status="PAID")
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, kind=CREDIT,
                               invoice_number="CN-3", source_reference="CI-CN3")
    ApprovalRequest.objects.filter(pk=request.pk).update(credit_for=published_bill)

    _publish_until_done(request)

    assert request.state == ApprovalRequest.State.PUBLISHED
    message = request.audit_events.get(action=AuditEvent.Action.PUBLISHED).message
    assert "Not allocated: bill B-100 has nothing left to pay." in message


def test_an_allocation_xero_refuses_leaves_the_credit_note_published_with_the_reason(
        connected_organisation, django_capture_on_commit_callbacks, published_bill):
    Invoice.objects.filter(invoice_id=published_bill.external_id).update(status="VOIDED")
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, kind=CREDIT,
                               invoice_number="CN-4", source_reference="CI-CN4")
    ApprovalRequest.objects.filter(pk=request.pk).update(credit_for=published_bill)

    _publish_until_done(request)

    assert request.state == ApprovalRequest.State.PUBLISHED
    message = request.audit_events.get(action=AuditEvent.Action.PUBLISHED).message
    assert "Not allocated to bill B-100: Xero said" in message and "AUTHORISED" in message


@pytest.mark.parametrize("path", ["/api.xro/2.0/creditnotes", "/allocations"])
def test_lost_answers_end_with_one_credit_note_and_one_allocation(
        path, connected_organisation, settings, django_capture_on_commit_callbacks, published_bill):
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0  # a blind retry would make a second one
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, kind=CREDIT,
                               invoice_number="CN-5", source_reference="CI-CN5")
    ApprovalRequest.objects.filter(pk=request.pk).update(credit_for=published_bill)
    fault_arm(kind=Fault.Kind.LOST_ANSWER, method="PUT", path_contains=path)

    _publish_until_done(request)

    xero = SandboxReader(settings, connected_organisation)
    [credit] = _credit_notes(xero)
    assert credit["CreditNoteID"] == request.external_id
    assert len(credit["Allocations"]) == 1 and money(credit["RemainingCredit"]) == 0
    assert len(xero.get(f"CreditNotes/{request.external_id}/Attachments").json()["Attachments"]) == 2
