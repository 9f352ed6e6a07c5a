"""Mirror Xero's master data into the core models that requests are coded with.

A full sync reads every list (and the organisation's settings and currencies); an incremental one sends `If-Modified-Since` (the time the list was
last synced) and so costs one call per list when nothing changed. Archivals come back as changes
because the lists are read with their archived rows. Whatever changed is recorded in
`MasterDataListState` and announced with `master_data_changed`, in the sync's transaction."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvalmax.core.mirroring import upsert
from approvalmax.core.models import (
    Account,
    MasterDataList,
    MasterDataListState,
    MasterDataStatus,
    Organisation,
    Supplier,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)
from approvalmax.core.signals import master_data_changed, send_on_commit
from xero_integration.models import XeroConnection
from xero_integration.system import KEY as SYSTEM
from xero_integration.services.bills_mirror import bills_mirror, bills_since
from xero_integration.services.connection import accounting_for

_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def parse_xero_datetime(value: str | None) -> datetime | None:
    """Xero's JSON dates look like /Date(1573755038314+0000)/."""
    if not value:
        return None
    match = _MS_DATE.match(value)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_xero_date(value: str | None) -> date | None:
    moment = parse_xero_datetime(value)
    return moment.date() if moment else None


def _status(value: str | None) -> str:
    return value if value in MasterDataStatus.values else MasterDataStatus.ARCHIVED


def _sync_contacts(organisation: Organisation, contacts: list[dict]) -> set[str]:
    changed = False
    for contact in contacts:
        _, updated = upsert(
            Supplier,
            {"organisation": organisation, "external_system": SYSTEM, "external_id": contact["ContactID"]},
            {"name": contact.get("Name", ""), "is_supplier": bool(contact.get("IsSupplier")),
             "email": contact.get("EmailAddress") or "", "status": _status(contact.get("ContactStatus"))},
        )
        changed |= updated
    return {MasterDataList.SUPPLIERS} if changed else set()


def _sync_accounts(organisation: Organisation, accounts: list[dict]) -> set[str]:
    changed = set()
    for account in accounts:
        before = Account.objects.filter(organisation=organisation, external_system=SYSTEM,
                                       external_id=account["AccountID"]).first()
        row, updated = upsert(
            Account,
            {"organisation": organisation, "external_system": SYSTEM, "external_id": account["AccountID"]},
            {"code": account.get("Code") or "", "name": account.get("Name", ""),
             "type": account.get("Type", ""), "tax_type": account.get("TaxType") or "",
             "enable_payments": bool(account.get("EnablePaymentsToAccount")),
             "bank_account_number": account.get("BankAccountNumber") or "",
             "currency": account.get("CurrencyCode") or "", "status": _status(account.get("Status"))},
        )
        if updated:
            changed.add(MasterDataList.ACCOUNTS)
            if row.accepts_payments or (before is not None and before.accepts_payments):
                changed.add(MasterDataList.BANK_ACCOUNTS)
    return changed


def _sync_tax_rates(organisation: Organisation, rates: list[dict]) -> set[str]:
    changed = False
    for rate in rates:
        _, updated = upsert(
            TaxRate,
            {"organisation": organisation, "external_system": SYSTEM, "tax_type": rate["TaxType"]},
            {"name": rate.get("Name", ""), "status": _status(rate.get("Status")),
             "can_apply_to_expenses": bool(rate.get("CanApplyToExpenses", True)),
             "effective_rate": Decimal(str(rate.get("EffectiveRate") or 0)).quantize(Decimal("0.0001"))},
        )
        changed |= updated
    return {MasterDataList.TAX_RATES} if changed else set()


def _sync_tracking(organisation: Organisation, categories: list[dict]) -> set[str]:
    changed = False
    for category in categories:
        row, updated = upsert(
            TrackingCategory,
            {"organisation": organisation, "external_system": SYSTEM,
             "external_id": category["TrackingCategoryID"]},
            {"name": category.get("Name", ""), "status": _status(category.get("Status"))},
        )
        changed |= updated
        for option in category.get("Options") or []:
            _, updated = upsert(
                TrackingOption,
                {"category": row, "external_id": option["TrackingOptionID"]},
                {"name": option.get("Name", ""), "status": _status(option.get("Status"))},
            )
            changed |= updated
    return {MasterDataList.TRACKING_CATEGORIES} if changed else set()


def _synced_since(organisation_id: int) -> dict[str, datetime | None]:
    return dict(MasterDataListState.objects.filter(organisation_id=organisation_id)
                .values_list("name", "synced_at"))


def master_data_sync(*, organisation_id: int, incremental: bool = False) -> set[str]:
    """The organisation's details, then every list. Safe to run again. Returns the lists that changed."""
    client, connection = accounting_for(organisation_id=organisation_id)
    started_at = timezone.now()
    since = _synced_since(organisation_id) if incremental else {}
    details = client.organisation()
    fetched = {
        "contacts": client.contacts(modified_since=since.get(MasterDataList.SUPPLIERS)),
        "accounts": client.accounts(modified_since=since.get(MasterDataList.ACCOUNTS)),
        "tax_rates": client.tax_rates(modified_since=since.get(MasterDataList.TAX_RATES)),
        "tracking": client.tracking_categories(modified_since=since.get(MasterDataList.TRACKING_CATEGORIES)),
        # Few and rarely changed: read whole, so that the list on the connection stays complete.
        "currencies": client.currencies(),
        # Not master data: recent supplier bills, for the duplicate check.
        "bills": client.find_invoices(modified_since=bills_since(connection.bills_synced_at)),
    }
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        organisation.base_currency = details.get("BaseCurrency") or organisation.base_currency
        organisation.save(update_fields=["base_currency"])
        changed = (_sync_contacts(organisation, fetched["contacts"])
                   | _sync_accounts(organisation, fetched["accounts"])
                   | _sync_tax_rates(organisation, fetched["tax_rates"])
                   | _sync_tracking(organisation, fetched["tracking"]))
        bills_mirror(organisation, fetched["bills"], short_code=details.get("ShortCode") or connection.short_code)
        for name in MasterDataList.values:
            state, _ = MasterDataListState.objects.get_or_create(organisation=organisation, name=name)
            state.synced_at = started_at
            if name in changed:
                state.changed_at = started_at
            state.save(update_fields=["synced_at", "changed_at"])
        XeroConnection.objects.filter(pk=connection.pk).update(
            short_code=details.get("ShortCode") or connection.short_code,
            xero_timezone=details.get("Timezone") or "",
            period_lock_date=parse_xero_date(details.get("PeriodLockDate")),
            end_of_year_lock_date=parse_xero_date(details.get("EndOfYearLockDate")),
            currencies=sorted({c["Code"] for c in fetched["currencies"] if c.get("Code")}
                              | {organisation.base_currency}),
            last_synced_at=timezone.now(), problem="", bills_synced_at=started_at,
        )
        if changed:
            send_on_commit(master_data_changed, XeroConnection, organisation_id=organisation_id,
                           lists={str(name) for name in changed})
    return {str(name) for name in changed}
