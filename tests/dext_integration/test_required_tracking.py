"""Tracking categories the workflow makes mandatory: a cost item without one is refused."""

import pytest

from tests.dext_integration.conftest import make_item, publish
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_required(ready, workflow):
    workflow.required_tracking_categories.add(ready["region"])
    return ready["region"]


def test_a_line_without_a_required_category_is_a_422_naming_it(api, region_required):
    item = make_item(line_items=[
        {"description": "Paper", "quantity": "10", "unit_amount": "4.50", "account_code": "429", "tax_type": "INPUT2",
         "tracking": [{"category": "Region", "option": "North"}]},
        {"description": "Pens", "quantity": "1", "unit_amount": "10.00", "account_code": "429", "tax_type": "INPUT2"},
    ], total="66.00", tax_total="11.00")  # fmt: skip

    response = publish(api, item)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "required_tracking_missing"
    assert "'Region'" in error["message"]
    assert error["fields"] == {"line_items[1].tracking": "Tracking category 'Region' is required."}
    assert not ApprovalRequest.objects.exists()


def test_a_cost_item_with_the_required_category_is_accepted(api, region_required):
    assert publish(api, make_item()).status_code == 201


def test_tracking_is_optional_unless_required(api, ready):
    item = make_item()
    item["line_items"][0]["tracking"] = []

    assert publish(api, item).status_code == 201


def test_bank_transactions_bypass_the_workflow_and_its_required_fields(api, region_required):
    item = make_item(publish_to="bank_transaction")
    item["line_items"][0]["tracking"] = []

    assert publish(api, item).status_code == 202
