"""Bills awaiting approval in Xero (as Dext publishes them there) become requests here: pulled with
their lines, coding and original, once each; never our own bills, nor bills of other statuses."""

import pytest

from tests.builders import MINIMAL_PDF
from tests.xero_integration.helpers import approved_request
from tests.xero_integration.pulled_bills import pulled_request
from workflows.models import ApprovalRequest, AuditEvent
from workflows.selectors import request_page_url
from xero_integration.models import XeroConnection, XeroPulledBill
from xero_integration.services.publishing import tenant_publish
from xero_integration.services.pulling import bills_pull

pytestmark = pytest.mark.django_db(transaction=True)


def _pull(organisation, capture):
    with capture(execute=False):
        return bills_pull(organisation_id=organisation.pk)


def test_a_bill_awaiting_approval_in_xero_becomes_a_request_with_its_lines_and_original(
        connected_organisation, xero, django_capture_on_commit_callbacks):
    bill = xero.submit_bill(number="DX-1001", amount="100.00")

    result = _pull(connected_organisation, django_capture_on_commit_callbacks)

    assert result.created == 1 and result.problems == []
    request = pulled_request(bill["InvoiceID"])
    assert request.state == ApprovalRequest.State.ON_APPROVAL
    assert (request.supplier_name, request.invoice_number, str(request.total), request.currency) == (
        "Acme Supplies Ltd", "DX-1001", "120.00", "GBP")
    assert request.supplier.external_id == bill["Contact"]["ContactID"]
    assert str(request.due_date) == "2026-12-20"
    [line] = request.current_lines().select_related("account", "tax_rate")
    assert (line.description, line.account.code, line.tax_rate.tax_type, str(line.line_amount), str(line.tax_amount)) \
        == ("Printer paper", "429", "INPUT2", "100.00", "20.00")
    assert [(o.category.name, o.name) for o in line.tracking.all()] == [("Region", "North")]
    document = request.current_document()
    assert document.filename == "DX-1001.pdf" and document.file.read() == MINIMAL_PDF
    assert request.source_system == "xero" and bill["InvoiceID"] in request.source_url
    assert "shortcode=" in request.source_url
    submitted = request.audit_events.get(action=AuditEvent.Action.SUBMITTED)
    assert submitted.actor_label.startswith("ApprovalMax (API) (in Xero), requester from Xero")
    assert request.assignments.filter(revision=1).exists()


def test_a_pull_when_nothing_changed_costs_one_call_and_makes_nothing(
        connected_organisation, xero, django_capture_on_commit_callbacks):
    xero.submit_bill()
    _pull(connected_organisation, django_capture_on_commit_callbacks)

    again = _pull(connected_organisation, django_capture_on_commit_callbacks)

    assert (again.calls, again.created, again.revised) == (1, 0, 0)
    assert ApprovalRequest.objects.filter(organisation=connected_organisation).count() == 1


def test_the_first_pull_reads_only_bills_awaiting_approval_and_later_ones_every_change(
        connected_organisation, xero, django_capture_on_commit_callbacks):
    xero.submit_bill(number="DRAFT-1", status="DRAFT")
    xero.submit_bill(number="AUTH-1", status="AUTHORISED")
    _pull(connected_organisation, django_capture_on_commit_callbacks)
    assert not ApprovalRequest.objects.filter(organisation=connected_organisation).exists()

    later = xero.submit_bill(number="DX-2")
    _pull(connected_organisation, django_capture_on_commit_callbacks)

    assert list(ApprovalRequest.objects.filter(organisation=connected_organisation)
                .values_list("invoice_number", flat=True)) == ["DX-2"]
    assert pulled_request(later["InvoiceID"]).invoice_number == "DX-2"


def test_bills_our_publisher_created_are_never_pulled_back(
        connected_organisation, settings, xero, django_capture_on_commit_callbacks):
    published = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    tenant_publish(organisation_id=connected_organisation.pk)
    published.refresh_from_db()
    # Even moved back to awaiting approval in Xero, it is ours: its Url is our request page.
    xero.change(published.external_id, Status="VOIDED")
    foreign_looking = xero.submit_bill(number="OURS-2", url=request_page_url(request=published))

    _pull(connected_organisation, django_capture_on_commit_callbacks)

    assert ApprovalRequest.objects.filter(organisation=connected_organisation).count() == 1
    assert not XeroPulledBill.objects.filter(invoice_id=foreign_looking["InvoiceID"]).exists()


def test_a_bill_coded_with_master_data_synced_since_is_pulled_after_a_sync(
        connected_organisation, xero, django_capture_on_commit_callbacks):
    bill = xero.submit_bill(supplier="A Supplier Made In Xero Today")

    _pull(connected_organisation, django_capture_on_commit_callbacks)

    request = pulled_request(bill["InvoiceID"])
    assert request.supplier.name == "A Supplier Made In Xero Today"
    assert XeroConnection.objects.get(organisation=connected_organisation).pull_problem == ""


def test_a_bill_that_cannot_be_coded_here_waits_and_says_why(
        connected_organisation, xero, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from approvalmax.core.models import MasterDataList, MasterDataListState, TrackingOption

    bill = xero.submit_bill(number="DX-LATER")
    # Our copy lost the option, and as far as the sync knows the list is up to date (its
    # If-Modified-Since is in whole seconds: a seed of the same second would be read again).
    TrackingOption.objects.filter(category__organisation=connected_organisation, name="North").update(name="Gone")
    MasterDataListState.objects.filter(organisation=connected_organisation, name=MasterDataList.TRACKING_CATEGORIES) \
        .update(synced_at=timezone.now() + timedelta(minutes=5))

    result = _pull(connected_organisation, django_capture_on_commit_callbacks)

    connection = XeroConnection.objects.get(organisation=connected_organisation)
    assert result.created == 0
    assert "DX-LATER" in connection.pull_problem and "tracking Region: North" in connection.pull_problem
    assert connection.pull_retry_ids == [bill["InvoiceID"]]

    TrackingOption.objects.filter(category__organisation=connected_organisation, name="Gone").update(name="North")
    _pull(connected_organisation, django_capture_on_commit_callbacks)

    assert pulled_request(bill["InvoiceID"]).invoice_number == "DX-LATER"
    assert XeroConnection.objects.get(organisation=connected_organisation).pull_retry_ids == []


def test_nothing_is_pulled_when_the_organisation_turned_it_off(
        connected_organisation, xero, django_capture_on_commit_callbacks):
    XeroConnection.objects.filter(organisation=connected_organisation).update(pull_bills=False)
    xero.submit_bill()

    result = _pull(connected_organisation, django_capture_on_commit_callbacks)

    assert result.calls == 0
    assert not ApprovalRequest.objects.filter(organisation=connected_organisation).exists()


def test_a_bill_pulled_before_dext_attached_its_original_gets_it_at_the_next_pull(
        connected_organisation, xero, pull):
    import requests

    bill = xero.submit_bill(number="DX-LATE", document=None)
    assert pull().without_document == [bill["InvoiceID"]]
    request = pulled_request(bill["InvoiceID"])
    assert request.current_document() is None
    requests.put(f"{xero.api}/Invoices/{bill['InvoiceID']}/Attachments/DX-LATE.pdf", data=MINIMAL_PDF, timeout=10,
                 headers={**xero.headers, "Content-Type": "application/pdf"}).raise_for_status()

    assert pull().without_document == []

    assert request.current_document().file.read() == MINIMAL_PDF
    assert pull().calls == 1
