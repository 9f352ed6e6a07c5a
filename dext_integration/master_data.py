"""The five master-data lists Dext codes cost items with (INTERFACES.md §3), as JSON.

One rendering serves both the feed Dext pulls and the lists pushed to Dext."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rest_framework import serializers

from approvalmax.core.models import MasterDataList, Organisation
from dext_integration import selectors

iso = serializers.DateTimeField().to_representation


def _supplier(row) -> dict:
    return {"id": row.external_id if row.external_id else None, "name": row.name,
            "email": row.email, "status": row.status, "updated_at": iso(row.updated_at)}


def _account(row) -> dict:
    return {"id": row.external_id, "code": row.code, "name": row.name, "type": row.type,
            "tax_type": row.tax_type, "status": row.status, "updated_at": iso(row.updated_at)}


def _bank_account(row) -> dict:
    return {"id": row.external_id, "code": row.code, "name": row.name, "type": row.type,
            "bank_account_number": row.bank_account_number, "currency": row.currency, "status": row.status,
            "updated_at": iso(row.updated_at)}


def _tax_rate(row) -> dict:
    return {"tax_type": row.tax_type, "name": row.name, "effective_rate": str(row.effective_rate),
            "status": row.status, "updated_at": iso(row.updated_at)}


def _tracking_category(row) -> dict:
    return {"id": row.external_id, "name": row.name, "status": row.status,
            "options": [{"id": o.external_id, "name": o.name} for o in row.active_options],
            "updated_at": iso(row.updated_at)}


@dataclass(frozen=True)
class MasterDataListSpec:
    select: Callable
    render: Callable[[object], dict]


LISTS: dict[str, MasterDataListSpec] = {
    MasterDataList.SUPPLIERS: MasterDataListSpec(selectors.suppliers_list, _supplier),
    MasterDataList.ACCOUNTS: MasterDataListSpec(selectors.accounts_list, _account),
    MasterDataList.TAX_RATES: MasterDataListSpec(selectors.tax_rates_list, _tax_rate),
    MasterDataList.TRACKING_CATEGORIES: MasterDataListSpec(selectors.tracking_categories_list, _tracking_category),
    MasterDataList.BANK_ACCOUNTS: MasterDataListSpec(selectors.bank_accounts_list, _bank_account),
}
LIST_NAMES = [str(name) for name in LISTS]


def rows_render(*, name: str, rows) -> list[dict]:
    return [LISTS[name].render(row) for row in rows]


def content_version(results: list[dict]) -> str:
    """A hash of what Dext codes items with: a sync that rewrites rows unchanged keeps it."""
    content = [{key: value for key, value in row.items() if key != "updated_at"} for row in results]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class FullList:
    name: str
    results: list[dict]
    synced_at: datetime | None

    @property
    def version(self) -> str:
        return content_version(self.results)

    def body(self) -> dict:
        """The feed's JSON for the whole list on one page, with the version Dext can compare."""
        return {"list": self.name, "results": self.results, "next": None,
                "synced_at": iso(self.synced_at) if self.synced_at else None, "version": self.version}


def full_list(*, organisation: Organisation, name: str) -> FullList:
    rows = LISTS[name].select(organisation=organisation)
    return FullList(name=name, results=rows_render(name=name, rows=rows),
                    synced_at=selectors.master_data_synced_at(organisation=organisation))
