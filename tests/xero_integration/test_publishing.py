"""The publisher against the Xero sandbox over real HTTP."""

import hashlib
from decimal import Decimal

import pytest

from tests.builders import MINIMAL_PDF, pdf_document
from tests.xero_integration.helpers import SandboxReader, money, synced_bill_content, synced_master_data
from workflows import outcomes
from workflows import services as workflow_services
from workflows.models import ApprovalRequest, AuditEvent
from xero_integration.models import XeroPublication
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)


def _approved(organisation, django_capture_on_commit_callbacks, **overrides):
    approver = organisation.workflows.get().steps.get().approvers.first()
    with django_capture_on_commit_callbacks(execute=False):
        request = workflow_services.request_create(
            organisation=organisation, content=synced_bill_content(organisation, **overrides),
            document=pdf_document())
        workflow_services.request_approve(request_id=request.pk, user=approver)
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED
    return request


def test_an_approved_bill_is_created_in_xero_with_both_attachments(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    request = _approved(connected_organisation, django_capture_on_commit_callbacks)

    tenant_publish(organisation_id=request.organisation_id)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISHED
    xero = SandboxReader(settings, connected_organisation)
    bill = xero.invoice(request.external_id)
    assert bill["Type"] == "ACCPAY"
    assert bill["Status"] == "AUTHORISED"
    assert bill["InvoiceNumber"] == "INV-4411"
    assert bill["Contact"]["Name"] == "Acme Supplies Ltd"
    assert bill["LineAmountTypes"] == "Exclusive"
    [line] = bill["LineItems"]
    assert (line["Description"], line["AccountCode"], line["TaxType"]) == ("Printer paper", "429", "INPUT2")
    assert money(line["Quantity"]) == Decimal("10.00") and money(line["UnitAmount"]) == Decimal("4.50")
    assert [(t["Name"], t["Option"]) for t in line["Tracking"]] == [("Region", "North")]
    assert (money(bill["SubTotal"]), money(bill["TotalTax"]), money(bill["Total"])) == (
        Decimal("45.00"), Decimal("9.00"), Decimal("54.00"))
    assert bill["Url"].endswith(f"/requests/{request.public_id}/")

    attachments = {a["FileName"]: a for a in xero.attachments(request.external_id)}
    assert len(attachments) == 2
    assert xero.attachment_bytes(request.external_id, "INV-4411.pdf") == MINIMAL_PDF
    report_name = next(name for name in attachments if name != "INV-4411.pdf")
    assert xero.attachment_bytes(request.external_id, report_name).startswith(b"%PDF")
    assert "shortcode=" in request.external_url and request.external_id in request.external_url
    assert request.audit_events.filter(action=AuditEvent.Action.PUBLISHED).count() == 1


def test_a_paid_item_gets_a_payment_from_its_bank_account(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    bank = synced_master_data(connected_organisation)["bank"]
    request = _approved(connected_organisation, django_capture_on_commit_callbacks,
                        is_paid=True, payment_method_name="Company card", payment_account=bank)

    tenant_publish(organisation_id=request.organisation_id)

    request.refresh_from_db()
    xero = SandboxReader(settings, connected_organisation)
    bill = xero.invoice(request.external_id)
    assert bill["Status"] == "PAID"
    [payment] = [p for p in xero.payments() if p["Invoice"]["InvoiceID"] == request.external_id]
    assert money(payment["Amount"]) == Decimal("54.00")
    assert payment["Account"]["AccountID"] == bank.external_id


def test_publishing_twice_creates_one_bill(connected_organisation, settings, django_capture_on_commit_callbacks):
    request = _approved(connected_organisation, django_capture_on_commit_callbacks)
    tenant_publish(organisation_id=request.organisation_id)
    tenant_publish(organisation_id=request.organisation_id)

    assert len(SandboxReader(settings, connected_organisation).bills()) == 1


def test_a_retry_after_the_bill_was_created_resumes_without_a_second_bill(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    """The worker died after creating the bill: the next run attaches and finishes, nothing twice."""
    request = _approved(connected_organisation, django_capture_on_commit_callbacks)
    tenant_publish(organisation_id=request.organisation_id)
    request.refresh_from_db()
    invoice_id = request.external_id
    # Rewind our own records to "bill created, nothing else", as if the worker had been killed.
    ApprovalRequest.objects.filter(pk=request.pk).update(state=ApprovalRequest.State.APPROVED)
    XeroPublication.objects.filter(request=request).update(document_attached=False, report_attached=False)

    tenant_publish(organisation_id=request.organisation_id)

    request.refresh_from_db()
    xero = SandboxReader(settings, connected_organisation)
    assert request.external_id == invoice_id
    assert len(xero.bills()) == 1
    assert len(xero.attachments(invoice_id)) == 2


def test_xeros_validation_error_fails_the_request_with_xeros_message(
        connected_organisation, django_capture_on_commit_callbacks):
    archived = synced_master_data(connected_organisation)["archived"]
    request = _approved(connected_organisation, django_capture_on_commit_callbacks)
    request.current_lines().update(account=archived)

    tenant_publish(organisation_id=request.organisation_id)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISH_FAILED
    assert "999" in request.publish_error
    assert not XeroPublication.objects.get(request=request).invoice_id


def test_the_original_document_reaches_xero_byte_for_byte(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    approver = connected_organisation.workflows.get().steps.get().approvers.first()
    data = MINIMAL_PDF + bytes(range(256)) * 40
    with django_capture_on_commit_callbacks(execute=False):
        request = workflow_services.request_create(
            organisation=connected_organisation, content=synced_bill_content(connected_organisation),
            document=pdf_document("scan 01.pdf", data))
        workflow_services.request_approve(request_id=request.pk, user=approver)

    tenant_publish(organisation_id=request.organisation_id)

    request.refresh_from_db()
    stored = SandboxReader(settings, connected_organisation).attachment_bytes(request.external_id, "scan 01.pdf")
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest()


def test_publish_again_after_a_fix_creates_the_bill_once(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    """Xero refused an archived account; once the coding is fixed an administrator publishes again."""
    from approvalmax.demo.data import ADMINISTRATOR
    from django.contrib.auth import get_user_model

    master = synced_master_data(connected_organisation)
    request = _approved(connected_organisation, django_capture_on_commit_callbacks)
    request.current_lines().update(account=master["archived"])
    tenant_publish(organisation_id=request.organisation_id)
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISH_FAILED

    request.current_lines().update(account=master["general"])
    admin = get_user_model().objects.get(username=ADMINISTRATOR.username)
    outcomes.request_publish_again(request_id=request.pk, user=admin)
    tenant_publish(organisation_id=request.organisation_id)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISHED
    xero = SandboxReader(settings, connected_organisation)
    assert len(xero.bills()) == 1
    assert len(xero.attachments(request.external_id)) == 2
    assert request.audit_events.filter(action=AuditEvent.Action.PUBLISH_AGAIN, actor=admin).exists()
