"""The pre-flight check: what Xero would refuse, found in the synced master data before approval."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.builders import bill_content, pdf_document
from tests.factories import OrganisationFactory, UserFactory, chart_of_accounts, one_step_workflow
from workflows import checks
from workflows import services as workflow_services
from xero_integration.models import XeroConnection
from xero_integration.preflight import xero_problems_before_approval

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    organisation = OrganisationFactory()
    one_step_workflow(organisation, [UserFactory()])
    XeroConnection.objects.create(
        organisation=organisation, tenant_id="398bce6a-3b0b-409f-b142-91e54f4098f2", tenant_name="Demo Trading Ltd",
        access_token="a", refresh_token="r", access_token_expires_at=timezone.now() + timedelta(minutes=30))
    return organisation


@pytest.fixture
def chart(organisation):
    return chart_of_accounts(organisation)


@pytest.fixture
def make_request(organisation, chart, django_capture_on_commit_callbacks):
    def make(**overrides):
        with django_capture_on_commit_callbacks(execute=False):
            return workflow_services.request_create(
                organisation=organisation, content=bill_content(chart, **overrides), document=pdf_document())
    return make


def test_a_request_xero_would_accept_has_no_problems(make_request):
    request = make_request()

    assert xero_problems_before_approval(request) == []
    assert checks.problems_before_approval(request) == []


def test_the_xero_check_is_registered_with_the_engine(make_request, chart):
    request = make_request()
    request.current_lines().update(account=chart["archived"])

    assert checks.problems_before_approval(request) == xero_problems_before_approval(request) != []


def test_an_archived_account_is_named(make_request, chart):
    request = make_request()
    request.current_lines().update(account=chart["archived"])

    assert xero_problems_before_approval(request) == [
        "Line 1: the account 999 - Old Account is archived in Xero. Choose another account."]


def test_an_archived_tracking_option_and_tax_rate_are_named(make_request, chart):
    request = make_request()
    chart["north"].status = "ARCHIVED"
    chart["north"].save()
    chart["input2"].status = "ARCHIVED"
    chart["input2"].save()

    problems = xero_problems_before_approval(request)

    assert any("tracking option “North” of “Region” is archived" in p for p in problems)
    assert any("tax rate 20% (VAT on Expenses) (INPUT2) is archived" in p for p in problems)


def test_a_tax_rate_not_for_expenses_is_named(make_request, chart):
    request = make_request()
    chart["input2"].can_apply_to_expenses = False
    chart["input2"].save()

    assert xero_problems_before_approval(request) == [
        "Line 1: the tax rate 20% (VAT on Expenses) (INPUT2) cannot be used on bills. Choose another tax rate."]


def test_an_archived_supplier_is_named(make_request, chart):
    request = make_request()
    chart["supplier"].status = "ARCHIVED"
    chart["supplier"].save()

    [problem] = xero_problems_before_approval(request)
    assert "supplier “Acme Supplies Ltd” is archived" in problem


@pytest.mark.parametrize("field, label", [("period_lock_date", "period lock date"),
                                          ("end_of_year_lock_date", "end of year lock date")])
def test_a_date_on_or_before_a_lock_date_is_refused(make_request, organisation, field, label):
    request = make_request(date=date(2026, 3, 31))
    XeroConnection.objects.filter(organisation=organisation).update(**{field: date(2026, 3, 31)})

    [problem] = xero_problems_before_approval(request)
    assert f"on or before Xero's {label} (31 Mar 2026)" in problem

    XeroConnection.objects.filter(organisation=organisation).update(**{field: date(2026, 3, 30)})
    assert xero_problems_before_approval(request) == []


def test_a_payment_account_that_cannot_take_payments_is_named(make_request, chart):
    request = make_request(is_paid=True, payment_method_name="Card", payment_account=chart["general"])

    [problem] = xero_problems_before_approval(request)
    assert "does not accept payments" in problem


def test_a_connection_needing_reconnection_is_a_problem(make_request, organisation):
    request = make_request()
    XeroConnection.objects.filter(organisation=organisation).update(
        status=XeroConnection.Status.NEEDS_RECONNECTING)

    assert xero_problems_before_approval(request) == [
        "The Xero connection needs reconnecting by an administrator before the bill can be created."]


def test_checks_registered_by_others_run_after_each_other(make_request):
    request = make_request()

    def always(_request):
        return ["Something else is wrong."]

    checks.register(always)
    checks.register(always)
    try:
        assert checks.problems_before_approval(request) == ["Something else is wrong."]
    finally:
        checks.unregister(always)
    assert checks.problems_before_approval(request) == []


def test_a_currency_xero_does_not_have_is_named(make_request, organisation):
    request = make_request(currency="JPY")
    XeroConnection.objects.filter(organisation=organisation).update(currencies=["EUR", "GBP"])

    assert xero_problems_before_approval(request) == [
        "The currency JPY is not enabled in Xero. Ask your accountant to add it in Xero's currency settings."]
