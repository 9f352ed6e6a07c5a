"""Xero's arithmetic: line amounts and tax rounded per line to 2 places, then summed."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_amount: Decimal) -> Decimal:
    return round_money(quantity * unit_amount)


def line_tax(amount: Decimal, rate_percent: Decimal, line_amount_types: str) -> Decimal:
    rate = rate_percent / Decimal(100)
    if line_amount_types == "Exclusive":
        return round_money(amount * rate)
    if line_amount_types == "Inclusive":
        return round_money(amount - amount / (1 + rate))
    return Decimal("0.00")


def bill_totals(lines: list[tuple[Decimal, Decimal]], line_amount_types: str) -> tuple[Decimal, Decimal, Decimal]:
    """(sub_total, tax_total, total) from (line_amount, line_tax) pairs."""
    amounts = sum((amount for amount, _ in lines), Decimal("0.00"))
    tax = sum((t for _, t in lines), Decimal("0.00"))
    if line_amount_types == "Inclusive":
        return amounts - tax, tax, amounts
    return amounts, tax, amounts + tax
