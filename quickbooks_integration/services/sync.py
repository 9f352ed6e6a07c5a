"""Mirror QuickBooks Online's lists into the core's master data (QBO_FACTS.md, "Entities"):
vendors → suppliers, accounts (`Bank` and `Credit Card` ones pay bills), tax codes with their
purchase rates → tax rates, classes (per line) and departments (per bill) → two tracking
categories. A full sync queries every list, 1,000 rows a page; an incremental one asks CDC for
what changed since the last sync (at most 30 days back, else it reads everything). Whatever
changed is recorded in `MasterDataListState` and announced with `master_data_changed`."""

from datetime import timedelta
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
from quickbooks_integration.client import CDC_DAYS
from quickbooks_integration.models import QuickBooksConnection
from quickbooks_integration.services.bills_mirror import bills_fetch, bills_mirror
from quickbooks_integration.services.connection import accounting_for
from quickbooks_integration.system import KEY as SYSTEM

ENTITIES = ["Vendor", "Account", "TaxCode", "TaxRate", "Class", "Department"]
DELETED_SUFFIX = " (deleted)"
# QBO's account types, in the core's words (the ones Dext's lists and the pre-flight check use).
ACCOUNT_TYPES = {"Bank": "BANK", "Credit Card": "CREDITCARD", "Expense": "EXPENSE", "Other Expense": "EXPENSE",
                 "Cost of Goods Sold": "DIRECTCOSTS", "Accounts Payable": "CURRLIAB", "Fixed Asset": "FIXED",
                 "Other Current Asset": "CURRENT", "Other Current Liability": "CURRLIAB", "Income": "REVENUE",
                 "Equity": "EQUITY", "Long Term Liability": "TERMLIAB", "Other Asset": "NONCURRENT"}
# Classes code a line, departments a whole bill: each is a tracking category here.
CATEGORIES = {"Class": ("class", "Class"), "Department": ("department", "Department")}


def _status(row: dict) -> str:
    if row.get("status") == "Deleted":
        return MasterDataStatus.DELETED
    return MasterDataStatus.ACTIVE if row.get("Active", True) else MasterDataStatus.ARCHIVED


def _name(row: dict, field: str) -> str:
    name = row.get(field) or ""
    # An inactive name comes back with " (deleted)" appended; ours is the name it had.
    return name[: -len(DELETED_SUFFIX)] if name.endswith(DELETED_SUFFIX) else name


def _sync_vendors(organisation: Organisation, vendors: list[dict]) -> set[str]:
    changed = False
    for vendor in vendors:
        lookup = {"organisation": organisation, "external_system": SYSTEM, "external_id": vendor["Id"]}
        if vendor.get("status") == "Deleted":
            changed |= bool(Supplier.objects.filter(**lookup).exclude(status=MasterDataStatus.DELETED)
                            .update(status=MasterDataStatus.DELETED))
            continue
        _, updated = upsert(Supplier, lookup, {
            "name": _name(vendor, "DisplayName"), "is_supplier": True,
            "email": (vendor.get("PrimaryEmailAddr") or {}).get("Address", ""), "status": _status(vendor)})
        changed |= updated
    return {MasterDataList.SUPPLIERS} if changed else set()


def _sync_accounts(organisation: Organisation, accounts: list[dict]) -> set[str]:
    changed = set()
    for account in accounts:
        lookup = {"organisation": organisation, "external_system": SYSTEM, "external_id": account["Id"]}
        if account.get("status") == "Deleted":
            if Account.objects.filter(**lookup).exclude(status=MasterDataStatus.DELETED).update(
                    status=MasterDataStatus.DELETED):
                changed |= {MasterDataList.ACCOUNTS, MasterDataList.BANK_ACCOUNTS}
            continue
        before = Account.objects.filter(**lookup).first()
        kind = ACCOUNT_TYPES.get(account.get("AccountType", ""), "OTHER")
        row, updated = upsert(Account, lookup, {
            # Dext codes lines by account code: the account number, or QBO's id where it has none.
            "code": (account.get("AcctNum") or account["Id"])[:10], "name": _name(account, "Name"), "type": kind,
            "tax_type": (account.get("TaxCodeRef") or {}).get("value", ""),
            "enable_payments": kind == "CREDITCARD", "bank_account_number": "",
            "currency": (account.get("CurrencyRef") or {}).get("value", ""), "status": _status(account)})
        if updated:
            changed.add(MasterDataList.ACCOUNTS)
            if row.accepts_payments or (before is not None and before.accepts_payments):
                changed.add(MasterDataList.BANK_ACCOUNTS)
    return changed


def _purchase_rate(code: dict, rates: dict[str, dict]) -> Decimal:
    details = (code.get("PurchaseTaxRateList") or {}).get("TaxRateDetail") or []
    return sum((Decimal(str(rates.get(d["TaxRateRef"]["value"], {}).get("RateValue", 0))) for d in details),
               Decimal(0)).quantize(Decimal("0.0001"))


def _sync_tax_codes(organisation: Organisation, codes: list[dict], rates: dict[str, dict]) -> set[str]:
    changed = False
    for code in codes:
        lookup = {"organisation": organisation, "external_system": SYSTEM, "tax_type": code["Id"]}
        purchases = (code.get("PurchaseTaxRateList") or {}).get("TaxRateDetail") or []
        _, updated = upsert(TaxRate, lookup, {
            "name": _name(code, "Name"), "status": _status(code),
            # A code for purchases names a purchase rate; one that taxes nothing suits purchases too.
            "can_apply_to_expenses": bool(purchases) or not code.get("Taxable", False),
            "effective_rate": _purchase_rate(code, rates)})
        changed |= updated
    return {MasterDataList.TAX_RATES} if changed else set()


def _sync_category(organisation: Organisation, entity: str, rows: list[dict]) -> bool:
    external_id, name = CATEGORIES[entity]
    category, changed = upsert(TrackingCategory, {"organisation": organisation, "external_system": SYSTEM,
                                                  "external_id": external_id},
                               {"name": name, "status": MasterDataStatus.ACTIVE})
    for row in rows:
        _, updated = upsert(TrackingOption, {"category": category, "external_id": row["Id"]},
                            {"name": _name(row, "FullyQualifiedName") or _name(row, "Name"), "status": _status(row)})
        changed |= updated
    return changed


def _since(organisation_id: int) -> dict:
    return dict(MasterDataListState.objects.filter(organisation_id=organisation_id).values_list("name", "synced_at"))


def _fetch(client, *, since) -> dict[str, list[dict]]:
    if since is not None and since > timezone.now() - timedelta(days=CDC_DAYS):
        return client.changes(ENTITIES, since)
    # Inactive rows too, so that what was made inactive in QBO is archived here.
    return {entity: client.query_all(entity, "Active in (true, false)") for entity in ENTITIES}


def master_data_sync(*, organisation_id: int, incremental: bool = False) -> set[str]:
    """Every list, in full or what changed since the last sync. Safe to run again. Returns the lists that changed."""
    client, connection = accounting_for(organisation_id=organisation_id)
    started_at = timezone.now()
    synced = [_since(organisation_id).get(name) for name in MasterDataList.values]
    fetched = _fetch(client, since=min(synced) if incremental and all(synced) else None)
    rates = {rate["Id"]: rate for rate in (fetched["TaxRate"] if not incremental
                                           else client.query_all("TaxRate", "Active in (true, false)"))}
    bills, deleted_bills = bills_fetch(client, connection.bills_synced_at)
    currency = client.preferences().get("CurrencyPrefs", {})
    home = (currency.get("HomeCurrency") or {}).get("value") or connection.home_currency
    # With multicurrency on, QBO takes any currency it knows: the list is left empty (not checked).
    currencies = [] if currency.get("MultiCurrencyEnabled") or not home else [home]
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        if home:
            organisation.base_currency = home
            organisation.save(update_fields=["base_currency"])
        changed = (_sync_vendors(organisation, fetched["Vendor"]) | _sync_accounts(organisation, fetched["Account"])
                   | _sync_tax_codes(organisation, fetched["TaxCode"], rates))
        if _sync_category(organisation, "Class", fetched["Class"]) | _sync_category(
                organisation, "Department", fetched["Department"]):
            changed.add(MasterDataList.TRACKING_CATEGORIES)
        bills_mirror(organisation, bills, deleted_bills)
        for name in MasterDataList.values:
            state, _ = MasterDataListState.objects.get_or_create(organisation=organisation, name=name)
            state.synced_at = started_at
            if name in changed:
                state.changed_at = started_at
            state.save(update_fields=["synced_at", "changed_at"])
        QuickBooksConnection.objects.filter(pk=connection.pk).update(
            home_currency=home or "", currencies=currencies, last_synced_at=timezone.now(), problem="",
            bills_synced_at=started_at)
        if changed:
            send_on_commit(master_data_changed, QuickBooksConnection, organisation_id=organisation_id,
                           lists={str(name) for name in changed})
    return {str(name) for name in changed}
