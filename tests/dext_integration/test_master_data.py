"""GET /api/dext/v1/{list}/: what Dext pulls to code cost items with."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvalmax.core.models import Account, Supplier, TaxRate, TrackingOption
from dext_integration import apis
from tests.factories import OrganisationFactory, chart_of_accounts

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_suppliers_are_the_active_contacts_that_are_suppliers(api, master_data, organisation):
    Supplier.objects.create(organisation=organisation, name="Just a customer", is_supplier=False)
    Supplier.objects.create(organisation=organisation, name="Gone Ltd", is_supplier=True, status="ARCHIVED")
    chart_of_accounts(OrganisationFactory())

    response = api.get("/api/dext/v1/suppliers/")

    supplier = master_data["supplier"]
    assert results(response) == [{
        "id": supplier.external_id, "name": "Acme Supplies Ltd", "email": "", "status": "ACTIVE",
        "updated_at": supplier.updated_at.isoformat().replace("+00:00", "Z"),
    }]
    body = response.json()
    assert body["next"] is None
    assert body["synced_at"] is not None


def test_accounts_tax_rates_and_bank_accounts(api, master_data):
    assert [a["code"] for a in results(api.get("/api/dext/v1/accounts/"))] == ["429", "453"]
    assert [(t["tax_type"], t["effective_rate"]) for t in results(api.get("/api/dext/v1/tax-rates/"))] == [
        ("INPUT2", "20.0000"), ("NONE", "0.0000")
    ]
    [bank] = results(api.get("/api/dext/v1/bank-accounts/"))
    assert (bank["code"], bank["type"], bank["bank_account_number"]) == ("090", "BANK", "12345678")


def test_tax_rates_that_cannot_apply_to_expenses_are_left_out(api, master_data):
    TaxRate.objects.filter(tax_type="NONE").update(can_apply_to_expenses=False)

    assert [t["tax_type"] for t in results(api.get("/api/dext/v1/tax-rates/"))] == ["INPUT2"]


def test_tracking_categories_carry_their_active_options(api, master_data):
    TrackingOption.objects.filter(name="South").update(status="ARCHIVED")

    [region] = results(api.get("/api/dext/v1/tracking-categories/"))

    assert region["name"] == "Region"
    assert region["options"] == [{"id": master_data["north"].external_id, "name": "North"}]


def test_an_unchanged_list_answers_304_to_its_etag(api, master_data):
    first = api.get("/api/dext/v1/accounts/")
    etag = first["ETag"]

    again = api.get("/api/dext/v1/accounts/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    Account.objects.filter(code="453").update(name="Office costs", updated_at=timezone.now())
    changed = api.get("/api/dext/v1/accounts/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_updated_since_gives_only_what_changed_archived_included(api, master_data):
    since = timezone.now()
    Account.objects.filter(code="453").update(status="ARCHIVED", updated_at=since + timedelta(seconds=1))
    TrackingOption.objects.filter(name="South").update(updated_at=since + timedelta(seconds=1))

    accounts = results(api.get("/api/dext/v1/accounts/", {"updated_since": since.isoformat()}))
    categories = results(api.get("/api/dext/v1/tracking-categories/", {"updated_since": since.isoformat()}))
    suppliers = results(api.get("/api/dext/v1/suppliers/", {"updated_since": since.isoformat()}))

    assert [(a["code"], a["status"]) for a in accounts] == [("453", "ARCHIVED")]
    assert [c["name"] for c in categories] == ["Region"]
    assert suppliers == []


def test_updated_since_with_an_unencoded_plus(api, master_data):
    response = api.get("/api/dext/v1/accounts/?updated_since=2000-01-01T00:00:00+00:00")

    assert [(a["code"], a["status"]) for a in results(response)] == [
        ("429", "ACTIVE"), ("453", "ACTIVE"), ("999", "ARCHIVED")
    ]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", ""])
def test_a_bad_updated_since_is_a_400(api, master_data, value):
    response = api.get("/api/dext/v1/accounts/", {"updated_since": value})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["updated_since"]


def test_long_lists_come_in_pages(api, organisation, monkeypatch):
    monkeypatch.setattr(apis, "MASTER_DATA_PAGE_SIZE", 2)
    Supplier.objects.bulk_create(
        Supplier(organisation=organisation, external_id=str(uuid.uuid4()), name=f"Supplier {n}", is_supplier=True)
        for n in range(5)
    )

    names, url = [], "/api/dext/v1/suppliers/"
    while url:
        body = api.get(url.removeprefix("http://127.0.0.1:8000")).json()
        names += [s["name"] for s in body["results"]]
        url = body["next"]

    assert names == [f"Supplier {n}" for n in range(5)]


def test_a_bad_page_is_a_400(api, organisation):
    assert api.get("/api/dext/v1/suppliers/", {"page": "0"}).status_code == 400
    assert api.get("/api/dext/v1/suppliers/", {"page": "9" * 5000}).status_code == 400


def test_an_unknown_list_is_a_404(api, organisation):
    response = api.get("/api/dext/v1/customers/")

    assert response.status_code == 404
    assert "suppliers" in response.json()["error"]["message"]


def test_lists_need_a_key(master_data):
    assert APIClient().get("/api/dext/v1/accounts/").status_code == 401
