"""QuickBooks Online's lists become the core's master data: in full, and by CDC since the last sync."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvalmax.core.models import Account, MasterDataListState, Supplier, TaxRate, TrackingCategory
from quickbooks_integration.sandbox import store
from quickbooks_integration.sandbox.models import Company, Entity
from quickbooks_integration.services.sync import master_data_sync

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_full_sync_maps_every_list(quickbooks_connected):
    changed = master_data_sync(organisation_id=quickbooks_connected.organisation_id)

    assert changed == {"suppliers", "accounts", "tax-rates", "tracking-categories", "bank-accounts"}
    organisation = quickbooks_connected.organisation
    assert sorted(Supplier.objects.filter(organisation=organisation, external_system="quickbooks")
                  .values_list("name", flat=True)) == ["Acme Supplies Ltd", "Northern Rail", "Stationery Direct"]
    accounts = {a.code: a for a in Account.objects.filter(organisation=organisation, external_system="quickbooks")}
    assert accounts["090"].type == "BANK" and accounts["090"].accepts_payments
    assert accounts["091"].type == "CREDITCARD" and accounts["091"].accepts_payments
    assert accounts["429"].type == "EXPENSE" and not accounts["429"].accepts_payments
    rates = {r.name: r for r in TaxRate.objects.filter(organisation=organisation, external_system="quickbooks")}
    assert rates["20.0% S"].effective_rate == 20 and rates["20.0% S"].can_apply_to_expenses
    assert rates["No VAT"].effective_rate == 0 and rates["No VAT"].can_apply_to_expenses
    categories = {c.name: sorted(c.options.values_list("name", flat=True))
                  for c in TrackingCategory.objects.filter(organisation=organisation)}
    assert categories == {"Class": ["Consulting", "Training"], "Department": ["London", "Manchester"]}
    assert organisation.base_currency == "GBP"
    assert MasterDataListState.objects.filter(organisation=organisation, synced_at__isnull=False).count() == 5


def test_an_incremental_sync_takes_what_changed_from_cdc(quickbooks_connected):
    master_data_sync(organisation_id=quickbooks_connected.organisation_id)
    company = Company.objects.get()
    store.create(company, "Vendor", {"DisplayName": "Brand New Ltd", "Active": True})
    rail = Entity.objects.get(kind="Vendor", data__DisplayName="Northern Rail")
    store.save(company, "Vendor", {**rail.data, "Active": False, "DisplayName": "Northern Rail (deleted)"})

    changed = master_data_sync(organisation_id=quickbooks_connected.organisation_id, incremental=True)

    assert changed == {"suppliers"}
    organisation = quickbooks_connected.organisation
    suppliers = dict(Supplier.objects.filter(organisation=organisation).values_list("name", "status"))
    assert suppliers["Brand New Ltd"] == "ACTIVE" and suppliers["Northern Rail"] == "ARCHIVED"


def test_a_sync_older_than_cdcs_reach_reads_everything_again(quickbooks_connected):
    master_data_sync(organisation_id=quickbooks_connected.organisation_id)
    MasterDataListState.objects.update(synced_at=timezone.now() - timedelta(days=40))
    Supplier.objects.filter(name="Acme Supplies Ltd").delete()

    master_data_sync(organisation_id=quickbooks_connected.organisation_id, incremental=True)

    assert Supplier.objects.filter(name="Acme Supplies Ltd", external_system="quickbooks").exists()
