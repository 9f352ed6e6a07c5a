"""A bill pulled from Xero is decided here: final approval authorises it there (with the approvers'
coding edits and nothing else, the audit report attached and our page as its Url), once under
any fault; rejection sends it back to draft, and submitting it again in Xero starts it again."""

import pytest

from tests.xero_integration.helpers import WorkerKilled, killed_after, publish_until_done
from tests.xero_integration.pulled_bills import approve, first_approver, line_changed, pulled_request
from workflows import services as engine
from workflows.editing import request_line_edit
from workflows.models import ApprovalRequest, AuditEvent
from workflows.selectors import request_page_url
from xero_integration.models import XeroConnection, XeroPulledBill
from xero_integration.sandbox.faults import fault_arm
from xero_integration.sandbox.models import Fault
from xero_integration.services.authorising import pulled_bill_return
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)
State = ApprovalRequest.State


def _changes(xero, invoice_id) -> list[str]:
    """The bill's history in Xero: a second authorisation would show as one more change."""
    return [record["Changes"] for record in xero.history(invoice_id)]


def test_final_approval_authorises_the_bill_in_xero_with_the_report_and_our_link(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    bill = xero.submit_bill(number="DX-7", amount="100.00")
    pull()
    request = pulled_request(bill["InvoiceID"])
    approve(request, django_capture_on_commit_callbacks)

    tenant_publish(organisation_id=connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == State.PUBLISHED and request.external_id == bill["InvoiceID"]
    now = xero.invoice(bill["InvoiceID"])
    assert now["Status"] == "AUTHORISED" and now["Url"] == request_page_url(request=request)
    assert (now["InvoiceNumber"], now["Total"], now["LineItems"][0]["AccountCode"]) == ("DX-7", 120.0, "429")
    names = sorted(a["FileName"] for a in xero.attachments(bill["InvoiceID"]))
    assert names[0] == "Approval audit report DX-7.pdf" and names[1] == "DX-7.pdf"
    assert _changes(xero, bill["InvoiceID"]) == ["Created", "Approved"]
    published = request.audit_events.get(action=AuditEvent.Action.PUBLISHED)
    assert published.message.startswith("Authorised in Xero as bill DX-7")
    assert ApprovalRequest.objects.filter(organisation=connected_organisation).count() == 1


def test_an_approvers_coding_edit_is_written_to_xero_and_nothing_else(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    from approvalmax.core.models import Account

    bill = xero.submit_bill(number="DX-8", amount="100.00")
    pull()
    request = pulled_request(bill["InvoiceID"])
    request.workflow.steps.filter(pk=request.current_step_id).update(editable_fields=["account"])
    line = request.current_lines().get()
    other = Account.objects.get(organisation=connected_organisation, code="453")
    request_line_edit(request_id=request.pk, user=first_approver(request), line_id=line.pk, account_id=other.pk)
    approve(request, django_capture_on_commit_callbacks)

    tenant_publish(organisation_id=connected_organisation.pk)

    now = xero.invoice(bill["InvoiceID"])
    [line] = now["LineItems"]
    assert line["AccountCode"] == "453"
    assert (line["Description"], line["TaxType"], line["UnitAmount"], now["InvoiceNumber"], now["Total"]) == (
        "Printer paper", "INPUT2", 100.0, "DX-8", 120.0)
    assert [(t["Name"], t["Option"]) for t in line["Tracking"]] == [("Region", "North")]


@pytest.mark.parametrize("kind", [Fault.Kind.ERROR, Fault.Kind.LOST_ANSWER])
def test_a_failed_or_lost_authorisation_ends_authorised_once_with_one_report(
        kind, connected_organisation, xero, pull, settings, django_capture_on_commit_callbacks):
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0  # a blind replay would run anew
    bill = xero.submit_bill(number="DX-9")
    pull()
    request = pulled_request(bill["InvoiceID"])
    approve(request, django_capture_on_commit_callbacks)
    fault_arm(kind=kind, method="POST", path_contains=f"/invoices/{bill['InvoiceID']}", times=2)

    publish_until_done(request)

    assert request.state == State.PUBLISHED
    assert xero.invoice(bill["InvoiceID"])["Status"] == "AUTHORISED"
    assert _changes(xero, bill["InvoiceID"]) == ["Created", "Approved"]
    assert len(xero.attachments(bill["InvoiceID"])) == 2


def test_a_worker_killed_after_xero_authorised_the_bill_ends_authorised_once(
        connected_organisation, xero, pull, monkeypatch, settings, django_capture_on_commit_callbacks):
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0
    bill = xero.submit_bill(number="DX-10")
    pull()
    request = pulled_request(bill["InvoiceID"])
    approve(request, django_capture_on_commit_callbacks)
    with killed_after(monkeypatch, "update_invoice"), pytest.raises(WorkerKilled):
        tenant_publish(organisation_id=connected_organisation.pk)

    publish_until_done(request)

    assert _changes(xero, bill["InvoiceID"]) == ["Created", "Approved"]
    assert len(xero.attachments(bill["InvoiceID"])) == 2


def test_a_bill_changed_in_xero_after_the_pull_is_not_authorised_but_starts_again(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    bill = xero.submit_bill(number="DX-11", amount="100.00")
    pull()
    request = pulled_request(bill["InvoiceID"])
    approve(request, django_capture_on_commit_callbacks)
    xero.change(bill["InvoiceID"], LineItems=[line_changed(xero, bill, UnitAmount=250)])

    with django_capture_on_commit_callbacks(execute=False):
        tenant_publish(organisation_id=connected_organisation.pk)

    request.refresh_from_db()
    assert (request.state, request.revision, str(request.total)) == (State.ON_APPROVAL, 2, "300.00")
    assert xero.invoice(bill["InvoiceID"])["Status"] == "SUBMITTED"
    resubmitted = request.audit_events.get(action=AuditEvent.Action.RESUBMITTED)
    assert "Total 120 → 300" in resubmitted.message


def test_a_bill_deleted_in_xero_after_approval_fails_to_publish_with_the_reason(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    bill = xero.submit_bill(number="DX-12")
    pull()
    request = pulled_request(bill["InvoiceID"])
    approve(request, django_capture_on_commit_callbacks)
    xero.change(bill["InvoiceID"], Status="DELETED")

    with django_capture_on_commit_callbacks(execute=False):
        tenant_publish(organisation_id=connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == State.PUBLISH_FAILED and "deleted in Xero" in request.publish_error


def test_rejection_sends_the_bill_back_to_draft_with_the_prefix_and_resubmission_starts_again(
        connected_organisation, xero, pull, django_capture_on_commit_callbacks):
    XeroConnection.objects.filter(organisation=connected_organisation).update(rejected_prefix="REJ-")
    bill = xero.submit_bill(number="DX-13")
    pull()
    request = pulled_request(bill["InvoiceID"])
    with django_capture_on_commit_callbacks(execute=False):
        engine.request_reject(request_id=request.pk, user=first_approver(request), comment="Wrong supplier.")

    assert pulled_bill_return(request_id=request.pk) == "draft"
    assert pulled_bill_return(request_id=request.pk) == ""  # once

    now = xero.invoice(bill["InvoiceID"])
    assert (now["Status"], now["InvoiceNumber"]) == ("DRAFT", "REJ-DX-13")
    assert pull().revised == 0  # our own change to draft is not news
    xero.change(bill["InvoiceID"], Status="SUBMITTED", InvoiceNumber="DX-13")
    pull()

    request.refresh_from_db()
    assert (request.state, request.revision, request.invoice_number) == (State.ON_APPROVAL, 2, "DX-13")
    assert request.current_step.position == 1
    assert XeroPulledBill.objects.get(request=request).returned_revision is None


def test_a_rejected_pulled_bill_is_handed_to_the_xero_task_and_a_dext_one_is_not(
        connected_organisation, xero, pull, monkeypatch, django_capture_on_commit_callbacks):
    from tests.xero_integration.helpers import synced_bill_content
    from tests.builders import pdf_document
    from xero_integration import tasks

    sent = []
    monkeypatch.setattr(tasks.return_rejected_bill, "delay", lambda request_id: sent.append(request_id))
    bill = xero.submit_bill(number="DX-14")
    pull()
    pulled = pulled_request(bill["InvoiceID"])
    with django_capture_on_commit_callbacks(execute=False):
        from_dext = engine.request_create(organisation=connected_organisation, document=pdf_document(),
                                          content=synced_bill_content(connected_organisation))

    with django_capture_on_commit_callbacks(execute=True):
        for request in (pulled, from_dext):
            engine.request_reject(request_id=request.pk, user=first_approver(request), comment="No.")

    assert sent == [pulled.pk]
