"""Our arithmetic: line amounts and tax rounded per line to 2 places, then summed (as both
accounting systems do). Whether amounts include tax is said in our own words, `TaxTreatment`;
each adapter translates them into its system's."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models


class TaxTreatment(models.TextChoices):
    EXCLUSIVE = "exclusive", "Tax exclusive"
    INCLUSIVE = "inclusive", "Tax inclusive"
    NO_TAX = "no_tax", "No tax"


CENT = Decimal("0.01")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_amount: Decimal) -> Decimal:
    return round_money(quantity * unit_amount)


def line_tax(amount: Decimal, rate_percent: Decimal, treatment: str) -> Decimal:
    rate = rate_percent / Decimal(100)
    if treatment == TaxTreatment.EXCLUSIVE:
        return round_money(amount * rate)
    if treatment == TaxTreatment.INCLUSIVE:
        return round_money(amount - amount / (1 + rate))
    return Decimal("0.00")


def bill_totals(lines: list[tuple[Decimal, Decimal]], treatment: str) -> tuple[Decimal, Decimal, Decimal]:
    """(sub_total, tax_total, total) from (line_amount, line_tax) pairs."""
    amounts = sum((amount for amount, _ in lines), Decimal("0.00"))
    tax = sum((t for _, t in lines), Decimal("0.00"))
    if treatment == TaxTreatment.INCLUSIVE:
        return amounts - tax, tax, amounts
    return amounts, tax, amounts + tax
