"""Mirror Xero's master data into the core models that requests are coded with."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvalmax.core.models import (
    Account,
    MasterDataStatus,
    Organisation,
    Supplier,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)
from xero_integration.models import XeroConnection
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


def _status(value: str | None) -> str:
    return value if value in MasterDataStatus.values else MasterDataStatus.ARCHIVED


def _sync_contacts(organisation: Organisation, contacts: list[dict]) -> None:
    for contact in contacts:
        Supplier.objects.update_or_create(
            organisation=organisation,
            xero_contact_id=contact["ContactID"],
            defaults={"name": contact.get("Name", ""), "is_supplier": bool(contact.get("IsSupplier")),
                      "email": contact.get("EmailAddress") or "", "status": _status(contact.get("ContactStatus"))},
        )


def _sync_accounts(organisation: Organisation, accounts: list[dict]) -> None:
    for account in accounts:
        Account.objects.update_or_create(
            organisation=organisation,
            xero_account_id=account["AccountID"],
            defaults={"code": account.get("Code") or "", "name": account.get("Name", ""),
                      "type": account.get("Type", ""), "tax_type": account.get("TaxType") or "",
                      "enable_payments": bool(account.get("EnablePaymentsToAccount")),
                      "bank_account_number": account.get("BankAccountNumber") or "",
                      "currency": account.get("CurrencyCode") or "", "status": _status(account.get("Status"))},
        )


def _sync_tax_rates(organisation: Organisation, rates: list[dict]) -> None:
    for rate in rates:
        TaxRate.objects.update_or_create(
            organisation=organisation,
            tax_type=rate["TaxType"],
            defaults={"name": rate.get("Name", ""), "status": _status(rate.get("Status")),
                      "can_apply_to_expenses": bool(rate.get("CanApplyToExpenses", True)),
                      "effective_rate": Decimal(str(rate.get("EffectiveRate") or 0))},
        )


def _sync_tracking(organisation: Organisation, categories: list[dict]) -> None:
    for category in categories:
        row, _ = TrackingCategory.objects.update_or_create(
            organisation=organisation,
            xero_tracking_category_id=category["TrackingCategoryID"],
            defaults={"name": category.get("Name", ""), "status": _status(category.get("Status"))},
        )
        for option in category.get("Options") or []:
            TrackingOption.objects.update_or_create(
                category=row,
                xero_tracking_option_id=option["TrackingOptionID"],
                defaults={"name": option.get("Name", ""), "status": _status(option.get("Status"))},
            )


def master_data_sync(*, organisation_id: int) -> None:
    """A full sync: the organisation's details, then every list. Safe to run again."""
    client, connection = accounting_for(organisation_id=organisation_id)
    details = client.organisation()
    lists = {
        "contacts": client.contacts(),
        "accounts": client.accounts(),
        "tax_rates": client.tax_rates(),
        "tracking": client.tracking_categories(),
    }
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        organisation.base_currency = details.get("BaseCurrency") or organisation.base_currency
        organisation.save(update_fields=["base_currency"])
        _sync_contacts(organisation, lists["contacts"])
        _sync_accounts(organisation, lists["accounts"])
        _sync_tax_rates(organisation, lists["tax_rates"])
        _sync_tracking(organisation, lists["tracking"])
        XeroConnection.objects.filter(pk=connection.pk).update(
            short_code=details.get("ShortCode") or connection.short_code, last_synced_at=timezone.now(), problem=""
        )
