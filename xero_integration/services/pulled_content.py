"""A Xero bill awaiting approval in plain terms: what is compared to notice a change (`plain`,
`differences`), and what the approval engine is handed (`request_content`)."""

from datetime import date
from decimal import Decimal

from approvalmax.core.models import Account, Supplier, TaxRate, TrackingOption
from approvalmax.core.money import TaxTreatment
from workflows.content import LineContent, RequestContent
from xero_integration.system import KEY as SYSTEM

TAX_TREATMENTS = {"Exclusive": TaxTreatment.EXCLUSIVE, "Inclusive": TaxTreatment.INCLUSIVE,
                  "NoTax": TaxTreatment.NO_TAX}
# Shown in this order when they differ; lines after them, field by field.
FIELDS = [("supplier", "Supplier"), ("number", "Bill number"), ("date", "Date"), ("due_date", "Due date"),
          ("currency", "Currency"), ("amounts_are", "Amounts are"), ("total", "Total"), ("status", "Status")]
# What a bill says, as opposed to where it is (its status).
CONTENT_KEYS = ("supplier", "number", "date", "due_date", "currency", "amounts_are", "total", "lines")
LINE_FIELDS = [("description", "description"), ("quantity", "quantity"), ("unit_amount", "unit amount"),
               ("account", "account"), ("tax", "tax rate"), ("tracking", "tracking"), ("amount", "amount")]


class Unresolved(Exception):
    """The bill names master data we do not hold (yet): the message says which."""


def number_text(value) -> str:
    """Decimals as text without trailing zeros, so that 24.5 and 24.5000 compare equal."""
    amount = Decimal(str(value or 0)).normalize()
    return format(amount if amount != amount.to_integral() else amount.quantize(Decimal(1)), "f")


def plain(invoice: dict) -> dict:
    """The bill's content as compared and stored: text and numbers only, no ids or timestamps."""
    from xero_integration.services.sync import parse_xero_date

    def day(value):
        parsed = parse_xero_date(value)
        return parsed.isoformat() if parsed else ""

    return {
        "supplier": (invoice.get("Contact") or {}).get("Name", ""),
        "contact_id": (invoice.get("Contact") or {}).get("ContactID", ""),
        "number": invoice.get("InvoiceNumber") or "",
        "date": day(invoice.get("DateString") or invoice.get("Date")),
        "due_date": day(invoice.get("DueDateString") or invoice.get("DueDate")),
        "currency": invoice.get("CurrencyCode") or "",
        "amounts_are": invoice.get("LineAmountTypes") or "",
        "sub_total": number_text(invoice.get("SubTotal")),
        "tax_total": number_text(invoice.get("TotalTax")),
        "total": number_text(invoice.get("Total")),
        "status": invoice.get("Status") or "",
        "lines": [{
            "description": line.get("Description") or "",
            "quantity": number_text(line.get("Quantity")),
            "unit_amount": number_text(line.get("UnitAmount")),
            "account": line.get("AccountCode") or "",
            "tax": line.get("TaxType") or "",
            "tracking": ", ".join(sorted(f"{t.get('Name')}: {t.get('Option')}" for t in line.get("Tracking") or [])),
            "amount": number_text(line.get("LineAmount")),
            "tax_amount": number_text(line.get("TaxAmount")),
        } for line in invoice.get("LineItems") or []],
    }


def differences(before: dict, after: dict, *, with_status: bool = False) -> list[dict]:
    """Field by field, in words: [{"field", "approved", "now"}]. Status only when asked."""
    found = [{"field": label, "approved": before.get(key, ""), "now": after.get(key, "")}
             for key, label in FIELDS if (with_status or key != "status") and before.get(key) != after.get(key)]
    old, new = before.get("lines", []), after.get("lines", [])
    for index in range(max(len(old), len(new))):
        label = f"Line {index + 1}"
        if index >= len(old):
            found.append({"field": label, "approved": "", "now": _line_text(new[index])})
        elif index >= len(new):
            found.append({"field": label, "approved": _line_text(old[index]), "now": ""})
        else:
            found += [{"field": f"{label} {name}", "approved": old[index][key], "now": new[index][key]}
                      for key, name in LINE_FIELDS if old[index].get(key) != new[index].get(key)]
    return found


def content_differences(before: dict, after: dict) -> list[dict]:
    """What changed in what a bill says (not its status), field by field."""
    return differences({k: before.get(k) for k in CONTENT_KEYS}, {k: after.get(k) for k in CONTENT_KEYS})


def _line_text(line: dict) -> str:
    return f"{line['description'] or '(no description)'}, {line['amount']} to {line['account']}"


def request_content(organisation, invoice: dict, *, requester_name: str, source_url: str,
                    strip_prefix: str = "") -> RequestContent:
    """What the engine is handed for the bill, coded with our copy of Xero's master data.
    Unresolved when the bill names an account, tax rate or tracking option we do not hold."""
    lines = invoice.get("LineItems") or []
    contact = invoice.get("Contact") or {}
    supplier = Supplier.objects.filter(organisation=organisation, external_system=SYSTEM,
                                       external_id=contact.get("ContactID") or "-").first()
    accounts = {a.code: a for a in Account.objects.filter(
        organisation=organisation, external_system=SYSTEM, code__in={line.get("AccountCode") for line in lines} - {None})}
    rates = {r.tax_type: r for r in TaxRate.objects.filter(
        organisation=organisation, external_system=SYSTEM, tax_type__in={line.get("TaxType") for line in lines} - {None})}
    options = {(o.category.name, o.name): o for o in TrackingOption.objects.filter(
        category__organisation=organisation, category__external_system=SYSTEM).select_related("category")}
    missing, contents = [], []
    if supplier is None:
        missing.append(f"supplier {contact.get('Name') or contact.get('ContactID') or '(none)'}")
    for position, line in enumerate(lines, start=1):
        account = accounts.get(line.get("AccountCode"))
        if account is None:
            missing.append(f"line {position}: account {line.get('AccountCode') or '(none)'}")
        tax_rate = rates.get(line.get("TaxType")) if line.get("TaxType") else None
        if line.get("TaxType") and tax_rate is None:
            missing.append(f"line {position}: tax rate {line['TaxType']}")
        tracking = []
        for entry in line.get("Tracking") or []:
            option = options.get((entry.get("Name"), entry.get("Option")))
            if option is None:
                missing.append(f"line {position}: tracking {entry.get('Name')}: {entry.get('Option')}")
            else:
                tracking.append(option)
        contents.append(LineContent(
            description=line.get("Description") or "", quantity=Decimal(str(line.get("Quantity") or 1)),
            unit_amount=Decimal(str(line.get("UnitAmount") or 0)), account=account, tax_rate=tax_rate,
            line_amount=Decimal(str(line.get("LineAmount") or 0)), tax_amount=Decimal(str(line.get("TaxAmount") or 0)),
            tracking=tracking))
    if not lines:
        missing.append("it has no lines")
    if missing:
        raise Unresolved("Not known here yet: " + "; ".join(missing) + ".")
    shown = plain(invoice)
    number = shown["number"]
    if strip_prefix and number.startswith(strip_prefix):
        number = number[len(strip_prefix):]
    return RequestContent(
        kind="bill", supplier_name=contact.get("Name") or (supplier.name if supplier else ""), supplier=supplier,
        invoice_number=number, date=date.fromisoformat(shown["date"]),
        due_date=date.fromisoformat(shown["due_date"]) if shown["due_date"] else None,
        currency=shown["currency"] or organisation.base_currency,
        tax_treatment=TAX_TREATMENTS.get(shown["amounts_are"], TaxTreatment.EXCLUSIVE), lines=contents,
        sub_total=Decimal(shown["sub_total"]), tax_total=Decimal(shown["tax_total"]), total=Decimal(shown["total"]),
        is_paid=False, payment_method_name="", payment_account=None, source_system=SYSTEM,
        source_reference=str(invoice["InvoiceID"]), source_url=source_url, requester_name=requester_name,
        requester_email="")
