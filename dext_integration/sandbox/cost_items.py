"""A cost item as Dext extracts it: Dext's arithmetic and the JSON it publishes (INTERFACES.md §3)."""

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The sandbox's own rate table. An unknown tax type counts as 0% here; our API refuses it.
TAX_RATES = {
    "INPUT2": Decimal("20"),
    "ZERORATEDINPUT": Decimal("0"),
    "EXEMPTINPUT": Decimal("0"),
    "NONE": Decimal("0"),
}
TRACKING_CATEGORIES = (("tracking_region", "Region"), ("tracking_department", "Department"))


def new_dext_id() -> str:
    return f"CI-{secrets.randbelow(1_000_000):06d}"


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_string(value: Decimal) -> str:
    """As typed, never in exponent form ("1E+1" would be a valid Decimal but not what Dext sends)."""
    return format(value, "f")


def line_amount(quantity: Decimal, unit_amount: Decimal) -> Decimal:
    return round_money(quantity * unit_amount)


def line_tax(amount: Decimal, tax_type: str, line_amount_types: str) -> Decimal:
    rate = TAX_RATES.get(tax_type, Decimal("0")) / Decimal(100)
    if line_amount_types == "Exclusive":
        return round_money(amount * rate)
    if line_amount_types == "Inclusive":
        return round_money(amount - amount / (1 + rate))
    return ZERO


def compute_totals(lines: list[dict[str, Any]], line_amount_types: str) -> tuple[Decimal, Decimal]:
    """(tax_total, total), with each line's amount and tax rounded to 2 places before summing."""
    amounts = [line_amount(line["quantity"], line["unit_amount"]) for line in lines]
    tax_total = sum(
        (line_tax(amount, line["tax_type"], line_amount_types) for amount, line in zip(amounts, lines)), ZERO
    )
    amount_total = sum(amounts, ZERO)
    total = amount_total if line_amount_types == "Inclusive" else amount_total + tax_total
    return tax_total, total


def build_item(data: dict[str, Any], lines: list[dict[str, Any]], document_url: str) -> dict[str, Any]:
    """The `item` part of the upload, from the publish form's cleaned data and its non-blank lines."""
    tax_total, total = compute_totals(lines, data["line_amount_types"])
    if data.get("tax_total_override") is not None:
        tax_total = data["tax_total_override"]
    if data.get("total_override") is not None:
        total = data["total_override"]
    item: dict[str, Any] = {
        "dext_id": data["dext_id"],
        "type": data["type"],
        "publish_to": data["publish_to"],
        "supplier": {"name": data["supplier_name"], "xero_contact_id": None},
        "invoice_number": data.get("invoice_number") or None,
        "date": data["date"].isoformat(),
        "due_date": data["due_date"].isoformat() if data.get("due_date") else None,
        "currency": data["currency"],
        "line_amount_types": data["line_amount_types"],
        "line_items": [_line_item(line) for line in lines],
        "total": decimal_string(round_money(total)),
        "tax_total": decimal_string(round_money(tax_total)),
        "paid": bool(data.get("paid")),
    }
    if data.get("payment_method_name"):
        item["payment_method"] = {
            "name": data["payment_method_name"],
            "bank_account_code": data.get("bank_account_code", ""),
        }
    owner_name, owner_email = data.get("owner_name", ""), data.get("owner_email", "")
    item["owner"] = {"email": owner_email, "name": owner_name} if owner_name or owner_email else None
    item["document_url"] = document_url
    return item


def _line_item(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": line["description"],
        "quantity": decimal_string(line["quantity"]),
        "unit_amount": decimal_string(line["unit_amount"]),
        "account_code": line["account_code"],
        "tax_type": line["tax_type"],
        "tracking": [
            {"category": category, "option": line[field]}
            for field, category in TRACKING_CATEGORIES
            if line.get(field)
        ],
    }


def form_initial(item: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The publish form's initial data for a stored item, so it can be edited and republished.

    The totals become overrides only where the stored ones differ from what the lines give.
    """
    lines = [
        {
            "description": line.get("description", ""),
            "quantity": Decimal(line.get("quantity") or "0"),
            "unit_amount": Decimal(line.get("unit_amount") or "0"),
            "account_code": line.get("account_code", ""),
            "tax_type": line.get("tax_type", ""),
            **{
                field: _tracking_option(line, category)
                for field, category in TRACKING_CATEGORIES
            },
        }
        for line in item.get("line_items") or []
    ]
    tax_total, total = compute_totals(lines, item.get("line_amount_types", "Exclusive"))
    payment_method = item.get("payment_method") or {}
    owner = item.get("owner") or {}
    initial = {
        "dext_id": item.get("dext_id", ""),
        "type": item.get("type"),
        "publish_to": item.get("publish_to"),
        "supplier_name": (item.get("supplier") or {}).get("name", ""),
        "invoice_number": item.get("invoice_number") or "",
        "date": _date(item.get("date")),
        "due_date": _date(item.get("due_date")),
        "currency": item.get("currency", ""),
        "line_amount_types": item.get("line_amount_types"),
        "paid": bool(item.get("paid")),
        "payment_method_name": payment_method.get("name", ""),
        "bank_account_code": payment_method.get("bank_account_code", "090"),
        "owner_name": owner.get("name", ""),
        "owner_email": owner.get("email", ""),
        "tax_total_override": _override(item.get("tax_total"), tax_total),
        "total_override": _override(item.get("total"), total),
    }
    return initial, lines


def _tracking_option(line: dict[str, Any], category: str) -> str:
    for tracking in line.get("tracking") or []:
        if tracking.get("category") == category:
            return tracking.get("option", "")
    return ""


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _override(stored: str | None, computed: Decimal) -> Decimal | None:
    if stored is None or Decimal(stored) == computed:
        return None
    return Decimal(stored)
