"""Amounts as accountants write them."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def unit_price(value) -> str:
    """A unit amount with two decimals at least and four at most, grouped by thousands:
    24.5000 reads "24.50", 4.1250 "4.125", 1234 "1,234.00"."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{amount:,.4f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


@register.filter
def amount(value) -> str:
    """Money to two places, grouped by thousands: what `floatformat:"2g"` shows, at a fraction of
    its cost on a page of hundreds of lines."""
    try:
        return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""
