"""Budgets read from Xero over real HTTP: the overall budget by account and the North region's by
account and option; a connection without the budgets scope says to reconnect; uploads are kept."""

from datetime import date
from decimal import Decimal

import pytest

from approvalmax.budgets.models import Budget, BudgetPolicy
from approvalmax.budgets.services import budgets_sync, policy_for
from xero_integration.models import XeroConnection
from xero_integration.sandbox.models import Grant

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_overall_and_tracking_budgets_come_from_xero(connected_organisation):
    count = budgets_sync(organisation_id=connected_organisation.pk)

    this_month = date.today().replace(day=1)
    rows = Budget.objects.filter(organisation=connected_organisation, month=this_month)
    overall = {b.account.code: b.amount for b in rows.filter(tracking_option=None).select_related("account")}
    assert overall == {"429": Decimal("1000.00"), "453": Decimal("500.00"), "461": Decimal("250.00")}
    [north] = rows.exclude(tracking_option=None).select_related("account", "tracking_option")
    assert (north.account.code, north.tracking_option.name, north.amount) == ("429", "North", Decimal("400.00"))
    assert count == Budget.objects.filter(organisation=connected_organisation).count() == 4 * 24
    policy = BudgetPolicy.objects.get(organisation=connected_organisation)
    assert policy.synced_at is not None and policy.sync_error == ""
    assert {b.source for b in Budget.objects.filter(organisation=connected_organisation)} == {"accounting"}


def test_a_connection_without_the_budgets_scope_is_told_to_reconnect(connected_organisation):
    connection = XeroConnection.objects.get(organisation=connected_organisation)
    for grant in Grant.objects.all():
        grant.scope = " ".join(s for s in grant.scope.split() if s != "accounting.budgets.read")
        grant.save()

    assert budgets_sync(organisation_id=connected_organisation.pk) is None

    assert "Reconnect Xero" in BudgetPolicy.objects.get(organisation=connected_organisation).sync_error
    assert not Budget.objects.filter(organisation=connection.organisation).exists()


def test_an_uploading_organisation_keeps_its_own_budgets(connected_organisation):
    policy = policy_for(connected_organisation)
    policy.origin = BudgetPolicy.Origin.UPLOAD
    policy.save()

    assert budgets_sync(organisation_id=connected_organisation.pk) is None
    assert not Budget.objects.exists()
