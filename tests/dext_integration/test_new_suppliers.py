"""Suppliers Xero does not know yet: accepted, kept, and in the feed before Xero flags them."""

import uuid

import pytest
from django.db import transaction

from approvalmax.core.models import Supplier
from dext_integration import tasks
from tests.dext_integration.conftest import make_item, publish
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db


def supplier_names(api) -> list[tuple[str | None, str]]:
    response = api.get("/api/dext/v1/suppliers/")
    assert response.status_code == 200
    return [(row["id"], row["name"]) for row in response.json()["results"]]


def test_a_new_supplier_is_in_the_feed_at_once(api, ready):
    publish(api, make_item(supplier={"name": "Brand New Stationers"}))

    assert (None, "Brand New Stationers") in supplier_names(api)


def test_a_new_supplier_is_pushed_to_dext_on_commit(api, ready, monkeypatch, django_capture_on_commit_callbacks):
    enqueued = []
    monkeypatch.setattr(tasks.push_master_data, "delay", lambda *args, **kwargs: enqueued.append((args, kwargs)))

    with django_capture_on_commit_callbacks(execute=True):
        publish(api, make_item(supplier={"name": "Brand New Stationers"}))

    organisation_id = ready["general"].organisation_id
    assert enqueued == [((organisation_id,), {"lists": ["suppliers"], "force": False})]


def test_an_item_refused_keeps_no_new_supplier(api, ready):
    item = make_item(supplier={"name": "Brand New Stationers"}, total="1.00")

    assert publish(api, item).status_code == 422
    assert not Supplier.objects.filter(name="Brand New Stationers").exists()


def test_the_same_new_supplier_again_is_not_duplicated(api, ready):
    publish(api, make_item(supplier={"name": "Brand New Stationers"}))
    publish(api, make_item(dext_id="CI-2", supplier={"name": "Brand New Stationers"}))

    assert Supplier.objects.filter(name="Brand New Stationers").count() == 1
    assert len({r.supplier_id for r in ApprovalRequest.objects.all()}) == 1


def test_its_xero_contact_stands_in_once_synced_even_before_xero_flags_it(api, ready):
    publish(api, make_item(supplier={"name": "Brand New Stationers"}))
    organisation = ready["general"].organisation
    # Publishing created the contact in Xero; a sync brings it, not yet flagged as a supplier.
    with transaction.atomic():
        contact = Supplier.objects.create(organisation=organisation, external_id=str(uuid.uuid4()),
                                          name="Brand New Stationers", is_supplier=False)

    assert supplier_names(api) == [(ready["supplier"].external_id, "Acme Supplies Ltd"),
                                   (contact.external_id, "Brand New Stationers")]
    # The next item with that supplier is coded with the Xero contact.
    publish(api, make_item(dext_id="CI-2", supplier={"name": "Brand New Stationers"}))
    assert ApprovalRequest.objects.get(source_reference="CI-2").supplier == contact


def test_other_contacts_that_are_not_suppliers_stay_out(api, ready):
    organisation = ready["general"].organisation
    Supplier.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), name="A Customer",
                            is_supplier=False)

    assert "A Customer" not in [name for _, name in supplier_names(api)]


def test_an_expense_report_is_one_bill_with_one_line_per_expense(api, ready):
    lines = [
        {"description": "Train to Leeds", "quantity": "1", "unit_amount": "40.00", "account_code": "429",
         "tax_type": "NONE"},
        {"description": "Hotel", "quantity": "2", "unit_amount": "80.00", "account_code": "429",
         "tax_type": "INPUT2"},
        {"description": "Stationery", "quantity": "1", "unit_amount": "5.00", "account_code": "453",
         "tax_type": "INPUT2", "tracking": [{"category": "Region", "option": "South"}]},
    ]
    item = make_item(dext_id="ER-1", type="expense_report", supplier=None, line_items=lines, total="238.00",
                     tax_total="33.00", invoice_number="", owner={"name": "Sam Taylor", "email": "sam@example.com"})

    response = publish(api, item)

    assert response.status_code == 201, response.json()
    request = ApprovalRequest.objects.get()
    assert request.kind == "bill" and request.supplier_name == "Sam Taylor - Expense report"
    assert [(x.description, x.line_amount, x.tax_amount) for x in request.current_lines().order_by("position")] == [
        ("Train to Leeds", 40, 0), ("Hotel", 160, 32), ("Stationery", 5, 1)]
    assert (None, "Sam Taylor - Expense report") in supplier_names(api)
    # The next report of the same owner has the same supplier.
    publish(api, {**item, "dext_id": "ER-2"})
    assert Supplier.objects.filter(name="Sam Taylor - Expense report").count() == 1
