"""Xero's arithmetic: line amounts and tax rounded per line to 2 places, then summed."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
EXCLUSIVE, INCLUSIVE, NO_TAX = "Exclusive", "Inclusive", "NoTax"
LINE_AMOUNT_TYPES = (EXCLUSIVE, INCLUSIVE, NO_TAX)


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_amount: Decimal) -> Decimal:
    return to_cents(quantity * unit_amount)


def line_tax(amount: Decimal, rate_percent: Decimal, line_amount_types: str) -> Decimal:
    rate = rate_percent / 100
    if line_amount_types == EXCLUSIVE:
        return to_cents(amount * rate)
    if line_amount_types == INCLUSIVE:
        return to_cents(amount - amount / (1 + rate))
    return Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    sub_total: Decimal
    total_tax: Decimal
    total: Decimal


def document_totals(lines: list[tuple[Decimal, Decimal]], line_amount_types: str) -> Totals:
    """`lines` are (line amount, tax amount); inclusive line amounts already contain their tax."""
    amounts = sum((amount for amount, _ in lines), Decimal("0.00"))
    tax = sum((tax for _, tax in lines), Decimal("0.00"))
    if line_amount_types == INCLUSIVE:
        return Totals(sub_total=amounts - tax, total_tax=tax, total=amounts)
    return Totals(sub_total=amounts, total_tax=tax, total=amounts + tax)
