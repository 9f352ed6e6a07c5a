"""QuickBooks Online's recent bills mirrored for the duplicate check: every bill changed since the
last sync (the last 90 days the first time). QBO deletes rather than voids bills, and only change
data capture tells of a deleted one: within its reach (30 days) the sync reads CDC, so that a bill
deleted there leaves the mirror; beyond it, or when CDC's answer is full, a query."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from approvalmax.core.models import AccountingBill, Organisation, Supplier
from quickbooks_integration.client import CDC_DAYS, CDC_MAX_OBJECTS, deep_link
from quickbooks_integration.system import KEY as SYSTEM

FIRST_LOOK_BACK = timedelta(days=90)


def bills_fetch(client, last_synced_at) -> tuple[list[dict], list[str]]:
    """The bills changed since the last sync, and the ids of those deleted since. One call when
    nothing changed."""
    deleted = []
    if last_synced_at is not None and last_synced_at > timezone.now() - timedelta(days=CDC_DAYS):
        changed = client.changes(["Bill"], last_synced_at)["Bill"]
        deleted = [str(bill["Id"]) for bill in changed if bill.get("status") == "Deleted"]
        if len(changed) < CDC_MAX_OBJECTS:
            return [bill for bill in changed if bill.get("status") != "Deleted"], deleted
    since = (last_synced_at or timezone.now() - FIRST_LOOK_BACK).isoformat(timespec="seconds")
    return client.query_all("Bill", f"MetaData.LastUpdatedTime > '{since}'"), deleted


def bills_mirror(organisation: Organisation, bills: list[dict], deleted: list[str] = ()) -> int:
    AccountingBill.objects.filter(organisation=organisation, external_system=SYSTEM, external_id__in=deleted).delete()
    vendors = {(b.get("VendorRef") or {}).get("value") for b in bills}
    suppliers = dict(Supplier.objects.filter(organisation=organisation, external_system=SYSTEM,
                                             external_id__in=vendors - {None}).values_list("external_id", "pk"))
    ours = settings.PUBLIC_BASE_URL.rstrip("/") + "/"
    for bill in bills:
        vendor = bill.get("VendorRef") or {}
        AccountingBill.objects.update_or_create(
            organisation=organisation, external_system=SYSTEM, external_id=str(bill["Id"]),
            defaults={"supplier_id": suppliers.get(vendor.get("value")), "supplier_name": vendor.get("name", ""),
                      "number": bill.get("DocNumber") or "", "total": Decimal(str(bill.get("TotalAmt") or 0)),
                      "date": bill.get("TxnDate") or timezone.localdate(),
                      "currency": (bill.get("CurrencyRef") or {}).get("value") or organisation.base_currency,
                      "status": "Paid" if Decimal(str(bill.get("Balance", 1))) == 0 else "Open",
                      "url": deep_link(entity="Bill", entity_id=str(bill["Id"])),
                      # Our publisher keeps our request's address in PrivateNote.
                      "from_here": ours in (bill.get("PrivateNote") or "")})
    return len(bills)
