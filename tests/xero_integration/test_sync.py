"""The master-data sync against the sandbox: what it records, what it announces, what it costs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from approvalmax.core.models import Account, MasterDataList, MasterDataListState, Supplier
from approvalmax.core.signals import master_data_changed
from xero_integration import client as xero_client
from xero_integration.models import XeroConnection
from xero_integration.sandbox import models as sandbox
from xero_integration.services.sync import master_data_sync

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def announcements():
    received = []

    def listener(sender, organisation_id, lists, **kwargs):
        received.append((organisation_id, set(lists)))

    master_data_changed.connect(listener, dispatch_uid="test-sync-listener")
    yield received
    master_data_changed.disconnect(dispatch_uid="test-sync-listener")


@pytest.fixture
def calls(monkeypatch):
    """The requests our client sends, as (method, path) pairs."""
    sent = []
    original = xero_client._send

    def counting(session, method, url, **kwargs):
        sent.append((method, url.rsplit("/", 1)[-1]))
        return original(session, method, url, **kwargs)

    monkeypatch.setattr(xero_client, "_send", counting)
    return sent


def _states(organisation) -> dict:
    return {s.name: s for s in MasterDataListState.objects.filter(organisation=organisation)}


def _touch(queryset, **fields) -> None:
    """Change sandbox rows as Xero would, moving their UpdatedDateUTC past the last sync."""
    queryset.update(updated_at=timezone.now() + timedelta(seconds=2), **fields)


def test_the_first_sync_records_every_list_as_synced_and_changed(connected_organisation):
    states = _states(connected_organisation)
    assert set(states) == set(MasterDataList.values)
    assert all(s.synced_at and s.changed_at for s in states.values())


def test_an_incremental_sync_with_nothing_changed_costs_one_call_per_list_and_announces_nothing(  # and one for bills
        connected_organisation, calls, announcements):
    before = _states(connected_organisation)

    changed = master_data_sync(organisation_id=connected_organisation.pk, incremental=True)

    assert changed == set()
    assert announcements == []
    assert sorted(path.split("?")[0] for _, path in calls) == [
        "Accounts", "Contacts", "Currencies", "Invoices", "Organisation", "TaxRates", "TrackingCategories"]
    after = _states(connected_organisation)
    for name in MasterDataList.values:
        assert after[name].synced_at > before[name].synced_at
        assert after[name].changed_at == before[name].changed_at


def test_an_archived_contact_is_seen_by_an_incremental_sync_and_announced(
        connected_organisation, announcements):
    before = _states(connected_organisation)
    _touch(sandbox.Contact.objects.filter(name="Acme Supplies Ltd"), status="ARCHIVED")

    changed = master_data_sync(organisation_id=connected_organisation.pk, incremental=True)

    assert changed == {"suppliers"}
    assert announcements == [(connected_organisation.pk, {"suppliers"})]
    assert Supplier.objects.get(organisation=connected_organisation, name="Acme Supplies Ltd").status == "ARCHIVED"
    after = _states(connected_organisation)
    assert after["suppliers"].changed_at > before["suppliers"].changed_at
    assert after["accounts"].changed_at == before["accounts"].changed_at


def test_an_archived_bank_account_changes_both_account_lists(connected_organisation, announcements):
    _touch(sandbox.Account.objects.filter(code="090"), status="ARCHIVED")

    changed = master_data_sync(organisation_id=connected_organisation.pk, incremental=True)

    assert changed == {"accounts", "bank-accounts"}
    assert announcements == [(connected_organisation.pk, {"accounts", "bank-accounts"})]
    assert Account.objects.get(organisation=connected_organisation, code="090").status == "ARCHIVED"


def test_an_expense_account_change_does_not_touch_the_bank_accounts_list(connected_organisation, announcements):
    _touch(sandbox.Account.objects.filter(code="429"), name="Office supplies")

    assert master_data_sync(organisation_id=connected_organisation.pk, incremental=True) == {"accounts"}


def test_the_organisations_lock_dates_and_time_zone_are_kept_on_the_connection(connected_organisation):
    sandbox.Organisation.objects.update(period_lock_date=date(2026, 3, 31), end_of_year_lock_date=date(2025, 3, 31))

    master_data_sync(organisation_id=connected_organisation.pk, incremental=True)

    connection = XeroConnection.objects.get(organisation=connected_organisation)
    assert connection.period_lock_date == date(2026, 3, 31)
    assert connection.end_of_year_lock_date == date(2025, 3, 31)
    assert connection.xero_timezone == "GMTSTANDARDTIME"
    assert "GBP" in connection.currencies and "EUR" in connection.currencies
