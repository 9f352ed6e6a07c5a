"""A bill entered in QuickBooks Online itself is a possible duplicate of a new request; bills
published from here are not counted twice."""

import pytest

from approvalmax.core.models import AccountingBill
from quickbooks_integration.sandbox import store
from quickbooks_integration.sandbox.models import Company
from quickbooks_integration.services.sync import master_data_sync
from tests.builders import bill_content, pdf_document
from tests.quickbooks_integration.test_publishing import _rows, approved, publish_until_done, synced  # noqa: F401
from workflows import services
from workflows.duplicates import possible_duplicates

pytestmark = pytest.mark.django_db(transaction=True)


def _typed_in_quickbooks(company) -> dict:
    """Acme's bill INV-4411, typed into QBO by someone, as the stand-in keeps it."""
    acme = next(v for v in store.of_kind(company, "Vendor") if v["DisplayName"] == "Acme Supplies Ltd")
    return store.create(company, "Bill", {"VendorRef": {"value": acme["Id"], "name": acme["DisplayName"]},
                                          "DocNumber": "INV-4411", "TxnDate": "2026-10-30", "TotalAmt": 54.0,
                                          "Balance": 54.0, "CurrencyRef": {"value": "GBP"}, "Line": []})


def test_a_bill_entered_in_quickbooks_is_caught(synced):  # noqa: F811
    company = Company.objects.get()
    typed = _typed_in_quickbooks(company)
    master_data_sync(organisation_id=synced.organisation_id, incremental=True)

    request = services.request_create(organisation=synced.organisation, content=bill_content(_rows(synced.organisation)),
                                      document=pdf_document())

    [duplicate] = possible_duplicates(request)
    assert duplicate.bill.external_id == typed["Id"] and "already in QuickBooks Online, open" in duplicate.describe()


def test_our_own_bills_are_marked_as_from_here(synced):  # noqa: F811
    approved(synced.organisation)
    publish_until_done(synced.organisation_id)

    master_data_sync(organisation_id=synced.organisation_id, incremental=True)

    assert AccountingBill.objects.get().from_here is True


def test_a_bill_deleted_in_quickbooks_leaves_the_mirror_and_is_no_longer_a_duplicate(synced):  # noqa: F811
    company = Company.objects.get()
    typed = _typed_in_quickbooks(company)
    master_data_sync(organisation_id=synced.organisation_id, incremental=True)
    assert AccountingBill.objects.filter(external_id=typed["Id"]).exists()

    store.delete(company, "Bill", typed["Id"], typed["SyncToken"])
    master_data_sync(organisation_id=synced.organisation_id, incremental=True)

    assert not AccountingBill.objects.filter(external_id=typed["Id"]).exists()
    request = services.request_create(organisation=synced.organisation, content=bill_content(_rows(synced.organisation)),
                                      document=pdf_document())
    assert possible_duplicates(request) == []
