"""A bill in another currency reaches QuickBooks Online with the rate it was approved at, in QBO's
own direction (home currency per unit of the bill's)."""

from datetime import date
from decimal import Decimal

import pytest

from approvalmax.currencies.models import ExchangeRate
from quickbooks_integration.sandbox.models import Company
from tests.quickbooks_integration.test_publishing import approved, publish_until_done, qbo, synced  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_foreign_bill_carries_its_rate(synced):  # noqa: F811
    Company.objects.update(currencies=["EUR"])
    ExchangeRate.objects.create(organisation=synced.organisation, currency="EUR", rate=Decimal("1.25"),
                                on=date(2026, 11, 1), source="table")
    request = approved(synced.organisation, currency="EUR")
    assert request.base_total == Decimal("43.20")

    publish_until_done(synced.organisation_id)

    [bill] = qbo("Bill")
    assert bill["CurrencyRef"] == {"value": "EUR"} and bill["ExchangeRate"] == 0.8
