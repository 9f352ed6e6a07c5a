"""Xero's recent supplier bills mirrored for the duplicate check: every ACCPAY bill changed since
the last sync (the last 90 days the first time); deleted and voided ones are forgotten."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from approvalmax.core.models import AccountingBill, Organisation, Supplier
from xero_integration.client import deep_link_to_bill
from xero_integration.system import KEY as SYSTEM

FIRST_LOOK_BACK = timedelta(days=90)
GONE = {"DELETED", "VOIDED"}


def bills_since(last_synced_at):
    return last_synced_at or timezone.now() - FIRST_LOOK_BACK


def bills_mirror(organisation: Organisation, invoices: list[dict], *, short_code: str) -> int:
    """Record the fetched bills (in the sync's transaction). Returns how many were kept or forgotten."""
    from xero_integration.services.sync import parse_xero_date

    bills = [i for i in invoices if i.get("Type") == "ACCPAY" and i.get("InvoiceID")]
    gone = [b["InvoiceID"] for b in bills if b.get("Status") in GONE]
    AccountingBill.objects.filter(organisation=organisation, external_system=SYSTEM, external_id__in=gone).delete()
    contacts = {(b.get("Contact") or {}).get("ContactID") for b in bills}
    suppliers = dict(Supplier.objects.filter(organisation=organisation, external_system=SYSTEM,
                                             external_id__in=contacts - {None}).values_list("external_id", "pk"))
    for bill in bills:
        if bill.get("Status") in GONE:
            continue
        contact = bill.get("Contact") or {}
        AccountingBill.objects.update_or_create(
            organisation=organisation, external_system=SYSTEM, external_id=bill["InvoiceID"],
            defaults={"supplier_id": suppliers.get(contact.get("ContactID")), "supplier_name": contact.get("Name", ""),
                      "number": bill.get("InvoiceNumber") or "", "total": Decimal(str(bill.get("Total") or 0)),
                      "date": parse_xero_date(bill.get("Date")) or timezone.localdate(),
                      "currency": bill.get("CurrencyCode") or organisation.base_currency,
                      "status": bill.get("Status") or "",
                      "from_here": (bill.get("Url") or "").startswith(settings.PUBLIC_BASE_URL.rstrip("/") + "/"),
                      "url": deep_link_to_bill(short_code=short_code, invoice_id=bill["InvoiceID"])})
    return len(bills)
