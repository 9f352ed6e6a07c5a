"""Where approvers and Dext read a bill's budget: the request page, the approver's email, the
audit report, and Dext's warnings."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from approvalmax.budgets.models import Budget
from dext_integration.selectors import request_warnings
from tests.workflows.helpers import reload
from workflows.audit_report import audit_report_html
from workflows.notices import bill_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def over(organisation, master_data):
    Budget.objects.create(organisation=organisation, account=master_data["general"], month=date(2026, 11, 1),
                          amount=Decimal("40.00"), source="upload")


def test_the_page_shows_each_lines_budget_and_status(client, create_request, approver, over):
    request = create_request()
    client.force_login(approver)

    page = client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode()

    assert "Against the budgets for November 2026, net (before tax)" in page
    assert "<strong>Over budget</strong>" in page and "429 General Expenses" in page


def test_dext_the_email_and_the_audit_report_say_it_is_over(create_request, over):
    request = reload(create_request())

    [warning] = [w for w in request_warnings(request=request, url="https://x.example/") if w["code"] == "over_budget"]
    assert warning["message"] == ("429 - General Expenses: 45.00 of a budget of 40.00 for November 2026 "
                                  "(5.00 over).")
    assert warning["message"] in bill_context(request)["warnings"]
    assert "Over budget" in audit_report_html(request=request)


def test_without_budgets_nothing_is_said(client, create_request, approver):
    request = reload(create_request())
    client.force_login(approver)

    page = client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode()

    assert "budget-heading" not in page
    assert not [w for w in request_warnings(request=request, url="https://x.example/") if "budget" in w["code"]]
