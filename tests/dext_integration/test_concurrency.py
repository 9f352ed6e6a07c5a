"""Two pushes of one item at once make one request; the loser is answered as a re-push."""

import threading

import pytest
from django.db import connection

from dext_integration import services
from dext_integration.models import CostItem
from dext_integration.services import dext_connection_create
from tests.dext_integration.conftest import client_for, make_item, publish
from workflows.models import ApprovalRequest, RequestLine


@pytest.mark.django_db
def test_a_push_that_loses_the_race_on_the_unique_constraint_answers_200(api, ready, monkeypatch):
    first = publish(api, make_item())
    real_lookup = services._locked_item
    lookups = []

    def blind_first_lookup(**kwargs):
        # As if the winner had not committed yet when this push looked.
        lookups.append(kwargs)
        return None if len(lookups) == 1 else real_lookup(**kwargs)

    monkeypatch.setattr(services, "_locked_item", blind_first_lookup)

    second = publish(api, make_item())

    assert len(lookups) == 2
    assert second.status_code == 200
    assert second.json() == first.json()
    assert ApprovalRequest.objects.count() == 1
    assert RequestLine.objects.count() == 1
    assert CostItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_pushes_at_once_create_one_request(organisation, master_data, workflow):
    _, key = dext_connection_create(organisation=organisation)
    barrier = threading.Barrier(2)
    statuses = []

    def push():
        try:
            client = client_for(key)
            barrier.wait(timeout=10)
            statuses.append(publish(client, make_item()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 201]
    assert ApprovalRequest.objects.count() == 1
    assert CostItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_items_with_the_same_new_supplier_at_once_introduce_it_once(
        organisation, master_data, workflow, monkeypatch):
    from approvalmax.core.models import Supplier
    from dext_integration import tasks

    monkeypatch.setattr(tasks.push_master_data, "delay", lambda *args, **kwargs: None)
    _, key = dext_connection_create(organisation=organisation)
    barrier = threading.Barrier(2)
    statuses = []

    def push(dext_id):
        try:
            client = client_for(key)
            barrier.wait(timeout=10)
            item = make_item(dext_id=dext_id, supplier={"name": "Brand New Stationers"})
            statuses.append(publish(client, item).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(f"CI-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [201, 201]
    assert Supplier.objects.filter(name="Brand New Stationers").count() == 1
