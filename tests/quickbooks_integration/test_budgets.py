"""Budgets read from QuickBooks Online over real HTTP: Office Expenses overall and for the
Consulting class, monthly."""

from datetime import date
from decimal import Decimal

import pytest

from approvalmax.budgets.models import Budget
from approvalmax.budgets.services import budgets_sync
from tests.quickbooks_integration.test_publishing import synced  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_overall_and_class_budgets_come_from_quickbooks(synced):  # noqa: F811
    organisation = synced.organisation

    assert budgets_sync(organisation_id=organisation.pk) == 24

    month = date(date.today().year, 11, 1)
    rows = {(b.account.code, b.tracking_option.name if b.tracking_option else None): b.amount
            for b in Budget.objects.filter(organisation=organisation, month=month)
            .select_related("account", "tracking_option")}
    assert rows == {("429", None): Decimal("800.00"), ("429", "Consulting"): Decimal("300.00")}
