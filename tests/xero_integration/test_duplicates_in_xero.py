"""A bill already in Xero, however it got there, is a possible duplicate of a new request: the
sync mirrors Xero's recent supplier bills, and bills published from here are not counted twice."""

from decimal import Decimal

import pytest

from approvalmax.core.models import AccountingBill
from tests.xero_integration.helpers import approved_request, synced_bill_content
from tests.builders import pdf_document
from workflows import services as workflow_services
from workflows.duplicates import possible_duplicates
from xero_integration.sandbox.models import Contact, Invoice
from xero_integration.services.publishing import tenant_publish
from xero_integration.services.sync import master_data_sync

pytestmark = pytest.mark.django_db(transaction=True)


def _typed_in_xero(status="AUTHORISED", number="INV-0042"):
    """A bill someone entered in Xero itself (or Dext published there directly)."""
    acme = Contact.objects.get(name="Acme Supplies Ltd")
    return Invoice.objects.create(organisation=acme.organisation, type="ACCPAY", contact=acme, invoice_number=number,
                                  date="2026-11-01", status=status, line_amount_types="Exclusive",
                                  currency_code="GBP", sub_total=Decimal("45.00"), total_tax=Decimal("9.00"),
                                  total=Decimal("54.00"), amount_due=Decimal("54.00"))


def test_a_bill_typed_into_xero_is_caught_and_linked(connected_organisation):
    typed = _typed_in_xero()
    master_data_sync(organisation_id=connected_organisation.pk, incremental=True)

    request = workflow_services.request_create(
        organisation=connected_organisation, content=synced_bill_content(connected_organisation, invoice_number="inv 42"),
        document=pdf_document())

    [duplicate] = possible_duplicates(request)
    assert duplicate.bill.external_id == str(typed.invoice_id)
    assert duplicate.reasons == ["the same supplier and bill number", "the same supplier and total within 7 days"]
    assert "(already in Xero, authorised)" in duplicate.describe()
    assert str(typed.invoice_id) in duplicate.url and duplicate.reference == f"xero:{typed.invoice_id}"


def test_a_voided_bill_is_forgotten(connected_organisation):
    typed = _typed_in_xero()
    master_data_sync(organisation_id=connected_organisation.pk, incremental=True)
    Invoice.objects.filter(pk=typed.pk).update(status="VOIDED")

    master_data_sync(organisation_id=connected_organisation.pk, incremental=True)

    assert not AccountingBill.objects.exists()


def test_our_own_published_bills_are_not_counted_again(connected_organisation, django_capture_on_commit_callbacks):
    approved_request(connected_organisation, django_capture_on_commit_callbacks)
    tenant_publish(organisation_id=connected_organisation.pk)
    master_data_sync(organisation_id=connected_organisation.pk, incremental=True)
    assert AccountingBill.objects.get().from_here is True

    again = workflow_services.request_create(
        organisation=connected_organisation,
        content=synced_bill_content(connected_organisation, source_reference="CI-2"), document=pdf_document())

    assert [d.other is not None for d in possible_duplicates(again)] == [True]  # the request, not its bill too
