"""Bills in another currency: converted at the rate the organisation's source gives for their
date, the rate recorded, amount rules compared in the base currency, and a missing rate said."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from approvalmax.currencies.models import ExchangeRate, RatePolicy
from dext_integration.selectors import request_warnings
from tests.workflows.helpers import reload
from workflows.audit_report import audit_report_html
from workflows.models import AuditEvent, MatrixRule

pytestmark = pytest.mark.django_db


def _rate(organisation, rate, on, source="table", currency="EUR"):
    return ExchangeRate.objects.create(organisation=organisation, currency=currency, rate=Decimal(rate), on=on,
                                       source=source)


def test_a_foreign_bill_records_the_latest_rate_on_or_before_its_date(create_request, organisation):
    _rate(organisation, "1.10000000", date(2026, 10, 1))
    _rate(organisation, "1.15000000", date(2026, 11, 1))
    _rate(organisation, "1.20000000", date(2026, 11, 5))  # after the bill's date
    _rate(organisation, "9.99000000", date(2026, 11, 2), source="accounting")  # not the chosen source

    request = reload(create_request(currency="EUR"))

    assert (request.exchange_rate, request.exchange_rate_on, request.exchange_rate_source) == (
        Decimal("1.15000000"), date(2026, 11, 1), "table")
    assert request.base_total == Decimal("46.96")  # 54.00 / 1.15
    submitted = request.audit_events.get(action=AuditEvent.Action.SUBMITTED)
    assert "≈ GBP 46.96 at 1 GBP = 1.15 EUR of 01 Nov 2026 (the organisation's rate table)." in submitted.message


def test_the_accounting_systems_rates_when_the_organisation_chooses_them(create_request, organisation):
    RatePolicy.objects.create(organisation=organisation, source="accounting")
    _rate(organisation, "1.50000000", date(2026, 10, 1))
    _rate(organisation, "1.25000000", date(2026, 10, 20), source="accounting")

    assert reload(create_request(currency="EUR")).exchange_rate == Decimal("1.25000000")


def test_a_bill_in_the_base_currency_is_not_converted(create_request, organisation):
    _rate(organisation, "1.15000000", date(2026, 11, 1), currency="GBP")

    request = reload(create_request())

    assert request.exchange_rate is None and request.base_total is None


def test_amount_rules_compare_in_the_base_currency(create_request, organisation, workflow, second_approver, approver):
    MatrixRule.objects.create(step=workflow.steps.get(), approver=second_approver, amount_operator="at_or_over",
                              amount=Decimal("50.00"))
    _rate(organisation, "2.00000000", date(2026, 11, 1))  # 54.00 EUR is 27.00 GBP

    foreign = create_request(currency="EUR", source_reference="CI-1")
    home = create_request(source_reference="CI-2", invoice_number="X-2")

    assert set(foreign.assignments.values_list("approver_id", flat=True)) == {approver.pk}
    assert set(home.assignments.values_list("approver_id", flat=True)) == {second_approver.pk}


def test_a_missing_rate_is_said_on_the_page_to_dext_and_in_the_report(client, create_request, approver):
    request = reload(create_request(currency="USD"))
    client.force_login(approver)

    page = client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode()

    message = "No USD rate on or before 02 Nov 2026: amount rules compared the bill&#x27;s own total."
    assert message in page
    codes = [w["code"] for w in request_warnings(request=request, url="https://x.example/")]
    assert "no_exchange_rate" in codes
    assert "No USD rate on or before 02 Nov 2026" in audit_report_html(request=request)
