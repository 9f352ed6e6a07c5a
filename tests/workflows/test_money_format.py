"""Unit amounts as accountants write them: two decimals at least, four at most, thousands grouped."""

from decimal import Decimal

import pytest

from workflows.templatetags.money import amount, unit_price


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("24.5000"), "24.50"), (Decimal("4.1250"), "4.125"), (Decimal("0.0125"), "0.0125"),
    (Decimal("1234"), "1,234.00"), (Decimal("-3.5"), "-3.50"), ("not a number", ""), (None, ""),
])
def test_unit_amounts_read_as_accountants_write_them(value, shown):
    assert unit_price(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("1234.5"), "1,234.50"), (Decimal("-0.005"), "-0.01"), (Decimal("45"), "45.00"), ("x", ""), (None, ""),
])
def test_amounts_read_to_two_places_grouped_by_thousands(value, shown):
    assert amount(value) == shown
