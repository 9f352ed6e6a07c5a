"""Foreign bills and Xero over real HTTP: the rate Xero applied to the latest bill in a currency is
read back as the organisation's rate, and a paid foreign bill's payment carries the rate it was
approved at."""

from datetime import date
from decimal import Decimal

import pytest

from approvalmax.currencies.models import ExchangeRate, RatePolicy
from approvalmax.currencies.services import rates_sync
from tests.xero_integration.helpers import SandboxReader, approved_request, synced_master_data
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_rate_xero_applied_to_the_latest_bill_becomes_the_organisations(
        connected_organisation, django_capture_on_commit_callbacks):
    RatePolicy.objects.create(organisation=connected_organisation, source="accounting")
    approved_request(connected_organisation, django_capture_on_commit_callbacks, currency="EUR")
    tenant_publish(organisation_id=connected_organisation.pk)  # Xero applies its day rate, 1.16

    assert rates_sync(organisation_id=connected_organisation.pk) == 1

    [rate] = ExchangeRate.objects.filter(organisation=connected_organisation)
    assert (rate.currency, rate.rate, rate.on, rate.source) == ("EUR", Decimal("1.16"), date(2026, 11, 2),
                                                                "accounting")


def test_a_paid_foreign_bill_is_paid_at_the_rate_it_was_approved_at(
        connected_organisation, settings, django_capture_on_commit_callbacks):
    ExchangeRate.objects.create(organisation=connected_organisation, currency="EUR", rate=Decimal("1.2"),
                                on=date(2026, 11, 1), source="table")
    bank = synced_master_data(connected_organisation)["bank"]
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, currency="EUR",
                               is_paid=True, payment_method_name="Card", payment_account=bank)
    assert request.base_total == Decimal("45.00")

    tenant_publish(organisation_id=connected_organisation.pk)

    request.refresh_from_db()
    [payment] = SandboxReader(settings, connected_organisation).payments()
    assert Decimal(str(payment["CurrencyRate"])) == Decimal("1.2")
    assert Decimal(str(payment["BankAmount"])) == Decimal("45.00")
