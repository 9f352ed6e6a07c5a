"""Every way a publish can be refused for who sends it or what the item says: the status, the
error's code, and the fields it names (refused uploads: `test_refused_uploads.py`)."""

import pytest
from rest_framework.test import APIClient

from approvalmax.core.models import Account, TaxRate, TrackingOption
from dext_integration.services import dext_connection_create, dext_connection_revoke
from tests.dext_integration.conftest import assert_nothing_written, client_for, error, make_item, publish
from tests.factories import OrganisationFactory
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db


# Authentication


def test_a_missing_key_is_a_401(ready):
    response = publish(APIClient(), make_item())

    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    assert_nothing_written()


@pytest.mark.parametrize(
    "header", ["Bearer not-a-key", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a b", "Bearer caf\xe9"]
)
def test_an_unknown_key_is_a_401(ready, dext_key, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = publish(client, make_item())

    assert response.status_code == 401
    assert error(response)["code"] == "authentication_failed"
    assert_nothing_written()


def test_a_revoked_key_is_a_401(ready, organisation):
    connection, key = dext_connection_create(organisation=organisation)
    dext_connection_revoke(connection_id=connection.pk)

    response = publish(client_for(key), make_item())

    assert response.status_code == 401
    assert "revoked" in error(response)["message"]
    assert client_for(key).get("/api/dext/v1/cost-items/CI-000123/").status_code == 401
    assert_nothing_written()


def test_another_organisations_item_is_not_found(api, ready):
    publish(api, make_item())
    _, other_key = dext_connection_create(organisation=OrganisationFactory())
    other = client_for(other_key)

    assert other.get("/api/dext/v1/cost-items/CI-000123/").status_code == 404
    assert error(other.delete("/api/dext/v1/cost-items/CI-000123/"))["code"] == "not_found"
    assert ApprovalRequest.objects.get().state == "on_approval"


# The item's fields


@pytest.mark.parametrize(
    "field",
    ["dext_id", "type", "publish_to", "date", "currency", "line_amount_types", "line_items", "total", "tax_total"],
)
def test_a_missing_required_field_is_a_400_naming_it(api, ready, field):
    item = make_item()
    del item[field]

    response = publish(api, item)

    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid_item"
    assert list(body["fields"]) == [field]
    assert field in body["message"]


def test_an_item_missing_its_supplier_and_its_lines_is_told_of_both(api, ready):
    item = make_item()
    del item["supplier"]
    item["line_items"] = []

    response = publish(api, item)

    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"supplier.name", "line_items"}


@pytest.mark.parametrize(
    "overrides, path",
    [
        ({"type": "bill"}, "type"),
        ({"type": "Invoice"}, "type"),
        ({"publish_to": "spend_money"}, "publish_to"),
        ({"line_amount_types": "exclusive"}, "line_amount_types"),
        ({"line_amount_types": 1}, "line_amount_types"),
        ({"date": "02/11/2026"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "20261102"}, "date"),
        ({"due_date": 20261202}, "due_date"),
        ({"currency": "gbp"}, "currency"),
        ({"currency": "POUND"}, "currency"),
        ({"total": 54}, "total"),
        ({"total": 54.0}, "total"),
        ({"total": "54.001"}, "total"),
        ({"total": "1e3"}, "total"),
        ({"total": "NaN"}, "total"),
        ({"total": "-54.00"}, "total"),
        ({"total": "1" * 40}, "total"),
        ({"tax_total": None}, "tax_total"),
        ({"paid": "yes"}, "paid"),
        ({"paid": 1}, "paid"),
        ({"dext_id": ""}, "dext_id"),
        ({"dext_id": "CI/1"}, "dext_id"),
        ({"dext_id": "x" * 101}, "dext_id"),
        ({"dext_id": 123}, "dext_id"),
        ({"dext_id": "."}, "dext_id"),
        ({"dext_id": ".."}, "dext_id"),
        ({"dext_id": "CI\\1"}, "dext_id"),
        ({"line_items": []}, "line_items"),
        ({"line_items": "lines"}, "line_items"),
        ({"line_items": [[]]}, "line_items[0]"),
        ({"supplier": "Acme"}, "supplier"),
        ({"supplier": {"name": ""}}, "supplier.name"),
        ({"supplier": {"name": "Acme", "xero_contact_id": "not-a-uuid"}}, "supplier.xero_contact_id"),
        ({"owner": {"email": "not an email"}}, "owner.email"),
        ({"document_url": "javascript:alert(1)"}, "document_url"),
        ({"invoice_number": "x" * 256}, "invoice_number"),
        ({"invoice_number": "bad \ud800 text"}, "invoice_number"),
        ({"invoice_number": "nul \x00 byte"}, "invoice_number"),
        ({"type": "expense_report", "owner": {"email": "sam@example.com"}}, "owner.name"),
    ],
)
def test_a_wrong_field_is_a_400_naming_it(api, ready, overrides, path):
    response = publish(api, make_item(**overrides))

    assert response.status_code == 400
    assert list(error(response)["fields"]) == [path]
    assert_nothing_written()


@pytest.mark.parametrize(
    "line_overrides, path",
    [
        ({"quantity": "0"}, "line_items[0].quantity"),
        ({"quantity": "-1"}, "line_items[0].quantity"),
        ({"quantity": 10}, "line_items[0].quantity"),
        ({"quantity": "1.00001"}, "line_items[0].quantity"),
        ({"quantity": "99999999999"}, "line_items[0].quantity"),
        ({"unit_amount": "four"}, "line_items[0].unit_amount"),
        ({"account_code": None}, "line_items[0].account_code"),
        ({"account_code": 429}, "line_items[0].account_code"),
        ({"tracking": [{"category": "Region"}]}, "line_items[0].tracking[0].option"),
        ({"tracking": [{"category": "Region", "option": "North"}] * 3}, "line_items[0].tracking"),
        ({"tracking": [{"category": "Region", "option": "North"}, {"category": "Region", "option": "South"}]},
         "line_items[0].tracking"),
    ],
)
def test_a_wrong_line_field_is_a_400_naming_its_path(api, ready, line_overrides, path):
    item = make_item()
    item["line_items"][0].update(line_overrides)

    response = publish(api, item)

    assert response.status_code == 400
    assert list(error(response)["fields"]) == [path]


def test_every_wrong_field_is_named_at_once(api, ready):
    item = make_item(currency="pounds", date="yesterday")
    item["line_items"].append({"quantity": "x", "unit_amount": "1", "account_code": "429"})

    response = publish(api, item)

    assert set(error(response)["fields"]) == {"currency", "date", "line_items[1].quantity"}


def test_amounts_that_disagree_with_the_lines_are_a_422(api, ready):
    response = publish(api, make_item(total="55.00"))

    assert response.status_code == 422
    body = error(response)
    assert body["code"] == "amounts_mismatch"
    assert body["fields"] == {"total": "Expected 54.00 from the lines, got 55.00."}
    assert_nothing_written()


def test_tax_rounded_on_the_total_instead_of_per_line_is_a_422(api, ready):
    line = {"quantity": "1", "unit_amount": "0.33", "account_code": "429", "tax_type": "INPUT2"}
    # Per line: 0.07 + 0.07 = 0.14; on the sum 0.66 it would be 0.13.
    response = publish(api, make_item(line_items=[line, line], tax_total="0.13", total="0.79"))

    assert response.status_code == 422
    assert error(response)["fields"] == {
        "tax_total": "Expected 0.14 from the lines, got 0.13.",
        "total": "Expected 0.80 from the lines, got 0.79.",
    }


def test_line_amounts_too_large_to_keep_are_a_422(api, ready):
    big = {"quantity": "9999999999", "unit_amount": "9999999999", "account_code": "429", "tax_type": "NONE"}
    negative = dict(big, unit_amount="-9999999999")

    response = publish(api, make_item(line_items=[big, negative], total="0.00", tax_total="0.00"))

    assert response.status_code == 422
    assert set(error(response)["fields"]) == {"line_items[0]", "line_items[1]"}


def test_unknown_master_data_is_a_422_naming_each_value(api, ready):
    item = make_item()
    item["line_items"][0].update(account_code="430", tax_type="OUTPUT2",
                                 tracking=[{"category": "Region", "option": "West"},
                                           {"category": "Department", "option": "Sales"}])

    response = publish(api, item)

    assert response.status_code == 422
    body = error(response)
    assert body["code"] == "unknown_references"
    assert set(body["fields"]) == {
        "line_items[0].account_code",
        "line_items[0].tax_type",
        "line_items[0].tracking[0].option",
        "line_items[0].tracking[1].category",
    }
    assert "'430'" in body["fields"]["line_items[0].account_code"]
    assert "'West'" in body["fields"]["line_items[0].tracking[0].option"]
    assert_nothing_written()


def test_archived_master_data_is_unknown(api, ready):
    item = make_item()
    item["line_items"][0]["account_code"] = "999"  # archived in the chart of accounts
    TaxRate.objects.filter(tax_type="INPUT2").update(status="ARCHIVED")
    TrackingOption.objects.filter(name="North").update(status="ARCHIVED")

    response = publish(api, item)

    assert set(error(response)["fields"]) == {
        "line_items[0].account_code", "line_items[0].tax_type", "line_items[0].tracking[0].option"
    }


def test_a_tax_rate_that_cannot_apply_to_expenses_is_unknown(api, ready):
    TaxRate.objects.filter(tax_type="INPUT2").update(can_apply_to_expenses=False)

    response = publish(api, make_item())

    assert list(error(response)["fields"]) == ["line_items[0].tax_type"]


def test_a_bank_account_cannot_code_a_line(api, ready):
    item = make_item()
    item["line_items"][0]["account_code"] = "090"

    response = publish(api, item)

    assert response.status_code == 422
    assert list(error(response)["fields"]) == ["line_items[0].account_code"]


def test_another_organisations_master_data_is_unknown(api, ready):
    other = OrganisationFactory()
    Account.objects.create(organisation=other, external_id="00000000-0000-4000-8000-000000000001",
                           code="500", name="Theirs", type="EXPENSE")
    item = make_item()
    item["line_items"][0]["account_code"] = "500"

    assert list(error(publish(api, item))["fields"]) == ["line_items[0].account_code"]


def test_an_unknown_item_answers_404(api, ready):
    for path in ["/api/dext/v1/cost-items/CI-404/", "/api/dext/v1/cost-items/%00/", "/api/dext/v1/nothing/here/"]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert error(response)["code"] == "not_found"
