import datetime
from decimal import Decimal

from dext_integration.sandbox.cost_items import build_item, compute_totals, form_initial


def line(quantity, unit_amount, tax_type="INPUT2", **extra):
    return {
        "description": "Item",
        "quantity": Decimal(quantity),
        "unit_amount": Decimal(unit_amount),
        "account_code": "429",
        "tax_type": tax_type,
        **extra,
    }


EXAMPLE_DATA = {
    "dext_id": "CI-000123",
    "type": "invoice",
    "publish_to": "bill",
    "supplier_name": "Acme Supplies Ltd",
    "invoice_number": "INV-4411",
    "date": datetime.date(2026, 11, 2),
    "due_date": datetime.date(2026, 12, 2),
    "currency": "GBP",
    "line_amount_types": "Exclusive",
    "paid": False,
    "payment_method_name": "Company card",
    "bank_account_code": "090",
    "owner_name": "Sam Taylor",
    "owner_email": "sam@example.com",
    "tax_total_override": None,
    "total_override": None,
}
EXAMPLE_LINES = [
    {**line("10", "4.50"), "description": "Printer paper", "tracking_region": "North", "tracking_department": ""}
]


def test_tax_is_rounded_per_line_before_summing():
    # Each line: 0.125 → 0.13, tax 0.026 → 0.03. Rounding once at the end would give 0.05 tax.
    tax_total, total = compute_totals([line("1", "0.125"), line("1", "0.125")], "Exclusive")

    assert (tax_total, total) == (Decimal("0.06"), Decimal("0.32"))


def test_inclusive_amounts_already_contain_the_tax():
    tax_total, total = compute_totals([line("1", "10.00"), line("2", "2.50", "ZERORATEDINPUT")], "Inclusive")

    assert (tax_total, total) == (Decimal("1.67"), Decimal("15.00"))


def test_no_tax_and_unknown_tax_types_add_no_tax():
    assert compute_totals([line("3", "3.333")], "NoTax") == (Decimal("0.00"), Decimal("10.00"))
    assert compute_totals([line("1", "8.00", "BOGUS")], "Exclusive") == (Decimal("0.00"), Decimal("8.00"))


def test_item_is_the_interface_example():
    item = build_item(EXAMPLE_DATA, EXAMPLE_LINES, document_url="https://app.dext.example/costs/CI-000123")

    assert item == {
        "dext_id": "CI-000123",
        "type": "invoice",
        "publish_to": "bill",
        "supplier": {"name": "Acme Supplies Ltd", "xero_contact_id": None},
        "invoice_number": "INV-4411",
        "date": "2026-11-02",
        "due_date": "2026-12-02",
        "currency": "GBP",
        "line_amount_types": "Exclusive",
        "line_items": [
            {
                "description": "Printer paper",
                "quantity": "10",
                "unit_amount": "4.50",
                "account_code": "429",
                "tax_type": "INPUT2",
                "tracking": [{"category": "Region", "option": "North"}],
            }
        ],
        "total": "54.00",
        "tax_total": "9.00",
        "paid": False,
        "payment_method": {"name": "Company card", "bank_account_code": "090"},
        "owner": {"email": "sam@example.com", "name": "Sam Taylor"},
        "document_url": "https://app.dext.example/costs/CI-000123",
    }


def test_overrides_replace_the_computed_totals_and_empty_optionals_are_null():
    data = {
        **EXAMPLE_DATA,
        "tax_total_override": Decimal("9.01"),
        "total_override": Decimal("55"),
        "payment_method_name": "",
        "owner_name": "",
        "owner_email": "",
        "invoice_number": "",
        "due_date": None,
    }

    item = build_item(data, EXAMPLE_LINES, document_url="http://x/")

    assert (item["tax_total"], item["total"]) == ("9.01", "55.00")
    assert "payment_method" not in item
    assert item["owner"] is None and item["invoice_number"] is None and item["due_date"] is None


def test_a_stored_item_prefills_the_form_with_overrides_only_where_totals_disagree():
    item = build_item({**EXAMPLE_DATA, "total_override": Decimal("60.00")}, EXAMPLE_LINES, document_url="http://x/")

    initial, lines = form_initial(item)

    assert initial["supplier_name"] == "Acme Supplies Ltd"
    assert initial["date"] == datetime.date(2026, 11, 2)
    assert initial["payment_method_name"] == "Company card"
    assert (initial["tax_total_override"], initial["total_override"]) == (None, Decimal("60.00"))
    assert lines[0]["tracking_region"] == "North" and lines[0]["unit_amount"] == Decimal("4.50")
